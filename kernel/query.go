package kernel

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Op is a filter's comparison.
type Op string

// Filter operators.
const (
	OpEq      Op = "="
	OpNe      Op = "<>"
	OpLt      Op = "<"
	OpLe      Op = "<="
	OpGt      Op = ">"
	OpGe      Op = ">="
	OpIn      Op = "in"      // Value is a slice; an empty slice matches nothing
	OpHas     Op = "has"     // Column names a Set; Value is one of its values
	OpNull    Op = "null"    // the column is NULL
	OpNotNull Op = "notnull" // the column is not NULL
)

// Filter is one condition of a query; a query's filters all hold.
type Filter struct {
	Column string
	Op     Op
	Value  any
}

// Eq is column = v.
func Eq(column string, v any) Filter { return Filter{column, OpEq, v} }

// Ne is column <> v (NULLs never match).
func Ne(column string, v any) Filter { return Filter{column, OpNe, v} }

// Lt is column < v.
func Lt(column string, v any) Filter { return Filter{column, OpLt, v} }

// Le is column <= v.
func Le(column string, v any) Filter { return Filter{column, OpLe, v} }

// Gt is column > v.
func Gt(column string, v any) Filter { return Filter{column, OpGt, v} }

// Ge is column >= v.
func Ge(column string, v any) Filter { return Filter{column, OpGe, v} }

// In is column IN (vs...); vs is a slice of values (of any element type).
func In(column string, vs any) Filter { return Filter{column, OpIn, vs} }

// Has is "the set holds v".
func Has(set string, v string) Filter { return Filter{set, OpHas, v} }

// IsNull is column IS NULL.
func IsNull(column string) Filter { return Filter{column, OpNull, nil} }

// NotNull is column IS NOT NULL.
func NotNull(column string) Filter { return Filter{column, OpNotNull, nil} }

// Sort is one ordering column.
type Sort struct {
	Column string
	Desc   bool
}

// Asc sorts by column, ascending.
func Asc(column string) Sort { return Sort{Column: column} }

// Desc sorts by column, descending.
func Desc(column string) Sort { return Sort{Column: column, Desc: true} }

// MaxLimit caps a page.
const MaxLimit = 10000

// Query selects documents of a kind.
type Query struct {
	// Where holds the filters, all of which must hold.
	Where []Filter
	// Order lists the sort columns; the id is always appended as the last
	// tie-break. Empty: created_at, id (creation order). Ascending puts
	// NULLs first, descending last, on every backend.
	Order []Sort
	// Limit is the page size; 0 is every match.
	Limit int
	// Offset skips matches (needs Limit). Prefer After: an offset costs
	// the rows it skips on every page.
	Offset int
	// After is a cursor returned by [Collection.Page]: the page starts
	// after the row it names. It needs an order on non-nullable columns
	// and must be used with the same Order.
	After string
	// Lock locks the returned rows until the transaction ends (only
	// inside a transaction).
	Lock Lock
}

// Plan is a query normalised by the kernel for a kind: filter values
// converted to the columns' Go types, the order complete, the cursor
// decoded. Backends execute plans.
type Plan struct {
	Where  []Filter // Value of OpIn is []any
	Order  []Sort   // ends with id
	Limit  int
	Offset int
	After  []any // values of Order's columns of the row to start after; nil: from the start
	Lock   Lock
}

// ColumnType returns the type of a queryable column of k (declared or
// built in) and whether it may be NULL.
func (k *Kind) ColumnType(name string) (Type, bool, bool) {
	if i, ok := k.cols[name]; ok {
		return k.Columns[i].Type, k.Columns[i].Nullable, true
	}
	if t, ok := builtinColumns[name]; ok {
		return t, false, true
	}
	return 0, false, false
}

