package matching_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

var (
	custAcmeInc = mustCustomer("0190b6a0-0000-7000-8000-0000000000a1")
	custAcmeLtd = mustCustomer("0190b6a0-0000-7000-8000-0000000000a2")
)

func mustCustomer(s string) o2c.CustomerID {
	id, err := o2c.ParseCustomerID(s)
	if err != nil {
		panic(err)
	}
	return id
}

func itemOf(c o2c.CustomerID, n int, gross string) matching.Item {
	it := exampleItem(n, gross)
	it.Customer = c
	return it
}

// sharedNameInput: two customers whose names differ only in their legal
// form, each with open invoices (one of 750.00 each).
func sharedNameInput() matching.Input {
	return matching.Input{
		Items: []matching.Item{itemOf(custAcmeInc, 101, "750.00"), itemOf(custAcmeInc, 102, "1200.00"),
			itemOf(custAcmeLtd, 201, "750.00"), itemOf(custAcmeLtd, 202, "430.00")},
		Customers: []matching.CustomerInfo{{ID: custAcmeInc, Name: "Acme Inc."}, {ID: custAcmeLtd, Name: "ACME Ltd"}},
	}
}

// TestPropertySharedNameNeverFirm: whatever sequence of confirmations and
// rejections a clerk (or auto-applied references) feeds the mapping of a
// name two customers share, the name never becomes a firm payer, and a
// payment carrying only that name is never applied without a person.
func TestPropertySharedNameNeverFirm(t *testing.T) {
	variants := []string{"ACME INC", "Acme Ltd.", "ACME", "acme limited", "A.C.M.E. INC"}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "events")
		name := rapid.SampledFrom(variants).Draw(t, "name")
		key := matching.MappingKey(matching.MappingName, name)
		m := &matching.Mapping{}
		seen := map[o2c.CustomerID]bool{}
		for i := 0; i < n; i++ {
			c := rapid.SampledFrom([]o2c.CustomerID{custAcmeInc, custAcmeLtd}).Draw(t, "customer")
			rej := rapid.IntRange(0, 4).Draw(t, "reject") == 0
			m.Record(matching.MappingEvidence{Kind: matching.MappingName, Key: key, Customer: c, Rejected: rej,
				Seen: exampleDay.AddDays(i)})
			if !rej {
				seen[c] = true
			}
			if len(seen) > 1 && m.Firm() {
				t.Fatalf("confirmed for both customers and firm: %+v", m)
			}
		}
		in := sharedNameInput()
		in.Mappings = []matching.Mapping{*m}
		amount := rapid.SampledFrom([]string{"750.00", "1200.00", "430.00", "99.00"}).Draw(t, "amount")
		l := matching.Line{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney(amount, "EUR"), Direction: matching.Credit,
			CounterpartyName: rapid.SampledFrom(variants).Draw(t, "payer"), RemittanceText: "PAYMENT THANK YOU"}
		res, err := matching.Match(in, []matching.Line{l}, matching.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d := res[0].Decision; d == matching.DecisionAuto || d == matching.DecisionUnapplied {
			t.Fatalf("a shared name was applied without a person: %s %+v (mapping %+v)", d, res[0].Proposals[0], m)
		}
	})
}

func TestMappingEvidence(t *testing.T) {
	m := &matching.Mapping{}
	ev := matching.MappingEvidence{Kind: matching.MappingIBAN, Key: "DE89370400440532013000", Customer: custAcmeInc, Seen: exampleDay}
	m.Record(ev)
	assert.True(t, m.Firm())
	ev.Rejected = true
	m.Record(ev)
	assert.False(t, m.Firm(), "as many rejections as confirmations")
	ev.Rejected = false
	m.Record(ev)
	assert.True(t, m.Firm(), "confirmed again")
	ev.Customer = custAcmeLtd
	m.Record(ev)
	assert.True(t, m.Contradicted())
	for range 10 {
		m.Record(ev)
	}
	assert.False(t, m.Firm(), "a contradicted mapping stays contradicted")
	assert.Equal(t, 13, m.Confirmations)
	assert.Equal(t, 1, m.Rejections)
	// a mapping stored before evidence was kept counts for its customer
	old := matching.Mapping{Kind: matching.MappingIBAN, Key: "X", Customer: custAcmeInc, Confirmations: 3}
	assert.True(t, old.Firm())
	old.Record(matching.MappingEvidence{Kind: matching.MappingIBAN, Key: "X", Customer: custAcmeLtd})
	assert.Equal(t, []matching.MappingCustomer{{Customer: custAcmeInc, Confirmations: 3}, {Customer: custAcmeLtd, Confirmations: 1}}, old.Customers)
	assert.False(t, old.Firm())
}

