package invoice

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
)

// TermsKind says how a due date is computed from an invoice date. It is a
// closed set: unmarshalling refuses any other value, and [Terms.Validate]
// refuses a kind built in code that is not one of the constants.
//
// French practice writes "45 jours fin de mois" for two different
// computations, and both are admitted by the administration (DGCCRF) and
// the courts as long as the contract says which one applies:
//
//   - [TermsDaysThenEndOfMonth]: add 45 days to the invoice date, then go to
//     the end of that month. This is the more common, "administrative"
//     reading: invoice 15 January 2026, 45 days is 1 March, due 31 March.
//   - [TermsEndOfMonthThenDays]: go to the end of the invoice month, then add
//     45 days ("fin de mois + 45 jours", "fin de mois le 45"): invoice 15
//     January 2026, end of month 31 January, due 17 March.
//
// Store the kind, not the French words, and print the description that goes
// with it on the invoice.
type TermsKind string

const (
	// TermsImmediate: due on the invoice date ("payable à réception",
	// "due on receipt"). Uses no other field.
	TermsImmediate TermsKind = "immediate"
	// TermsNet: due Days calendar days after the invoice date ("net 30",
	// "30 jours date de facture").
	TermsNet TermsKind = "net"
	// TermsEndOfMonthThenDays: go to the last day of the invoice month,
	// then add Days calendar days ("fin de mois + 45 jours"; ERPNext's "days
	// after the end of the invoice month").
	TermsEndOfMonthThenDays TermsKind = "end_of_month_then_days"
	// TermsDaysThenEndOfMonth: add Days calendar days to the invoice date,
	// then go to the last day of the month reached ("45 jours fin de mois"
	// in its more common reading).
	TermsDaysThenEndOfMonth TermsKind = "days_then_end_of_month"
	// TermsMonthsAfterEndOfMonth: the last day of the month that is Months
	// months after the invoice month (invoice 10 January, 2 months: 31
	// March; invoice 31 January, 1 month: 28 or 29 February). Months 0 is
	// the end of the invoice month ("fin de mois").
	TermsMonthsAfterEndOfMonth TermsKind = "months_after_end_of_month"
	// TermsDayOfFollowingMonth: day DayOfMonth of the month that follows
	// the month of (invoice date + Days). With Days 0 it is "le 10 du mois
	// suivant" (invoice 15 January, day 10: 10 February); with Days 45 it is
	// "45 jours fin de mois le 10" (invoice 15 January: 45 days is 1 March,
	// due 10 April). A day beyond the month's length is clamped to its last
	// day (day 31 in February is 28 or 29 February).
	TermsDayOfFollowingMonth TermsKind = "day_of_following_month"
)

var termsKinds = []TermsKind{
	TermsImmediate, TermsNet, TermsEndOfMonthThenDays, TermsDaysThenEndOfMonth,
	TermsMonthsAfterEndOfMonth, TermsDayOfFollowingMonth,
}

const termsKindRule = "must be one of immediate, net, end_of_month_then_days, days_then_end_of_month, months_after_end_of_month, day_of_following_month"

// IsValid reports whether k is one of the TermsKind constants.
func (k TermsKind) IsValid() bool {
	for _, v := range termsKinds {
		if k == v {
			return true
		}
	}
	return false
}

// UnmarshalText implements encoding.TextUnmarshaler, refusing unknown kinds
// with a *o2c.ValidationError.
func (k *TermsKind) UnmarshalText(b []byte) error {
	v := TermsKind(b)
	if !v.IsValid() {
		return &o2c.ValidationError{Field: "kind", Rule: termsKindRule, Value: truncateValue(string(b))}
	}
	*k = v
	return nil
}

// Limits on Terms, so that absurd input is refused rather than computed.
const (
	// MaxTermsDays bounds Terms.Days and EarlyPaymentDiscount.Days.
	MaxTermsDays = 3660
	// MaxTermsMonths bounds Terms.Months.
	MaxTermsMonths = 120
	// MaxTermsCodeLength bounds Terms.Code, in characters.
	MaxTermsCodeLength = 64
)

