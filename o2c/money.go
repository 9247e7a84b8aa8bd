package o2c

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Limits on amounts accepted from text. Anything larger is refused as absurd
// rather than carried around: no invoice is worth 10^18 of any currency, and
// 28 fraction digits are more than any rate computation needs.
const (
	MaxIntegerDigits  = 18
	MaxFractionDigits = 28
)

// Money is an amount in a currency. The amount is a shopspring decimal and
// may carry more decimals than the currency's minor unit (a unit price of
// 0.0125 EUR, an unrounded interest figure); [Money.Round] brings it to the
// minor unit with a named [RoundingMode]. Money is an immutable value type:
// every operation returns a new value.
//
// Operations on two amounts return a *[CurrencyMismatchError] when the
// currencies differ; nothing silently converts. The zero Money has no
// currency and is refused by arithmetic with a currency mismatch.
type Money struct {
	amount   decimal.Decimal
	currency Currency
}

// NewMoney parses amount (plain decimal notation, "-12.50"; exponents such
// as "1.5e3" are accepted within the limits) in the currency with the given
// ISO 4217 code. Empty, unparsable, NaN, infinite or absurd amounts are a
// *[ValidationError] wrapping [ErrInvalidAmount]; an unknown currency wraps
// [ErrUnknownCurrency].
func NewMoney(amount, currencyCode string) (Money, error) {
	cur, err := ParseCurrency(currencyCode)
	if err != nil {
		return Money{}, err
	}
	d, err := ParseAmount(amount)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: d, currency: cur}, nil
}

// MustMoney is NewMoney for constants in code and tests; it panics on error.
func MustMoney(amount, currencyCode string) Money {
	m, err := NewMoney(amount, currencyCode)
	if err != nil {
		panic(err)
	}
	return m
}

// MoneyOf returns d in currency cur. It refuses the zero Currency and
// absurd amounts.
func MoneyOf(d decimal.Decimal, cur Currency) (Money, error) {
	if cur.IsZero() {
		return Money{}, &ValidationError{Field: "currency", Rule: "is required", Err: ErrUnknownCurrency}
	}
	if err := checkAmount(d, d.String()); err != nil {
		return Money{}, err
	}
	return Money{amount: d, currency: cur}, nil
}

// FromMinor returns units minor units of cur (FromMinor(1250, EUR) is 12.50 EUR).
func FromMinor(units int64, cur Currency) Money {
	return Money{amount: decimal.New(units, -cur.Digits()), currency: cur}
}

// Zero returns zero in cur.
func Zero(cur Currency) Money { return Money{amount: decimal.Zero, currency: cur} }

// ParseAmount parses a decimal amount with the same rules as NewMoney.
func ParseAmount(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Decimal{}, &ValidationError{Field: "amount", Rule: "is required", Err: ErrInvalidAmount}
	}
	// Guard the exponent before parsing: "1e999999999" would otherwise make
	// the parser build a huge coefficient.
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		exp := strings.TrimLeft(strings.TrimLeft(t[i+1:], "+-"), "0")
		if len(exp) > 3 {
			return decimal.Decimal{}, &ValidationError{Field: "amount", Rule: "is out of range", Value: s, Err: ErrInvalidAmount}
		}
	}
	if len(t) > 200 {
		return decimal.Decimal{}, &ValidationError{Field: "amount", Rule: "is too long", Value: t[:20] + "...", Err: ErrInvalidAmount}
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Decimal{}, &ValidationError{Field: "amount", Rule: "must be a decimal number", Value: s, Err: ErrInvalidAmount}
	}
	if err := checkAmount(d, s); err != nil {
		return decimal.Decimal{}, err
	}
	return d, nil
}

var maxAmount = decimal.New(1, MaxIntegerDigits)

