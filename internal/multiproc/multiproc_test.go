// Package multiproc_test proves the SDK's concurrency guarantees on
// PostgreSQL with several OS processes, not just goroutines, sharing one
// database (issue 8, last bullet).
//
// TestMultiProcessPostgres seeds one tenant in a fresh schema, then
// re-executes this test binary as child processes (TestMultiProcessChild,
// selected by environment variables) that work on the same rows at the
// same time:
//
//   - 4 "allocate" children apply their payments to the same invoices in
//     random order, more than the invoices can take, so allocations start
//     being refused while others still succeed;
//   - 3 "issue" children each issue their drafts concurrently (a goroutine
//     per draft), all drawing from the same number series;
//   - 2 "dunning" children run dunning (Run: dry run, execute, deliver) for
//     the same date, delivering through a notifier that appends each
//     accepted letter key to a shared file (the receiver, deduplicating by
//     key under an exclusive file lock, as the Notifier contract asks);
//   - 2 "dispatch" children run an outbox.Dispatcher whose handler appends
//     every event ID to a shared log opened O_APPEND, write + fsync per
//     record (the receiver's log), until told to stop and nothing is pending.
//
// Two children are killed with SIGKILL midway and restarted with the same
// role: an allocate child while it is applying (or re-applying, by key)
// its allocations, and a dispatch child inside its handler, after the event
// reached the receiver's log and before the outbox learnt of it.
//
// Afterwards it proves, from the database and the receivers' files:
//   - nothing over-applied: every invoice has open >= 0 and gross -
//     settlements = open, every payment unapplied >= 0 and amount -
//     allocations = unapplied, and the two sides agree allocation by
//     allocation;
//   - invoice numbers are unique and gapless, 1..total, and the series
//     counter equals total;
//   - every dunning letter exists once per key, one per customer and
//     currency for the date, is delivered, and its key was accepted by the
//     receiver exactly once;
//   - every outbox record is delivered and reached a receiver (the event
//     log, or for a letter event the letter receiver: the dunning store
//     marks a letter's event delivered when its notifier accepts it, so a
//     dispatcher may never see it); deduplicated by key the event log holds
//     exactly the delivered events, and its duplicates (at-least-once
//     delivery redelivers what the killed dispatcher had handled but not
//     marked) are counted and reported.
package multiproc_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

// Environment of a child process.
const (
	envRole   = "O2C_MP_ROLE"   // allocate, issue, dunning, dispatch
	envSchema = "O2C_MP_SCHEMA" // the PostgreSQL schema
	envDSN    = "O2C_MP_DSN"    // the DSN
	envWorker = "O2C_MP_WORKER" // the worker index within its role
	envOut    = "O2C_MP_OUT"    // the child's summary file, written on success
	envDir    = "O2C_MP_DIR"    // the shared directory: plan, logs, progress, stop
	envVictim = "O2C_MP_VICTIM" // "1": the first incarnation, which the parent kills
)

const (
	tenant         o2c.TenantID = "acme"
	allocators                  = 4
	payEach                     = 2 // payments per allocate child
	allocRound                  = 6 // allocation requests per payment
	allocInvs                   = 5 // invoices shared by the allocators
	issuers                     = 3
	issueEach                   = 4 // drafts per issue child
	dunners                     = 2
	overdue                     = 10 // customers with one overdue invoice each
	dispatchers                 = 2
	lease                       = 3 * time.Second
	killAllocAt                 = 3 // allocate child 0 is killed after this many requests
	killDispatchAt              = 6 // dispatch child 0 is killed inside its handler of this record
	waitLimit                   = 50 * time.Second
)

var (
	epoch   = time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)
	dunDate = o2c.MustDate(2026, time.March, 10)
	amounts = []string{"7.00", "3.33", "11.10", "0.01", "5.56"}
)

