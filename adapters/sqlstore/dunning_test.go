package sqlstore_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/dunningtest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

func dunningHarness(db *sqlstore.DB) dunningtest.Harness {
	return dunningtest.Harness{
		Tx:     db,
		Store:  func(t o2c.TenantID) dunning.Store { return db.MustTenant(t).Dunning() },
		Outbox: func(t o2c.TenantID) outbox.Store { return db.MustTenant(t).Outbox() },
	}
}

func TestDunningStoreConformanceSQLite(t *testing.T) {
	dunningtest.RunStoreTests(t, func(t *testing.T) dunningtest.Harness {
		return dunningHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestDunningStoreConformanceSQLiteMemory(t *testing.T) {
	dunningtest.RunStoreTests(t, func(t *testing.T) dunningtest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return dunningHarness(db)
	})
}

func TestDunningStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	dunningtest.RunStoreTests(t, func(t *testing.T) dunningtest.Harness {
		return dunningHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}

// staticItems serves a fixed list of open items.
type staticItems []invoice.OpenItem

func (s staticItems) OpenItems(_ context.Context, f invoice.OpenItemFilter) ([]invoice.OpenItem, error) {
	var out []invoice.OpenItem
	for _, it := range s {
		if f.Match(it) {
			out = append(out, it)
		}
	}
	return out, nil
}

// fileNotifier records delivered keys in a file, one a line, appended and
// fsynced before Deliver returns: a key in the file is a letter delivered.
// A key already in the file is acknowledged without a second line (the
// dedupe a real notifier does by idempotency key). With killAfter > 0 the
// process SIGKILLs itself right after recording that many keys, before
// the store learns of the delivery.
type fileNotifier struct {
	path      string
	killAfter int
	recorded  int
	calls     int
}

func readKeys(t testing.TB, path string) []string {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		keys = append(keys, sc.Text())
	}
	require.NoError(t, sc.Err())
	return keys
}

func (n *fileNotifier) Deliver(_ context.Context, d dunning.Delivery) error {
	n.calls++
	b, err := os.ReadFile(n.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	sc := bufio.NewScanner(bytesReader(b))
	for sc.Scan() {
		if sc.Text() == d.Key {
			return nil
		}
	}
	f, err := os.OpenFile(n.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(d.Key + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	n.recorded++
	if n.killAfter > 0 && n.recorded == n.killAfter {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute) // never returns: the signal ends the process
	}
	return nil
}

const (
	crashChildEnv = "O2C_DUNNING_CRASH_CHILD"
	crashDBEnv    = "O2C_DUNNING_CRASH_DB"
	crashLogEnv   = "O2C_DUNNING_CRASH_LOG"
	crashLetters  = 40
)

var crashDay = o2c.MustDate(2026, time.March, 10)

// crashItems: one invoice 20 days overdue per customer, the same in every
// process.
func crashItems() staticItems {
	var items staticItems
	for i := range crashLetters {
		m := o2c.MustMoney(strconv.Itoa(100+i)+".00", "EUR")
		items = append(items, invoice.OpenItem{Invoice: o2c.IDFromUUID[invoice.Invoice](dunningtest.CustomerID(1000 + i).UUID()),
			Number: "F-" + strconv.Itoa(i), Kind: invoice.KindInvoice, Status: invoice.StateIssued,
			Customer: dunningtest.CustomerID(i), IssueDate: crashDay.AddDays(-50), DueDate: crashDay.AddDays(-20),
			Gross: m, Open: m, Disputed: o2c.Zero(o2c.EUR)})
	}
	return items
}

func crashService(t testing.TB, db *sqlstore.DB, n dunning.Notifier, clock o2c.Clock) *dunning.Service {
	st := db.MustTenant("acme")
	svc, err := dunning.NewService(dunning.Config{Store: st.Dunning(), Tx: st, Items: crashItems(), Notifier: n,
		Creditor: dunning.Party{Name: "Acme SAS"}, DefaultLanguage: "fr", BatchSize: 7, Clock: clock})
	require.NoError(t, err)
	return svc
}

// TestDunningCrashRecovery runs a dunning run in a child process (this
// test binary re-executed) on an SQLite file; the child kills itself with
// SIGKILL right after its notifier durably recorded half of the letters,
// before the store marked the last of them delivered. The parent then
// runs the same day again and checks that every letter was delivered
// exactly once by idempotency key, and that the run side never wrote a
// second letter.
func TestDunningCrashRecovery(t *testing.T) {
	if os.Getenv(crashChildEnv) == "1" {
		db, err := sqlstore.OpenSQLite(context.Background(), os.Getenv(crashDBEnv), sqlstore.Options{})
		require.NoError(t, err)
		svc := crashService(t, db, &fileNotifier{path: os.Getenv(crashLogEnv), killAfter: crashLetters / 2}, nil)
		_, err = svc.Run(context.Background(), crashDay)
		t.Fatalf("the child should have been killed, run returned %v", err)
		return
	}
	dir := t.TempDir()
	dbPath, logPath := filepath.Join(dir, "o2c.db"), filepath.Join(dir, "delivered.log")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDunningCrashRecovery$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDBEnv+"="+dbPath, crashLogEnv+"="+logPath)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "child output:\n%s", out)
	ws, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled(), "child must die by a signal; output:\n%s", out)
	require.Equal(t, syscall.SIGKILL, ws.Signal())
	require.Len(t, readKeys(t, logPath), crashLetters/2, "half the letters were delivered before the kill")

	db, err := sqlstore.OpenSQLite(context.Background(), dbPath, sqlstore.Options{})
	require.NoError(t, err)
	defer db.Close()
	st := db.MustTenant("acme").Dunning()
	hist, err := st.History(context.Background(), dunning.HistoryFilter{Status: dunning.LetterDelivered})
	require.NoError(t, err)
	assert.Len(t, hist, crashLetters/2-1, "the last recorded delivery was not marked before the kill")

	// the killed process held a lease on the letter it was delivering:
	// the restart finds it due once the lease has ended
	later := o2c.ClockFunc(func() time.Time { return time.Now().Add(time.Hour) })
	n := &fileNotifier{path: logPath}
	res, err := crashService(t, db, n, later).Run(context.Background(), crashDay)
	require.NoError(t, err)
	assert.True(t, res.AlreadyCompleted, "the child completed the run before delivering")
	assert.Empty(t, res.Written)
	assert.Equal(t, crashLetters/2+1, n.calls, "the unmarked letter is offered again, with its key")
	assert.Equal(t, crashLetters/2, n.recorded)

	keys := readKeys(t, logPath)
	require.Len(t, keys, crashLetters)
	seen := map[string]int{}
	for _, k := range keys {
		seen[k]++
	}
	all, err := st.History(context.Background(), dunning.HistoryFilter{})
	require.NoError(t, err)
	require.Len(t, all, crashLetters, "one letter per customer, never a second")
	for _, h := range all {
		assert.Equal(t, 1, seen[h.Key], "delivered exactly once: %s", h.Key)
		assert.Equal(t, dunning.LetterDelivered, h.Status)
	}
	pending, err := db.MustTenant("acme").Outbox().Pending(context.Background(), 1000)
	require.NoError(t, err)
	assert.Empty(t, pending, "every letter event delivered")
	var events int
	require.NoError(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM o2c_outbox WHERE event_type = $1`, dunning.EventLetterIssued).Scan(&events))
	assert.Equal(t, crashLetters, events)

	// and a third run of the day sends nothing
	n2 := &fileNotifier{path: logPath}
	_, err = crashService(t, db, n2, later).Run(context.Background(), crashDay)
	require.NoError(t, err)
	assert.Equal(t, 0, n2.calls)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
