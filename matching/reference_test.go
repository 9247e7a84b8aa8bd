package matching_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/matching"
)

func TestRFReference(t *testing.T) {
	// ISO 11649's own example
	got, err := matching.NewRFReference("539007547034")
	require.NoError(t, err)
	assert.Equal(t, "RF18539007547034", got)
	assert.True(t, matching.ValidRF("RF18 5390 0754 7034"))
	assert.True(t, matching.ValidRF("rf18539007547034"))
	assert.False(t, matching.ValidRF("RF19539007547034"))
	assert.False(t, matching.ValidRF("RF18539007547035"))
	assert.False(t, matching.ValidRF("RF18"))
	_, err = matching.NewRFReference("")
	assert.ErrorIs(t, err, matching.ErrInvalidReference)
	_, err = matching.NewRFReference("0123456789012345678901")
	assert.ErrorIs(t, err, matching.ErrInvalidReference)
	r, err := matching.RFReferenceForNumber("INV-2026-000123")
	require.NoError(t, err)
	assert.True(t, matching.ValidRF(r))
	assert.Equal(t, "INV2026000123", r[4:])
}

func TestRFProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := rapid.StringMatching(`[A-Z0-9]{1,21}`).Draw(t, "base")
		r, err := matching.NewRFReference(base)
		if err != nil {
			t.Fatal(err)
		}
		if !matching.ValidRF(r) {
			t.Fatalf("%s does not validate", r)
		}
		// any single-character change is caught
		i := rapid.IntRange(4, len(r)-1).Draw(t, "pos")
		c := r[i]
		d := byte('0' + (int(c)+1)%10)
		if c >= 'A' {
			d = byte('A' + (int(c-'A')+1)%26)
		}
		bad := r[:i] + string(d) + r[i+1:]
		if matching.ValidRF(bad) {
			t.Fatalf("%s validates after changing %s", bad, r)
		}
	})
}

func TestNationalReferences(t *testing.T) {
	be, err := matching.NewBelgianReference(1234567890)
	require.NoError(t, err)
	assert.Equal(t, "+++123/4567/89002+++", be)
	assert.True(t, matching.ValidBelgian(be))
	assert.True(t, matching.ValidBelgian("***090/9337/55493***"))
	assert.False(t, matching.ValidBelgian("+++123/4567/89003+++"))
	zero, err := matching.NewBelgianReference(97)
	require.NoError(t, err)
	assert.Equal(t, "+++000/0000/09797+++", zero, "a remainder of 0 is written 97")

	fi, err := matching.NewFinnishReference("1234561")
	require.NoError(t, err)
	assert.Equal(t, "12345614", fi)
	assert.True(t, matching.ValidFinnish("1 2345 6140"[:10]))
	assert.False(t, matching.ValidFinnish("12345615"))

	kid, err := matching.NewKID("1234567", false)
	require.NoError(t, err)
	assert.Equal(t, "12345674", kid)
	k, ok := matching.ValidKID(kid)
	assert.True(t, ok)
	assert.Equal(t, matching.RefKIDMod10, k)
	kid11, err := matching.NewKID("1234567", true)
	require.NoError(t, err)
	assert.Equal(t, "12345674", kid11)
	dash, err := matching.NewKID("6", true)
	require.NoError(t, err)
	assert.Equal(t, "6-", dash)
	k, ok = matching.ValidKID(dash)
	assert.True(t, ok, "a mod 11 check of 10 is written -")
	assert.Equal(t, matching.RefKIDMod11, k)

	ch, err := matching.NewSwissQRReference("21000000000313947143000901")
	require.NoError(t, err)
	assert.Equal(t, "210000000003139471430009017", ch)
	assert.True(t, matching.ValidSwissQR("21 00000 00003 13947 14300 09017"))
	assert.False(t, matching.ValidSwissQR("210000000003139471430009016"))

	ref, ok := matching.ParseReference("21 00000 00003 13947 14300 09017")
	assert.True(t, ok)
	assert.Equal(t, matching.RefSwissQR, ref.Kind)
	ref, ok = matching.ParseReference("+++123/4567/89002+++")
	assert.True(t, ok)
	assert.Equal(t, matching.RefBelgian, ref.Kind)
	ref, ok = matching.ParseReference("RF18 5390 0754 7034")
	assert.True(t, ok)
	assert.Equal(t, matching.RefRF, ref.Kind)
	_, ok = matching.ParseReference("RF19 5390 0754 7034")
	assert.False(t, ok)
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{
		{"INV2026000123", "INV2026000123", 0},
		{"INV2026000123", "INV2026000124", 1},
		{"INV2026000123", "INV2026001124", 2},
		{"INV2026000123", "INV2026000213", 1}, // transposition
		{"INV2026000123", "INV202600123", 1},  // deletion
		{"INV2026000123", "INV20260001234", 1},
		{"", "ABC", 3},
		{"CA", "ABC", 3},
	}
	for _, c := range cases {
		assert.Equal(t, c.d, matching.Distance(c.a, c.b), "%s %s", c.a, c.b)
	}
	assert.Equal(t, "INV2026000123", matching.NormalizeNumber("inv-2026/000 123"))
}

