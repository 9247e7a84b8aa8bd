// Package customertest is the conformance suite every [customer.Store]
// implementation runs. An adapter's test is one call:
//
//	func TestCustomerStore(t *testing.T) {
//		customertest.RunStoreTests(t, func(t *testing.T) customertest.Harness { ... })
//	}
//
// The suite checks the contract documented on [customer.Store]: creation
// with validation and uniqueness of ID and number, reads by ID and number,
// listing by segment with paging, updates under optimistic concurrency,
// FindByIBAN, the events appended with each change, transactions carried
// by the context, and tenant isolation.
package customertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// Harness gives the suite one fresh, empty database.
type Harness struct {
	// Tx runs a transaction that the stores returned by Store join.
	Tx o2c.Transactor
	// Store returns the customer store bound to tenant.
	Store func(tenant o2c.TenantID) customer.Store
	// Events returns the tenant's pending outbox events in append order
	// (the adapter's outbox Pending), so the suite can check the events
	// each change appends.
	Events func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error)
}

// IBANs the suite uses, all valid.
const (
	ibanFR = "FR7630006000011234567890189"
	ibanDE = "DE89370400440532013000"
	ibanGB = "GB82WEST12345698765432"
	ibanNL = "NL91ABNA0417164300"
)

// t0 is when the suite's customers are created; changes happen later.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)