// Terms are payment terms as data: what a customer master record, a price
// agreement or an invoice stores, serialisable to JSON as it is. Which of
// Days, Months and DayOfMonth apply depends on Kind (see the [TermsKind]
// constants); the others must be zero, so that no stored value is silently
// ignored. Build Terms with the constructors ([NetTerms],
// [DaysThenEndOfMonthTerms], ...) or as a literal, and check them with
// [Terms.Validate]; [DueDate] validates them too.
type Terms struct {
	// Code is the short name users pick terms by ("NET30", "45EOM").
	Code string `json:"code"`
	// Description is the wording printed on the invoice.
	Description string `json:"description,omitempty"`
	// Kind says how the due date is computed.
	Kind TermsKind `json:"kind"`
	// Days is a number of calendar days, for the kinds that use it.
	Days int `json:"days,omitempty"`
	// Months is a number of months, for TermsMonthsAfterEndOfMonth.
	Months int `json:"months,omitempty"`
	// DayOfMonth (1 to 31) is the day of TermsDayOfFollowingMonth.
	DayOfMonth int `json:"day_of_month,omitempty"`
	// Discount is an optional early-payment discount ("2/10 net 30"); the
	// zero value means none. It does not change the due date.
	Discount EarlyPaymentDiscount `json:"early_payment_discount,omitzero"`
}

// ImmediateTerms returns terms due on the invoice date, code "IMMEDIATE".
func ImmediateTerms() Terms {
	return Terms{Code: "IMMEDIATE", Description: "Due on receipt", Kind: TermsImmediate}
}

// NetTerms returns terms due days after the invoice date, code "NET30" for
// 30 days. Like every constructor here it does not validate (a negative
// days is refused by [Terms.Validate] and [DueDate]).
func NetTerms(days int) Terms {
	return Terms{Code: fmt.Sprintf("NET%d", days), Description: fmt.Sprintf("Net %d days", days), Kind: TermsNet, Days: days}
}

// EndOfMonthThenDaysTerms returns [TermsEndOfMonthThenDays] terms ("fin de
// mois + 45 jours": end of the invoice month, then 45 days), code "EOM+45".
func EndOfMonthThenDaysTerms(days int) Terms {
	return Terms{
		Code:        fmt.Sprintf("EOM+%d", days),
		Description: fmt.Sprintf("End of month, then %d days", days),
		Kind:        TermsEndOfMonthThenDays,
		Days:        days,
	}
}

// DaysThenEndOfMonthTerms returns [TermsDaysThenEndOfMonth] terms ("45
// jours fin de mois" in its common reading: 45 days, then the end of that
// month), code "45EOM".
func DaysThenEndOfMonthTerms(days int) Terms {
	return Terms{
		Code:        fmt.Sprintf("%dEOM", days),
		Description: fmt.Sprintf("%d days, then end of month", days),
		Kind:        TermsDaysThenEndOfMonth,
		Days:        days,
	}
}

// MonthsAfterEndOfMonthTerms returns [TermsMonthsAfterEndOfMonth] terms:
// the end of the month that is months after the invoice month, code
// "EOM+2M" for 2 months.
func MonthsAfterEndOfMonthTerms(months int) Terms {
	return Terms{
		Code:        fmt.Sprintf("EOM+%dM", months),
		Description: fmt.Sprintf("End of month, %d months after the invoice month", months),
		Kind:        TermsMonthsAfterEndOfMonth,
		Months:      months,
	}
}

