package matching_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

func line(amount, iban, text string) matching.Line {
	return matching.Line{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney(amount, "EUR"), Direction: matching.Credit,
		CounterpartyIBAN: iban, RemittanceText: text}
}

const exIBAN = "FR7630006000011234567890189"

func TestEngineTypoInNumber(t *testing.T) {
	res, err := matching.Match(exampleInput(), []matching.Line{line("1200.00", exIBAN, "Payment INV-2026-00042")}, matching.Options{})
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision)
	p, _ := res[0].Best()
	assert.Equal(t, "INV-2026-000042", p.Allocations[0].Number)
	assert.Contains(t, p.Reason(), "one typo")
	// without the payer's IBAN a typo is not enough
	res, err = matching.Match(exampleInput(), []matching.Line{line("1200.00", "", "Payment INV-2026-00042")}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionSuggest, res[0].Decision)
	// short numbers are never matched with a typo
	res, err = matching.Match(exampleInput(), []matching.Line{line("1200.00", "", "Payment INV-2026-00042")}, matching.Options{MinFuzzyLength: 20})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionNone, res[0].Decision)
}

func TestEngineAmbiguousAmountIsASuggestion(t *testing.T) {
	in := exampleInput()
	in.Items = append(in.Items, exampleItem(46, "480.00"))
	res, err := matching.Match(in, []matching.Line{line("480.00", exIBAN, "")}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionSuggest, res[0].Decision)
	require.GreaterOrEqual(t, len(res[0].Proposals), 2)
	assert.Contains(t, res[0].Proposals[0].Reason(), "2 open invoices have this amount")
}

func TestEngineSecondPaymentAndDuplicate(t *testing.T) {
	lines := []matching.Line{
		line("500.00", exIBAN, "RF54INV2026000042"), // partial
		line("700.00", exIBAN, "RF54INV2026000042"), // the rest
		line("700.00", exIBAN, "RF54INV2026000042"), // paid twice
	}
	res, err := matching.Match(exampleInput(), lines, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionAuto, res[0].Decision)
	assert.Contains(t, res[0].Proposals[0].Reason(), "partial payment, 700.00 EUR left open")
	assert.Equal(t, matching.DecisionAuto, res[1].Decision)
	assert.Contains(t, res[1].Proposals[0].Reason(), "amount equal")
	assert.Equal(t, matching.DecisionUnapplied, res[2].Decision)
	assert.Contains(t, res[2].Proposals[0].Reason(), "already settled")
}

func TestEnginePayerDisagreesWithReference(t *testing.T) {
	in := exampleInput()
	other := o2c.NewCustomerID()
	in.Customers = append(in.Customers, matching.CustomerInfo{ID: other, Name: "Other", IBANs: []string{"DE89370400440532013000"}})
	res, err := matching.Match(in, []matching.Line{line("1200.00", "DE89370400440532013000", "INV-2026-000042")}, matching.Options{})
	require.NoError(t, err)
	assert.NotEqual(t, matching.DecisionAuto, res[0].Decision)
}

func TestEngineSkipsDebitsAndUnknownPayers(t *testing.T) {
	d := line("10.00", exIBAN, "fees")
	d.Direction = matching.Debit
	res, err := matching.Match(exampleInput(), []matching.Line{d, line("10.00", "GB29NWBK60161331926819", "gift")}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionSkipped, res[0].Decision)
	assert.Equal(t, matching.DecisionNone, res[1].Decision)
	// a known payer with no fitting invoice: unapplied cash
	res, err = matching.Match(exampleInput(), []matching.Line{line("9999.00", exIBAN, "advance")}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionUnapplied, res[0].Decision)
	assert.True(t, res[0].Proposals[0].Unapplied.Equal(o2c.MustMoney("9999.00", "EUR")))
}

func TestEngineSubsetSearchCapIsReported(t *testing.T) {
	in := exampleInput()
	in.Items = nil
	// 60 invoices of even cents; the payment, odd cents, is no sum of them
	for i := 0; i < 60; i++ {
		in.Items = append(in.Items, exampleItem(100+i, fmt.Sprintf("%d.%02d", 100+i*7, (i*2)%100)))
	}
	opts := matching.Options{MaxSubsetIterations: 500, MaxSubsetSize: 4}
	res, err := matching.Match(in, []matching.Line{line("1.01", exIBAN, ""), line("1500.01", exIBAN, "")}, opts)
	require.NoError(t, err)
	assert.False(t, res[0].SearchCapped, "nothing to search below the smallest amount")
	assert.True(t, res[1].SearchCapped)
	assert.NotEqual(t, matching.DecisionAuto, res[1].Decision)
}

func TestEngineEndToEndID(t *testing.T) {
	in := exampleInput()
	in.EndToEnd = map[string]invoice.ID{"E2E-7781": in.Items[1].Invoice}
	l := line("300.00", "", "")
	l.EndToEndID = "E2E-7781"
	res, err := matching.Match(in, []matching.Line{l}, matching.Options{})
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision)
	assert.Contains(t, res[0].Proposals[0].Reason(), "end-to-end id E2E-7781 matched INV-2026-000043")
}

func TestOptionsValidate(t *testing.T) {
	_, err := matching.NewIndex(matching.Input{}, matching.Options{AutoThreshold: 2})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = matching.NewIndex(matching.Input{}, matching.Options{MaxSubsetSize: 40})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}