func checkAmount(d decimal.Decimal, raw string) error {
	if d.Abs().GreaterThanOrEqual(maxAmount) {
		return &ValidationError{Field: "amount", Rule: fmt.Sprintf("must have at most %d integer digits", MaxIntegerDigits), Value: raw, Err: ErrInvalidAmount}
	}
	if -d.Exponent() > MaxFractionDigits {
		// Trailing zeros do not count against the limit.
		if t := d.Truncate(MaxFractionDigits); !t.Equal(d) {
			return &ValidationError{Field: "amount", Rule: fmt.Sprintf("must have at most %d fraction digits", MaxFractionDigits), Value: raw, Err: ErrInvalidAmount}
		}
	}
	return nil
}

// Amount returns the decimal amount.
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency.
func (m Money) Currency() Currency { return m.currency }

// IsZero reports whether the amount is zero (whatever the currency).
func (m Money) IsZero() bool { return m.amount.IsZero() }

// IsPositive reports whether the amount is > 0.
func (m Money) IsPositive() bool { return m.amount.IsPositive() }

// IsNegative reports whether the amount is < 0.
func (m Money) IsNegative() bool { return m.amount.IsNegative() }

// Sign returns -1, 0 or 1.
func (m Money) Sign() int { return m.amount.Sign() }

func (m Money) same(op string, o Money) error {
	if m.currency != o.currency {
		return &CurrencyMismatchError{Op: op, Left: m.currency, Right: o.currency}
	}
	return nil
}

// Add returns m + o.
func (m Money) Add(o Money) (Money, error) {
	if err := m.same("add", o); err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Add(o.amount), currency: m.currency}, nil
}

// Sub returns m - o.
func (m Money) Sub(o Money) (Money, error) {
	if err := m.same("sub", o); err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Sub(o.amount), currency: m.currency}, nil
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), currency: m.currency} }

// Abs returns |m|.
func (m Money) Abs() Money { return Money{amount: m.amount.Abs(), currency: m.currency} }

// Mul returns m × factor (a quantity or a rate), unrounded. Round the result
// with [Money.Round] at the point your rounding policy names.
func (m Money) Mul(factor decimal.Decimal) Money {
	return Money{amount: m.amount.Mul(factor), currency: m.currency}
}

// MulRound returns m × factor rounded to the currency's minor unit with mode.
func (m Money) MulRound(factor decimal.Decimal, mode RoundingMode) Money {
	return m.Mul(factor).Round(mode)
}

// Cmp compares m and o: -1 if m < o, 0 if equal, 1 if m > o.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.same("compare", o); err != nil {
		return 0, err
	}
	return m.amount.Cmp(o.amount), nil
}

// Equal reports whether m and o have the same currency and the same numeric
// amount (12.5 EUR equals 12.50 EUR). Different currencies are not equal.
func (m Money) Equal(o Money) bool {
	return m.currency == o.currency && m.amount.Equal(o.amount)
}

// LessThan reports whether m < o.
func (m Money) LessThan(o Money) (bool, error) {
	c, err := m.Cmp(o)
	return c < 0, err
}

// GreaterThan reports whether m > o.
func (m Money) GreaterThan(o Money) (bool, error) {
	c, err := m.Cmp(o)
	return c > 0, err
}

// Min returns the smaller of m and o.
func (m Money) Min(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c <= 0 {
		return m, nil
	}
	return o, nil
}

// Max returns the larger of m and o.
func (m Money) Max(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c >= 0 {
		return m, nil
	}
	return o, nil
}