// DayOfFollowingMonthTerms returns [TermsDayOfFollowingMonth] terms: day
// dayOfMonth of the month following the month of (invoice date + days).
// The code is "DOM10" for the 10th of the following month and "45+DOM10"
// when days is 45.
func DayOfFollowingMonthTerms(days, dayOfMonth int) Terms {
	t := Terms{
		Code:        fmt.Sprintf("DOM%d", dayOfMonth),
		Description: fmt.Sprintf("Day %d of the following month", dayOfMonth),
		Kind:        TermsDayOfFollowingMonth,
		Days:        days,
		DayOfMonth:  dayOfMonth,
	}
	if days != 0 {
		t.Code = fmt.Sprintf("%d+%s", days, t.Code)
		t.Description = fmt.Sprintf("%d days, then day %d of the following month", days, dayOfMonth)
	}
	return t
}

// Validate reports the first rule t breaks as a *o2c.ValidationError whose
// Field is the JSON name of the offending field ("code", "days",
// "early_payment_discount.percent"); it never panics.
func (t Terms) Validate() error {
	if err := validateTermsCode(t.Code); err != nil {
		return err
	}
	if !t.Kind.IsValid() {
		return &o2c.ValidationError{Field: "kind", Rule: termsKindRule, Value: truncateValue(string(t.Kind))}
	}
	usesDays := t.Kind != TermsImmediate && t.Kind != TermsMonthsAfterEndOfMonth
	if err := checkTermsInt("days", t.Days, usesDays, 0, MaxTermsDays, t.Kind); err != nil {
		return err
	}
	if err := checkTermsInt("months", t.Months, t.Kind == TermsMonthsAfterEndOfMonth, 0, MaxTermsMonths, t.Kind); err != nil {
		return err
	}
	if err := checkTermsInt("day_of_month", t.DayOfMonth, t.Kind == TermsDayOfFollowingMonth, 1, 31, t.Kind); err != nil {
		return err
	}
	if !t.Discount.IsZero() {
		if err := t.Discount.Validate(); err != nil {
			return prefixField("early_payment_discount", err)
		}
	}
	return nil
}

func validateTermsCode(code string) error {
	switch {
	case strings.TrimSpace(code) == "":
		return &o2c.ValidationError{Field: "code", Rule: "is required"}
	case !utf8.ValidString(code):
		return &o2c.ValidationError{Field: "code", Rule: "must be valid UTF-8"}
	case utf8.RuneCountInString(code) > MaxTermsCodeLength:
		return &o2c.ValidationError{Field: "code", Rule: fmt.Sprintf("must be at most %d characters", MaxTermsCodeLength), Value: truncateValue(code)}
	case strings.IndexFunc(code, unicode.IsControl) >= 0:
		return &o2c.ValidationError{Field: "code", Rule: "must not contain control characters", Value: truncateValue(code)}
	}
	return nil
}

func checkTermsInt(field string, v int, used bool, lo, hi int, kind TermsKind) error {
	if !used {
		if v != 0 {
			return &o2c.ValidationError{Field: field, Rule: fmt.Sprintf("must be zero for kind %s", kind), Value: fmt.Sprint(v)}
		}
		return nil
	}
	if v < lo || v > hi {
		rule := fmt.Sprintf("must be between %d and %d", lo, hi)
		if v < 0 && lo == 0 {
			rule = "must not be negative"
		}
		return &o2c.ValidationError{Field: field, Rule: rule, Value: fmt.Sprint(v)}
	}
	return nil
}

