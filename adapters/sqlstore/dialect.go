package sqlstore

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cashcycle/sdk/kernel"
)

// dialect is everything the kernel backend (kernel.go) needs to know about
// one SQL database: SQL text is written with $n placeholders and the
// dialect rewrites it. A new database is one more implementation.
type dialect interface {
	// rebind rewrites $n placeholders into the dialect's.
	rebind(q string) string
	// columnType is the SQL type of a kernel column type.
	columnType(t kernel.Type) string
	// docTypes are the SQL types of the id, version, body and instant
	// columns of a kind's table.
	docTypes() (id, version, body, instant string)
	// orderTerm sorts by col, NULLs first ascending and last descending.
	orderTerm(col string, desc bool) string
	// lockClause locks the selected rows (inside a transaction).
	lockClause(l kernel.Lock) string
	// tableExists reports whether a table of that name is visible.
	tableExists(ctx context.Context, q querier, name string) (bool, error)
	// duplicateText is the part of a unique violation naming the
	// constraint or columns, for finding which key clashed.
	duplicateText(err error) string
}

type sqliteDialect struct{}

func (sqliteDialect) rebind(q string) string { return q }

func (sqliteDialect) columnType(t kernel.Type) string {
	switch t {
	case kernel.Int, kernel.Bool:
		return "INTEGER"
	}
	return "TEXT" // text, dates "YYYY-MM-DD", instants fixed-width UTC
}

func (sqliteDialect) docTypes() (string, string, string, string) {
	return "TEXT", "INTEGER", "TEXT", "TEXT"
}

func (sqliteDialect) orderTerm(col string, desc bool) string {
	if desc {
		return col + " DESC" // SQLite: NULLs are smallest
	}
	return col
}

func (sqliteDialect) lockClause(kernel.Lock) string { return "" } // writers are serialised

func (sqliteDialect) tableExists(ctx context.Context, q querier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`, name).Scan(&n)
	return n > 0, err
}

func (sqliteDialect) duplicateText(err error) string {
	// "UNIQUE constraint failed: o2c_customers.tenant, o2c_customers.number"
	return err.Error()
}

type postgresDialect struct{}

func (postgresDialect) rebind(q string) string { return q }

func (postgresDialect) columnType(t kernel.Type) string {
	switch t {
	case kernel.Int:
		return "BIGINT"
	case kernel.Date:
		return "DATE"
	case kernel.Time:
		return "TIMESTAMPTZ"
	case kernel.Bool:
		return "BOOLEAN"
	case kernel.Decimal:
		return "NUMERIC"
	}
	return `TEXT COLLATE "C"`
}

func (postgresDialect) docTypes() (string, string, string, string) {
	return `TEXT COLLATE "C"`, "BIGINT", "JSONB", "TIMESTAMPTZ"
}

func (postgresDialect) orderTerm(col string, desc bool) string {
	if desc {
		return col + " DESC NULLS LAST"
	}
	return col + " ASC NULLS FIRST"
}

func (postgresDialect) lockClause(l kernel.Lock) string {
	switch l {
	case kernel.ForUpdate:
		return " FOR UPDATE"
	case kernel.SkipLocked:
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

func (postgresDialect) tableExists(ctx context.Context, q querier, name string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok)
	return ok, err
}

func (postgresDialect) duplicateText(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.ConstraintName + " " + pg.Detail // Detail: "Key (tenant, number)=(...) already exists."
	}
	return err.Error()
}

var words = regexp.MustCompile(`[a-z_][a-z0-9_]*`)

// duplicateKey names the key of k a unique violation is about: "id", the
// columns of a unique key joined by ",", or "".
func duplicateKey(d dialect, k *kernel.Kind, err error) string {
	text := strings.ToLower(d.duplicateText(err))
	if i := strings.Index(text, "=("); i >= 0 {
		text = text[:i] // leave out the values
	}
	mentioned := map[string]bool{}
	for _, w := range words.FindAllString(text, -1) {
		mentioned[w] = true
		mentioned[strings.TrimPrefix(w, k.Table+"_")] = true
	}
	if mentioned["pkey"] || mentioned["id"] || strings.Contains(text, k.Table+".id") {
		return "id"
	}
	for _, key := range k.Unique {
		all := true
		for _, c := range key {
			if !mentioned[c] && !strings.Contains(text, "_"+c) {
				all = false
				break
			}
		}
		if all {
			return strings.Join(key, ",")
		}
	}
	return ""
}
