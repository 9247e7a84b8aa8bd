package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
)

func TestSecondRunContinuesTheFirst(t *testing.T) {
	dsn := sqltest.PostgresDSN(t) // skips without O2C_POSTGRES_DSN, fails instead under O2C_REQUIRE_POSTGRES=1
	ctx := context.Background()
	schema := sqltest.NewSchemaName()
	t.Cleanup(func() { dropSchema(t, dsn, schema) })

	var first bytes.Buffer
	require.NoError(t, run(ctx, &first, dsn, schema))
	t.Log("\n" + first.String())
	assert.Contains(t, first.String(), "PostgreSQL schema "+schema)
	assert.Contains(t, first.String(), "== Day 1: Monday 2026-03-02")
	assert.Contains(t, first.String(), "customers: 3 created with their credit limits")
	assert.Contains(t, first.String(), "invoice INV-2026-000001 ")
	assert.Contains(t, first.String(), "state after day 1 (2026-03-02): orders 1, invoices 1 (0 paid), payments 0, dunning letters 0, open balance 342.00 EUR")

	var second bytes.Buffer
	require.NoError(t, run(ctx, &second, dsn, schema))
	t.Log("\n" + second.String())
	assert.Contains(t, second.String(), "== Day 2: Tuesday 2026-03-03")
	assert.NotContains(t, second.String(), "customers: 3 created", "the customers of the first run are read back")
	assert.Contains(t, second.String(), "invoice INV-2026-000002 ")
	assert.Contains(t, second.String(), "state after day 2 (2026-03-03): orders 2, invoices 2 (0 paid), payments 0, dunning letters 0, open balance 798.00 EUR")
}

func TestWithoutDSNSaysHowToSetIt(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), &out, "", "o2c_demo")
	require.ErrorIs(t, err, errNoDSN)
	assert.Empty(t, out.String(), "nothing ran")
	assert.Contains(t, usage, `export O2C_POSTGRES_DSN="postgres://`)
}

// dropSchema removes the test's schema and everything in it.
func dropSchema(t *testing.T, dsn, schema string) {
	t.Helper()
	db, err := sqlstore.OpenPostgres(context.Background(), dsn, sqlstore.Options{SkipMigrate: true})
	require.NoError(t, err)
	defer db.Close()
	_, err = db.SQL().ExecContext(context.Background(), `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`)
	require.NoError(t, err)
}

// An empty -schema is refused before anything is opened (it would write
// into the connection's default schema, usually public).
func TestEmptySchemaIsRefused(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), &out, "postgres://127.0.0.1:1/none", "")
	require.EqualError(t, err, `-schema "": name the schema to keep the demo in (the default is o2c_demo); the demo does not write into the connection's default schema`)
	assert.Empty(t, out.String())
}
