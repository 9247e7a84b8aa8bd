package customer

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// The ISO 3166 table must be exactly the codes CLDR (via x/text) knows as
// countries, minus the exceptionally reserved, transitional and withdrawn
// codes CLDR keeps for old data, plus XK.
func TestCountryTableMatchesCLDR(t *testing.T) {
	notAssigned := strings.Fields("AC AN BU CP CQ CS CT DD DG DY EA EZ FQ FX HV IC JT MI NH NQ NT PC PU PZ RH SU TA TP UK UN VD WK YD YU ZR")
	var diff []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			cldr := err == nil && r.IsCountry() && !r.IsPrivateUse() && r.String() == code && !slices.Contains(notAssigned, code)
			if cldr != countries[code] {
				diff = append(diff, code)
			}
		}
	}
	assert.Equal(t, []string{"XK"}, diff)
	assert.Len(t, strings.Fields(iso3166), 249)
}

func TestIBANAndEUTablesUseKnownCountries(t *testing.T) {
	assert.Len(t, ibanLengths, 89)
	for c, n := range ibanLengths {
		assert.True(t, isCountry(c), c)
		assert.True(t, n >= 15 && n <= 34, c)
	}
	assert.Len(t, euMembers, 27)
	for c := range euMembers {
		assert.True(t, isCountry(c), c)
		prefix := c
		if c == "GR" {
			prefix = "EL"
		}
		require.Contains(t, vatFormats, prefix)
		require.Contains(t, vatExamples, prefix)
	}
	for prefix, example := range vatExamples {
		assert.NoError(t, ValidateVAT(example), prefix)
	}
	for c := range noPostcode {
		assert.True(t, isCountry(c), c)
	}
	for c := range postcodeFormats {
		assert.True(t, isCountry(c), c)
	}
}
