package customer

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/o2c"
)

// genIBAN draws a valid IBAN of a registry country with a random BBAN of
// digits and upper-case letters.
func genIBAN() *rapid.Generator[string] {
	countries := make([]string, 0, len(ibanLengths))
	for c := range ibanLengths {
		countries = append(countries, c)
	}
	slices.Sort(countries) // map order is random; sorted for reproducible runs
	return rapid.Custom(func(t *rapid.T) string {
		c := rapid.SampledFrom(countries).Draw(t, "country")
		n := ibanLengths[c] - 4
		chars := rapid.SliceOfN(rapid.SampledFrom([]byte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")), n, n).Draw(t, "bban")
		bban := string(chars)
		return c + ibanCheckDigits(c, bban) + bban
	})
}

func TestPropertyGeneratedIBANsAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		iban := genIBAN().Draw(t, "iban")
		require.NoError(t, ValidateIBAN(iban))
		// Print form, lower case: same IBAN.
		printed := FormatIBAN(iban)
		require.NoError(t, ValidateIBAN(strings.ToLower(printed)))
		got, err := NormalizeIBAN(printed)
		require.NoError(t, err)
		require.Equal(t, iban, got)
	})
}

func TestPropertyIBANSingleDigitTypoIsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		iban := genIBAN().Draw(t, "iban")
		var digits []int // positions of digits, check digits included
		for i := 2; i < len(iban); i++ {
			if isDigit(iban[i]) {
				digits = append(digits, i)
			}
		}
		pos := rapid.SampledFrom(digits).Draw(t, "pos")
		d := byte('0' + rapid.IntRange(1, 9).Draw(t, "delta"))
		b := []byte(iban)
		b[pos] = '0' + (b[pos]-'0'+d-'0')%10
		require.Error(t, ValidateIBAN(string(b)), "typo at %d: %s", pos, b)
		require.ErrorIs(t, ValidateIBAN(string(b)), ErrInvalidChecksum)
	})
}

func TestPropertyIBANAdjacentTranspositionIsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		iban := genIBAN().Draw(t, "iban")
		var pairs []int // i such that iban[i], iban[i+1] are distinct digits
		for i := 4; i+1 < len(iban); i++ {
			if isDigit(iban[i]) && isDigit(iban[i+1]) && iban[i] != iban[i+1] {
				pairs = append(pairs, i)
			}
		}
		if len(pairs) == 0 {
			t.Skip("no adjacent distinct digits")
		}
		i := rapid.SampledFrom(pairs).Draw(t, "pos")
		b := []byte(iban)
		b[i], b[i+1] = b[i+1], b[i]
		require.ErrorIs(t, ValidateIBAN(string(b)), ErrInvalidChecksum, "swap at %d: %s", i, b)
	})
}

func TestIBANCheckDigitsOutOfRangeAreRejected(t *testing.T) {
	// 98 ≡ 1 and 97 ≡ 0 (mod 97): an IBAN whose correct check digits are 98
	// (or 97, or 02) would also pass MOD 97 with 01 (or 00, or 99), which no
	// issuer ever produces.
	found := map[string]bool{}
	for n := 0; n < 100000 && len(found) < 3; n++ {
		bban := "37040044" + leftPad(n, 10)
		cd := ibanCheckDigits("DE", bban)
		alias := map[string]string{"98": "01", "97": "00", "02": "99"}[cd]
		if alias == "" || found[cd] {
			continue
		}
		found[cd] = true
		require.NoError(t, ValidateIBAN("DE"+cd+bban))
		require.Equal(t, 1, mod97(bban+"DE"+alias), "alias passes the bare checksum")
		require.ErrorIs(t, ValidateIBAN("DE"+alias+bban), ErrInvalidChecksum)
	}
	require.Len(t, found, 3)
}

func leftPad(n, width int) string { return fmt.Sprintf("%0*d", width, n) }

