package invoicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// recordAndAllocateTests: recording and allocating a payment in one
// transaction is all or nothing, and idempotent on the payment's key.
func recordAndAllocateTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	input := func(cust o2c.CustomerID, amount, key string) invoice.PaymentInput {
		return invoice.PaymentInput{Customer: cust, Amount: eur(amount), ValueDate: o2c.DateOf(Epoch),
			Method: invoice.MethodTransfer, PayerReference: "remittance", IdempotencyKey: key}
	}

	t.Run("PaysInOneTransactionAndRepeatsChangeNothing", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		a, b := e.issue(t, cust, eur("60.00")), e.issue(t, cust, eur("30.00"))
		lines := []invoice.AllocationLine{{Invoice: a.ID(), Amount: eur("60.00")}, {Invoice: b.ID(), Amount: eur("25.00")}}
		p, allocs, err := e.svc.RecordAndAllocate(ctx, input(cust, "100.00", "bank-1"), lines)
		require.NoError(t, err)
		require.Len(t, allocs, 2)
		assert.Equal(t, "15.00 EUR", p.Unapplied().String(), "the payment returned reflects the allocation")
		assert.Equal(t, invoice.StatePaid, e.get(t, a.ID()).Status())
		assert.Equal(t, "5.00 EUR", e.get(t, b.ID()).Open().String())
		assert.Equal(t, []string{invoice.EventPaymentRecorded, invoice.EventPaymentAllocated}, e.events(t, p.ID().String()))
		assert.Equal(t, []string{invoice.EventIssued, invoice.EventPaymentApplied, invoice.EventPaid}, e.events(t, a.ID().String()))

		before := e.fingerprint(t)
		again, againAllocs, err := e.svc.RecordAndAllocate(ctx, input(cust, "100.00", "bank-1"), lines)
		require.NoError(t, err)
		assert.Equal(t, p.ID(), again.ID())
		require.Len(t, againAllocs, 2)
		assert.Equal(t, allocs[0].ID, againAllocs[0].ID)
		assert.Equal(t, before, e.fingerprint(t), "a repeat writes nothing")

		_, _, err = e.svc.RecordAndAllocate(ctx, input(cust, "100.00", "bank-1"), lines[:1])
		require.ErrorIs(t, err, invoice.ErrIdempotencyKeyReused)
		assert.Equal(t, before, e.fingerprint(t))

		// without lines it records only
		only, none, err := e.svc.RecordAndAllocate(ctx, input(cust, "7.00", "bank-2"), nil)
		require.NoError(t, err)
		assert.Empty(t, none)
		assert.Equal(t, "7.00 EUR", only.Unapplied().String())
	})

	t.Run("AFailedAllocationRecordsNoPayment", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		a := e.issue(t, cust, eur("60.00"))
		before := e.fingerprint(t)
		_, _, err := e.svc.RecordAndAllocate(ctx, input(cust, "100.00", "bank-1"),
			[]invoice.AllocationLine{{Invoice: a.ID(), Amount: eur("70.00")}})
		require.ErrorIs(t, err, invoice.ErrOverAllocation)
		assert.Equal(t, before, e.fingerprint(t), "neither the payment nor its events were written")
		_, err = e.pays.GetByKey(ctx, "bank-1")
		require.ErrorIs(t, err, o2c.ErrNotFound)

		// the same key can then be used for the right request
		_, allocs, err := e.svc.RecordAndAllocate(ctx, input(cust, "100.00", "bank-1"),
			[]invoice.AllocationLine{{Invoice: a.ID(), Amount: eur("60.00")}})
		require.NoError(t, err)
		require.Len(t, allocs, 1)
		assert.Equal(t, invoice.StatePaid, e.get(t, a.ID()).Status())
	})
}
