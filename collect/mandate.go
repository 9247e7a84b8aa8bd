package collect

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// MandateID identifies a stored mandate.
type MandateID = o2c.ID[Mandate]

// Mandate errors, wrapped in a *MandateError.
var (
	// ErrMandateNotUsable: cancelled, blocked, expired or used up.
	ErrMandateNotUsable = errors.New("collect: mandate not usable")
	// ErrSequence: a sequence type that does not follow the mandate's
	// history (a RCUR before any FRST, a second FRST, anything after FNAL
	// or OOFF).
	ErrSequence = errors.New("collect: wrong sequence type for the mandate")
)

// MandateError says why a mandate refused an operation.
type MandateError struct {
	Mandate string // the UMR
	Err     error
	Detail  string
}

func (e *MandateError) Error() string {
	return fmt.Sprintf("%v: mandate %s: %s", e.Err, e.Mandate, e.Detail)
}

// Unwrap returns ErrMandateNotUsable or ErrSequence.
func (e *MandateError) Unwrap() error { return e.Err }

// MandateType is how often a mandate may be collected.
type MandateType string

// The mandate types.
const (
	Recurrent MandateType = "recurrent"
	OneOff    MandateType = "one_off"
)

// MandateStatus is where a mandate stands.
type MandateStatus string

// The mandate statuses. Expiry (36 months without a collection) is not a
// status: it is computed from the last collection ([Mandate.UsableOn]).
const (
	MandateActive    MandateStatus = "active"
	MandateCancelled MandateStatus = "cancelled"
	// MandateBlocked: an R-transaction said the mandate cannot be used
	// (MD01, AC04...): a new mandate is needed.
	MandateBlocked MandateStatus = "blocked"
)

// DefaultPreNotificationDays is the EPC default: the debtor is told of a
// collection's amount and date at least 14 calendar days before it.
const DefaultPreNotificationDays = 14

// ExpiryMonths: a mandate not collected on for 36 months expires.
const ExpiryMonths = 36

