package matching_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// isaHeader builds a 106-character ISA segment with element separator
// sep, component separator '>' and segment terminator term.
func isaHeader(sep, term string) string {
	f := []string{"ISA", "00", "          ", "00", "          ", "ZZ", "PAYERBANK      ", "ZZ", "PAYEE          ",
		"260402", "1200", "U", "00401", "000000101", "0", "P", ">"}
	return strings.Join(f, sep) + term
}

// edi820 is a CTX-style 820 as the X12 segment descriptions lay it out:
// a payment of 2,030.00 USD for two invoices (one short-paid with an
// adjustment reason) less a credit memo.
func edi820(sep, term string) string {
	segs := []string{
		"GS*RA*PAYERBANK*PAYEE*20260402*1200*101*X*004010",
		"ST*820*0001",
		"BPR*C*2030.00*C*ACH*CTX*01*091000019*DA*123456789*1234567890**01*071000013*DA*987654321*20260402",
		"TRN*1*0012345678901*1234567890",
		"CUR*PR*USD",
		"REF*CK*7788",
		"N1*PR*SUMMIT HEALTH LLC*91*SH-042",
		"N1*PE*ACME SUPPLY CO",
		"ENT*1",
		"RMR*IV*INV-2026-000101*PI*1250.00*1250.00",
		"DTM*003*20260305",
		"RMR*IV*INV-2026-000102*PI*880.00*1000.00",
		"ADX*-120.00*06*IV*INV-2026-000102",
		"DTM*003*20260310",
		"RMR*CM*CM-2026-000007*PI*-100.00*100.00",
		"SE*13*0001",
		"GE*1*101",
		"IEA*1*000000101",
	}
	out := isaHeader(sep, term)
	for _, s := range segs {
		out += strings.ReplaceAll(s, "*", sep) + term + "\n"
	}
	return out
}

func TestParseEDI820(t *testing.T) {
	for _, sep := range [][2]string{{"*", "~"}, {"|", "\\"}} {
		advs, err := matching.ParseEDI820(strings.NewReader(edi820(sep[0], sep[1])), matching.EDI820Options{})
		require.NoError(t, err, sep)
		require.Len(t, advs, 1)
		a := advs[0]
		assert.Equal(t, "0012345678901", a.Trace)
		assert.Equal(t, "SUMMIT HEALTH LLC", a.PayerName)
		assert.Equal(t, "SH-042", a.PayerID)
		assert.Equal(t, "ACH", a.Method)
		assert.True(t, a.Amount.Equal(o2c.MustMoney("2030.00", "USD")))
		assert.Equal(t, o2c.MustDate(2026, 4, 2), a.Date)
		assert.Equal(t, []string{"CK:7788"}, a.References)
		require.Len(t, a.Documents, 3)
		d0, d1, d2 := a.Documents[0], a.Documents[1], a.Documents[2]
		assert.Equal(t, matching.DocumentInvoice, d0.Kind)
		assert.Equal(t, "INV-2026-000101", d0.Number)
		assert.Equal(t, o2c.MustDate(2026, 3, 5), d0.Date)
		assert.True(t, d1.Remitted.Equal(o2c.MustMoney("880.00", "USD")))
		assert.True(t, d1.DuePayable.Equal(o2c.MustMoney("1000.00", "USD")))
		require.NotNil(t, d1.Adjustment)
		assert.True(t, d1.Adjustment.Equal(o2c.MustMoney("120.00", "USD")), "a negative ADX01 is a deduction")
		assert.Equal(t, "06", d1.AdjustmentReason)
		assert.Equal(t, matching.DocumentCreditNote, d2.Kind)
		assert.True(t, d2.Remitted.Equal(o2c.MustMoney("100.00", "USD")))
	}
}

func TestParseEDI820Refuses(t *testing.T) {
	good := edi820("*", "~")
	for name, tc := range map[string]struct {
		in   string
		want error
	}{
		"does not add up":      {strings.Replace(good, "BPR*C*2030.00", "BPR*C*2130.00", 1), matching.ErrRemittanceMismatch},
		"three decimals":       {strings.Replace(good, "1250.00*1250.00", "1250.005*1250.00", 1), matching.ErrMalformed},
		"amount not a number":  {strings.Replace(good, "880.00", "88O.00", 1), matching.ErrMalformed},
		"debit":                {strings.Replace(good, "BPR*C*2030.00*C", "BPR*C*2030.00*D", 1), matching.ErrMalformed},
		"no SE":                {strings.Replace(good, "SE*13*0001~", "", 1), matching.ErrMalformed},
		"no 820":               {strings.Replace(good, "ST*820", "ST*810", 1), matching.ErrNoStatement},
		"short ISA":            {"ISA*00*~", matching.ErrMalformed},
		"bad date":             {strings.Replace(good, "DTM*003*20260305", "DTM*003*20261305", 1), matching.ErrMalformed},
		"missing BPR":          {strings.Replace(good, "BPR*", "XXX*", 1), matching.ErrMalformed},
		"unknown currency CUR": {strings.Replace(good, "CUR*PR*USD", "CUR*PR*XYZ", 1), matching.ErrMalformed},
	} {
		_, err := matching.ParseEDI820(strings.NewReader(tc.in), matching.EDI820Options{})
		assert.ErrorIs(t, err, tc.want, name)
		assert.ErrorIs(t, err, o2c.ErrValidation, name)
	}
	_, err := matching.ParseEDI820(strings.NewReader(strings.Replace(good, "BPR*C*2030.00", "BPR*C*2130.00", 1)), matching.EDI820Options{})
	var mm *matching.RemittanceMismatchError
	require.True(t, errors.As(err, &mm))
	assert.True(t, mm.Documents.Equal(o2c.MustMoney("2030.00", "USD")))
	assert.True(t, mm.Payment.Equal(o2c.MustMoney("2130.00", "USD")))
}

