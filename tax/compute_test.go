package tax_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func line(qty, price string, disc string, cat tax.Category, rate string) tax.Line {
	return tax.Line{Quantity: dec(qty), UnitPrice: o2c.MustMoney(price, "EUR"), DiscountPercent: dec(disc), Category: cat, Rate: dec(rate)}
}

func TestPerDocumentAndPerLineDiffer(t *testing.T) {
	// three lines of 0.33 at 20 %: 0.066 each
	ls := []tax.Line{line("1", "0.33", "0", tax.Standard, "20"), line("1", "0.33", "0", tax.Standard, "20"), line("1", "0.33", "0", tax.Standard, "20")}
	doc, err := tax.Compute(o2c.EUR, ls, tax.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, "0.99 EUR", doc.Net.String())
	assert.Equal(t, "0.20 EUR", doc.Tax.String(), "0.99 x 20 % = 0.198, rounded once")
	var lineTaxes []string
	for _, l := range doc.Lines {
		lineTaxes = append(lineTaxes, l.Tax.String())
	}
	assert.Equal(t, []string{"0.07 EUR", "0.06 EUR", "0.07 EUR"}, lineTaxes, "cumulative rounding: 0.066 -> 0.07, 0.132 -> 0.13, 0.198 -> 0.20")

	per, err := tax.Compute(o2c.EUR, ls, tax.RoundingPolicy{Method: tax.PerLine})
	require.NoError(t, err)
	assert.Equal(t, "0.21 EUR", per.Tax.String(), "0.07 on each line")
	assert.Equal(t, "1.20 EUR", per.Gross.String())
	require.Len(t, per.Breakdown, 1)
	assert.Equal(t, "0.21 EUR", per.Breakdown[0].Tax.String())

	down, err := tax.Compute(o2c.EUR, ls, tax.RoundingPolicy{Method: tax.PerLine, Mode: o2c.RoundDown})
	require.NoError(t, err)
	assert.Equal(t, "0.18 EUR", down.Tax.String())
}

func TestBreakdownGroupsByCategoryAndRate(t *testing.T) {
	ls := []tax.Line{
		line("2", "10", "0", tax.Standard, "20"),
		line("1", "5", "0", tax.ReverseCharge, "0"),
		line("3", "1.005", "10", tax.Standard, "5.5"),
		line("1", "7", "0", tax.Standard, "20.00"),
		line("1", "2", "0", tax.Exempt, "0"),
	}
	tot, err := tax.Compute(o2c.EUR, ls, tax.DefaultPolicy())
	require.NoError(t, err)
	var rows []string
	for _, s := range tot.Breakdown {
		rows = append(rows, fmt.Sprintf("%s %s%% base %s tax %s", s.Category, s.Rate, s.Base, s.Tax))
	}
	assert.Equal(t, []string{
		"AE 0% base 5.00 EUR tax 0.00 EUR",
		"E 0% base 2.00 EUR tax 0.00 EUR",
		"S 5.5% base 2.71 EUR tax 0.15 EUR",
		"S 20% base 27.00 EUR tax 5.40 EUR",
	}, rows)
	assert.Equal(t, "36.71 EUR", tot.Net.String())
	assert.Equal(t, "5.55 EUR", tot.Tax.String())
	assert.Equal(t, "42.26 EUR", tot.Gross.String())
}

func TestZeroAndThreeDigitCurrencies(t *testing.T) {
	jpy, err := tax.Compute(o2c.JPY, []tax.Line{{Quantity: dec("3"), UnitPrice: o2c.MustMoney("333", "JPY"), Category: tax.Standard, Rate: dec("10")}}, tax.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, "999 JPY", jpy.Net.String())
	assert.Equal(t, "100 JPY", jpy.Tax.String())
	kwd, err := tax.Compute(o2c.KWD, []tax.Line{{Quantity: dec("1"), UnitPrice: o2c.MustMoney("1.2345", "KWD"), Category: tax.ZeroRated}}, tax.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, "1.235 KWD", kwd.Gross.String())
	empty, err := tax.Compute(o2c.EUR, nil, tax.DefaultPolicy())
	require.NoError(t, err)
	assert.True(t, empty.Gross.IsZero())
	assert.Empty(t, empty.Breakdown)
}