// plan is what the parent seeded, for the children.
type plan struct {
	Invoices []invoice.ID          `json:"invoices"`
	Payments [][]invoice.PaymentID `json:"payments"` // per allocate child
	Drafts   [][]invoice.ID        `json:"drafts"`   // per issue child
}

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func line(amount o2c.Money) invoice.Line {
	return invoice.Line{Description: "Consulting", Quantity: decimal.NewFromInt(1), UnitPrice: amount, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}
}

func draft(c o2c.CustomerID, gross string) invoice.Draft {
	return invoice.Draft{Customer: c, Currency: o2c.EUR, Lines: []invoice.Line{line(eur(gross))}, Terms: invoice.NetTerms(30)}
}

func open(t testing.TB, dsn, schema string, conns int) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenPostgres(context.Background(), dsn, sqlstore.Options{Schema: schema, MaxOpenConns: conns})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func invoiceService(t testing.TB, db *sqlstore.DB) *invoice.Service {
	t.Helper()
	st := db.MustTenant(tenant)
	svc, err := invoice.NewService(db, invoice.Stores{Invoices: st.Invoices(), Payments: st.Payments(), Numbers: st.InvoiceNumbers()},
		invoice.Options{Clock: o2c.NewManualClock(epoch)})
	require.NoError(t, err)
	return svc
}

// appendLine appends s and a newline to path, write + fsync, under an
// exclusive lock of the file when dedupe is set: then a line already in
// the file is not written again, and the result tells which happened.
func appendLine(path, s string, dedupe bool) (written bool, err error) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if dedupe {
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			return false, err
		}
		defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing releases it anyway
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if sc.Text() == s {
				return false, nil
			}
		}
		if err := sc.Err(); err != nil {
			return false, err
		}
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		return false, err
	}
	return true, f.Sync()
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for l := range strings.Lines(string(b)) {
		out = append(out, strings.TrimSuffix(l, "\n"))
	}
	return out
}

// progress writes n to the child's progress file (atomically, by rename).
func progress(dir, role string, worker, n int) error {
	path := filepath.Join(dir, fmt.Sprintf("progress-%s-%d", role, worker))
	if err := os.WriteFile(path+".tmp", []byte(strconv.Itoa(n)), 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// TestMultiProcessChild is the body of a child process. Without the role
// variable (a normal test run) it does nothing and passes.
func TestMultiProcessChild(t *testing.T) {
	role := os.Getenv(envRole)
	if role == "" {
		return
	}
	worker, err := strconv.Atoi(os.Getenv(envWorker))
	require.NoError(t, err)
	dir, victim := os.Getenv(envDir), os.Getenv(envVictim) == "1"
	var p plan
	b, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &p))
	db := open(t, os.Getenv(envDSN), os.Getenv(envSchema), 4)
	ctx := context.Background()
	var summary any
	switch role {
	case "allocate":
		summary = childAllocate(t, ctx, db, p, dir, worker, victim)
	case "issue":
		summary = childIssue(t, ctx, db, p, worker)
	case "dunning":
		summary = childDunning(t, ctx, db, dir, worker)
	case "dispatch":
		summary = childDispatch(t, ctx, db, dir, worker, victim)
	default:
		t.Fatalf("unknown role %q", role)
	}
	out, err := json.Marshal(summary)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(os.Getenv(envOut), out, 0o600))
}

