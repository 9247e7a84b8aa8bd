package cycle_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// A host registers customers through the cycle, not the store: valid
// details are stored under the cycle's tenant, invalid ones are refused by
// field and store nothing, a number already taken is a conflict.
func TestAddCustomer(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	c, err := cycle.New(cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier()))
	require.NoError(t, err)

	cu, err := c.AddCustomer(ctx, customer.Details{Number: "C-1", LegalName: "Globex SAS", Country: "FR", Currency: o2c.EUR})
	require.NoError(t, err)
	got, err := c.Customers().Get(ctx, cu.ID)
	require.NoError(t, err)
	assert.Equal(t, "Globex SAS", got.LegalName)
	assert.Equal(t, st.TenantID(), got.Tenant)

	_, err = c.AddCustomer(ctx, customer.Details{Number: "C-2", LegalName: "Initech", Country: "FR", Currency: o2c.EUR,
		BankAccounts: []customer.BankAccount{{IBAN: "FR7630006000011234567890100", Holder: "INITECH"}}})
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve, "an IBAN whose check digits are wrong")
	_, err = c.AddCustomer(ctx, customer.Details{Number: "C-1", LegalName: "Other SA", Country: "FR", Currency: o2c.EUR})
	assert.ErrorIs(t, err, o2c.ErrConflict, "number already taken")

	all, err := c.Customers().List(ctx, customer.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, all, 1, "refused customers store nothing")
}

// A bank file that cannot be read is refused before anything is imported,
// with the parser's typed error.
func TestReceiveStatementsRefusesAnUnreadableFile(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	c, err := cycle.New(cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier()))
	require.NoError(t, err)

	got, err := c.ReceiveStatements(ctx, strings.NewReader("Date;Amount\n2026-03-02;10.00\n"), "")
	assert.Empty(t, got)
	var pe *matching.ParseError
	require.ErrorAs(t, err, &pe)
	assert.True(t, errors.Is(err, matching.ErrUnknownFormat), "%v", err)
}
