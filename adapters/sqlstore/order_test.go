package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/order/ordertest"
	"github.com/cashcycle/sdk/outbox"
)

func orderHarness(db *sqlstore.DB) ordertest.Harness {
	return ordertest.Harness{
		Tx:     db,
		Store:  func(tenant o2c.TenantID) order.Store { return db.MustTenant(tenant).Orders() },
		Outbox: func(tenant o2c.TenantID) outbox.Store { return db.MustTenant(tenant).Outbox() },
	}
}

func TestOrderStoreConformanceSQLite(t *testing.T) {
	ordertest.RunStoreTests(t, func(t *testing.T) ordertest.Harness {
		return orderHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestOrderStoreConformanceSQLiteMemory(t *testing.T) {
	ordertest.RunStoreTests(t, func(t *testing.T) ordertest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return orderHarness(db)
	})
}

func TestOrderStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	ordertest.RunStoreTests(t, func(t *testing.T) ordertest.Harness {
		return orderHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}

func BenchmarkPlaceApproveDeliver(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		ordertest.BenchPlaceApproveDeliver(b, sqltest.SQLite(b, sqlstore.Options{}).MustTenant("acme").Orders())
	})
}

// TestOrderQueryColumns checks the columns written next to the document:
// what queries filter on and what credit exposure sums in SQL.
func TestOrderQueryColumns(t *testing.T) {
	sqltest.Each(t, sqlstore.Options{}, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := db.MustTenant("acme").Orders()
		o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))
		_, err := s.Update(ctx, o.ID(), func(w *order.Order) error {
			if err := w.Place(ordertest.Now, ""); err != nil {
				return err
			}
			if err := w.Approve(ordertest.Now, ""); err != nil {
				return err
			}
			if err := w.Ship(ordertest.Now, "S1", []order.LineQuantity{{Line: 2, Quantity: ordertest.Dec("2.5")}}); err != nil {
				return err
			}
			return w.ConfirmDelivery(ordertest.Now, "D1", []order.LineQuantity{{Line: 2, Quantity: ordertest.Dec("2.5")}})
		})
		require.NoError(t, err)
		var (
			customer, status, currency, net, gross, open, uninvoiced, ref string
			delivery                                                      o2c.Date
		)
		err = db.SQL().QueryRowContext(ctx, `SELECT CAST(customer_id AS TEXT), status, currency, CAST(net_total AS TEXT), CAST(gross_total AS TEXT),
			CAST(open_order_value AS TEXT), CAST(uninvoiced_value AS TEXT), requested_delivery, customer_reference
			FROM o2c_orders WHERE tenant = 'acme'`).Scan(&customer, &status, &currency, &net, &gross, &open, &uninvoiced, &delivery, &ref)
		require.NoError(t, err)
		assert.Equal(t, o.Customer().String(), customer)
		assert.Equal(t, "partially_delivered", status)
		assert.Equal(t, "EUR", currency)
		assert.Equal(t, "271.85", net)
		assert.Equal(t, "297.53", gross)
		assert.Equal(t, "77.53", open, "297.53 less the 220.00 delivered")
		assert.Equal(t, "220.00", uninvoiced)
		assert.Equal(t, o2c.MustDate(2026, 12, 1), delivery)
		assert.Equal(t, "PO-2026-0042", ref)
	})
}