// Plan checks and normalises q for k. Errors are *o2c.ValidationError.
func (k *Kind) Plan(q Query) (*Plan, error) {
	p := &Plan{Limit: q.Limit, Offset: q.Offset, Lock: q.Lock}
	switch {
	case q.Limit < 0:
		return nil, &o2c.ValidationError{Field: "limit", Rule: "must not be negative", Value: fmt.Sprint(q.Limit)}
	case q.Limit > MaxLimit:
		return nil, &o2c.ValidationError{Field: "limit", Rule: fmt.Sprintf("must be at most %d", MaxLimit), Value: fmt.Sprint(q.Limit)}
	case q.Offset < 0:
		return nil, &o2c.ValidationError{Field: "offset", Rule: "must not be negative", Value: fmt.Sprint(q.Offset)}
	case q.Offset > 0 && q.Limit == 0:
		return nil, &o2c.ValidationError{Field: "offset", Rule: "needs a limit", Value: fmt.Sprint(q.Offset)}
	case q.Offset > 0 && q.After != "":
		return nil, &o2c.ValidationError{Field: "offset", Rule: "cannot be combined with a cursor", Value: fmt.Sprint(q.Offset)}
	}
	for _, f := range q.Where {
		nf, err := k.normFilter(f)
		if err != nil {
			return nil, err
		}
		p.Where = append(p.Where, nf)
	}
	order := q.Order
	if len(order) == 0 {
		order = []Sort{{Column: "created_at"}}
	}
	for _, s := range order {
		t, _, ok := k.ColumnType(s.Column)
		if !ok {
			return nil, &o2c.ValidationError{Field: "order", Rule: "must name a column of " + k.Name, Value: s.Column}
		}
		if t == Decimal {
			return nil, &o2c.ValidationError{Field: "order", Rule: "cannot sort on a decimal column", Value: s.Column}
		}
		if s.Column == "id" {
			break
		}
		p.Order = append(p.Order, s)
	}
	last := Sort{Column: "id"}
	for _, s := range order {
		if s.Column == "id" {
			last = s
		}
	}
	p.Order = append(p.Order, last)
	if q.After != "" {
		after, err := k.decodeCursor(p.Order, q.After)
		if err != nil {
			return nil, err
		}
		p.After = after
	}
	return p, nil
}

func (k *Kind) normFilter(f Filter) (Filter, error) {
	bad := func(rule string) error {
		return &o2c.ValidationError{Field: "filter." + f.Column, Rule: rule, Value: fmt.Sprint(f.Value)}
	}
	if f.Op == OpHas {
		if k.SetIndex(f.Column) < 0 {
			return f, bad("must name a set of " + k.Name)
		}
		s, ok := f.Value.(string)
		if !ok {
			return f, bad("needs a text value")
		}
		return Filter{f.Column, OpHas, s}, nil
	}
	t, nullable, ok := k.ColumnType(f.Column)
	if !ok {
		return f, bad("must name a column of " + k.Name)
	}
	switch f.Op {
	case OpNull, OpNotNull:
		return Filter{f.Column, f.Op, nil}, nil
	case OpIn:
		rv := reflect.ValueOf(f.Value)
		if rv.Kind() != reflect.Slice {
			return f, bad("needs a slice of values")
		}
		vs := make([]any, rv.Len())
		for i := range vs {
			v, err := Normalize(t, true, rv.Index(i).Interface())
			if err != nil || v == nil {
				return f, bad(fmt.Sprintf("needs %s values", t))
			}
			vs[i] = v
		}
		return Filter{f.Column, OpIn, vs}, nil
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		if t == Decimal && f.Op != OpEq && f.Op != OpNe {
			return f, bad("a decimal column is compared for equality only")
		}
		v, err := Normalize(t, nullable, f.Value)
		if err != nil {
			return f, bad(err.Error())
		}
		if v == nil {
			return f, bad("needs a value (use IsNull for NULL)")
		}
		return Filter{f.Column, f.Op, v}, nil
	}
	return f, bad("has an unknown operator " + string(f.Op))
}

// Normalize converts v to the Go type a column of type t holds: string,
// int64, o2c.Date, time.Time (UTC) or bool; nil for NULL (the zero Date
// and Time, and "" for a nullable Text). Types with an underlying string
// or integer type, and fmt.Stringers for Text, are accepted.
func Normalize(t Type, nullable bool, v any) (any, error) {
	if v == nil {
		if !nullable {
			return nil, fmt.Errorf("%s column cannot be NULL", t)
		}
		return nil, nil
	}
	switch t {
	case Text:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case fmt.Stringer:
			s = x.String()
		default:
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.String {
				return nil, fmt.Errorf("needs text, got %T", v)
			}
			s = rv.String()
		}
		if s == "" && nullable {
			return nil, nil
		}
		return s, nil
	case Int:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return rv.Int(), nil
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			return int64(rv.Uint()), nil
		}
		return nil, fmt.Errorf("needs an integer, got %T", v)
	case Date:
		d, ok := v.(o2c.Date)
		if !ok {
			return nil, fmt.Errorf("needs an o2c.Date, got %T", v)
		}
		if d.IsZero() {
			if !nullable {
				return nil, fmt.Errorf("date column cannot be NULL")
			}
			return nil, nil
		}
		return d, nil
	case Time:
		tm, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("needs a time.Time, got %T", v)
		}
		if tm.IsZero() {
			if !nullable {
				return nil, fmt.Errorf("time column cannot be NULL")
			}
			return nil, nil
		}
		return tm.UTC(), nil
	case Decimal:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case fmt.Stringer:
			s = x.String()
		default:
			return nil, fmt.Errorf("needs a decimal in text form, got %T", v)
		}
		if s == "" {
			if !nullable {
				return nil, fmt.Errorf("decimal column cannot be NULL")
			}
			return nil, nil
		}
		return s, nil
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("needs a bool, got %T", v)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown column type %s", t)
}

