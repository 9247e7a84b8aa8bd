package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Environment of a poster child process.
const (
	envCrashMode   = "O2C_LEDGER_CRASH_MODE" // before, after, drain
	envCrashDSN    = "O2C_LEDGER_CRASH_DSN"
	envCrashSchema = "O2C_LEDGER_CRASH_SCHEMA"
	envCrashDir    = "O2C_LEDGER_CRASH_DIR"
	crashAt        = 7 // the victim stops inside its handler of this record
	crashLease     = 2 * time.Second
)

// TestLedgerCrashPostgres proves that a poster killed with SIGKILL
// neither loses nor doubles an entry. The demo year's events are in the
// PostgreSQL outbox (as the invoicing transactions leave them); poster
// processes (this test binary, re-executed) run an outbox.Dispatcher whose
// handler is Poster.Handle:
//
//   - the first is killed inside its handler of its 7th record, after the
//     event was claimed and before it was posted;
//   - the second is killed inside its handler of its 7th record, after
//     the entry was committed and before the outbox learnt of it, so the
//     event is delivered again;
//   - two more drain the outbox concurrently, picking up the records the
//     victims held once their lease ends.
//
// Afterwards every outbox record is delivered, every event that posts has
// exactly its entries under its key, numbers run without gaps per
// journal, and the trial balance equals the one computed from the events
// in memory.
func TestLedgerCrashPostgres(t *testing.T) {
	if mode := os.Getenv(envCrashMode); mode != "" {
		crashChild(t, mode)
		return
	}
	dsn := sqltest.PostgresDSN(t)
	ctx := context.Background()
	schema := sqltest.NewSchemaName()
	db, err := sqlstore.OpenPostgres(ctx, dsn, sqlstore.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = db.SQL().ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		db.Close()
	})
	acme := db.MustTenant("acme")
	events := demoYear(t)
	require.NoError(t, acme.Outbox().Append(ctx, events...))
	_ = ledger.NewKernelStore(acme.Kernel()) // declares the ledger's tables before the children race to create them
	_, err = ledger.NewKernelStore(acme.Kernel()).Locks(ctx)
	require.NoError(t, err)

	dir := t.TempDir()
	start := func(mode string) (*exec.Cmd, string) {
		out := filepath.Join(dir, mode+".log")
		f, err := os.Create(out)
		require.NoError(t, err)
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerCrashPostgres$", "-test.count=1")
		cmd.Env = append(os.Environ(), envCrashMode+"="+mode, envCrashDSN+"="+dsn, envCrashSchema+"="+schema, envCrashDir+"="+dir)
		cmd.Stdout, cmd.Stderr = f, f
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { f.Close() })
		return cmd, out
	}
	waitFile := func(path string) {
		deadline := time.Now().Add(60 * time.Second)
		for {
			if _, err := os.Stat(path); err == nil {
				return
			}
			require.True(t, time.Now().Before(deadline), "child never reached %s", filepath.Base(path))
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, mode := range []string{"before", "after"} {
		cmd, _ := start(mode)
		waitFile(filepath.Join(dir, mode+".ready"))
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		err := cmd.Wait()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "the %s victim was killed", mode)
	}
	var wg sync.WaitGroup
	for i := range 2 {
		cmd, log := start(fmt.Sprintf("drain%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cmd.Wait(); err != nil {
				b, _ := os.ReadFile(log)
				t.Errorf("drain child: %v\n%s", err, b)
			}
		}()
	}
	wg.Wait()

	// the outbox is delivered
	pending, err := acme.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, pending)

	// what the victims held: the "before" record was posted once, later;
	// the "after" record was posted, then delivered again
	victims := map[string]string{}
	for _, mode := range []string{"before", "after"} {
		b, err := os.ReadFile(filepath.Join(dir, mode+".ready"))
		require.NoError(t, err)
		victims[mode] = string(b)
	}

	book := demoBook(t)
	store := ledger.NewKernelStore(acme.Kernel())
	stored, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	want := books(t, book, events)
	require.Len(t, stored, len(want), "no entry lost, none doubled")
	byKey := map[string]int{}
	last := map[string]int64{}
	for _, e := range stored {
		byKey[e.Key]++
		assert.Equal(t, last[e.Journal]+1, e.Number, "journal %s numbering", e.Journal)
		last[e.Journal] = e.Number
		require.NoError(t, e.Validate(book.Chart()))
	}
	for _, e := range want {
		assert.Equal(t, 1, byKey[e.Key], "entry of %s (%s)", e.Key, e.EventType)
	}
	for mode, id := range victims {
		posted, err := store.Posted(ctx, id)
		require.NoError(t, err)
		assert.True(t, posted, "%s victim's event", mode)
		assert.Equal(t, 1, byKey[id], "%s victim's event posted once", mode)
	}
	assert.Equal(t, book.TrialBalance(want, o2c.Date{}, o2c.Date{}).String(), book.TrialBalance(stored, o2c.Date{}, o2c.Date{}).String())
	t.Logf("%d events, %d entries; victims held %v", len(events), len(stored), victims)
}

// crashChild is the body of a poster process.
func crashChild(t *testing.T, mode string) {
	ctx := context.Background()
	dir := os.Getenv(envCrashDir)
	db, err := sqlstore.OpenPostgres(ctx, os.Getenv(envCrashDSN), sqlstore.Options{Schema: os.Getenv(envCrashSchema), MaxOpenConns: 4})
	require.NoError(t, err)
	defer db.Close()
	acme := db.MustTenant("acme")
	poster, err := ledger.NewPoster(demoBook(t), ledger.NewKernelStore(acme.Kernel()), ledger.PosterOptions{})
	require.NoError(t, err)
	ob, ok := acme.Outbox().(outbox.DispatchStore)
	require.True(t, ok)
	n, held := 0, false
	hold := func(r outbox.Record) {
		held = true
		require.NoError(t, os.WriteFile(filepath.Join(dir, mode+".ready.tmp"), []byte(ledger.KeyOf(r.Event)), 0o600))
		require.NoError(t, os.Rename(filepath.Join(dir, mode+".ready.tmp"), filepath.Join(dir, mode+".ready")))
		time.Sleep(time.Hour) // killed here
	}
	d := &outbox.Dispatcher{Store: ob, Lease: crashLease, BatchSize: 5, Backoff: outbox.Backoff{Initial: 50 * time.Millisecond, Max: 200 * time.Millisecond},
		Handler: func(ctx context.Context, r outbox.Record) error {
			if ledger.Posts(r.Event.Type) {
				n++ // count the records that post
			}
			if n >= crashAt && !held && mode == "before" {
				hold(r)
			}
			err := poster.Handle(ctx, r)
			if n >= crashAt && !held && mode == "after" && err == nil {
				hold(r)
			}
			if err != nil && !errors.Is(err, o2c.ErrRetryable) && !errors.Is(err, o2c.ErrConflict) {
				t.Errorf("post %s: %v", r.Event.Type, err)
			}
			return err
		}}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		got, err := d.Dispatch(ctx)
		require.NoError(t, err)
		if got > 0 {
			continue
		}
		left, err := ob.Pending(ctx, 1)
		require.NoError(t, err)
		if len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond) // records held by a lease or waiting out a backoff
	}
	t.Fatal("the outbox did not drain")
}