// genSIREN draws a valid SIREN: 8 random digits and the Luhn check digit.
func genSIREN() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		body := rapid.StringMatching(`[0-9]{8}`).Draw(t, "body")
		for d := byte('0'); d <= '9'; d++ {
			s := body + string(d)
			if luhn(s) && s != "000000000" {
				return s
			}
		}
		t.Skip("all zeros")
		return ""
	})
}

func TestPropertySIRENSingleDigitTypoIsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		siren := genSIREN().Draw(t, "siren")
		require.NoError(t, ValidateSIREN(siren))
		pos := rapid.IntRange(0, 8).Draw(t, "pos")
		d := byte(rapid.IntRange(1, 9).Draw(t, "delta"))
		b := []byte(siren)
		b[pos] = '0' + (b[pos]-'0'+d)%10
		require.Error(t, ValidateSIREN(string(b)), "%s", b)
	})
}

func TestPropertyFrenchVATKey(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		siren := genSIREN().Draw(t, "siren")
		vat, err := FrenchVATNumber(siren)
		require.NoError(t, err)
		require.NoError(t, ValidateVAT(vat))
		require.Equal(t, siren, vat[4:])
		// Any other numeric key is refused.
		k := rapid.IntRange(0, 99).Draw(t, "key")
		other := "FR" + leftPad(k, 2) + siren
		if other != vat {
			require.ErrorIs(t, ValidateVAT(other), ErrInvalidChecksum)
		}
	})
}

func TestPropertySIRETFromSIREN(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		siren := genSIREN().Draw(t, "siren")
		if siren == laPosteSIREN {
			t.Skip("La Poste has its own rule")
		}
		nic := rapid.StringMatching(`[0-9]{4}`).Draw(t, "nic")
		for d := byte('0'); d <= '9'; d++ {
			siret := siren + nic + string(d)
			if luhn(siret) {
				require.NoError(t, ValidateSIRET(siret))
			} else {
				require.ErrorIs(t, ValidateSIRET(siret), ErrInvalidChecksum)
			}
		}
	})
}

