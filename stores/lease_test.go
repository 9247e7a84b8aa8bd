package stores_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/stores"
)

func leaseTest(t *testing.T, scope, other kernel.Scope) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	l := stores.Leases(scope)
	ok, err := l.Acquire(ctx, "p0", "a", now, time.Minute)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = l.Acquire(ctx, "p0", "b", now.Add(59*time.Second), time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "held by a")
	ok, err = l.Acquire(ctx, "p0", "a", now.Add(30*time.Second), time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "a renews")
	ok, err = l.Acquire(ctx, "p0", "b", now.Add(89*time.Second), time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "the renewal runs to 1m30s")
	ok, err = l.Acquire(ctx, "p0", "b", now.Add(90*time.Second), time.Minute)
	require.NoError(t, err)
	assert.True(t, ok, "b takes over an expired lease")
	require.ErrorIs(t, l.Finish(ctx, "p0", "a"), o2c.ErrConflict, "a lost it")
	require.NoError(t, l.Finish(ctx, "p0", "b"))
	done, err := l.Finished(ctx, "p0")
	require.NoError(t, err)
	assert.True(t, done)
	ok, err = l.Acquire(ctx, "p0", "c", now.Add(time.Hour), time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "a finished lease is never taken again")
	done, err = l.Finished(ctx, "never")
	require.NoError(t, err)
	assert.False(t, done)

	// another tenant has leases of its own
	ok, err = stores.Leases(other).Acquire(ctx, "p0", "z", now, time.Minute)
	require.NoError(t, err)
	assert.True(t, ok)

	_, err = l.Acquire(ctx, "", "a", now, time.Minute)
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = l.Acquire(ctx, "p1", "a", now, 0)
	require.ErrorIs(t, err, o2c.ErrValidation)
}

func TestLeases(t *testing.T) {
	db := memory.New()
	leaseTest(t, db.MustTenant("acme").Kernel(), db.MustTenant("globex").Kernel())
}

func TestLeasesSQLite(t *testing.T) {
	db := sqltest.SQLite(t, sqlstore.Options{})
	leaseTest(t, db.MustTenant("acme").Kernel(), db.MustTenant("globex").Kernel())
}

func TestLeasesPostgres(t *testing.T) {
	db := sqltest.Postgres(t, sqlstore.Options{})
	leaseTest(t, db.MustTenant("acme").Kernel(), db.MustTenant("globex").Kernel())
}