// DueDate returns the date on which an invoice dated invoiceDate is due
// under t, in calendar days (see [ShiftedDueDate] to move it off weekends
// and holidays). For valid terms the due date is never before the invoice
// date. Invalid terms or a zero invoice date give a *o2c.ValidationError.
//
// Invoice 15 January 2026: [NetTerms](30) is due 14 February,
// [EndOfMonthThenDaysTerms](45) 17 March, [DaysThenEndOfMonthTerms](45) 31
// March.
func DueDate(invoiceDate o2c.Date, t Terms) (o2c.Date, error) {
	if invoiceDate.IsZero() {
		return o2c.Date{}, &o2c.ValidationError{Field: "invoice_date", Rule: "is required"}
	}
	if err := t.Validate(); err != nil {
		return o2c.Date{}, err
	}
	var due o2c.Date
	switch t.Kind {
	case TermsImmediate:
		due = invoiceDate
	case TermsNet:
		due = invoiceDate.AddDays(t.Days)
	case TermsEndOfMonthThenDays:
		due = invoiceDate.EndOfMonth().AddDays(t.Days)
	case TermsDaysThenEndOfMonth:
		due = invoiceDate.AddDays(t.Days).EndOfMonth()
	case TermsMonthsAfterEndOfMonth:
		due = invoiceDate.StartOfMonth().AddMonths(t.Months).EndOfMonth()
	case TermsDayOfFollowingMonth:
		first := invoiceDate.AddDays(t.Days).StartOfMonth().AddMonths(1)
		day := min(t.DayOfMonth, first.EndOfMonth().Day())
		due = first.AddDays(day - 1)
	}
	if due.Year() > 9999 {
		return o2c.Date{}, &o2c.ValidationError{Field: "invoice_date", Rule: "gives a due date after year 9999", Value: invoiceDate.String()}
	}
	return due, nil
}

// ShiftedDueDate returns [DueDate] moved by shift when it falls on a
// non-business day of shift's calendar. A zero shift moves nothing.
//
// A preceding (or modified following) shift never moves the due date
// before the invoice date: when it would, the following business day is
// used instead, so immediate terms on a Saturday invoice are due on Monday,
// not on the Friday before the invoice was issued.
func ShiftedDueDate(invoiceDate o2c.Date, t Terms, shift BusinessDayShift) (o2c.Date, error) {
	due, err := DueDate(invoiceDate, t)
	if err != nil {
		return o2c.Date{}, err
	}
	shifted, err := shift.Apply(due)
	if err != nil {
		return o2c.Date{}, err
	}
	if shifted.Before(invoiceDate) {
		following := shift
		following.Convention = FollowingBusinessDay
		return following.Apply(due)
	}
	return shifted, nil
}

// Instalment is one due part of an invoice: the Seq-th (from 1) amount due
// on DueDate.
type Instalment struct {
	Seq     int       `json:"seq"`
	DueDate o2c.Date  `json:"due_date"`
	Amount  o2c.Money `json:"amount"`
}

// PercentInstalment is one line of a schedule by percentages: Percent of
// the total (30 means 30 %), due under Terms counted from the invoice date.
type PercentInstalment struct {
	Percent decimal.Decimal `json:"percent"`
	Terms   Terms           `json:"terms"`
}

// AmountInstalment is one line of a schedule by fixed amounts: Amount due
// under Terms counted from the invoice date. The last line may leave Amount
// zero (or the zero Money) to take whatever the other lines leave.
type AmountInstalment struct {
	Amount o2c.Money `json:"amount"`
	Terms  Terms     `json:"terms"`
}

// maxPercentDecimals bounds the precision of instalment percentages so that
// the exact integer arithmetic of the split stays small.
const maxPercentDecimals = 8

var hundred = decimal.NewFromInt(100)