func TestComputeRefusesBadLines(t *testing.T) {
	_, err := tax.Compute(o2c.EUR, []tax.Line{line("1", "1", "0", tax.Standard, "20"), {Quantity: dec("1"), UnitPrice: o2c.MustMoney("1", "USD"), Category: tax.Standard, Rate: dec("20")}}, tax.DefaultPolicy())
	var me *o2c.CurrencyMismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "totals of lines[1]", me.Op)

	cases := map[string]tax.Line{
		"lines[0].discount_percent": line("1", "1", "100.5", tax.Standard, "20"),
		"lines[0].tax_rate":         line("1", "1", "0", tax.Standard, "0"),
		"lines[0].tax_category":     line("1", "1", "0", tax.Category{}, "0"),
		"lines[0].quantity":         line("1000000001", "1", "0", tax.ZeroRated, "0"),
		"lines[0].net":              line("1000000", "100000000", "0", tax.ZeroRated, "0"),
		"lines[0].unit_price":       {Quantity: dec("1"), Category: tax.ZeroRated},
	}
	for field, l := range cases {
		_, err := tax.Compute(o2c.EUR, []tax.Line{l}, tax.DefaultPolicy())
		var ve *o2c.ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
	}
	for _, bad := range []struct {
		c    tax.Category
		rate string
	}{{tax.ZeroRated, "5"}, {tax.Exempt, "1"}, {tax.ReverseCharge, "20"}, {tax.IntraCommunity, "20"}, {tax.Export, "20"}, {tax.OutOfScope, "20"}, {tax.CanaryIslands, "-1"}, {tax.Standard, "101"}} {
		require.ErrorIs(t, bad.c.CheckRate(dec(bad.rate)), o2c.ErrValidation, "%s %s", bad.c, bad.rate)
	}
	require.NoError(t, tax.CanaryIslands.CheckRate(dec("7")))
	require.NoError(t, tax.CeutaMelilla.CheckRate(dec("0")))
	_, err = tax.Compute(o2c.Currency{}, nil, tax.DefaultPolicy())
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = tax.Compute(o2c.EUR, nil, tax.RoundingPolicy{Method: 9})
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = tax.Compute(o2c.EUR, make([]tax.Line, tax.MaxLines+1), tax.DefaultPolicy())
	require.ErrorIs(t, err, o2c.ErrValidation)
}

func TestCodecs(t *testing.T) {
	for _, c := range tax.Categories() {
		p, err := tax.ParseCategory(c.Code())
		require.NoError(t, err)
		assert.Equal(t, c, p)
	}
	_, err := tax.ParseCategory("X")
	require.ErrorIs(t, err, o2c.ErrValidation)
	var p tax.RoundingPolicy
	require.NoError(t, p.Method.UnmarshalText([]byte("per-line")))
	assert.Equal(t, tax.PerLine, p.Method)
	require.ErrorIs(t, p.Method.UnmarshalText([]byte("whenever")), o2c.ErrValidation)
	assert.Equal(t, "per-document/half-up", tax.DefaultPolicy().String())
}

var categories = []struct {
	c     tax.Category
	rates []string
}{
	{tax.Standard, []string{"20", "10", "5.5", "2.1", "19", "7", "21", "8.1"}},
	{tax.ZeroRated, []string{"0"}},
	{tax.Exempt, []string{"0"}},
	{tax.ReverseCharge, []string{"0"}},
	{tax.CanaryIslands, []string{"0", "7", "9.5"}},
}

// genLine draws a valid line in cur: quantities and prices with decimals,
// discounts, every kind of category.
func genLine(cur o2c.Currency) *rapid.Generator[tax.Line] {
	return rapid.Custom(func(t *rapid.T) tax.Line {
		qty := decimal.New(rapid.Int64Range(1, 999_999).Draw(t, "qty"), -rapid.Int32Range(0, 6).Draw(t, "qtyExp"))
		price := decimal.New(rapid.Int64Range(0, 99_999_999).Draw(t, "price"), -rapid.Int32Range(0, 6).Draw(t, "priceExp"))
		disc := decimal.New(rapid.Int64Range(0, 10000).Draw(t, "disc"), -2)
		if rapid.Bool().Draw(t, "noDiscount") {
			disc = decimal.Zero
		}
		cat := rapid.SampledFrom(categories).Draw(t, "category")
		rate := dec(rapid.SampledFrom(cat.rates).Draw(t, "rate"))
		m, err := o2c.MoneyOf(price, cur)
		if err != nil {
			t.Fatal(err)
		}
		return tax.Line{Quantity: qty, UnitPrice: m, DiscountPercent: disc, Category: cat.c, Rate: rate}
	})
}