const portalCSV = `Payment Ref;Payer;Doc Type;Doc No;Doc Date;Gross;Paid;Deduction;Reason;Payment Total
PAY-9001;Globex Handel GmbH;Invoice;INV-7;12.03.2026;1.200,00;1.080,00;120,00;price;1.380,00
PAY-9001;Globex Handel GmbH;Invoice;INV-8;14.03.2026;600,00;600,00;;;1.380,00
PAY-9001;Globex Handel GmbH;Credit note;CN-2;15.03.2026;-300,00;-300,00;;;1.380,00
PAY-9002;Initech SARL;Invoice;INV-9;16.03.2026;50,00;50,00;;;
`

var portalMapping = matching.AdviceCSVMapping{Delimiter: ';', Trace: "Payment Ref", Payer: "Payer", Kind: "Doc Type", Number: "Doc No",
	Date: "Doc Date", DateLayout: "02.01.2006", DuePayable: "Gross", Remitted: "Paid", Adjustment: "Deduction", Reason: "Reason",
	PaymentAmount: "Payment Total", DecimalSeparator: ',', ThousandsSeparator: '.', Currency: o2c.EUR}

func TestParseAdviceCSV(t *testing.T) {
	m := portalMapping
	advs, err := matching.ParseAdviceCSV(strings.NewReader(portalCSV), m)
	require.NoError(t, err)
	require.Len(t, advs, 2)
	a := advs[0]
	assert.Equal(t, "PAY-9001", a.Trace)
	assert.Equal(t, "Globex Handel GmbH", a.PayerName)
	assert.True(t, a.Amount.Equal(o2c.MustMoney("1380.00", "EUR")))
	require.Len(t, a.Documents, 3)
	assert.Equal(t, "price", a.Documents[0].AdjustmentReason)
	assert.True(t, a.Documents[0].Adjustment.Equal(o2c.MustMoney("120.00", "EUR")))
	assert.Equal(t, o2c.MustDate(2026, 3, 12), a.Documents[0].Date)
	assert.Equal(t, matching.DocumentCreditNote, a.Documents[2].Kind)
	assert.True(t, a.Documents[2].Remitted.Equal(o2c.MustMoney("300.00", "EUR")))
	assert.True(t, advs[1].Amount.Equal(o2c.MustMoney("50.00", "EUR")), "no payment total: the documents' sum")

	bad := strings.Replace(portalCSV, "1.380,00\nPAY-9001", "1.390,00\nPAY-9001", 1)
	_, err = matching.ParseAdviceCSV(strings.NewReader(bad), m)
	assert.ErrorIs(t, err, matching.ErrMalformed, "rows of one payment disagree on its total")
	short := strings.ReplaceAll(portalCSV, "1.380,00", "1.400,00")
	_, err = matching.ParseAdviceCSV(strings.NewReader(short), m)
	assert.ErrorIs(t, err, matching.ErrRemittanceMismatch)
	_, err = matching.ParseAdviceCSV(strings.NewReader(strings.Replace(portalCSV, "600,00;600,00", "600,001;600,00", 1)), m)
	assert.ErrorIs(t, err, matching.ErrMalformed)
	m.Number = "Document"
	_, err = matching.ParseAdviceCSV(strings.NewReader(portalCSV), m)
	assert.ErrorIs(t, err, matching.ErrMalformed)
}

func ExampleParseEDI820() {
	in := "ST*820*0001~BPR*C*950.00*C*ACH*CTX*************20260402~TRN*1*TRACE42~N1*PR*GLOBEX~" +
		"RMR*IV*INV-7*PI*950.00*1000.00~ADX*-50.00*01~SE*6*0001~"
	advs, err := matching.ParseEDI820(strings.NewReader(in), matching.EDI820Options{Currency: o2c.EUR})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := advs[0].Documents[0]
	fmt.Println(advs[0].Trace, advs[0].PayerName, advs[0].Amount)
	fmt.Println(d.Number, d.Remitted, "deducted", d.Adjustment, "reason", d.AdjustmentReason, "->", matching.DeductionReasonX12(d.AdjustmentReason))
	// Output:
	// TRACE42 GLOBEX 950.00 EUR
	// INV-7 950.00 EUR deducted 50.00 EUR reason 01 -> price_error
}