// InstalmentsByPercent splits total into one instalment per part, in the
// order given, each due under its own terms (shifted by shift; pass the
// zero BusinessDayShift for none).
//
// The percentages must each be positive, have at most 8 decimals and sum
// to exactly 100. The amounts are computed with [o2c.Money.Allocate]: each
// instalment is its exact share of the total to within one minor unit, no
// instalment is negative, and the instalments always sum exactly to the
// total; the minor units that rounding leaves over go to the parts with the
// largest fractional remainders (ties to the earlier part), so 100.01 EUR in
// 50/50 is 50.01 then 50.00, and 10.00 EUR in 33.33/33.33/33.34 is 3.33,
// 3.33, 3.34.
//
// total must be positive and rounded to its currency's minor unit. Errors
// are *o2c.ValidationError naming the field ("parts[1].percent",
// "parts[2].terms.days").
func InstalmentsByPercent(total o2c.Money, invoiceDate o2c.Date, parts []PercentInstalment, shift BusinessDayShift) ([]Instalment, error) {
	if err := checkInstalmentTotal(total, len(parts)); err != nil {
		return nil, err
	}
	weights := make([]decimal.Decimal, len(parts))
	sum := decimal.Zero
	for i, p := range parts {
		field := fmt.Sprintf("parts[%d].percent", i)
		switch {
		case !p.Percent.IsPositive():
			return nil, &o2c.ValidationError{Field: field, Rule: "must be positive", Value: p.Percent.String()}
		case !p.Percent.Equal(p.Percent.Truncate(maxPercentDecimals)):
			return nil, &o2c.ValidationError{Field: field, Rule: fmt.Sprintf("must have at most %d decimals", maxPercentDecimals), Value: truncateValue(p.Percent.String())}
		case p.Percent.GreaterThan(hundred):
			return nil, &o2c.ValidationError{Field: field, Rule: "must be at most 100", Value: p.Percent.String()}
		}
		weights[i] = p.Percent
		sum = sum.Add(p.Percent)
	}
	if !sum.Equal(hundred) {
		return nil, &o2c.ValidationError{Field: "parts", Rule: "percentages must sum to exactly 100", Value: sum.String()}
	}
	amounts, err := total.Allocate(weights...)
	if err != nil {
		return nil, err
	}
	out := make([]Instalment, len(parts))
	for i, p := range parts {
		due, err := ShiftedDueDate(invoiceDate, p.Terms, shift)
		if err != nil {
			return nil, prefixField(fmt.Sprintf("parts[%d].terms", i), err)
		}
		out[i] = Instalment{Seq: i + 1, DueDate: due, Amount: amounts[i]}
	}
	return out, nil
}

// InstalmentsByAmount builds one instalment per part, in the order given,
// each due under its own terms (shifted by shift; pass the zero
// BusinessDayShift for none). Every part but the last must have a positive
// amount in total's currency, rounded to its minor unit; their sum must not
// exceed the total. The last part receives its own amount (which may be
// zero) plus whatever remains, so the instalments always sum exactly to the
// total; a last instalment that would come out zero is refused.
//
// total must be positive and rounded to its currency's minor unit. Errors
// are *o2c.ValidationError naming the field ("parts[1].amount"), or a
// *o2c.CurrencyMismatchError.
func InstalmentsByAmount(total o2c.Money, invoiceDate o2c.Date, parts []AmountInstalment, shift BusinessDayShift) ([]Instalment, error) {
	if err := checkInstalmentTotal(total, len(parts)); err != nil {
		return nil, err
	}
	cur := total.Currency()
	remaining := total
	amounts := make([]o2c.Money, len(parts))
	last := len(parts) - 1
	for i, p := range parts {
		field := fmt.Sprintf("parts[%d].amount", i)
		a := p.Amount
		if i == last && a.Currency().IsZero() && a.IsZero() {
			a = o2c.Zero(cur)
		}
		if a.Currency() != cur {
			return nil, &o2c.CurrencyMismatchError{Op: "instalment " + field, Left: cur, Right: a.Currency()}
		}
		switch {
		case a.IsNegative() || (a.IsZero() && i != last):
			return nil, &o2c.ValidationError{Field: field, Rule: "must be positive", Value: a.String()}
		case !a.IsRounded():
			return nil, &o2c.ValidationError{Field: field, Rule: "must be rounded to the currency's minor unit", Value: a.String(), Err: o2c.ErrInvalidAmount}
		}
		var err error
		if remaining, err = remaining.Sub(a); err != nil {
			return nil, err
		}
		if remaining.IsNegative() {
			return nil, &o2c.ValidationError{Field: "parts", Rule: "fixed amounts must not exceed the total", Value: fmt.Sprintf("%s over %s", remaining.Neg(), total)}
		}
		amounts[i] = a
	}
	lastAmount, err := amounts[last].Add(remaining)
	if err != nil {
		return nil, err
	}
	if lastAmount.IsZero() {
		return nil, &o2c.ValidationError{Field: fmt.Sprintf("parts[%d].amount", last), Rule: "the last instalment would be zero: the other parts already make up the total"}
	}
	amounts[last] = lastAmount
	out := make([]Instalment, len(parts))
	for i, p := range parts {
		due, err := ShiftedDueDate(invoiceDate, p.Terms, shift)
		if err != nil {
			return nil, prefixField(fmt.Sprintf("parts[%d].terms", i), err)
		}
		out[i] = Instalment{Seq: i + 1, DueDate: due, Amount: amounts[i]}
	}
	return out, nil
}

