package invoicetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Allocators and Issuers are the goroutine counts of the concurrency
// acceptance tests.
const (
	Allocators = 16
	Issuers    = 8
)

func concurrencyTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("SixteenGoroutinesAllocateToTheSameInvoices", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		// 4 invoices of 100.00 (400.00 in all) and 16 payments of 37.00
		// (592.00): every goroutine spreads its payment over the invoices in
		// a random order, several times, so the invoices run out and
		// allocations start being refused while others still succeed.
		var invs []*invoice.Invoice
		for range 4 {
			invs = append(invs, e.issue(t, cust, eur("100.00")))
		}
		var pays []*invoice.Payment
		for range Allocators {
			pays = append(pays, e.pay(t, cust, eur("37.00")))
		}
		amounts := []string{"7.00", "3.33", "11.10", "0.01", "5.56"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var unexpected []error
		succeeded := map[invoice.PaymentID]int{}
		start := make(chan struct{})
		for w := range Allocators {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 42))
				<-start
				for round := range 6 {
					var lines []invoice.AllocationLine
					for _, i := range rng.Perm(len(invs)) {
						lines = append(lines, invoice.AllocationLine{Invoice: invs[i].ID(), Amount: eur(amounts[(w+round+i)%len(amounts)])})
					}
					_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: pays[w].ID(), Key: fmt.Sprintf("w%d-r%d", w, round), Lines: lines})
					mu.Lock()
					switch {
					case err == nil:
						succeeded[pays[w].ID()]++
					case errors.Is(err, invoice.ErrOverAllocation), errors.Is(err, invoice.ErrInsufficientFunds):
					default:
						unexpected = append(unexpected, err)
					}
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		require.Empty(t, unexpected, "only limits may refuse an allocation (no deadlock, no lost race)")

		// the two sides agree, to the allocation: nothing lost, nothing invented
		fromPayments := map[invoice.AllocationID]o2c.Money{}
		perInvoice := map[invoice.ID]o2c.Money{}
		total := 0
		for _, p := range pays {
			got := e.getPayment(t, p.ID())
			assert.False(t, got.Unapplied().IsNegative(), "a payment never gives more than it has")
			assert.Len(t, got.Allocations(), succeeded[p.ID()]*len(invs), "every successful request allocated its %d lines", len(invs))
			sum := o2c.Zero(o2c.EUR)
			for _, a := range got.Allocations() {
				fromPayments[a.ID] = a.Amount
				sum, _ = sum.Add(a.Amount)
				prev, ok := perInvoice[a.Invoice]
				if !ok {
					prev = o2c.Zero(o2c.EUR)
				}
				perInvoice[a.Invoice], _ = prev.Add(a.Amount)
			}
			left, err := p.Amount().Sub(sum)
			require.NoError(t, err)
			assert.True(t, left.Equal(got.Unapplied()), "unapplied = amount - allocations")
			total += succeeded[p.ID()]
		}
		assert.Positive(t, total)
		settled := 0
		for _, inv := range invs {
			got := e.get(t, inv.ID())
			assert.False(t, got.Open().IsNegative(), "no open amount below zero")
			sum := o2c.Zero(o2c.EUR)
			for _, s := range got.Settlements() {
				amount, ok := fromPayments[s.ID]
				require.True(t, ok, "settlement %s has its allocation on a payment", s.ID)
				assert.True(t, amount.Equal(s.Amount))
				sum, _ = sum.Add(s.Amount)
				settled++
			}
			left, err := got.Gross().Sub(sum)
			require.NoError(t, err)
			assert.True(t, left.Equal(got.Open()), "open = gross - settlements on %s", got.Number())
			assert.True(t, sum.Equal(perInvoice[inv.ID()]), "the invoice and the payments agree on %s", got.Number())
			if got.Open().IsZero() {
				assert.Equal(t, invoice.StatePaid, got.Status())
			}
		}
		assert.Equal(t, len(fromPayments), settled, "every allocation is on its invoice")
	})

	t.Run("RepeatedRequestsRacingCountOnce", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issue(t, cust, eur("100.00"))
		in := invoice.PaymentInput{Customer: cust, Amount: eur("60.00"), ValueDate: o2c.DateOf(Epoch), Method: invoice.MethodTransfer, IdempotencyKey: "camt-1"}
		const workers = 8
		var wg sync.WaitGroup
		ids := make([]invoice.PaymentID, workers)
		allocs := make([][]invoice.Allocation, workers)
		errs := make([]error, 2*workers)
		start := make(chan struct{})
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				p, err := e.svc.RecordPayment(ctx, in)
				if errs[w] = err; err != nil {
					return
				}
				ids[w] = p.ID()
				allocs[w], errs[workers+w] = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "match-1",
					Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("60.00")}}})
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		for w := 1; w < workers; w++ {
			assert.Equal(t, ids[0], ids[w], "one payment for one key")
			require.Len(t, allocs[w], 1)
			assert.Equal(t, allocs[0][0].ID, allocs[w][0].ID, "one allocation for one key")
		}
		ps, err := e.pays.List(ctx, invoice.PaymentFilter{Customer: cust})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Len(t, ps[0].Allocations(), 1)
		assert.Equal(t, "40.00 EUR", e.get(t, inv.ID()).Open().String())
		recorded := 0
		for _, typ := range e.events(t, ids[0].String()) {
			if typ == invoice.EventPaymentRecorded {
				recorded++
			}
		}
		assert.Equal(t, 1, recorded)
	})

	t.Run("EightGoroutinesIssueGaplessNumbers", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		const each = 4
		drafts := make([][]invoice.ID, Issuers)
		for w := range Issuers {
			for range each {
				d, err := e.svc.CreateInvoice(ctx, draftOf(cust, zeroRatedLine("x", eur("1.00"))))
				require.NoError(t, err)
				drafts[w] = append(drafts[w], d.ID())
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var numbers []string
		var errs []error
		start := make(chan struct{})
		for w := range Issuers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for _, id := range drafts[w] {
					inv, err := e.svc.Issue(ctx, id, o2c.Date{})
					mu.Lock()
					if err != nil {
						errs = append(errs, err)
					} else {
						numbers = append(numbers, inv.Number())
					}
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		require.Empty(t, errs)
		sort.Strings(numbers)
		want := make([]string, Issuers*each)
		for i := range want {
			want[i] = fmt.Sprintf("INV-2026-%06d", i+1)
		}
		assert.Equal(t, want, numbers, "unique and gapless")
		last, err := e.numbers.Last(ctx, "INV-2026")
		require.NoError(t, err)
		assert.EqualValues(t, Issuers*each, last)
		// each number is on exactly one stored invoice
		list, err := e.inv.List(ctx, invoice.Filter{Statuses: []invoice.State{invoice.StateIssued}})
		require.NoError(t, err)
		require.Len(t, list, Issuers*each)
		seen := map[string]bool{}
		for _, inv := range list {
			assert.False(t, seen[inv.Number()])
			seen[inv.Number()] = true
		}
	})
}