func childAllocate(t *testing.T, ctx context.Context, db *sqlstore.DB, p plan, dir string, worker int, victim bool) map[string]int {
	svc := invoiceService(t, db)
	var (
		mu         sync.Mutex
		done       int
		counts     = map[string]int{}
		unexpected []error
		wg         sync.WaitGroup
	)
	for j, pay := range p.Payments[worker] {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(worker*10+j), 42))
			for pass := 0; ; pass++ {
				for round := range allocRound {
					var lines []invoice.AllocationLine
					for _, i := range rng.Perm(len(p.Invoices)) {
						lines = append(lines, invoice.AllocationLine{Invoice: p.Invoices[i], Amount: eur(amounts[(worker+j+round+i)%len(amounts)])})
					}
					// the key, not the order of the lines, makes a repeat count once
					key := fmt.Sprintf("w%d-p%d-r%d", worker, j, round)
					_, err := svc.Allocate(ctx, invoice.AllocateInput{Payment: pay, Key: key, Lines: lines})
					mu.Lock()
					switch {
					case err == nil:
						counts["ok"]++
					case errors.Is(err, invoice.ErrOverAllocation), errors.Is(err, invoice.ErrInsufficientFunds):
						counts["refused"]++
					default:
						unexpected = append(unexpected, err)
						// the victim's test never reports: tell the parent
						_, _ = appendLine(filepath.Join(dir, "child-errors.log"), fmt.Sprintf("allocate %d: %v", worker, err), false)
					}
					done++
					if victim && done == killAllocAt {
						if err := progress(dir, "allocate", worker, done); err != nil {
							unexpected = append(unexpected, err)
						}
					}
					stop := len(unexpected) > 0
					mu.Unlock()
					if stop {
						return
					}
				}
				// the victim repeats its requests (by key: they change
				// nothing) until the parent kills it, so the kill lands
				// while it talks to the database
				if !victim {
					return
				}
			}
		})
	}
	wg.Wait()
	require.Empty(t, unexpected, "only limits may refuse an allocation (no deadlock, no lost race)")
	return counts
}

