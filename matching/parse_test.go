package matching

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/cashcycle/sdk/o2c"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectFormat(t *testing.T) {
	cases := map[string]Format{
		"testdata/camt/camt053.v8.xml":               FormatCAMT053,
		"testdata/camt/camt054.v4.xml":               FormatCAMT054,
		"testdata/mt940/jejik/ing.sta":               FormatMT940,
		"testdata/mt940/ASNB/mt940.txt":              FormatMT940,
		"testdata/mt940/mBank/mt942.sta":             FormatMT942,
		"testdata/mt940/betterplace/empty_86.sta":    FormatMT940,
		"testdata/cfonb/statement.txt":               FormatCFONB120,
		"testdata/cfonb/one_line.txt":                FormatCFONB120,
		"testdata/mt940/betterplace/sepa_mt9401.sta": FormatMT940,
		"testdata/mt940/cmxl/available_balance.sta":  FormatMT940,
	}
	for path, want := range cases {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		got, err := DetectFormat(data)
		require.NoError(t, err, path)
		assert.Equal(t, want, got, path)
		sts, err := Parse(bytes.NewReader(data), "", AcceptPartial())
		require.NoError(t, err, path)
		assert.NotEmpty(t, sts)
	}
	for _, in := range []string{"", "date,amount\n2026-01-01,1\n", "<html/>", "hello"} {
		_, err := DetectFormat([]byte(in))
		assert.ErrorIs(t, err, ErrUnknownFormat, in)
		assert.ErrorIs(t, err, o2c.ErrValidation, in)
	}
}

func TestParseErrorMessage(t *testing.T) {
	e := &ParseError{Format: FormatMT940, Line: 12, Element: ":61:", Err: malformed("bad")}
	assert.Equal(t, "matching: mt940: line 12: element :61:: malformed statement: bad", e.Error())
	_, err := Parse(strings.NewReader("x"), Format("qif"))
	assert.ErrorIs(t, err, ErrUnknownFormat)
	_, err = Parse(nil, FormatMT940)
	assert.ErrorIs(t, err, ErrNoStatement)
}