func checkInstalmentTotal(total o2c.Money, n int) error {
	switch {
	case n == 0:
		return &o2c.ValidationError{Field: "parts", Rule: "at least one instalment is required"}
	case total.Currency().IsZero():
		return &o2c.ValidationError{Field: "total", Rule: "currency is required", Err: o2c.ErrUnknownCurrency}
	case !total.IsPositive():
		return &o2c.ValidationError{Field: "total", Rule: "must be positive", Value: total.String()}
	case !total.IsRounded():
		return &o2c.ValidationError{Field: "total", Rule: "must be rounded to the currency's minor unit", Value: total.String(), Err: o2c.ErrInvalidAmount}
	}
	return nil
}

// EarlyPaymentDiscount is a cash discount ("escompte pour paiement
// anticipé", "2/10 net 30"): Percent off the gross amount (2 means 2 %) if
// the invoice is paid within Days calendar days of the invoice date,
// deadline included. The zero value means no discount.
type EarlyPaymentDiscount struct {
	Percent decimal.Decimal `json:"percent"`
	Days    int             `json:"days"`
}

// IsZero reports whether d is the zero value (no discount).
func (d EarlyPaymentDiscount) IsZero() bool { return d.Percent.IsZero() && d.Days == 0 }

// Validate reports a *o2c.ValidationError naming "percent" (must be more
// than 0 and less than 100) or "days" (0 to MaxTermsDays).
func (d EarlyPaymentDiscount) Validate() error {
	if !d.Percent.IsPositive() || d.Percent.GreaterThanOrEqual(hundred) {
		return &o2c.ValidationError{Field: "percent", Rule: "must be more than 0 and less than 100", Value: truncateValue(d.Percent.String())}
	}
	if d.Days < 0 || d.Days > MaxTermsDays {
		return &o2c.ValidationError{Field: "days", Rule: fmt.Sprintf("must be between 0 and %d", MaxTermsDays), Value: fmt.Sprint(d.Days)}
	}
	return nil
}

// Deadline returns the last day on which a payment earns the discount:
// the invoice date plus Days.
func (d EarlyPaymentDiscount) Deadline(invoiceDate o2c.Date) o2c.Date {
	return invoiceDate.AddDays(d.Days)
}

