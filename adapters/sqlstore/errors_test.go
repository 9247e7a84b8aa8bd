package sqlstore_test

import (
	"context"
	stdsql "database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

func textEvent(tenant o2c.TenantID, aggregateID string, payload []byte) o2c.Event {
	return o2c.Event{ID: o2c.NewEventID(), Tenant: tenant, AggregateType: "test", AggregateID: aggregateID,
		Type: "test.happened", OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Payload: payload}
}

// PostgreSQL refuses a NUL byte or invalid UTF-8 in a text column and a
// \u0000 escape in a JSONB value; the store reports them as validation
// errors (nothing written), not as raw driver errors.
func TestPostgresBadTextIsValidation(t *testing.T) {
	db := sqltest.Postgres(t, sqlstore.Options{})
	st := db.MustTenant("acme")
	ctx := context.Background()
	cases := map[string]o2c.Event{
		"NUL in text (22021)":           textEvent("acme", "a\x00b", nil),
		"invalid UTF-8 in text (22021)": textEvent("acme", "a\xffb", nil),
	}
	for name, ev := range cases {
		t.Run(name, func(t *testing.T) {
			err := st.Outbox().Append(ctx, ev)
			require.Error(t, err)
			assert.ErrorIs(t, err, o2c.ErrValidation)
			var ve *o2c.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "text", ve.Field)
			assert.NotErrorIs(t, err, o2c.ErrRetryable)
		})
	}
	t.Run(`NUL in a JSONB body (22P05)`, func(t *testing.T) {
		// the promise's note reaches PostgreSQL as "\u0000" in its JSONB body
		p := &dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: o2c.NewCustomerID(), Date: o2c.MustDate(2026, 3, 1), Note: "call\x00back"}
		err := st.Dunning().SavePromise(ctx, p)
		require.Error(t, err)
		assert.ErrorIs(t, err, o2c.ErrValidation)
		ps, err := st.Dunning().Promises(ctx, o2c.CustomerID{})
		require.NoError(t, err)
		assert.Empty(t, ps)
	})
	var n int
	require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM o2c_outbox`).Scan(&n))
	assert.Zero(t, n, "nothing written")
}

// A backend terminated by an administrator (pg_terminate_backend, 57P01)
// in the middle of a transaction is ErrRetryable: the transaction was
// rolled back and running it again works.
func TestPostgresTerminatedBackendIsRetryable(t *testing.T) {
	db := sqltest.Postgres(t, sqlstore.Options{MaxOpenConns: 1})
	st := db.MustTenant("acme")
	ctx := context.Background()
	other, err := stdsql.Open("pgx", sqltest.PostgresDSN(t))
	require.NoError(t, err)
	defer other.Close()

	var pid int
	require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid)) // the pool's only connection
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := st.Outbox().Append(ctx, textEvent("acme", "first", nil)); err != nil {
			return err
		}
		var ok bool
		if err := other.QueryRowContext(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate backend %d: %v %v", pid, ok, err)
		}
		return st.Outbox().Append(ctx, textEvent("acme", "second", nil))
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, o2c.ErrRetryable, "%v", err)

	// retrying works on a fresh connection, and the first attempt left nothing
	require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
		return st.Outbox().Append(ctx, textEvent("acme", "retry", nil))
	}))
	var n int
	require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM o2c_outbox`).Scan(&n))
	assert.Equal(t, 1, n)
}

// Two transactions updating two promises in opposite orders deadlock; the
// one PostgreSQL aborts (40P01) reports ErrRetryable, the other commits.
func TestPostgresDeadlockIsRetryable(t *testing.T) {
	db := sqltest.Postgres(t, sqlstore.Options{})
	st := db.MustTenant("acme")
	ctx := context.Background()
	cust := o2c.NewCustomerID()
	p1 := &dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: cust, Date: o2c.MustDate(2026, 3, 1)}
	p2 := &dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: cust, Date: o2c.MustDate(2026, 3, 2)}
	require.NoError(t, st.Dunning().SavePromise(ctx, p1))
	require.NoError(t, st.Dunning().SavePromise(ctx, p2))

	var both sync.WaitGroup
	both.Add(2)
	update := func(first, second dunning.Promise, note string) error {
		return db.InTx(ctx, func(ctx context.Context) error {
			first.Note = note
			if err := st.Dunning().SavePromise(ctx, &first); err != nil {
				return err
			}
			both.Done()
			both.Wait() // each holds one row lock and wants the other's
			second.Note = note
			return st.Dunning().SavePromise(ctx, &second)
		})
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = update(*p1, *p2, "a") }()
	go func() { defer wg.Done(); errs[1] = update(*p2, *p1, "b") }()
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			assert.ErrorIs(t, err, o2c.ErrRetryable, "%v", err)
			assert.ErrorIs(t, err, o2c.ErrConflict, "a lost race is still a conflict")
		}
	}
	assert.Equal(t, 1, failed, "exactly one deadlock victim: %v", errors.Join(errs...))
}
