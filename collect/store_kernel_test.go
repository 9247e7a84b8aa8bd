package collect_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// twoTenants opens two tenants of one database.
type twoTenants func(t *testing.T) (acme, globex kernel.Scope)

func runStoreTests(t *testing.T, open twoTenants) {
	ctx := context.Background()
	t.Run("mandate reference is unique per tenant, invisible to others", func(t *testing.T) {
		a, g := open(t)
		sa, sg := collect.NewKernelStore(a), collect.NewKernelStore(g)
		m, err := collect.NewMandate("acme", mandateIn(), t0)
		require.NoError(t, err)
		require.NoError(t, sa.CreateMandate(ctx, m))
		dup, _ := collect.NewMandate("acme", mandateIn(), t0)
		assert.ErrorIs(t, sa.CreateMandate(ctx, dup), o2c.ErrConflict)
		other, _ := collect.NewMandate("globex", mandateIn(), t0)
		require.NoError(t, sg.CreateMandate(ctx, other), "another tenant may use the same reference")
		_, err = sg.GetMandate(ctx, m.ID)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		assert.ErrorIs(t, sg.CreateMandate(ctx, m), o2c.ErrValidation, "a mandate of another tenant is refused")
		got, err := sa.MandateByReference(ctx, "UMR-2026-0001")
		require.NoError(t, err)
		assert.Equal(t, m.ID, got.ID)
		assert.Equal(t, "FR1420041010050500013M02606", got.IBAN)

		_, err = sa.UpdateMandate(ctx, m.ID, func(m *collect.Mandate) error { m.Block("MD01 No mandate", o2c.MustDate(2026, 12, 3), t0); return nil })
		require.NoError(t, err)
		active, err := sa.Mandates(ctx, o2c.CustomerID{}, true)
		require.NoError(t, err)
		assert.Empty(t, active)
		all, err := sa.Mandates(ctx, m.Customer, false)
		require.NoError(t, err)
		require.Len(t, all, 1)
		assert.Equal(t, collect.MandateBlocked, all[0].Status)
	})
	t.Run("collections by end-to-end ID, status and invoice", func(t *testing.T) {
		a, _ := open(t)
		s := collect.NewKernelStore(a)
		inv := o2c.NewID[invoice.Invoice]()
		mk := func(e2e string, d int) *collect.Collection {
			return &collect.Collection{ID: o2c.NewID[collect.Collection](), Tenant: "acme", Customer: o2c.NewCustomerID(), Invoice: inv, Seq: 1,
				EndToEndID: e2e, Amount: o2c.MustMoney("10.00", "EUR"), Date: o2c.MustDate(2026, 12, d), Status: collect.Notified, CreatedAt: t0}
		}
		require.NoError(t, s.CreateCollection(ctx, mk("E2E-2", 18)))
		require.NoError(t, s.CreateCollection(ctx, mk("E2E-1", 17)))
		assert.ErrorIs(t, s.CreateCollection(ctx, mk("E2E-1", 19)), o2c.ErrConflict)
		c, err := s.CollectionByEndToEnd(ctx, "E2E-1")
		require.NoError(t, err)
		_, err = s.UpdateCollection(ctx, c.ID, func(c *collect.Collection) error { c.Status = collect.Submitted; return nil })
		require.NoError(t, err)
		notified, err := s.Collections(ctx, collect.Notified, invoice.ID{})
		require.NoError(t, err)
		require.Len(t, notified, 1)
		assert.Equal(t, "E2E-2", notified[0].EndToEndID)
		byInv, err := s.Collections(ctx, "", inv)
		require.NoError(t, err)
		require.Len(t, byInv, 2)
		assert.Equal(t, "E2E-1", byInv[0].EndToEndID, "by collection date")
		_, err = s.CollectionByEndToEnd(ctx, "E2E-9")
		assert.ErrorIs(t, err, o2c.ErrNotFound)
	})
	t.Run("provider events and link uses are recorded once", func(t *testing.T) {
		a, g := open(t)
		s := collect.NewKernelStore(a)
		e := &collect.ProcessedEvent{Key: "stripe:evt_1", Tenant: "acme", Kind: collect.PaymentSucceeded, Payment: "pi_1", Applied: t0}
		require.NoError(t, s.RecordEvent(ctx, e))
		assert.ErrorIs(t, s.RecordEvent(ctx, &collect.ProcessedEvent{Key: "stripe:evt_1", Tenant: "acme", Applied: t0}), o2c.ErrConflict)
		_, err := collect.NewKernelStore(g).GetEvent(ctx, "stripe:evt_1")
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		u := &collect.LinkUse{Key: "psp:stripe:pi_1", Tenant: "acme", Nonce: "n1", Payment: o2c.NewID[invoice.Payment](), Amount: o2c.MustMoney("5.00", "EUR"), At: t0}
		require.NoError(t, s.RecordLinkUse(ctx, u))
		assert.ErrorIs(t, s.RecordLinkUse(ctx, u), o2c.ErrConflict)
		uses, err := s.LinkUses(ctx, "n1")
		require.NoError(t, err)
		require.Len(t, uses, 1)
		assert.True(t, uses[0].Amount.Equal(o2c.MustMoney("5.00", "EUR")))
		b := &collect.Batch{ID: o2c.NewID[collect.Batch](), Tenant: "acme", MessageID: "DD-1", XML: []byte("<Document/>"), Created: t0.Add(time.Second)}
		require.NoError(t, s.CreateBatch(ctx, b))
		got, err := s.GetBatch(ctx, b.ID)
		require.NoError(t, err)
		assert.Equal(t, "<Document/>", string(got.XML))
	})
}

func TestKernelStore(t *testing.T) {
	runStoreTests(t, func(t *testing.T) (kernel.Scope, kernel.Scope) {
		db := memory.New()
		return db.MustTenant("acme").Kernel(), db.MustTenant("globex").Kernel()
	})
}

func TestKernelStoreSQLite(t *testing.T) {
	runStoreTests(t, func(t *testing.T) (kernel.Scope, kernel.Scope) {
		db := sqltest.SQLite(t, sqlstore.Options{})
		return db.MustTenant("acme").Kernel(), db.MustTenant("globex").Kernel()
	})
}

func TestKernelStorePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	runStoreTests(t, func(t *testing.T) (kernel.Scope, kernel.Scope) {
		db := sqltest.Postgres(t, sqlstore.Options{})
		return db.MustTenant("acme").Kernel(), db.MustTenant("globex").Kernel()
	})
}