// DiscountedAmount returns what settles an invoice of gross paid on
// paymentDate, and the discount granted. Paid on or before the deadline
// (invoiceDate + d.Days, a payment before the invoice date included), the
// discount is gross × d.Percent / 100 rounded to the currency's minor unit
// with mode, and settle is gross minus that discount, so settle + discount
// always equals gross. Paid after the deadline, or with a zero d, settle is
// gross and the discount is zero.
//
// gross must be rounded to the currency's minor unit and not negative.
// Errors are *o2c.ValidationError naming the field.
func DiscountedAmount(gross o2c.Money, invoiceDate, paymentDate o2c.Date, d EarlyPaymentDiscount, mode o2c.RoundingMode) (settle, discount o2c.Money, err error) {
	switch {
	case gross.Currency().IsZero():
		return o2c.Money{}, o2c.Money{}, &o2c.ValidationError{Field: "gross", Rule: "currency is required", Err: o2c.ErrUnknownCurrency}
	case gross.IsNegative():
		return o2c.Money{}, o2c.Money{}, &o2c.ValidationError{Field: "gross", Rule: "must not be negative", Value: gross.String()}
	case !gross.IsRounded():
		return o2c.Money{}, o2c.Money{}, &o2c.ValidationError{Field: "gross", Rule: "must be rounded to the currency's minor unit", Value: gross.String(), Err: o2c.ErrInvalidAmount}
	case invoiceDate.IsZero():
		return o2c.Money{}, o2c.Money{}, &o2c.ValidationError{Field: "invoice_date", Rule: "is required"}
	case paymentDate.IsZero():
		return o2c.Money{}, o2c.Money{}, &o2c.ValidationError{Field: "payment_date", Rule: "is required"}
	case mode > o2c.RoundCeiling:
		return o2c.Money{}, o2c.Money{}, &o2c.ValidationError{Field: "rounding_mode", Rule: "must be a known rounding mode", Value: mode.String()}
	}
	zero := o2c.Zero(gross.Currency())
	if d.IsZero() {
		return gross, zero, nil
	}
	if err := d.Validate(); err != nil {
		return o2c.Money{}, o2c.Money{}, prefixField("discount", err)
	}
	if paymentDate.After(d.Deadline(invoiceDate)) {
		return gross, zero, nil
	}
	discount = gross.MulRound(d.Percent.Shift(-2), mode)
	settle, err = gross.Sub(discount)
	if err != nil {
		return o2c.Money{}, o2c.Money{}, err
	}
	return settle, discount, nil
}

// ErrTermsExceedLimit reports a due date later than a statutory maximum
// payment period allows. It comes wrapped in a *o2c.ValidationError whose
// Rule names the law.
var ErrTermsExceedLimit = errors.New("invoice: payment terms exceed the statutory maximum")

// TermsLimit is a statutory maximum payment period between businesses, as
// data, so that jurisdictions can be added without code: a due date is
// admissible when it is no later than MaxDays after the invoice date or, if
// MaxDaysEndOfMonth is set, no later than "MaxDaysEndOfMonth days end of
// month" under either reading of that phrase (see [TermsKind]).
type TermsLimit struct {
	// Jurisdiction is a short name: an ISO 3166 country code or "EU".
	Jurisdiction string `json:"jurisdiction"`
	// Reference names the rule, printed in errors ("Code de commerce L441-10").
	Reference string `json:"reference"`
	// MaxDays is the limit in calendar days from the invoice date.
	MaxDays int `json:"max_days"`
	// MaxDaysEndOfMonth is the alternative "N days end of month" limit; 0
	// means the jurisdiction has none.
	MaxDaysEndOfMonth int `json:"max_days_end_of_month,omitempty"`
	// Derogable says the parties may agree a longer period expressly, if it
	// is not grossly unfair to the creditor. Check still reports the excess;
	// the caller decides whether such an agreement exists.
	Derogable bool `json:"derogable,omitempty"`
}

// FrenchTermsLimit returns the French limit between businesses (Code de
// commerce, article L441-10 I): 60 days from the invoice date, or 45 days
// end of month if the contract says so expressly. Both readings of "45
// days end of month" are accepted, as the DGCCRF accepts them. Sector
// rules (transport, perishable food, ...) are not covered.
func FrenchTermsLimit() TermsLimit {
	return TermsLimit{Jurisdiction: "FR", Reference: "Code de commerce L441-10", MaxDays: 60, MaxDaysEndOfMonth: 45}
}

// EUDirectiveTermsLimit returns the default of the EU late-payment
// directive 2011/7/EU, article 3(5): 60 days between businesses, unless
// expressly agreed otherwise and not grossly unfair to the creditor.
func EUDirectiveTermsLimit() TermsLimit {
	return TermsLimit{Jurisdiction: "EU", Reference: "Directive 2011/7/EU art. 3(5)", MaxDays: 60, Derogable: true}
}