// genDetails draws details that are valid but typed sloppily (spaces, case,
// decomposed accents) or, for about half of the draws, sprinkled with junk,
// so that New sometimes accepts and sometimes refuses them.
func genDetails() *rapid.Generator[Details] {
	return rapid.Custom(func(t *rapid.T) Details {
		junky := rapid.Bool().Draw(t, "junky")
		// pick draws from good, or from bad now and then in a junky draw.
		pick := func(label string, good, bad []string) string {
			if junky && len(bad) > 0 && rapid.IntRange(0, 4).Draw(t, label+"_bad?") == 0 {
				return rapid.SampledFrom(bad).Draw(t, label)
			}
			return rapid.SampledFrom(good).Draw(t, label)
		}
		texts := []string{"Acme", "  Société   Générale ", "e\u0301te\u0301", "ÆØÅ ltd", "O'Brien & Sons"}
		junkText := []string{"x\x01y", "\xff", strings.Repeat("w", 300)}
		opt := func(label string, good, bad []string) string {
			return pick(label, append([]string{""}, good...), bad)
		}
		ids := rapid.SampledFrom([][3]string{ // SIREN, SIRET, VAT that agree
			{"732 829 320", "73282932000074", "fr 44 732 829 320"},
			{"542051180", "542 051 180 00066", "FR59542051180"},
			{"", "", "DE136695976"},
			{"", "", "EL094259216"},
		}).Draw(t, "ids")
		d := Details{
			Number:              pick("number", []string{"C1", " C 2 ", "é"}, []string{"", " "}),
			Kind:                Kind(pick("kind", []string{"", "business", "Consumer"}, []string{"other"})),
			LegalName:           opt("legal", texts, junkText),
			SIREN:               opt("siren", []string{ids[0]}, []string{"123", "732829321"}),
			SIRET:               opt("siret", []string{ids[1]}, []string{"35600000000014"}),
			VATNumber:           opt("vat", []string{ids[2]}, []string{"FR41303265045", "GR094259216"}),
			Country:             opt("country", []string{"fr", "DE", "GR"}, []string{"zz"}),
			Language:            opt("lang", []string{"fr-fr", "en", "de_CH"}, []string{"xx"}),
			DefaultPaymentTerms: opt("terms", []string{"NET30", "45EOM"}, []string{"net 30"}),
			Segment:             opt("segment", texts, junkText),
		}
		if rapid.Bool().Draw(t, "eur") {
			d.Currency = mustCurrency(t, "EUR")
		}
		addrCountry := opt("addr_country", []string{"FR", "nl", "GB"}, []string{"UK"})
		postcodes := map[string]string{"": "12345", "FR": "75008", "nl": "1012 ab", "GB": "sw1a 1aa", "UK": "x"}
		d.BillingAddress = Address{
			Postcode: opt("postcode", []string{postcodes[addrCountry]}, []string{"#"}),
			City:     opt("city", texts, junkText),
			Country:  addrCountry,
		}
		for i, n := 0, rapid.IntRange(0, 4).Draw(t, "lines"); i < n; i++ {
			d.BillingAddress.Lines = append(d.BillingAddress.Lines, opt("line", texts, junkText))
		}
		emails := []string{"ap@example.com", " Recouvrement@Example.FR ", "x@y.fr"}
		for i, n := 0, rapid.IntRange(0, 3).Draw(t, "contacts"); i < n; i++ {
			k := Contact{Name: opt("name", texts, junkText), Email: emails[i]}
			if junky && rapid.Bool().Draw(t, "bad_email") {
				k.Email = rapid.SampledFrom([]string{"", "bad@", emails[0]}).Draw(t, "email")
			}
			k.Invoices = rapid.Bool().Draw(t, "inv")
			k.Reminders = rapid.Bool().Draw(t, "rem")
			d.BillingContacts = append(d.BillingContacts, k)
		}
		ibans := []string{"fr76 3000 6000 0112 3456 7890 189", "DE89370400440532013000"}
		for i, n := 0, rapid.IntRange(0, 2).Draw(t, "accounts"); i < n; i++ {
			d.BankAccounts = append(d.BankAccounts, BankAccount{
				IBAN:   pick("iban", []string{ibans[i]}, []string{"DE89370400440532013001", "", ibans[0]}),
				BIC:    opt("bic", []string{"bnpafrpp", "DEUT DE FF"}, []string{"BNPA"}),
				Holder: pick("holder", texts, append([]string{""}, junkText...)),
			})
		}
		return d
	})
}

func mustCurrency(t *rapid.T, code string) o2c.Currency {
	c, err := o2c.ParseCurrency(code)
	if err != nil {
		t.Fatalf("currency: %v", err)
	}
	return c
}

// Whatever New accepts is valid, stable under a second normalisation and
// survives JSON exactly; whatever it refuses comes with at least one
// ValidationError, and Details.Validate agrees with New.
func TestPropertyNewIsConsistent(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 678901234, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		d := genDetails().Draw(t, "details")
		c, err := New("t1", d, now)
		verr := d.Validate()
		if err != nil {
			require.ErrorIs(t, err, o2c.ErrValidation)
			require.NotEmpty(t, ValidationErrors(err))
			require.Equal(t, ValidationErrors(err), ValidationErrors(verr))
			return
		}
		require.NoError(t, verr)
		require.NoError(t, c.Validate())

		again, err := New("t1", c.Details, now)
		require.NoError(t, err)
		require.Equal(t, c.Details, again.Details, "normalisation is idempotent")

		data, err := json.Marshal(c)
		require.NoError(t, err)
		var back Customer
		require.NoError(t, json.Unmarshal(data, &back))
		require.Equal(t, *c, back)

		for _, a := range c.BankAccounts {
			require.True(t, c.KnowsIBAN(FormatIBAN(a.IBAN)))
		}
	})
}