// Compare orders two normalised values of one column: NULL (nil) first.
func Compare(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		return cmp.Compare(x, b.(int64))
	case o2c.Date:
		return x.Compare(b.(o2c.Date))
	case time.Time:
		return x.Compare(b.(time.Time))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	panic(fmt.Sprintf("kernel: cannot compare %T", a))
}

// Value returns the value of a queryable column of a row: an index
// column, "id" or "created_at".
func (k *Kind) Value(r *Row, column string) any {
	switch column {
	case "id":
		return r.ID
	case "created_at":
		return r.Created
	}
	return r.Index[k.cols[column]]
}

// Match reports whether r satisfies every filter of p (for backends that
// evaluate plans in Go).
func (p *Plan) Match(k *Kind, r *Row) bool {
	for _, f := range p.Where {
		if !matchFilter(k, r, f) {
			return false
		}
	}
	return true
}

func matchFilter(k *Kind, r *Row, f Filter) bool {
	if f.Op == OpHas {
		for _, v := range r.Sets[k.SetIndex(f.Column)] {
			if v == f.Value {
				return true
			}
		}
		return false
	}
	v := k.Value(r, f.Column)
	switch f.Op {
	case OpNull:
		return v == nil
	case OpNotNull:
		return v != nil
	case OpIn:
		if v == nil {
			return false
		}
		for _, x := range f.Value.([]any) {
			if Compare(v, x) == 0 {
				return true
			}
		}
		return false
	}
	if v == nil {
		return false
	}
	c := Compare(v, f.Value)
	switch f.Op {
	case OpEq:
		return c == 0
	case OpNe:
		return c != 0
	case OpLt:
		return c < 0
	case OpLe:
		return c <= 0
	case OpGt:
		return c > 0
	case OpGe:
		return c >= 0
	}
	return false
}

// CompareRows orders two rows by p's order.
func (p *Plan) CompareRows(k *Kind, a, b *Row) int {
	for _, s := range p.Order {
		c := Compare(k.Value(a, s.Column), k.Value(b, s.Column))
		if s.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// IsAfter reports whether r comes after p's cursor (true without one).
func (p *Plan) IsAfter(k *Kind, r *Row) bool {
	if p.After == nil {
		return true
	}
	for i, s := range p.Order {
		c := Compare(k.Value(r, s.Column), p.After[i])
		if s.Desc {
			c = -c
		}
		if c != 0 {
			return c > 0
		}
	}
	return false
}

// cursor is the encoded form of a position: the order's columns and the
// last row's values.
type cursor struct {
	Order []string `json:"o"`
	Vals  []any    `json:"v"`
}

// Cursor encodes the position after r for p's order. The cursor is
// opaque text, safe in URLs.
func (k *Kind) Cursor(p *Plan, r *Row) string {
	c := cursor{}
	for _, s := range p.Order {
		name := s.Column
		if s.Desc {
			name = "-" + name
		}
		c.Order = append(c.Order, name)
		v := k.Value(r, s.Column)
		switch x := v.(type) {
		case o2c.Date:
			v = x.String()
		case time.Time:
			v = x.UTC().Format(time.RFC3339Nano)
		}
		c.Vals = append(c.Vals, v)
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (k *Kind) decodeCursor(order []Sort, s string) ([]any, error) {
	bad := func(rule string) error { return &o2c.ValidationError{Field: "after", Rule: rule, Value: s} }
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad("is not a cursor")
	}
	var c cursor
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil || len(c.Order) != len(order) || len(c.Vals) != len(order) {
		return nil, bad("is not a cursor")
	}
	out := make([]any, len(order))
	for i, srt := range order {
		name := srt.Column
		if srt.Desc {
			name = "-" + name
		}
		if c.Order[i] != name {
			return nil, bad("was made for another order")
		}
		t, nullable, _ := k.ColumnType(srt.Column)
		if nullable {
			return nil, bad("needs an order on columns that are never NULL (" + srt.Column + " may be)")
		}
		v, err := fromCursor(t, c.Vals[i])
		if err != nil {
			return nil, bad("is not a cursor")
		}
		out[i] = v
	}
	return out, nil
}

func fromCursor(t Type, v any) (any, error) {
	switch t {
	case Text:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case Int:
		if n, ok := v.(json.Number); ok {
			return n.Int64()
		}
	case Date:
		if s, ok := v.(string); ok {
			return o2c.ParseDate(s)
		}
	case Time:
		if s, ok := v.(string); ok {
			return time.Parse(time.RFC3339Nano, s)
		}
	case Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	}
	return nil, fmt.Errorf("bad %s in cursor", t)
}
