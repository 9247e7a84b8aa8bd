package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// backfillBatch is how many invoices one backfill transaction rewrites.
const backfillBatch = 500

// BackfillDueLines writes the due lines, dated settlements and settled
// periods (migration 0009) of every issued invoice and deposit invoice
// that has none: the documents stored before that migration, which would
// otherwise appear in due-line reads (aging, dunning, credit, interest)
// only once saved again. It rewrites them from each document exactly as
// saving it does, in transactions of 500 documents, and returns how many
// it wrote. It is idempotent (a second call finds nothing to do) and safe
// to run while the stores are in use: a document saved meanwhile has its
// rows already and is skipped, and a backfilled one is rewritten from the
// document read in the same transaction.
//
// [OpenSQLite] and [OpenPostgres] run it after the migrations (unless
// Options.SkipMigrate); the check costs one anti-join of the invoices
// against their due lines.
func (db *DB) BackfillDueLines(ctx context.Context) (int, error) {
	const missing = `SELECT i.tenant, i.id FROM o2c_invoices i
		WHERE i.kind IN ('invoice', 'deposit') AND i.status <> 'draft'
			AND NOT EXISTS (SELECT 1 FROM o2c_invoice_due_lines l WHERE l.tenant = i.tenant AND l.invoice_id = i.id)
		ORDER BY i.tenant, i.id`
	type key struct{ tenant, id string }
	var keys []key
	rows, err := db.sql.QueryContext(ctx, missing)
	if err != nil {
		return 0, db.translate(err)
	}
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.tenant, &k.id); err != nil {
			rows.Close()
			return 0, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, db.translate(err)
	}
	done := 0
	for start := 0; start < len(keys); start += backfillBatch {
		batch := keys[start:min(start+backfillBatch, len(keys))]
		err := db.InTx(ctx, func(ctx context.Context) error {
			tx := db.current(ctx).tx
			for _, k := range batch {
				// read again in the transaction: skip a document saved
				// (and so given its rows) since the list was read
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM o2c_invoice_due_lines WHERE tenant = $1 AND invoice_id = $2`,
					k.tenant, k.id).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				var body string
				q := `SELECT body FROM o2c_invoices WHERE tenant = $1 AND id = $2`
				if db.dialect == Postgres {
					q += ` FOR UPDATE`
				}
				if err := tx.QueryRowContext(ctx, q, k.tenant, k.id).Scan(&body); err != nil {
					return err
				}
				var s invoice.Snapshot
				if err := json.Unmarshal([]byte(body), &s); err != nil {
					return fmt.Errorf("o2c sql: backfill due lines: decode invoice %s/%s: %w", k.tenant, k.id, err)
				}
				if err := syncDueLines(ctx, tx, o2c.TenantID(k.tenant), &s); err != nil {
					return fmt.Errorf("o2c sql: backfill due lines of invoice %s/%s: %w", k.tenant, k.id, err)
				}
				done++
			}
			return nil
		})
		if err != nil {
			return done, db.translate(err)
		}
	}
	if done > 0 {
		db.log.InfoContext(ctx, "o2c sql: due lines backfilled", "invoices", done)
	}
	return done, nil
}