// A learned name confirmed for one customer identifies it, but a payment
// resting on that name alone waits for a person; the master giving the
// name to another customer keeps it from being firm at all.
func TestEngineNameOnlyNeverAuto(t *testing.T) {
	in := sharedNameInput()
	in.Customers[1].Name = "Zenith Ltd" // names no longer shared
	m := matching.Mapping{}
	for i := range 5 {
		m.Record(matching.MappingEvidence{Kind: matching.MappingName, Key: "acme", Customer: custAcmeInc, Seen: exampleDay.AddDays(i)})
	}
	in.Mappings = []matching.Mapping{m}
	l := matching.Line{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney("1200.00", "EUR"), Direction: matching.Credit,
		CounterpartyName: "ACME"}
	res, err := matching.Match(in, []matching.Line{l}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionSuggest, res[0].Decision)
	assert.Equal(t, custAcmeInc, res[0].Customer)
	assert.Equal(t, "INV-2026-000102", res[0].Proposals[0].Allocations[0].Number)
	// with the number named, it applies
	l.RemittanceText = "INV-2026-000102"
	res, err = matching.Match(in, []matching.Line{l}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionAuto, res[0].Decision)
	// shared in the master: the learned name identifies nobody
	in = sharedNameInput()
	in.Mappings = []matching.Mapping{m}
	l.RemittanceText = ""
	res, err = matching.Match(in, []matching.Line{l}, matching.Options{})
	require.NoError(t, err)
	assert.True(t, res[0].Customer.IsZero(), "customer %s", res[0].Customer)
}

// A one-typo hit on a settled invoice does not make its customer firm:
// the payment is not parked as unapplied cash on that customer.
func TestEngineFuzzyHitOnSettledInvoiceNotFirm(t *testing.T) {
	in := sharedNameInput()
	settled := itemOf(custAcmeLtd, 20260777, "500.00")
	settled.Number = "INV-2026777"
	settled.Status = invoice.StatePaid
	settled.Open = o2c.Zero(o2c.EUR)
	in.Items = append(in.Items, settled)
	paid := itemOf(custAcmeLtd, 20260778, "500.00")
	paid.Number = "INV-2026778"
	in.Items = append(in.Items, paid)
	// exact number of an invoice fully paid earlier in the same batch
	lines := []matching.Line{
		{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney("500.00", "EUR"), Direction: matching.Credit, RemittanceText: "INV-2026778"},
		{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney("500.00", "EUR"), Direction: matching.Credit, RemittanceText: "INV-2026779"},
	}
	res, err := matching.Match(in, lines, matching.Options{})
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision)
	assert.NotEqual(t, matching.DecisionUnapplied, res[1].Decision, "%+v", res[1])
	assert.NotEqual(t, matching.DecisionAuto, res[1].Decision, "%+v", res[1])
}

// 1000 = 600 + 400 = 500 + 310 + 190: no combination is unique, so none
// is applied automatically.
func TestEngineCombinationUniqueAcrossSizes(t *testing.T) {
	in := exampleInput()
	in.Items = []matching.Item{exampleItem(1, "600.00"), exampleItem(2, "400.00"), exampleItem(3, "500.00"), exampleItem(4, "310.00"), exampleItem(5, "190.00")}
	res, err := matching.Match(in, []matching.Line{line("1000.00", exIBAN, "")}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionSuggest, res[0].Decision)
	// without the triple, the pair is unique and applies
	in.Items = in.Items[:3]
	res, err = matching.Match(in, []matching.Line{line("1000.00", exIBAN, "")}, matching.Options{})
	require.NoError(t, err)
	assert.Equal(t, matching.DecisionAuto, res[0].Decision)
	assert.Len(t, res[0].Proposals[0].Allocations, 2)
}