// LatestDueDate returns the latest due date l admits for an invoice dated
// invoiceDate: the latest of invoiceDate + MaxDays and, when
// MaxDaysEndOfMonth is set, both readings of MaxDaysEndOfMonth days end of
// month.
func (l TermsLimit) LatestDueDate(invoiceDate o2c.Date) (o2c.Date, error) {
	if err := l.validate(); err != nil {
		return o2c.Date{}, err
	}
	if invoiceDate.IsZero() {
		return o2c.Date{}, &o2c.ValidationError{Field: "invoice_date", Rule: "is required"}
	}
	latest := invoiceDate.AddDays(l.MaxDays)
	if n := l.MaxDaysEndOfMonth; n > 0 {
		for _, d := range []o2c.Date{invoiceDate.EndOfMonth().AddDays(n), invoiceDate.AddDays(n).EndOfMonth()} {
			if d.After(latest) {
				latest = d
			}
		}
	}
	return latest, nil
}

// Check returns nil if dueDate is admissible for an invoice dated
// invoiceDate, and otherwise a *o2c.ValidationError on "due_date" whose Rule
// names the law and the latest admissible date, wrapping
// [ErrTermsExceedLimit]. A due date before the invoice date is a
// *o2c.ValidationError too (not wrapping ErrTermsExceedLimit).
func (l TermsLimit) Check(invoiceDate, dueDate o2c.Date) error {
	latest, err := l.LatestDueDate(invoiceDate)
	if err != nil {
		return err
	}
	if dueDate.IsZero() {
		return &o2c.ValidationError{Field: "due_date", Rule: "is required"}
	}
	if dueDate.Before(invoiceDate) {
		return &o2c.ValidationError{Field: "due_date", Rule: "must not be before the invoice date " + invoiceDate.String(), Value: dueDate.String()}
	}
	if !dueDate.After(latest) {
		return nil
	}
	rule := fmt.Sprintf("%s (%s): at most %d days after the invoice date", l.Reference, l.Jurisdiction, l.MaxDays)
	if l.MaxDaysEndOfMonth > 0 {
		rule += fmt.Sprintf(" or %d days end of month", l.MaxDaysEndOfMonth)
	}
	rule += ", so on or before " + latest.String()
	if l.Derogable {
		rule += ", unless expressly agreed and not grossly unfair to the creditor"
	}
	return &o2c.ValidationError{Field: "due_date", Rule: rule, Value: dueDate.String(), Err: ErrTermsExceedLimit}
}

func (l TermsLimit) validate() error {
	if l.MaxDays <= 0 || l.MaxDays > MaxTermsDays {
		return &o2c.ValidationError{Field: "max_days", Rule: fmt.Sprintf("must be between 1 and %d", MaxTermsDays), Value: fmt.Sprint(l.MaxDays)}
	}
	if l.MaxDaysEndOfMonth < 0 || l.MaxDaysEndOfMonth > MaxTermsDays {
		return &o2c.ValidationError{Field: "max_days_end_of_month", Rule: fmt.Sprintf("must be between 0 and %d", MaxTermsDays), Value: fmt.Sprint(l.MaxDaysEndOfMonth)}
	}
	return nil
}

// CheckFrenchLegalMaximum checks dueDate against [FrenchTermsLimit]: it is
// accepted when no later than 60 days after invoiceDate, or than 45 days
// end of month under either reading. Otherwise it returns a
// *o2c.ValidationError naming L441-10 and wrapping [ErrTermsExceedLimit].
func CheckFrenchLegalMaximum(invoiceDate, dueDate o2c.Date) error {
	return FrenchTermsLimit().Check(invoiceDate, dueDate)
}

// prefixField returns err with its *o2c.ValidationError's Field prefixed,
// so nested errors name their full path ("parts[2].terms.days").
func prefixField(prefix string, err error) error {
	var ve *o2c.ValidationError
	if errors.As(err, &ve) {
		c := *ve
		c.Field = prefix + "." + ve.Field
		return &c
	}
	return err
}

func truncateValue(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "..."
	}
	return s
}