// RunStoreTests runs the suite. newHarness is called once per subtest and
// must return an empty database.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	ctx := context.Background()

	t.Run("CreateThenGet", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := newCustomer(t, "acme", "C-001", "key account", ibanFR)
		require.NoError(t, s.Create(ctx, c))
		assert.EqualValues(t, 1, c.Version)

		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		byNumber, err := s.GetByNumber(ctx, "  C-001 ")
		require.NoError(t, err)
		assert.Equal(t, c, byNumber, "numbers compare in normal form")

		// copies in and out
		c.LegalName = "Changed Locally"
		got.BankAccounts[0].Holder = "Changed Too"
		again, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "Customer C-001 SA", again.LegalName)
		assert.Equal(t, "Customer C-001", again.BankAccounts[0].Holder)

		events := customerEvents(t, h, "acme")
		require.Len(t, events, 1)
		assertEvent(t, events[0], customer.EventCreated, again, 1)
	})

	t.Run("MissingIsNotFound", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		_, err := s.Get(ctx, o2c.NewCustomerID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = s.GetByNumber(ctx, "C-404")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = s.GetByNumber(ctx, "  ")
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = s.Update(ctx, o2c.NewCustomerID(), func(*customer.Customer) error { return nil })
		require.ErrorIs(t, err, o2c.ErrNotFound)
		list, err := s.List(ctx, customer.ListOptions{})
		require.NoError(t, err)
		assert.Empty(t, list)
		assert.Empty(t, customerEvents(t, h, "acme"))
	})

	t.Run("CreateNormalisesHandBuiltCustomer", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := newCustomer(t, "acme", "C-001", "", ibanFR)
		c.Number = "  C-007 "
		c.Segment = " public   sector "
		c.BankAccounts[0].IBAN = "fr76 3000 6000 0112 3456 7890 189"
		c.CreatedAt = c.CreatedAt.In(time.FixedZone("CET", 3600))
		require.NoError(t, s.Create(ctx, c))
		assert.Equal(t, "C-007", c.Number, "Create leaves c as stored")

		got, err := s.GetByNumber(ctx, "C-007")
		require.NoError(t, err)
		assert.Equal(t, c, got)
		assert.Equal(t, "public sector", got.Segment)
		assert.Equal(t, ibanFR, got.BankAccounts[0].IBAN)
		assert.Equal(t, time.UTC, got.CreatedAt.Location())
		found, err := s.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		assert.Equal(t, []string{"C-007"}, numbers(found))
	})

	t.Run("CreateRefusesInvalidAndWritesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		cases := map[string]func(c *customer.Customer){
			"bad iban": func(c *customer.Customer) { c.BankAccounts[0].IBAN = "FR7630006000011234567890188" },
			"no id":    func(c *customer.Customer) { c.ID = o2c.CustomerID{} },
			"no number": func(c *customer.Customer) {
				c.Number = " "
			},
			"bad email": func(c *customer.Customer) { c.BillingContacts[0].Email = "nobody" },
			"other tenant": func(c *customer.Customer) {
				c.Tenant = "other"
			},
			"updated before created": func(c *customer.Customer) { c.UpdatedAt = c.CreatedAt.Add(-time.Hour) },
			"negative version":       func(c *customer.Customer) { c.Version = -1 },
		}
		for name, spoil := range cases {
			c := newCustomer(t, "acme", "C-001", "", ibanFR)
			spoil(c)
			before := c.Clone()
			err := s.Create(ctx, c)
			require.ErrorIs(t, err, o2c.ErrValidation, name)
			assert.NotEmpty(t, customer.ValidationErrors(err), "%s: the field is named", name)
			assert.Equal(t, before, c, "%s: c is unchanged", name)
		}
		require.ErrorIs(t, s.Create(ctx, nil), o2c.ErrValidation)

		list, err := s.List(ctx, customer.ListOptions{})
		require.NoError(t, err)
		assert.Empty(t, list)
		_, err = s.GetByNumber(ctx, "C-001")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		found, err := s.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		assert.Empty(t, found)
		assert.Empty(t, customerEvents(t, h, "acme"))
		assert.Empty(t, customerEvents(t, h, "other"))
	})

	t.Run("DuplicateIDOrNumberIsConflict", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		a := newCustomer(t, "acme", "C-001", "", ibanFR)
		require.NoError(t, s.Create(ctx, a))

		again := a.Clone()
		again.Version = 0
		again.Number = "C-002"
		require.ErrorIs(t, s.Create(ctx, again), o2c.ErrConflict, "same ID")
		assert.EqualValues(t, 0, again.Version, "c is unchanged on error")

		b := newCustomer(t, "acme", " C-001  ", "", ibanDE)
		require.ErrorIs(t, s.Create(ctx, b), o2c.ErrConflict, "same number in normal form")

		list, err := s.List(ctx, customer.ListOptions{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, a.ID, list[0].ID)
		found, err := s.FindByIBAN(ctx, ibanDE)
		require.NoError(t, err)
		assert.Empty(t, found, "the refused customer's IBAN is not indexed")
		assert.Len(t, customerEvents(t, h, "acme"), 1)

		// the number is free again for another tenant
		require.NoError(t, h.Store("other").Create(ctx, newCustomer(t, "other", "C-001", "", ibanFR)))
	})

	t.Run("ConcurrentCreatesOfOneNumberLandOnce", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		const workers = 4
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			c := newCustomer(t, "acme", "C-001", "", ibanFR)
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Create(ctx, c)
			}()
		}
		wg.Wait()
		close(errs)
		created := 0
		for err := range errs {
			if err == nil {
				created++
				continue
			}
			require.ErrorIs(t, err, o2c.ErrConflict)
		}
		assert.Equal(t, 1, created)
		list, err := s.List(ctx, customer.ListOptions{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		found, err := s.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		assert.Equal(t, []string{"C-001"}, numbers(found))
		assert.Len(t, customerEvents(t, h, "acme"), 1)
	})

	t.Run("ListOrderPagingAndSegment", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		for _, n := range []string{"C-003", "C-001", "C-005", "C-002", "C-004"} {
			seg := "smb"
			if n == "C-001" || n == "C-003" || n == "C-005" {
				seg = "key account"
			}
			require.NoError(t, s.Create(ctx, newCustomer(t, "acme", n, seg)))
		}
		list := func(o customer.ListOptions) []string {
			t.Helper()
			cs, err := s.List(ctx, o)
			require.NoError(t, err)
			return numbers(cs)
		}
		assert.Equal(t, []string{"C-001", "C-002", "C-003", "C-004", "C-005"}, list(customer.ListOptions{}))
		assert.Equal(t, []string{"C-001", "C-002"}, list(customer.ListOptions{Limit: 2}))
		assert.Equal(t, []string{"C-003", "C-004"}, list(customer.ListOptions{Limit: 2, Offset: 2}))
		assert.Equal(t, []string{"C-005"}, list(customer.ListOptions{Limit: 2, Offset: 4}))
		assert.Empty(t, list(customer.ListOptions{Limit: 2, Offset: 6}))
		assert.Equal(t, []string{"C-001", "C-003", "C-005"}, list(customer.ListOptions{Segment: " key  account "}))
		assert.Equal(t, []string{"C-003"}, list(customer.ListOptions{Segment: "key account", Limit: 1, Offset: 1}))
		assert.Equal(t, []string{"C-002", "C-004"}, list(customer.ListOptions{Segment: "smb", Limit: 10}))
		assert.Empty(t, list(customer.ListOptions{Segment: "Key Account"}), "segments compare case-sensitively")

		for _, bad := range []customer.ListOptions{{Limit: -1}, {Limit: 1, Offset: -1}, {Offset: 1}} {
			_, err := s.List(ctx, bad)
			require.ErrorIs(t, err, o2c.ErrValidation, "%+v", bad)
		}
	})

	t.Run("UpdateStoresNextVersionWithEvent", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := newCustomer(t, "acme", "C-001", "smb", ibanFR)
		require.NoError(t, s.Create(ctx, c))

		later := t0.Add(24 * time.Hour)
		got, err := s.Update(ctx, c.ID, func(c *customer.Customer) error {
			assert.EqualValues(t, 1, c.Version, "change sees the stored version")
			return c.Update(later, func(d *customer.Details) error {
				d.Segment = "key account"
				d.BankAccounts = append(d.BankAccounts, customer.BankAccount{IBAN: "de89 3704 0044 0532 0130 00", Holder: "Customer GmbH"})
				return nil
			})
		})
		require.NoError(t, err)
		assert.EqualValues(t, 2, got.Version)
		assert.Equal(t, "key account", got.Segment)
		assert.Equal(t, ibanDE, got.BankAccounts[1].IBAN)
		assert.Equal(t, later, got.UpdatedAt)

		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored)
		found, err := s.FindByIBAN(ctx, ibanDE)
		require.NoError(t, err)
		assert.Equal(t, []string{"C-001"}, numbers(found))
		listed, err := s.List(ctx, customer.ListOptions{Segment: "key account"})
		require.NoError(t, err)
		assert.Equal(t, []string{"C-001"}, numbers(listed))

		events := customerEvents(t, h, "acme")
		require.Len(t, events, 2)
		assertEvent(t, events[0], customer.EventCreated, stored, 1)
		assertEvent(t, events[1], customer.EventUpdated, stored, 2)

		// a change that sets fields directly is normalised like Customer.Update
		got, err = s.Update(ctx, c.ID, func(c *customer.Customer) error {
			c.Segment = "  public   sector "
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, "public sector", got.Segment)
		assert.EqualValues(t, 3, got.Version)
	})

	t.Run("UpdateOfStaleCopyIsConflictAndLosesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := newCustomer(t, "acme", "C-001", "smb", ibanFR)
		require.NoError(t, s.Create(ctx, c))

		stale, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		_, err = s.Update(ctx, c.ID, func(c *customer.Customer) error {
			return c.Update(t0.Add(time.Hour), func(d *customer.Details) error { d.LegalName = "First Writer SA"; return nil })
		})
		require.NoError(t, err)

		// the second writer edited its copy of version 1 and hands it back
		edited := stale.Clone()
		require.NoError(t, edited.Update(t0.Add(2*time.Hour), func(d *customer.Details) error { d.Segment = "late"; return nil }))
		_, err = s.Update(ctx, c.ID, func(c *customer.Customer) error { *c = *edited.Clone(); return nil })
		require.ErrorIs(t, err, o2c.ErrConflict)

		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.EqualValues(t, 2, got.Version)
		assert.Equal(t, "First Writer SA", got.LegalName, "the first writer's change is kept")
		assert.Equal(t, "smb", got.Segment, "the stale write left nothing")
		assert.Len(t, customerEvents(t, h, "acme"), 2, "no event for the refused write")

		// applied as a change, the same edit goes through on top of the first
		got, err = s.Update(ctx, c.ID, func(c *customer.Customer) error {
			return c.Update(t0.Add(2*time.Hour), func(d *customer.Details) error { d.Segment = "late"; return nil })
		})
		require.NoError(t, err)
		assert.EqualValues(t, 3, got.Version)
		assert.Equal(t, "First Writer SA", got.LegalName)
		assert.Equal(t, "late", got.Segment)
	})

	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := newCustomer(t, "acme", "C-001", "", ibanFR)
		require.NoError(t, s.Create(ctx, c))

		const workers, each = 4, 3
		var (
			wg   sync.WaitGroup
			done atomic.Int64
		)
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					_, err := s.Update(ctx, c.ID, func(c *customer.Customer) error {
						return c.Update(t0.Add(time.Hour), func(d *customer.Details) error {
							d.BillingContacts = append(d.BillingContacts, customer.Contact{
								Name: fmt.Sprintf("Worker %d", w), Email: fmt.Sprintf("w%d-%d@example.com", w, i), Invoices: true,
							})
							return nil
						})
					})
					if err == nil {
						done.Add(1)
					}
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				require.ErrorIs(t, err, o2c.ErrConflict, "a concurrent update either lands or is a conflict")
			}
		}
		n := done.Load()
		require.Positive(t, n)
		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, got.BillingContacts, 1+int(n), "every update that succeeded is in the stored customer")
		assert.EqualValues(t, 1+n, got.Version)
		assert.Len(t, customerEvents(t, h, "acme"), 1+int(n))
	})

	t.Run("FailedUpdateWritesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		c := newCustomer(t, "acme", "C-001", "smb", ibanFR)
		require.NoError(t, s.Create(ctx, c))

		boom := errors.New("boom")
		_, err := s.Update(ctx, c.ID, func(c *customer.Customer) error {
			c.LegalName = "Half Done"
			c.BankAccounts = nil
			return boom
		})
		require.ErrorIs(t, err, boom, "change's error is returned as is")

		_, err = s.Update(ctx, c.ID, func(c *customer.Customer) error {
			c.LegalName = "Invalid Too"
			c.BankAccounts[0].IBAN = "FR7630006000011234567890188"
			return nil
		})
		require.ErrorIs(t, err, o2c.ErrValidation)
		assert.Equal(t, []string{"bank_accounts[0].iban"}, fieldsOf(err))

		immutable := map[string]func(c *customer.Customer){
			"id":         func(c *customer.Customer) { c.ID = o2c.NewCustomerID() },
			"tenant":     func(c *customer.Customer) { c.Tenant = "other" },
			"created_at": func(c *customer.Customer) { c.CreatedAt = c.CreatedAt.Add(-time.Hour) },
		}
		for field, change := range immutable {
			_, err := s.Update(ctx, c.ID, func(c *customer.Customer) error { change(c); return nil })
			require.ErrorIs(t, err, o2c.ErrValidation, field)
			require.ErrorIs(t, err, customer.ErrImmutable, field)
			assert.Contains(t, fieldsOf(err), field)
		}
		_, err = s.Update(ctx, c.ID, nil)
		require.ErrorIs(t, err, o2c.ErrValidation)

		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got, "nothing was written")
		found, err := s.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		assert.Equal(t, []string{"C-001"}, numbers(found))
		_, err = h.Store("other").Get(ctx, c.ID)
		require.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Len(t, customerEvents(t, h, "acme"), 1)
	})

	t.Run("UpdateToTakenNumberIsConflict", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		a := newCustomer(t, "acme", "C-001", "", ibanFR)
		b := newCustomer(t, "acme", "C-002", "", ibanDE)
		require.NoError(t, s.Create(ctx, a))
		require.NoError(t, s.Create(ctx, b))

		_, err := s.Update(ctx, b.ID, func(c *customer.Customer) error { c.Number = "C-001 "; return nil })
		require.ErrorIs(t, err, o2c.ErrConflict)
		got, err := s.GetByNumber(ctx, "C-001")
		require.NoError(t, err)
		assert.Equal(t, a.ID, got.ID)
		got, err = s.Get(ctx, b.ID)
		require.NoError(t, err)
		assert.Equal(t, b, got)

		// renumbering frees the old number
		_, err = s.Update(ctx, b.ID, func(c *customer.Customer) error { c.Number = "C-003"; return nil })
		require.NoError(t, err)
		_, err = s.GetByNumber(ctx, "C-002")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		got, err = s.GetByNumber(ctx, "C-003")
		require.NoError(t, err)
		assert.Equal(t, b.ID, got.ID)
		require.NoError(t, s.Create(ctx, newCustomer(t, "acme", "C-002", "")))
		assert.Len(t, customerEvents(t, h, "acme"), 4)
	})

	t.Run("FindByIBAN", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		parent := newCustomer(t, "acme", "C-002", "", ibanFR, ibanDE)
		subsidiary := newCustomer(t, "acme", "C-001", "", ibanFR)
		other := newCustomer(t, "acme", "C-003", "")
		for _, c := range []*customer.Customer{parent, subsidiary, other} {
			require.NoError(t, s.Create(ctx, c))
		}
		find := func(iban string) []string {
			t.Helper()
			cs, err := s.FindByIBAN(ctx, iban)
			require.NoError(t, err)
			return numbers(cs)
		}
		assert.Equal(t, []string{"C-001", "C-002"}, find(ibanFR), "a shared account finds every customer, by number")
		assert.Equal(t, []string{"C-001", "C-002"}, find("fr76 3000 6000 0112 3456 7890 189"))
		assert.Equal(t, []string{"C-002"}, find(" DE89-3704-0044-0532-0130-00 "))
		assert.Empty(t, find(ibanGB), "unknown")
		assert.Empty(t, find(""), "empty")
		assert.Empty(t, find("not an iban"), "malformed")

		got, err := s.FindByIBAN(ctx, ibanDE)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, parent, got[0])

		// the index follows updates
		_, err = s.Update(ctx, parent.ID, func(c *customer.Customer) error {
			return c.Update(t0.Add(time.Hour), func(d *customer.Details) error {
				d.BankAccounts = d.BankAccounts[:1] // drops the DE account
				return nil
			})
		})
		require.NoError(t, err)
		_, err = s.Update(ctx, other.ID, func(c *customer.Customer) error {
			return c.Update(t0.Add(time.Hour), func(d *customer.Details) error {
				d.BankAccounts = []customer.BankAccount{{IBAN: "gb82 west 1234 5698 7654 32", Holder: "Other Ltd"}, {IBAN: ibanDE, Holder: "Other Ltd"}}
				return nil
			})
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"C-003"}, find(ibanDE))
		assert.Equal(t, []string{"C-003"}, find(ibanGB))
		assert.Equal(t, []string{"C-001", "C-002"}, find(ibanFR))
	})

	t.Run("TenantsNeverSeeEachOther", func(t *testing.T) {
		h := newHarness(t)
		a, b := h.Store("tenant-a"), h.Store("tenant-b")
		ca := newCustomer(t, "tenant-a", "C-001", "smb", ibanFR)
		require.NoError(t, a.Create(ctx, ca))

		_, err := b.Get(ctx, ca.ID)
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = b.GetByNumber(ctx, "C-001")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		list, err := b.List(ctx, customer.ListOptions{})
		require.NoError(t, err)
		assert.Empty(t, list)
		list, err = b.List(ctx, customer.ListOptions{Segment: "smb", Limit: 10})
		require.NoError(t, err)
		assert.Empty(t, list)
		found, err := b.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		assert.Empty(t, found)
		called := false
		_, err = b.Update(ctx, ca.ID, func(c *customer.Customer) error { called = true; c.LegalName = "Hijacked"; return nil })
		require.ErrorIs(t, err, o2c.ErrNotFound)
		assert.False(t, called, "tenant B's change never sees tenant A's customer")
		assert.Empty(t, customerEvents(t, h, "tenant-b"))

		// a store refuses a customer of another tenant
		require.ErrorIs(t, b.Create(ctx, newCustomer(t, "tenant-a", "C-009", "")), o2c.ErrValidation)

		// tenant B may use the same number and account for its own customer
		cb := newCustomer(t, "tenant-b", "C-001", "smb", ibanFR)
		require.NoError(t, b.Create(ctx, cb))
		found, err = a.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		require.Len(t, found, 1)
		assert.Equal(t, ca.ID, found[0].ID)
		got, err := b.GetByNumber(ctx, "C-001")
		require.NoError(t, err)
		assert.Equal(t, cb.ID, got.ID)

		stored, err := a.Get(ctx, ca.ID)
		require.NoError(t, err)
		assert.Equal(t, ca, stored, "tenant A's customer is untouched")
		evA, evB := customerEvents(t, h, "tenant-a"), customerEvents(t, h, "tenant-b")
		require.Len(t, evA, 1)
		require.Len(t, evB, 1)
		assert.Equal(t, ca.ID.String(), evA[0].AggregateID)
		assert.Equal(t, cb.ID.String(), evB[0].AggregateID)
	})

	t.Run("RolledBackTxLeavesNoCustomer", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		boom := errors.New("boom")
		c := newCustomer(t, "acme", "C-001", "smb", ibanFR)
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			if err := s.Create(ctx, c); err != nil {
				return err
			}
			// visible inside its own transaction
			if _, err := s.GetByNumber(ctx, "C-001"); err != nil {
				return err
			}
			found, err := s.FindByIBAN(ctx, ibanFR)
			if err != nil {
				return err
			}
			if len(found) != 1 {
				return fmt.Errorf("inside the transaction: FindByIBAN found %d, want 1", len(found))
			}
			if _, err := s.Update(ctx, c.ID, func(c *customer.Customer) error { c.LegalName = "Renamed"; return nil }); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)

		_, err = s.Get(ctx, c.ID)
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = s.GetByNumber(ctx, "C-001")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		list, err := s.List(ctx, customer.ListOptions{})
		require.NoError(t, err)
		assert.Empty(t, list)
		found, err := s.FindByIBAN(ctx, ibanFR)
		require.NoError(t, err)
		assert.Empty(t, found)
		assert.Empty(t, customerEvents(t, h, "acme"))

		// the number and the ID are free again
		fresh := c.Clone()
		fresh.Version = 0
		require.NoError(t, s.Create(ctx, fresh))

		// a rolled-back update leaves the stored version
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			if _, err := s.Update(ctx, fresh.ID, func(c *customer.Customer) error { c.Segment = "gone"; return nil }); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := s.Get(ctx, fresh.ID)
		require.NoError(t, err)
		assert.Equal(t, fresh, got)
		assert.Len(t, customerEvents(t, h, "acme"), 1)
	})

	t.Run("FailedCallInsideTxLeavesNothingHalfWritten", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		a := newCustomer(t, "acme", "C-001", "", ibanFR)
		dup := newCustomer(t, "acme", "C-001", "", ibanNL)
		require.NoError(t, h.Tx.InTx(ctx, func(ctx context.Context) error {
			if err := s.Create(ctx, a); err != nil {
				return err
			}
			// the caller carries on after each failure
			if err := s.Create(ctx, dup); !errors.Is(err, o2c.ErrConflict) {
				return fmt.Errorf("duplicate number: got %v, want a conflict", err)
			}
			_, err := s.Update(ctx, a.ID, func(c *customer.Customer) error {
				c.Number = "C-002"
				c.BankAccounts[0].IBAN = "not an IBAN"
				return nil
			})
			if !errors.Is(err, o2c.ErrValidation) {
				return fmt.Errorf("invalid update: got %v, want a validation error", err)
			}
			return nil
		}))

		got, err := s.Get(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
		_, err = s.Get(ctx, dup.ID)
		require.ErrorIs(t, err, o2c.ErrNotFound)
		found, err := s.FindByIBAN(ctx, ibanNL)
		require.NoError(t, err)
		assert.Empty(t, found)
		events := customerEvents(t, h, "acme")
		require.Len(t, events, 1)
		assertEvent(t, events[0], customer.EventCreated, a, 1)
	})
}

