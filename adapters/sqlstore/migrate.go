package sqlstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationsFS embed.FS

type migration struct {
	version  int
	name     string
	stmts    []string
	checksum string // hex SHA-256 of the file
}

// ErrMigrationChanged is returned by Migrate when a migration already
// applied to the database is not the file it was: its checksum differs
// from the one recorded when it was applied. Nothing is applied then; a
// released migration is never edited, a new one is added instead.
var ErrMigrationChanged = errors.New("o2c sql: an applied migration was changed")

// migrations returns the dialect's migrations in version order. Files are
// named NNNN_name.sql; statements are separated by a line ending in ';'.
func migrations(d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("o2c sql: migration %s: name must start with a number and '_'", name)
		}
		body, err := fs.ReadFile(migrationsFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		stmts, err := splitStatements(string(body))
		if err != nil {
			return nil, fmt.Errorf("o2c sql: migration %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		out = append(out, migration{version: v, name: strings.TrimSuffix(name, ".sql"), stmts: stmts, checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("o2c sql: two migrations numbered %d", out[i].version)
		}
	}
	return out, nil
}

// splitStatements splits a migration into statements at the semicolons
// that end them: not those inside 'strings' (with ” escapes), "quoted
// identifiers", -- line comments, /* block comments */ or PostgreSQL
// dollar-quoted bodies ($$ ... $$, $tag$ ... $tag$), so that functions
// and triggers migrate whole. Comments are kept inside statements; a
// statement of comments only is dropped. An unterminated string, comment
// or dollar quote is an error.
func splitStatements(body string) ([]string, error) {
	var stmts []string
	start, i, n := 0, 0, len(body)
	flush := func(end int) {
		if st := strings.TrimSpace(body[start:end]); st != "" && !onlyComments(st) {
			stmts = append(stmts, st)
		}
	}
	for i < n {
		c := body[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(body[j:], c)
				if k < 0 {
					return nil, fmt.Errorf("unterminated %c quote at byte %d", c, i)
				}
				j += k + 1
				if j < n && body[j] == c { // doubled quote: an escaped one
					j++
					continue
				}
				break
			}
			i = j
		case c == '-' && i+1 < n && body[i+1] == '-':
			k := strings.IndexByte(body[i:], '\n')
			if k < 0 {
				i = n
			} else {
				i += k + 1
			}
		case c == '/' && i+1 < n && body[i+1] == '*':
			k := strings.Index(body[i+2:], "*/")
			if k < 0 {
				return nil, fmt.Errorf("unterminated block comment at byte %d", i)
			}
			i += k + 4
		case c == '$':
			tag, ok := dollarTag(body[i:])
			if !ok {
				i++
				continue
			}
			k := strings.Index(body[i+len(tag):], tag)
			if k < 0 {
				return nil, fmt.Errorf("unterminated dollar quote %s at byte %d", tag, i)
			}
			i += len(tag) + k + len(tag)
		case c == ';':
			flush(i + 1)
			i++
			start = i
		default:
			i++
		}
	}
	flush(n)
	return stmts, nil
}

// dollarTag returns the opening tag of a dollar quote at the start of s
// ("$$" or "$name$").
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (j > 1 && c >= '0' && c <= '9'):
		default:
			return "", false
		}
	}
	return "", false
}

// onlyComments reports whether a statement holds nothing but comments and
// semicolons.
func onlyComments(st string) bool {
	for st != "" {
		st = strings.TrimLeft(st, " \t\r\n;")
		switch {
		case st == "":
			return true
		case strings.HasPrefix(st, "--"):
			k := strings.IndexByte(st, '\n')
			if k < 0 {
				return true
			}
			st = st[k+1:]
		case strings.HasPrefix(st, "/*"):
			k := strings.Index(st, "*/")
			if k < 0 {
				return false
			}
			st = st[k+2:]
		default:
			return false
		}
	}
	return true
}

// Migrate applies the migrations not yet recorded in o2c_schema_migrations,
// in one transaction under a lock (a PostgreSQL advisory lock scoped to the
// schema; SQLite's write lock), so concurrent processes starting together
// apply each migration once. Running it again is a no-op. Each applied
// migration is recorded with the SHA-256 of its file and the real time it
// was applied (not the store's clock, which may be a test or demo clock);
// a recorded migration whose file changed since is refused with
// [ErrMigrationChanged] and nothing is applied.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := migrations(db.dialect)
	if err != nil {
		return err
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.current(ctx).tx
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('o2c-migrate:' || current_schema()))`); err != nil {
				return fmt.Errorf("o2c sql: migration lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS o2c_schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TEXT NOT NULL,
			checksum TEXT NOT NULL DEFAULT '')`); err != nil {
			return fmt.Errorf("o2c sql: create versions table: %w", err)
		}
		if err := db.addChecksumColumn(ctx); err != nil {
			return err
		}
		applied := map[int]string{}
		rows, err := tx.QueryContext(ctx, `SELECT version, checksum FROM o2c_schema_migrations`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			var sum string
			if err := rows.Scan(&v, &sum); err != nil {
				rows.Close()
				return err
			}
			applied[v] = sum
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range ms {
			sum, done := applied[m.version]
			switch {
			case done && sum == "":
				// recorded before checksums were kept: record it now
				if _, err := tx.ExecContext(ctx, `UPDATE o2c_schema_migrations SET checksum = $1 WHERE version = $2`, m.checksum, m.version); err != nil {
					return fmt.Errorf("o2c sql: record checksum of %s: %w", m.name, err)
				}
				continue
			case done && sum != m.checksum:
				return fmt.Errorf("%w: %s (recorded checksum %s, file %s)", ErrMigrationChanged, m.name, sum, m.checksum)
			case done:
				continue
			}
			for i, stmt := range m.stmts {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("o2c sql: migration %s statement %d: %w", m.name, i+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO o2c_schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)`,
				m.version, m.name, time.Now().UTC().Format(sqliteTime), m.checksum); err != nil {
				return fmt.Errorf("o2c sql: record migration %s: %w", m.name, err)
			}
			db.log.InfoContext(ctx, "o2c sql: migration applied", "dialect", db.dialect, "migration", m.name)
		}
		// the tables of kernel kinds no migration created
		return db.ensureKinds(ctx, tx)
	})
	if err == nil {
		db.markKinds()
	}
	return err
}

// SchemaVersion returns the highest applied migration version (0 if none).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM o2c_schema_migrations`).Scan(&v)
	return v, err
}

// addChecksumColumn adds the checksum column to a versions table created
// before checksums were kept.
func (db *DB) addChecksumColumn(ctx context.Context) error {
	tx := db.current(ctx).tx
	if db.dialect == Postgres {
		_, err := tx.ExecContext(ctx, `ALTER TABLE o2c_schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT NOT NULL DEFAULT ''`)
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('o2c_schema_migrations') WHERE name = 'checksum'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		_, err := tx.ExecContext(ctx, `ALTER TABLE o2c_schema_migrations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''`)
		return err
	}
	return nil
}