func childIssue(t *testing.T, ctx context.Context, db *sqlstore.DB, p plan, worker int) []string {
	svc := invoiceService(t, db)
	numbers := make([]string, len(p.Drafts[worker]))
	errs := make([]error, len(p.Drafts[worker]))
	var wg sync.WaitGroup
	for i, id := range p.Drafts[worker] {
		wg.Go(func() {
			inv, err := svc.Issue(ctx, id, o2c.Date{})
			if errs[i] = err; err == nil {
				numbers[i] = inv.Number()
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	return numbers
}

// letterReceiver accepts letters once per key: offers are all logged,
// accepted keys once.
type letterReceiver struct{ dir string }

func (r letterReceiver) Deliver(_ context.Context, d dunning.Delivery) error {
	if _, err := appendLine(filepath.Join(r.dir, "letters-offered.log"), d.Key, false); err != nil {
		return err
	}
	_, err := appendLine(filepath.Join(r.dir, "letters.log"), d.Key, true)
	return err
}

func childDunning(t *testing.T, ctx context.Context, db *sqlstore.DB, dir string, worker int) dunning.RunResult {
	st := db.MustTenant(tenant)
	svc, err := dunning.NewService(dunning.Config{Store: st.Dunning(), Tx: db, Items: st.Invoices(), Notifier: letterReceiver{dir},
		Creditor: dunning.Party{Name: "Acme SAS"}, DefaultLanguage: "fr", BatchSize: 3,
		Clock: o2c.NewManualClock(time.Date(2026, time.March, 10, 8, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	// Run, in its three steps, so that both runs execute at the same time:
	// each dry-runs, says it is ready, and executes when the parent says go
	p, err := svc.DryRun(ctx, dunDate)
	require.NoError(t, err)
	require.NoError(t, progress(dir, "dunning", worker, 1))
	waitFile(t, filepath.Join(dir, "go-dunning"))
	res, err := svc.Execute(ctx, p)
	require.NoError(t, err, "executing a run while another runs the same date")
	_, err = svc.Deliver(ctx)
	require.NoError(t, err)
	// a second pass delivers what the other run wrote after our delivery ended
	_, err = svc.Deliver(ctx)
	require.NoError(t, err)
	return res
}

// waitFile polls for path to exist.
func waitFile(t testing.TB, path string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		require.True(t, time.Now().Before(deadline), "%s never appeared", path)
		time.Sleep(5 * time.Millisecond)
	}
}

func childDispatch(t *testing.T, ctx context.Context, db *sqlstore.DB, dir string, worker int, victim bool) map[string]int {
	ob, ok := db.MustTenant(tenant).Outbox().(outbox.DispatchStore)
	require.True(t, ok, "the SQL outbox can be dispatched")
	logPath := filepath.Join(dir, "events.log")
	handled := 0
	var failures []error
	var mu sync.Mutex
	d := &outbox.Dispatcher{Store: ob, Lease: lease, BatchSize: 4, PollInterval: 50 * time.Millisecond,
		Backoff: outbox.Backoff{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond},
		OnError: func(r outbox.Record, err error) {
			mu.Lock()
			failures = append(failures, err)
			mu.Unlock()
		},
		Handler: func(ctx context.Context, r outbox.Record) error {
			if _, err := appendLine(logPath, r.Event.ID.String(), false); err != nil {
				return err
			}
			handled++
			if victim && handled == killDispatchAt {
				// delivered to the receiver, not yet marked: wait here for the kill
				if err := progress(dir, "dispatch", worker, handled); err != nil {
					return err
				}
				<-ctx.Done()
				return ctx.Err()
			}
			return nil
		}}
	stop := filepath.Join(dir, "stop")
	deadline := time.Now().Add(waitLimit)
	for {
		n, err := d.Dispatch(ctx)
		if err != nil {
			t.Logf("dispatch pass: %v", err) // store errors are retried
		}
		if n > 0 {
			continue
		}
		if _, err := os.Stat(stop); err == nil {
			pending, err := ob.Pending(ctx, 1)
			require.NoError(t, err)
			if len(pending) == 0 {
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "dispatcher never finished")
		time.Sleep(50 * time.Millisecond) // poll interval, not a correctness wait
	}
	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, failures, "no delivery attempt failed")
	return map[string]int{"handled": handled}
}

// output collects a child's output; it may be read while the child runs.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// child is one running child process.
type child struct {
	role   string
	worker int
	out    string
	cmd    *exec.Cmd
	output *output
	exited chan struct{} // closed once err is set
	err    error         // what Wait returned
}

func TestMultiProcessPostgres(t *testing.T) {
	dsn := sqltest.PostgresDSN(t)
	ctx := context.Background()
	schema := sqltest.NewSchemaName()
	db := open(t, dsn, schema, 4)
	t.Cleanup(func() {
		_, err := db.SQL().ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		assert.NoError(t, err)
	})
	dir := t.TempDir()
	st := db.MustTenant(tenant)
	svc := invoiceService(t, db)

	// seed: the allocators' customer, its invoices and payments; one
	// overdue invoice for each of the dunned customers; the drafts to issue
	issue := func(c o2c.CustomerID, gross string) *invoice.Invoice {
		inv, err := svc.CreateInvoice(ctx, draft(c, gross))
		require.NoError(t, err)
		inv, err = svc.Issue(ctx, inv.ID(), o2c.Date{})
		require.NoError(t, err)
		return inv
	}
	payer := o2c.NewCustomerID()
	var p plan
	for range allocInvs {
		p.Invoices = append(p.Invoices, issue(payer, "100.00").ID())
	}
	p.Payments = make([][]invoice.PaymentID, allocators)
	for w := range allocators {
		for j := range payEach {
			pay, err := svc.RecordPayment(ctx, invoice.PaymentInput{Customer: payer, Amount: eur("90.00"), ValueDate: o2c.DateOf(epoch),
				Method: invoice.MethodTransfer, PayerReference: "remittance", IdempotencyKey: fmt.Sprintf("bank-%d-%d", w, j)})
			require.NoError(t, err)
			p.Payments[w] = append(p.Payments[w], pay.ID())
		}
	}
	for i := range overdue {
		issue(o2c.NewCustomerID(), strconv.Itoa(200+i)+".00")
	}
	p.Drafts = make([][]invoice.ID, issuers)
	for w := range issuers {
		for range issueEach {
			d, err := svc.CreateInvoice(ctx, draft(o2c.NewCustomerID(), "50.00"))
			require.NoError(t, err)
			p.Drafts[w] = append(p.Drafts[w], d.ID())
		}
	}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), b, 0o600))

	start := func(role string, worker int, victim bool) *child {
		c := &child{role: role, worker: worker, output: &output{}, exited: make(chan struct{}),
			out: filepath.Join(dir, fmt.Sprintf("out-%s-%d-%v", role, worker, victim))}
		c.cmd = exec.Command(os.Args[0], "-test.run=^TestMultiProcessChild$", "-test.count=1", "-test.v")
		c.cmd.Env = append(os.Environ(), envRole+"="+role, envSchema+"="+schema, envDSN+"="+dsn,
			envWorker+"="+strconv.Itoa(worker), envOut+"="+c.out, envDir+"="+dir)
		if victim {
			c.cmd.Env = append(c.cmd.Env, envVictim+"=1")
		}
		c.cmd.Stdout, c.cmd.Stderr = c.output, c.output
		require.NoError(t, c.cmd.Start())
		go func() {
			c.err = c.cmd.Wait()
			close(c.exited)
		}()
		t.Cleanup(func() { // a child left running by a failed test
			select {
			case <-c.exited:
			default:
				_ = c.cmd.Process.Kill()
				<-c.exited
			}
		})
		return c
	}
	// wait ends c and checks it exited cleanly after writing its summary.
	wait := func(c *child) {
		t.Helper()
		select {
		case <-c.exited:
			require.NoError(t, c.err, "%s child %d:\n%s", c.role, c.worker, c.output)
		case <-time.After(waitLimit):
			t.Fatalf("%s child %d did not finish:\n%s", c.role, c.worker, c.output)
		}
		_, err := os.Stat(c.out)
		require.NoError(t, err, "%s child %d wrote no summary (did its test run?):\n%s", c.role, c.worker, c.output)
	}
	// kill waits for c's progress file, SIGKILLs it and checks it died of it.
	kill := func(c *child) {
		t.Helper()
		path := filepath.Join(dir, fmt.Sprintf("progress-%s-%d", c.role, c.worker))
		deadline := time.Now().Add(waitLimit)
		for {
			if _, err := os.Stat(path); err == nil {
				break
			}
			select {
			case <-c.exited:
				t.Fatalf("%s child %d ended before it was killed (%v):\n%s", c.role, c.worker, c.err, c.output)
			case <-time.After(10 * time.Millisecond):
			}
			require.True(t, time.Now().Before(deadline), "%s child %d made no progress:\n%s", c.role, c.worker, c.output)
		}
		require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
		<-c.exited
		var exit *exec.ExitError
		require.ErrorAs(t, c.err, &exit, "%s child %d:\n%s", c.role, c.worker, c.output)
		ws, ok := exit.Sys().(syscall.WaitStatus)
		require.True(t, ok)
		require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "%s child %d must die of SIGKILL:\n%s", c.role, c.worker, c.output)
	}

	began := time.Now()
	var workers []*child
	victimAlloc := start("allocate", 0, true)
	for w := 1; w < allocators; w++ {
		workers = append(workers, start("allocate", w, false))
	}
	for w := range issuers {
		workers = append(workers, start("issue", w, false))
	}
	for w := range dunners {
		workers = append(workers, start("dunning", w, false))
	}
	victimDispatch := start("dispatch", 0, true)
	disp := []*child{start("dispatch", 1, false)}

	for w := range dunners {
		waitFile(t, filepath.Join(dir, fmt.Sprintf("progress-dunning-%d", w)))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go-dunning"), nil, 0o600))
	kill(victimAlloc)
	workers = append(workers, start("allocate", 0, false))
	kill(victimDispatch)
	disp = append(disp, start("dispatch", 0, false))
	for _, c := range workers {
		wait(c)
	}
	// everything that writes events has ended: the dispatchers may stop
	// once nothing is pending
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stop"), nil, 0o600))
	for _, c := range disp {
		wait(c)
	}
	t.Logf("children ran for %v", time.Since(began).Round(time.Millisecond))

	assert.Empty(t, readLines(t, filepath.Join(dir, "child-errors.log")), "errors of killed children")
	checkAllocations(t, ctx, st, p)
	checkNumbers(t, ctx, st)
	letterEvents := checkDunning(t, ctx, st, dir)
	checkOutbox(t, ctx, db, dir, letterEvents, true)
}

// checkAllocations: nothing over-applied, and payments and invoices agree.
func checkAllocations(t *testing.T, ctx context.Context, st *sqlstore.Store, p plan) {
	t.Helper()
	fromPayments := map[invoice.AllocationID]o2c.Money{}
	perInvoice := map[invoice.ID]o2c.Money{}
	allocations := 0
	for w := range p.Payments {
		for _, id := range p.Payments[w] {
			pay, err := st.Payments().Get(ctx, id)
			require.NoError(t, err)
			assert.False(t, pay.Unapplied().IsNegative(), "a payment never gives more than it has")
			sum := o2c.Zero(o2c.EUR)
			keys := map[string]int{}
			for _, a := range pay.Allocations() {
				require.False(t, a.Reversed)
				fromPayments[a.ID] = a.Amount
				sum, err = sum.Add(a.Amount)
				require.NoError(t, err)
				prev, ok := perInvoice[a.Invoice]
				if !ok {
					prev = o2c.Zero(o2c.EUR)
				}
				perInvoice[a.Invoice], err = prev.Add(a.Amount)
				require.NoError(t, err)
				keys[a.Key]++
				allocations++
			}
			for k, n := range keys {
				assert.Equal(t, len(p.Invoices), n, "request %s allocated its lines once, even across the kill", k)
			}
			left, err := pay.Amount().Sub(sum)
			require.NoError(t, err)
			assert.True(t, left.Equal(pay.Unapplied()), "unapplied = amount - allocations on %s", id)
		}
	}
	assert.Positive(t, allocations)
	settled := 0
	for _, id := range p.Invoices {
		inv, err := st.Invoices().Get(ctx, id)
		require.NoError(t, err)
		assert.False(t, inv.Open().IsNegative(), "no open amount below zero on %s", inv.Number())
		sum := o2c.Zero(o2c.EUR)
		for _, s := range inv.Settlements() {
			amount, ok := fromPayments[s.ID]
			require.True(t, ok, "settlement %s has its allocation on a payment", s.ID)
			assert.True(t, amount.Equal(s.Amount))
			sum, err = sum.Add(s.Amount)
			require.NoError(t, err)
			settled++
		}
		left, err := inv.Gross().Sub(sum)
		require.NoError(t, err)
		assert.True(t, left.Equal(inv.Open()), "open = gross - settlements on %s", inv.Number())
		if want, ok := perInvoice[id]; ok {
			assert.True(t, sum.Equal(want), "the invoice and the payments agree on %s", inv.Number())
		}
		if inv.Open().IsZero() {
			assert.Equal(t, invoice.StatePaid, inv.Status())
		}
	}
	assert.Equal(t, allocations, settled, "every allocation is on its invoice")
	t.Logf("allocations: %d lines", allocations)
}

// checkNumbers: unique and gapless, 1..total.
func checkNumbers(t *testing.T, ctx context.Context, st *sqlstore.Store) {
	t.Helper()
	total := allocInvs + overdue + issuers*issueEach
	list, err := st.Invoices().List(ctx, invoice.Filter{})
	require.NoError(t, err)
	require.Len(t, list, total)
	var numbers []string
	for _, inv := range list {
		assert.NotEqual(t, invoice.StateDraft, inv.Status(), "every draft was issued")
		numbers = append(numbers, inv.Number())
	}
	sort.Strings(numbers)
	want := make([]string, total)
	for i := range want {
		want[i] = fmt.Sprintf("INV-2026-%06d", i+1)
	}
	assert.Equal(t, want, numbers, "unique and gapless")
	last, err := st.InvoiceNumbers().Last(ctx, "INV-2026")
	require.NoError(t, err)
	assert.EqualValues(t, total, last)
}

// checkDunning: one letter per key (and per customer and currency for the
// date), all delivered, each accepted by the receiver once. It returns the
// letters' event IDs by key.
func checkDunning(t *testing.T, ctx context.Context, st *sqlstore.Store, dir string) map[string]o2c.EventID {
	t.Helper()
	hist, err := st.Dunning().History(ctx, dunning.HistoryFilter{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(hist), overdue, "every overdue customer got a letter")
	events := map[string]o2c.EventID{}
	perCustomer := map[string]int{}
	for _, h := range hist {
		_, dup := events[h.Key]
		assert.False(t, dup, "letter %s stored twice", h.Key)
		events[h.Key] = h.Event
		perCustomer[h.Customer.String()+"/"+h.Currency.String()]++
		assert.Equal(t, dunDate, h.RunDate)
		assert.Equal(t, dunning.LetterDelivered, h.Status, "letter %s delivered", h.Key)
		assert.Equal(t, dunning.LetterKey(tenant, dunDate, h.Customer, h.Currency, h.LevelName), h.Key)
	}
	for c, n := range perCustomer {
		assert.Equal(t, 1, n, "one letter for %s on the date, though two runs ran", c)
	}
	accepted := readLines(t, filepath.Join(dir, "letters.log"))
	seen := map[string]int{}
	for _, k := range accepted {
		seen[k]++
	}
	for k, n := range seen {
		assert.Equal(t, 1, n, "letter %s accepted once", k)
		_, ok := events[k]
		assert.True(t, ok, "accepted letter %s is in the store", k)
	}
	for k := range events {
		assert.Contains(t, seen, k, "letter %s reached the receiver", k)
	}
	offered := readLines(t, filepath.Join(dir, "letters-offered.log"))
	t.Logf("dunning: %d letters, %d offers to the receiver (%d re-offered by the concurrent run, deduplicated by key)",
		len(hist), len(offered), len(offered)-len(accepted))
	return events
}

// checkOutbox: every record delivered and received; duplicates counted.
func checkOutbox(t *testing.T, ctx context.Context, db *sqlstore.DB, dir string, letterEvents map[string]o2c.EventID, dispatcherKilled bool) {
	t.Helper()
	letters := map[string]bool{}
	for _, id := range letterEvents {
		letters[id.String()] = true
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT event_id::text, event_type, status FROM o2c_outbox WHERE tenant = $1`, string(tenant))
	require.NoError(t, err)
	defer rows.Close()
	records := map[string]string{}
	for rows.Next() {
		var id, typ, status string
		require.NoError(t, rows.Scan(&id, &typ, &status))
		records[id] = typ
		assert.Equal(t, string(outbox.StatusDelivered), status, "%s %s delivered", typ, id)
	}
	require.NoError(t, rows.Err())
	logged := readLines(t, filepath.Join(dir, "events.log"))
	seen := map[string]int{}
	duplicates := 0
	for _, id := range logged {
		if seen[id]++; seen[id] > 1 {
			duplicates++
		}
	}
	for id := range seen {
		_, ok := records[id]
		assert.True(t, ok, "logged event %s is in the outbox", id)
	}
	viaLetters := 0
	for id, typ := range records {
		if seen[id] > 0 {
			continue
		}
		if typ == dunning.EventLetterIssued && letters[id] {
			viaLetters++ // its notifier delivered it (checked in checkDunning)
			continue
		}
		t.Errorf("%s %s delivered but never received", typ, id)
	}
	t.Logf("outbox: %d records, %d received by the dispatchers (%d duplicate deliveries after deduplication by event ID), %d letters delivered by their notifier only",
		len(records), len(seen), duplicates, viaLetters)
	if !dispatcherKilled {
		assert.Zero(t, duplicates, "no dispatcher was killed: no redelivery")
	}
}