// newCustomer returns a valid customer of tenant made with customer.New,
// with one bank account per IBAN.
func newCustomer(t *testing.T, tenant o2c.TenantID, number, segment string, ibans ...string) *customer.Customer {
	t.Helper()
	name := "Customer " + customer.NormalizeNumber(number)
	d := customer.Details{
		Number:    number,
		LegalName: name + " SA",
		Country:   "FR",
		BillingAddress: customer.Address{
			Lines: []string{"1 rue de la Paix"}, Postcode: "75002", City: "Paris",
		},
		BillingContacts: []customer.Contact{{Name: "Accounts payable", Email: "ap@example.com", Invoices: true, Reminders: true}},
		Language:        "fr",
		Currency:        o2c.EUR,
		Segment:         segment,
	}
	for _, iban := range ibans {
		d.BankAccounts = append(d.BankAccounts, customer.BankAccount{IBAN: iban, Holder: name})
	}
	c, err := customer.New(tenant, d, t0)
	require.NoError(t, err)
	return c
}

func numbers(cs []*customer.Customer) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Number)
	}
	return out
}

func fieldsOf(err error) []string {
	var out []string
	for _, ve := range customer.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

// customerEvents returns the tenant's pending customer events.
func customerEvents(t *testing.T, h Harness, tenant o2c.TenantID) []o2c.Event {
	t.Helper()
	all, err := h.Events(context.Background(), tenant)
	require.NoError(t, err)
	var out []o2c.Event
	for _, e := range all {
		require.Equal(t, tenant, e.Tenant, "an outbox lists only its tenant's events")
		if e.AggregateType == customer.AggregateType {
			out = append(out, e)
		}
	}
	return out
}

func assertEvent(t *testing.T, e o2c.Event, eventType string, c *customer.Customer, version int64) {
	t.Helper()
	assert.Equal(t, eventType, e.Type)
	assert.Equal(t, c.Tenant, e.Tenant)
	assert.Equal(t, customer.AggregateType, e.AggregateType)
	assert.Equal(t, c.ID.String(), e.AggregateID)
	assert.False(t, e.OccurredAt.IsZero())
	var p customer.EventPayload
	require.NoError(t, e.Decode(&p))
	assert.Equal(t, customer.EventPayload{ID: c.ID, Number: c.Number, Version: version}, p)
}