func TestNormalizeName(t *testing.T) {
	assert.Equal(t, []string{"societe", "generale", "lumiere"}, matching.NormalizeName("Société Générale Lumière S.A.R.L."))
	assert.Equal(t, []string{"muller", "maschinenbau"}, matching.NormalizeName("Müller Maschinenbau GmbH"))
	assert.Equal(t, []string{"acme", "trading"}, matching.NormalizeName("ACME TRADING LTD"))
	assert.InDelta(t, 1.0, matching.NameSimilarity(matching.NormalizeName("ACME INDUSTRIE"), matching.NormalizeName("Acme Industries SAS")), 1e-9)
	assert.InDelta(t, 1.0, matching.NameSimilarity(matching.NormalizeName("ACME INDUS"), matching.NormalizeName("Acme Industries SAS")), 1e-9, "a name truncated by the bank")
	assert.Less(t, matching.NameSimilarity(matching.NormalizeName("Acme Trading"), matching.NormalizeName("Globex Trading")), 0.8)
}

func TestNormalizeNameLegalFormsByCountry(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"Dupont Frères SAS", "DUPONT FRERES"},
		{"Martin & Fils S.A.R.L.", "MARTIN FILS"},
		{"Bäckerei Schmidt GmbH & Co. KG", "BACKEREI SCHMIDT"},
		{"Weber Logistik UG (haftungsbeschränkt)", "WEBER LOGISTIK"},
		{"Henkel AG & Co. KGaA", "HENKEL"},
		{"Thames Water Utilities Limited", "THAMES WATER UTILITIES LTD"},
		{"Rolls Holdings PLC", "ROLLS HLDGS"},
		{"Summit Health, Inc.", "SUMMIT HEALTH INC"},
		{"Acme Intl Mfg Co", "ACME INTERNATIONAL MANUFACTURING"},
		{"Johnson & Sons LLC", "JOHNSON"},
		{"Grupo Norte S.L.U.", "GRUPO NORTE"},
		{"Construcciones Ruiz Sociedad Anónima", "CONSTRUCCIONES RUIZ SA"},
		{"Ferretti S.p.A.", "FERRETTI"},
		{"Rossi Trasporti S.r.l.", "ROSSI TRASPORTI"},
		{"De Vries Bouw B.V.", "DE VRIES BOUW"},
		{"Van Dam Besloten Vennootschap", "VAN DAM BV"},
	} {
		assert.InDelta(t, 1.0, matching.NameSimilarity(matching.NormalizeName(c.a), matching.NormalizeName(c.b)), 1e-9, "%q vs %q: %v / %v",
			c.a, c.b, matching.NormalizeName(c.a), matching.NormalizeName(c.b))
	}
	assert.Equal(t, []string{"societe", "generale"}, matching.NormalizeName("Société Générale"), "one word of a written-out form stays")
	assert.Less(t, matching.NameSimilarity(matching.NormalizeName("Rossi Trasporti S.r.l."), matching.NormalizeName("Bianchi Trasporti S.p.A.")), 0.8)
}