// Mandate is a debtor's SEPA direct-debit mandate, and its history of
// collections as far as the sequence types need it. Fields are exported
// for stores; change a stored mandate through its methods, which keep the
// rules.
type Mandate struct {
	ID       MandateID      `json:"id"`
	Tenant   o2c.TenantID   `json:"tenant"`
	Customer o2c.CustomerID `json:"customer"`
	// Reference is the unique mandate reference (UMR).
	Reference  string          `json:"reference"`
	Scheme     sepa.Scheme     `json:"scheme"`
	Type       MandateType     `json:"type"`
	Signed     o2c.Date        `json:"signed"`
	CreditorID sepa.CreditorID `json:"creditor_id"`
	DebtorName string          `json:"debtor_name"`
	IBAN       string          `json:"iban"`
	BIC        string          `json:"bic,omitempty"`
	// PreNotificationDays agreed with the debtor (0: the default 14).
	PreNotificationDays int `json:"pre_notification_days,omitempty"`
	// ReturnFee is what the contract lets the creditor charge for a
	// debit returned through the debtor's fault (zero: nothing).
	ReturnFee o2c.Money `json:"return_fee,omitzero"`

	Status      MandateStatus `json:"status"`
	StatusOn    o2c.Date      `json:"status_on,omitzero"`
	BlockReason string        `json:"block_reason,omitempty"`
	// Collections counts the collections presented and not rejected;
	// LastCollection is the latest one's date.
	Collections    int      `json:"collections"`
	LastCollection o2c.Date `json:"last_collection,omitzero"`
	// Final: a FNAL collection was presented; nothing may follow.
	Final bool `json:"final,omitempty"`
	// Pending is the amendment to report with the next collection.
	Pending *sepa.Amendment `json:"pending,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// MandateInput registers a signed mandate.
type MandateInput struct {
	Customer   o2c.CustomerID
	Reference  string
	Scheme     sepa.Scheme
	Type       MandateType
	Signed     o2c.Date
	CreditorID sepa.CreditorID
	DebtorName string
	IBAN       string
	BIC        string
	// PreNotificationDays (0: 14); ReturnFee as in [Mandate].
	PreNotificationDays int
	ReturnFee           o2c.Money
}

// NewMandate validates in and returns an active mandate of tenant.
// Errors are *o2c.ValidationError naming the field.
func NewMandate(tenant o2c.TenantID, in MandateInput, now time.Time) (*Mandate, error) {
	if err := tenant.Validate(); err != nil {
		return nil, err
	}
	if in.Customer.IsZero() {
		return nil, o2c.NewValidationError("customer", "is required")
	}
	if err := sepa.CheckID("reference", in.Reference); err != nil {
		return nil, err
	}
	if !in.Scheme.IsValid() {
		return nil, &o2c.ValidationError{Field: "scheme", Rule: "must be CORE or B2B", Value: string(in.Scheme)}
	}
	if in.Type == "" {
		in.Type = Recurrent
	}
	if in.Type != Recurrent && in.Type != OneOff {
		return nil, &o2c.ValidationError{Field: "type", Rule: "must be recurrent or one_off", Value: string(in.Type)}
	}
	if in.Signed.IsZero() {
		return nil, o2c.NewValidationError("signed", "is required")
	}
	if in.Signed.After(o2c.DateOf(now)) {
		return nil, &o2c.ValidationError{Field: "signed", Rule: "must not be in the future", Value: in.Signed.String()}
	}
	cid, err := sepa.ParseCreditorID(string(in.CreditorID))
	if err != nil {
		return nil, err
	}
	if err := sepa.CheckText("debtor_name", sepa.Latin(in.DebtorName), sepa.MaxNameLength, true); err != nil {
		return nil, err
	}
	iban, err := customer.NormalizeIBAN(in.IBAN)
	if err != nil {
		return nil, err
	}
	bic := ""
	if in.BIC != "" {
		if bic, err = customer.NormalizeBIC(in.BIC); err != nil {
			return nil, err
		}
	}
	if in.PreNotificationDays < 0 || in.PreNotificationDays > 60 {
		return nil, &o2c.ValidationError{Field: "pre_notification_days", Rule: "must be 0 (default 14) to 60", Value: fmt.Sprint(in.PreNotificationDays)}
	}
	if !in.ReturnFee.Currency().IsZero() && in.ReturnFee.IsNegative() {
		return nil, &o2c.ValidationError{Field: "return_fee", Rule: "must not be negative", Value: in.ReturnFee.String()}
	}
	at := now.UTC()
	return &Mandate{
		ID: o2c.NewID[Mandate](), Tenant: tenant, Customer: in.Customer, Reference: in.Reference, Scheme: in.Scheme, Type: in.Type,
		Signed: in.Signed, CreditorID: cid, DebtorName: in.DebtorName, IBAN: iban, BIC: bic,
		PreNotificationDays: in.PreNotificationDays, ReturnFee: in.ReturnFee, Status: MandateActive, CreatedAt: at, UpdatedAt: at,
	}, nil
}

// NoticeDays returns the pre-notification period in calendar days.
func (m *Mandate) NoticeDays() int {
	if m.PreNotificationDays > 0 {
		return m.PreNotificationDays
	}
	return DefaultPreNotificationDays
}

// ExpiresOn returns the day the mandate lapses if not collected on
// before: 36 months after the last collection (or the signature when
// never collected).
func (m *Mandate) ExpiresOn() o2c.Date {
	from := m.LastCollection
	if from.IsZero() {
		from = m.Signed
	}
	return from.AddMonths(ExpiryMonths)
}

// UsableOn returns nil when a collection may be presented on date, or a
// *MandateError wrapping ErrMandateNotUsable saying why not.
func (m *Mandate) UsableOn(date o2c.Date) error {
	switch {
	case m.Status == MandateCancelled:
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "cancelled on " + m.StatusOn.String()}
	case m.Status == MandateBlocked:
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "blocked (" + m.BlockReason + ")"}
	case m.Final:
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "its final collection was presented"}
	case m.Type == OneOff && m.Collections > 0:
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "a one-off mandate was already used"}
	case !date.Before(m.ExpiresOn()):
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "expired on " + m.ExpiresOn().String() + " (36 months without a collection)"}
	case date.Before(m.Signed):
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "not signed before " + date.String()}
	}
	return nil
}

// NextSequence returns the sequence type of the next collection: OOFF for
// a one-off mandate, FRST for the first collection of a recurrent one,
// RCUR after it.
func (m *Mandate) NextSequence() sepa.SequenceType {
	switch {
	case m.Type == OneOff:
		return sepa.OOFF
	case m.Collections == 0:
		return sepa.FRST
	}
	return sepa.RCUR
}

// Present records a collection of sequence type seq on date and returns
// the amendment to report with it (nil when none; it is cleared). The
// transitions: OOFF only on a one-off mandate, once; FRST only first;
// RCUR and FNAL only after a FRST; nothing after FNAL. A refusal is a
// *MandateError wrapping ErrSequence or ErrMandateNotUsable, with nothing
// changed.
func (m *Mandate) Present(seq sepa.SequenceType, date o2c.Date, now time.Time) (*sepa.Amendment, error) {
	if err := m.UsableOn(date); err != nil {
		return nil, err
	}
	bad := func(why string) error {
		return &MandateError{Mandate: m.Reference, Err: ErrSequence, Detail: string(seq) + ": " + why}
	}
	switch seq {
	case sepa.OOFF:
		if m.Type != OneOff {
			return nil, bad("a recurrent mandate is collected with FRST, RCUR and FNAL")
		}
	case sepa.FRST:
		if m.Type == OneOff {
			return nil, bad("a one-off mandate is collected with OOFF")
		}
		if m.Collections > 0 {
			return nil, bad("the mandate was already collected on; use RCUR")
		}
	case sepa.RCUR, sepa.FNAL:
		if m.Type == OneOff {
			return nil, bad("a one-off mandate is collected with OOFF")
		}
		if m.Collections == 0 {
			return nil, bad("the first collection of a mandate is FRST")
		}
	default:
		return nil, bad("unknown sequence type")
	}
	a := m.Pending
	m.Pending = nil
	m.Collections++
	if date.After(m.LastCollection) {
		m.LastCollection = date
	}
	m.Final = seq == sepa.FNAL
	m.UpdatedAt = now.UTC()
	return a, nil
}

// Rejected undoes a presented collection that the bank rejected before
// settlement (pain.002): it does not count, so when it was the first the
// next one is FRST again. A return after settlement does not undo it.
func (m *Mandate) Rejected(seq sepa.SequenceType, now time.Time) {
	if m.Collections > 0 {
		m.Collections--
	}
	if seq == sepa.FNAL {
		m.Final = false
	}
	m.UpdatedAt = now.UTC()
}

// Amendment changes a mandate. Zero fields stay as they are.
type Amendment struct {
	// Reference is a new UMR.
	Reference string
	// CreditorID and CreditorName: the creditor's identifier or name
	// changed (name only reported).
	CreditorID   sepa.CreditorID
	CreditorName string
	// IBAN, BIC and DebtorName: the debtor's new account; BankChanged
	// says it is at another bank (reported as SMNDA).
	IBAN, BIC   string
	DebtorName  string
	BankChanged bool
}

// Amend applies a change and keeps what the next collection must report
// (amendment indicator and original values). Several amendments before a
// collection report the values of the last collection. Errors are
// *o2c.ValidationError, or a *MandateError when the mandate is not active.
func (m *Mandate) Amend(a Amendment, now time.Time) error {
	if m.Status != MandateActive {
		return &MandateError{Mandate: m.Reference, Err: ErrMandateNotUsable, Detail: "only an active mandate can be amended"}
	}
	c := *m
	p := sepa.Amendment{}
	if m.Pending != nil {
		p = *m.Pending
	}
	if a.Reference != "" && a.Reference != m.Reference {
		if err := sepa.CheckID("reference", a.Reference); err != nil {
			return err
		}
		if p.OriginalMandateID == "" {
			p.OriginalMandateID = m.Reference
		}
		c.Reference = a.Reference
	}
	if a.CreditorID != "" {
		cid, err := sepa.ParseCreditorID(string(a.CreditorID))
		if err != nil {
			return err
		}
		if cid != m.CreditorID && p.OriginalCreditorID == "" {
			p.OriginalCreditorID = m.CreditorID
		}
		c.CreditorID = cid
	}
	if a.CreditorName != "" {
		if err := sepa.CheckText("creditor_name", sepa.Latin(a.CreditorName), sepa.MaxNameLength, true); err != nil {
			return err
		}
		p.OriginalCreditorName = a.CreditorName
	}
	if a.IBAN != "" {
		iban, err := customer.NormalizeIBAN(a.IBAN)
		if err != nil {
			return err
		}
		if iban != m.IBAN {
			if a.BankChanged {
				p.DebtorAgentChanged, p.OriginalDebtorIBAN = true, ""
			} else if !p.DebtorAgentChanged && p.OriginalDebtorIBAN == "" {
				p.OriginalDebtorIBAN = m.IBAN
			}
			c.IBAN = iban
		}
		c.BIC = ""
	}
	if a.BIC != "" {
		bic, err := customer.NormalizeBIC(a.BIC)
		if err != nil {
			return err
		}
		c.BIC = bic
	}
	if a.DebtorName != "" {
		if err := sepa.CheckText("debtor_name", sepa.Latin(a.DebtorName), sepa.MaxNameLength, true); err != nil {
			return err
		}
		c.DebtorName = a.DebtorName
	}
	if p != (sepa.Amendment{}) {
		c.Pending = &p
	}
	c.UpdatedAt = now.UTC()
	*m = c
	return nil
}

// Cancel ends the mandate on date (the debtor revoked it, or the creditor
// stopped). Cancelling again changes nothing.
func (m *Mandate) Cancel(date o2c.Date, now time.Time) {
	if m.Status == MandateCancelled {
		return
	}
	m.Status, m.StatusOn, m.UpdatedAt = MandateCancelled, date, now.UTC()
}

// Block stops collections on the mandate after an R-transaction whose
// reason says it cannot be used again.
func (m *Mandate) Block(reason string, date o2c.Date, now time.Time) {
	if m.Status != MandateActive {
		return
	}
	m.Status, m.StatusOn, m.BlockReason, m.UpdatedAt = MandateBlocked, date, strings.TrimSpace(reason), now.UTC()
}
