package matching_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// A parent paying its division's invoice from its own account: applied
// when the two are in one group, a suggestion otherwise.
func TestEngineGroupMemberPaysForAnother(t *testing.T) {
	const parentIBAN = "DE89370400440532013000"
	in := exampleInput()
	parent := o2c.NewCustomerID()
	in.Customers = append(in.Customers, matching.CustomerInfo{ID: parent, Name: "Acme Holding GmbH", IBANs: []string{parentIBAN}})
	l := line("1200.00", parentIBAN, "Invoice INV-2026-000042")
	res, err := matching.Match(in, []matching.Line{l}, matching.Options{})
	require.NoError(t, err)
	assert.NotEqual(t, matching.DecisionAuto, res[0].Decision, "another customer's invoice")

	in.Groups = [][]o2c.CustomerID{{parent, exampleCustomerID()}}
	res, err = matching.Match(in, []matching.Line{l}, matching.Options{})
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	p, _ := res[0].Best()
	assert.Equal(t, exampleCustomerID(), p.Customer)
	assert.Equal(t, "INV-2026-000042", p.Allocations[0].Number)
	assert.Contains(t, p.Reason(), "payer is in the invoice customer's group")
}
