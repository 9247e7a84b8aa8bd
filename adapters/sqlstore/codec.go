package sqlstore

import (
	"fmt"
	"time"
)

// sqliteTime is the fixed-width text form instants take in SQLite, so that
// text order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000000Z"

// ts converts an instant for the dialect (zero means NULL).
func (db *DB) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if db.dialect == SQLite {
		return t.UTC().Format(sqliteTime)
	}
	return t.UTC()
}

// nullTime scans an instant stored by ts.
type nullTime struct{ T time.Time }

func (n *nullTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		n.T = time.Time{}
	case time.Time:
		n.T = v.UTC()
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("o2c sql: bad instant %q: %w", v, err)
		}
		n.T = t.UTC()
	case []byte:
		return n.Scan(string(v))
	default:
		return fmt.Errorf("o2c sql: cannot scan %T into an instant", src)
	}
	return nil
}
