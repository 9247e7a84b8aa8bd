// Package credittest is the conformance suite every [credit.Store]
// implementation runs. An adapter's test is one call:
//
//	func TestCreditStore(t *testing.T) {
//		credittest.RunStoreTests(t, func(t *testing.T) credittest.Harness { ... })
//	}
package credittest

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Harness gives the suite one fresh, empty database.
type Harness struct {
	// Tx runs a transaction that the stores join.
	Tx o2c.Transactor
	// Store returns the credit store bound to tenant.
	Store func(tenant o2c.TenantID) credit.Store
}

var errBoom = errors.New("credittest: boom")

// RunStoreTests runs the suite, each test on a fresh harness.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()
	eur := func(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

	t.Run("ProfileRoundTrip", func(t *testing.T) {
		s := newHarness(t).Store("acme")
		c := o2c.NewCustomerID()
		p, err := credit.NewProfile(c, eur("10000.00"))
		require.NoError(t, err)
		p.Risk, p.NextReview, p.Since = credit.RiskB, o2c.MustDate(2027, 1, 31), o2c.MustDate(2019, 5, 1)
		p.Insurance = &credit.Insurance{Insurer: "Allianz Trade", Amount: eur("8000.00"), Expires: o2c.MustDate(2027, 6, 30)}
		require.NoError(t, s.CreateProfile(ctx, p))
		assert.EqualValues(t, 1, p.Version)
		got, err := s.GetProfile(ctx, c)
		require.NoError(t, err)
		assert.True(t, got.Limit.Equal(eur("10000")))
		assert.Equal(t, credit.RiskB, got.Risk)
		assert.Equal(t, o2c.MustDate(2027, 1, 31), got.NextReview)
		require.NotNil(t, got.Insurance)
		assert.Equal(t, "Allianz Trade", got.Insurance.Insurer)
		assert.True(t, got.Insurance.Amount.Equal(eur("8000")))
		assert.EqualValues(t, 1, got.Version)

		err = s.CreateProfile(ctx, p.Clone())
		assert.ErrorIs(t, err, o2c.ErrConflict)
		_, err = s.GetProfile(ctx, o2c.NewCustomerID())
		assert.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("ProfileValidation", func(t *testing.T) {
		s := newHarness(t).Store("acme")
		bad := []*credit.Profile{
			{},
			{Customer: o2c.NewCustomerID(), Limit: eur("-1.00")},
			{Customer: o2c.NewCustomerID(), Limit: eur("1.001")},
			{Customer: o2c.NewCustomerID(), Blocked: true},
			{Customer: o2c.NewCustomerID(), Group: "bad group"},
			{Customer: o2c.NewCustomerID(), Insurance: &credit.Insurance{Insurer: "X", Amount: eur("0"), Expires: o2c.MustDate(2027, 1, 1)}},
		}
		for _, p := range bad {
			err := s.CreateProfile(ctx, p)
			var ve *o2c.ValidationError
			assert.ErrorAs(t, err, &ve, "%+v", p)
		}
		all, err := s.ListProfiles(ctx, credit.ProfileQuery{})
		require.NoError(t, err)
		assert.Empty(t, all, "nothing written")
	})

	t.Run("UpdateProfile", func(t *testing.T) {
		s := newHarness(t).Store("acme")
		c := o2c.NewCustomerID()
		p, _ := credit.NewProfile(c, eur("5000.00"))
		require.NoError(t, s.CreateProfile(ctx, p))
		got, err := s.UpdateProfile(ctx, c, func(p *credit.Profile) error { return p.Block("insolvency proceedings") })
		require.NoError(t, err)
		assert.True(t, got.Blocked)
		assert.EqualValues(t, 2, got.Version)

		_, err = s.UpdateProfile(ctx, c, func(p *credit.Profile) error { p.Unblock(); return errBoom })
		assert.ErrorIs(t, err, errBoom)
		_, err = s.UpdateProfile(ctx, c, func(p *credit.Profile) error { p.Customer = o2c.NewCustomerID(); return nil })
		assert.ErrorIs(t, err, o2c.ErrValidation)
		_, err = s.UpdateProfile(ctx, c, func(p *credit.Profile) error { p.Limit = eur("-5.00"); return nil })
		assert.ErrorIs(t, err, o2c.ErrValidation)
		got, err = s.GetProfile(ctx, c)
		require.NoError(t, err)
		assert.True(t, got.Blocked, "failed updates wrote nothing")
		assert.EqualValues(t, 2, got.Version)
		assert.True(t, got.Limit.Equal(eur("5000")))

		_, err = s.UpdateProfile(ctx, o2c.NewCustomerID(), func(*credit.Profile) error { return nil })
		assert.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("ListByGroupAndPage", func(t *testing.T) {
		s := newHarness(t).Store("acme")
		var members []string
		for i := range 5 {
			p := &credit.Profile{Customer: o2c.NewCustomerID()}
			if i%2 == 0 {
				p.Group = "GRP-1"
				members = append(members, p.Customer.String())
			}
			require.NoError(t, s.CreateProfile(ctx, p))
		}
		sort.Strings(members)
		got, err := s.ListProfiles(ctx, credit.ProfileQuery{Group: "GRP-1"})
		require.NoError(t, err)
		var ids []string
		for _, p := range got {
			ids = append(ids, p.Customer.String())
		}
		assert.Equal(t, members, ids, "members by customer ID")
		page, err := s.ListProfiles(ctx, credit.ProfileQuery{Limit: 2, Offset: 4})
		require.NoError(t, err)
		assert.Len(t, page, 1)
		_, err = s.ListProfiles(ctx, credit.ProfileQuery{Offset: 1})
		assert.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("Groups", func(t *testing.T) {
		s := newHarness(t).Store("acme")
		g, err := credit.NewGroup("GRP-1", "Dupont holding", eur("50000.00"))
		require.NoError(t, err)
		require.NoError(t, s.CreateGroup(ctx, g))
		assert.ErrorIs(t, s.CreateGroup(ctx, &credit.Group{Code: "GRP-1", Limit: eur("1.00")}), o2c.ErrConflict)
		assert.ErrorIs(t, s.CreateGroup(ctx, &credit.Group{Code: "GRP-2"}), o2c.ErrValidation)
		got, err := s.UpdateGroup(ctx, "GRP-1", func(g *credit.Group) error { g.Limit = eur("60000.00"); return nil })
		require.NoError(t, err)
		assert.EqualValues(t, 2, got.Version)
		_, err = s.UpdateGroup(ctx, "GRP-1", func(g *credit.Group) error { g.Code = "OTHER"; return nil })
		assert.ErrorIs(t, err, o2c.ErrValidation)
		got, err = s.GetGroup(ctx, "GRP-1")
		require.NoError(t, err)
		assert.True(t, got.Limit.Equal(eur("60000")))
		assert.Equal(t, "Dupont holding", got.Name)
		_, err = s.GetGroup(ctx, "NONE")
		assert.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("Releases", func(t *testing.T) {
		s := newHarness(t).Store("acme")
		id, c := order.NewID(), o2c.NewCustomerID()
		at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		require.NoError(t, s.PutRelease(ctx, &credit.Release{Order: id, Customer: c, Value: eur("2000.00"), By: "anna", Note: "paid", At: at}))
		require.NoError(t, s.PutRelease(ctx, &credit.Release{Order: id, Customer: c, Value: eur("2100.00"), By: "bob", Note: "again", At: at.Add(time.Hour)}))
		got, err := s.GetRelease(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, "bob", got.By)
		assert.True(t, got.Value.Equal(eur("2100")))
		assert.True(t, got.At.Equal(at.Add(time.Hour)))
		assert.ErrorIs(t, s.PutRelease(ctx, &credit.Release{Order: id, Customer: c, Value: eur("1.00"), Note: "no one", At: at}), o2c.ErrValidation)
		_, err = s.GetRelease(ctx, order.NewID())
		assert.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("TenantsIsolated", func(t *testing.T) {
		h := newHarness(t)
		a, b := h.Store("acme"), h.Store("globex")
		assert.Equal(t, o2c.TenantID("acme"), a.TenantID())
		c := o2c.NewCustomerID()
		require.NoError(t, a.CreateProfile(ctx, &credit.Profile{Customer: c, Group: "G"}))
		require.NoError(t, a.CreateGroup(ctx, &credit.Group{Code: "G", Limit: eur("1.00")}))
		id := order.NewID()
		require.NoError(t, a.PutRelease(ctx, &credit.Release{Order: id, Customer: c, Value: eur("1.00"), By: "x", Note: "y", At: time.Now()}))
		_, err := b.GetProfile(ctx, c)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = b.GetGroup(ctx, "G")
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = b.GetRelease(ctx, id)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = b.UpdateProfile(ctx, c, func(*credit.Profile) error { return nil })
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		list, err := b.ListProfiles(ctx, credit.ProfileQuery{Group: "G"})
		require.NoError(t, err)
		assert.Empty(t, list)
		require.NoError(t, b.CreateProfile(ctx, &credit.Profile{Customer: c}), "same customer ID in another tenant")
	})

	t.Run("TransactionRollsBack", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := o2c.NewCustomerID()
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			if err := s.CreateProfile(ctx, &credit.Profile{Customer: c}); err != nil {
				return err
			}
			if err := s.CreateGroup(ctx, &credit.Group{Code: "G", Limit: eur("1.00")}); err != nil {
				return err
			}
			// a failing call inside the transaction leaves nothing behind
			assert.Error(t, s.CreateProfile(ctx, &credit.Profile{Customer: c}))
			return errBoom
		})
		assert.ErrorIs(t, err, errBoom)
		_, err = s.GetProfile(ctx, c)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = s.GetGroup(ctx, "G")
		assert.ErrorIs(t, err, o2c.ErrNotFound)
	})
}