// TestTotalsAddUp is the property behind the package's promise: under
// every policy and mode, for random lines, line totals and the tax
// breakdown add up to the document totals exactly, every amount is in
// minor units, and each rounding point is where the policy says.
func TestTotalsAddUp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom([]o2c.Currency{o2c.EUR, o2c.JPY, o2c.KWD}).Draw(t, "currency")
		lines := rapid.SliceOfN(genLine(cur), 0, 40).Draw(t, "lines")
		p := tax.RoundingPolicy{
			Method: rapid.SampledFrom([]tax.Method{tax.PerDocument, tax.PerLine}).Draw(t, "method"),
			Mode:   rapid.SampledFrom([]o2c.RoundingMode{o2c.RoundHalfUp, o2c.RoundHalfEven, o2c.RoundDown, o2c.RoundUp, o2c.RoundFloor, o2c.RoundCeiling}).Draw(t, "mode"),
		}
		tot, err := tax.Compute(cur, lines, p)
		if err != nil {
			t.Fatal(err)
		}
		digits := cur.Digits()
		unit := decimal.New(1, -digits)
		var sumNet, sumTax, sumGross, sumBase, sumGroupTax decimal.Decimal
		for i, lt := range tot.Lines {
			for _, m := range []o2c.Money{lt.Net, lt.Tax, lt.Gross} {
				if !m.IsRounded() || m.Currency() != cur {
					t.Fatalf("line %d: %s is not in minor units of %s", i, m, cur)
				}
			}
			if want := p.Mode.Round(lines[i].ExactNet(), digits); !lt.Net.Amount().Equal(want) {
				t.Fatalf("line %d net %s, want %s", i, lt.Net, want)
			}
			if !lt.Gross.Amount().Equal(lt.Net.Amount().Add(lt.Tax.Amount())) {
				t.Fatalf("line %d gross %s != net %s + tax %s", i, lt.Gross, lt.Net, lt.Tax)
			}
			exactTax := lt.Net.Amount().Mul(lines[i].Rate).Shift(-2)
			if p.Method == tax.PerLine {
				if !lt.Tax.Amount().Equal(p.Mode.Round(exactTax, digits)) {
					t.Fatalf("line %d tax %s, want %s rounded", i, lt.Tax, exactTax)
				}
			} else if lt.Tax.Amount().Sub(exactTax).Abs().GreaterThanOrEqual(unit.Mul(decimal.NewFromInt(2))) {
				t.Fatalf("line %d tax share %s is 2 units or more from its exact %s", i, lt.Tax, exactTax)
			}
			sumNet, sumTax, sumGross = sumNet.Add(lt.Net.Amount()), sumTax.Add(lt.Tax.Amount()), sumGross.Add(lt.Gross.Amount())
		}
		for _, s := range tot.Breakdown {
			sumBase, sumGroupTax = sumBase.Add(s.Base.Amount()), sumGroupTax.Add(s.Tax.Amount())
			if p.Method == tax.PerDocument {
				if want := p.Mode.Round(s.Base.Amount().Mul(s.Rate).Shift(-2), digits); !s.Tax.Amount().Equal(want) {
					t.Fatalf("group %s %s: tax %s, want %s (rounded once on the base)", s.Category, s.Rate, s.Tax, want)
				}
			}
			// the group's lines add up to its base and tax
			var b, x decimal.Decimal
			for i, l := range lines {
				if l.Category == s.Category && l.Rate.Equal(s.Rate) {
					b, x = b.Add(tot.Lines[i].Net.Amount()), x.Add(tot.Lines[i].Tax.Amount())
				}
			}
			if !b.Equal(s.Base.Amount()) || !x.Equal(s.Tax.Amount()) {
				t.Fatalf("group %s %s: lines give base %s tax %s, breakdown says %s %s", s.Category, s.Rate, b, x, s.Base, s.Tax)
			}
		}
		checks := []struct {
			name      string
			got, want decimal.Decimal
		}{
			{"Σ line nets = net", sumNet, tot.Net.Amount()},
			{"Σ bases = net", sumBase, tot.Net.Amount()},
			{"Σ line taxes = tax", sumTax, tot.Tax.Amount()},
			{"Σ group taxes = tax", sumGroupTax, tot.Tax.Amount()},
			{"Σ line grosses = gross", sumGross, tot.Gross.Amount()},
			{"net + tax = gross", tot.Net.Amount().Add(tot.Tax.Amount()), tot.Gross.Amount()},
		}
		for _, c := range checks {
			if !c.got.Equal(c.want) {
				t.Fatalf("%s: %s != %s", c.name, c.got, c.want)
			}
		}
		for i := 1; i < len(tot.Breakdown); i++ {
			a, b := tot.Breakdown[i-1], tot.Breakdown[i]
			if a.Category.Code() > b.Category.Code() || (a.Category == b.Category && !a.Rate.LessThan(b.Rate)) {
				t.Fatalf("breakdown not sorted or not grouped: %v", tot.Breakdown)
			}
		}
	})
}

func BenchmarkCompute(b *testing.B) {
	ls := make([]tax.Line, 50)
	for i := range ls {
		ls[i] = line(fmt.Sprint(i+1), fmt.Sprintf("%d.%04d", i, i*7), fmt.Sprint(i%10), tax.Standard, []string{"20", "10", "5.5"}[i%3])
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tax.Compute(o2c.EUR, ls, tax.DefaultPolicy()); err != nil {
			b.Fatal(err)
		}
	}
}