// Sum adds amounts that must all be in cur. Sum of nothing is zero in cur.
func Sum(cur Currency, ms ...Money) (Money, error) {
	total := Zero(cur)
	for _, m := range ms {
		var err error
		if total, err = total.Add(m); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}

// Round rounds to the currency's minor unit with mode.
func (m Money) Round(mode RoundingMode) Money {
	return m.RoundTo(m.currency.Digits(), mode)
}

// RoundTo rounds to digits decimals with mode (e.g. 4 for a unit price).
func (m Money) RoundTo(digits int32, mode RoundingMode) Money {
	return Money{amount: mode.round(m.amount, digits), currency: m.currency}
}

// IsRounded reports whether m has no more decimals than the currency's minor unit.
func (m Money) IsRounded() bool {
	return m.amount.Equal(m.amount.Truncate(m.currency.Digits()))
}

// MinorUnits returns the amount in minor units (1250 for 12.50 EUR). It fails
// when the amount is not rounded to the minor unit or does not fit in int64.
func (m Money) MinorUnits() (int64, error) {
	if !m.IsRounded() {
		return 0, &ValidationError{Field: "amount", Rule: "must be rounded to the currency's minor unit", Value: m.amount.String(), Err: ErrInvalidAmount}
	}
	s := m.amount.Shift(m.currency.Digits())
	bi := s.BigInt()
	if !bi.IsInt64() {
		return 0, &ValidationError{Field: "amount", Rule: "does not fit in 64-bit minor units", Value: m.amount.String(), Err: ErrInvalidAmount}
	}
	return bi.Int64(), nil
}

// AmountString formats the amount with at least the currency's minor digits
// and every significant decimal beyond them ("12.50", "0.0125", "1000").
// Parsing it back gives the same amount.
func (m Money) AmountString() string {
	digits := m.currency.Digits()
	s := m.amount.String() // significant decimals only
	decimals := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = len(s) - i - 1
	}
	if int32(decimals) >= digits {
		return s
	}
	return m.amount.StringFixed(digits)
}

// String returns "12.50 EUR".
func (m Money) String() string {
	if m.currency.IsZero() {
		return m.amount.String()
	}
	return m.AmountString() + " " + m.currency.code
}

// ParseMoney parses the form String produces: "12.50 EUR".
func ParseMoney(s string) (Money, error) {
	amount, code, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Money{}, &ValidationError{Field: "money", Rule: `must read "<amount> <currency>"`, Value: s, Err: ErrInvalidAmount}
	}
	return NewMoney(amount, strings.TrimSpace(code))
}

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// MarshalJSON encodes {"amount":"12.50","currency":"EUR"}. The amount is a
// string so that no JSON library turns it into a float. The zero Money (no
// currency) encodes as null, which UnmarshalJSON reads back as the zero
// Money. An amount beyond the limits NewMoney accepts (the result of
// arithmetic) is refused with a *[ValidationError] rather than written in a
// form that could not be read back.
func (m Money) MarshalJSON() ([]byte, error) {
	if m.currency.IsZero() {
		return []byte("null"), nil
	}
	if err := checkAmount(m.amount, truncate(m.amount.String())); err != nil {
		return nil, err
	}
	return json.Marshal(moneyJSON{Amount: m.AmountString(), Currency: m.currency.code})
}

// UnmarshalJSON decodes the form MarshalJSON produces. The amount may also
// be a JSON number, which is read as decimal text, never through a float.
func (m *Money) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*m = Money{}
		return nil
	}
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return &ValidationError{Field: "money", Rule: "must be a JSON object with amount and currency", Value: truncate(string(b)), Err: ErrInvalidAmount}
	}
	amount := string(bytes.TrimSpace(raw.Amount))
	if strings.HasPrefix(amount, `"`) {
		if err := json.Unmarshal(raw.Amount, &amount); err != nil {
			return &ValidationError{Field: "amount", Rule: "must be a decimal string", Err: ErrInvalidAmount}
		}
	}
	p, err := NewMoney(amount, raw.Currency)
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// Value implements driver.Valuer as the text "12.50 EUR", for a single
// column. Stores that need to sum or compare amounts in SQL keep the amount
// (AmountString) and the currency in two columns instead. The zero Money is
// NULL; an amount beyond the limits NewMoney accepts is refused, like
// MarshalJSON does.
func (m Money) Value() (driver.Value, error) {
	if m.currency.IsZero() {
		return nil, nil
	}
	if err := checkAmount(m.amount, truncate(m.amount.String())); err != nil {
		return nil, err
	}
	return m.String(), nil
}

// Scan implements sql.Scanner from the text Value writes.
func (m *Money) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = Money{}
		return nil
	case string:
		p, err := ParseMoney(v)
		if err != nil {
			return err
		}
		*m = p
		return nil
	case []byte:
		return m.Scan(string(v))
	default:
		return fmt.Errorf("o2c: cannot scan %T into Money", src)
	}
}

func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
