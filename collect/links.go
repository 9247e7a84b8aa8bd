package collect

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// InvoiceReader reads a tenant's invoices; invoice.Store and
// invoice.Service satisfy it.
type InvoiceReader interface {
	Get(ctx context.Context, id invoice.ID) (*invoice.Invoice, error)
}

// PayLinkOptions configure [PayLinks].
type PayLinkOptions struct {
	// Keys sign and verify tokens (required).
	Keys *Keyring
	// Tenant the links are for (required).
	Tenant o2c.TenantID
	// Invoices are read to tell what is owed now (required).
	Invoices InvoiceReader
	// BaseURL is the host's pay page; the token is appended as
	// "?t=<token>" (or "&t=" when BaseURL has a query).
	BaseURL string
	// TTL is how long a link stays valid; default 30 days.
	TTL time.Duration
	// Clock gives the issue and verification times; nil: system clock.
	Clock o2c.Clock
}

// PayLinks issues pay-now links and resolves them to what is owed now.
type PayLinks struct {
	opts PayLinkOptions
}

// NewPayLinks checks opts and returns the service.
func NewPayLinks(opts PayLinkOptions) (*PayLinks, error) {
	switch {
	case opts.Keys == nil:
		return nil, o2c.NewValidationError("keys", "is required")
	case opts.Tenant.Validate() != nil:
		return nil, o2c.NewValidationError("tenant", "is required")
	case opts.Invoices == nil:
		return nil, o2c.NewValidationError("invoices", "is required")
	}
	if opts.BaseURL != "" {
		if u, err := url.Parse(opts.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, &o2c.ValidationError{Field: "base_url", Rule: "must be an absolute URL", Value: opts.BaseURL}
		}
	}
	if opts.TTL <= 0 {
		opts.TTL = 30 * 24 * time.Hour
	}
	opts.Clock = o2c.ClockOrSystem(opts.Clock)
	return &PayLinks{opts: opts}, nil
}

// Tenant returns the tenant the links are for.
func (p *PayLinks) Tenant() o2c.TenantID { return p.opts.Tenant }

// Issue signs a token for customer covering lines, asking amount, valid
// for the configured TTL from now.
func (p *PayLinks) Issue(customer o2c.CustomerID, lines []LinkLine, amount o2c.Money) (string, error) {
	now := p.opts.Clock.Now()
	return p.opts.Keys.Sign(Claims{Tenant: p.opts.Tenant, Customer: customer, Lines: lines, Amount: amount,
		Issued: now, Expires: now.Add(p.opts.TTL)})
}

// IssueUntil is Issue with an explicit expiry (an e-invoice's link lives
// longer than a letter's).
func (p *PayLinks) IssueUntil(customer o2c.CustomerID, lines []LinkLine, amount o2c.Money, expires time.Time) (string, error) {
	return p.opts.Keys.Sign(Claims{Tenant: p.opts.Tenant, Customer: customer, Lines: lines, Amount: amount,
		Issued: p.opts.Clock.Now(), Expires: expires})
}

// URL returns the pay page's address for token (the token alone when no
// BaseURL is configured).
func (p *PayLinks) URL(token string) string {
	if p.opts.BaseURL == "" {
		return token
	}
	sep := "?"
	if strings.Contains(p.opts.BaseURL, "?") {
		sep = "&"
	}
	return p.opts.BaseURL + sep + "t=" + url.QueryEscape(token)
}

// Link issues a token and returns its URL; "" when it cannot be issued
// (nothing asked, no lines), so a letter simply goes without a link.
func (p *PayLinks) Link(customer o2c.CustomerID, lines []LinkLine, amount o2c.Money) string {
	t, err := p.Issue(customer, lines, amount)
	if err != nil {
		return ""
	}
	return p.URL(t)
}

// Verify checks a token for this tenant now (see [Keyring.Verify]).
func (p *PayLinks) Verify(token string) (Claims, error) {
	return p.opts.Keys.Verify(token, p.opts.Tenant, p.opts.Clock.Now())
}

// OwedLine is one due line of a resolved link, as it stands now.
type OwedLine struct {
	Invoice invoice.ID `json:"invoice"`
	Number  string     `json:"number"`
	Seq     int        `json:"seq"`
	DueDate o2c.Date   `json:"due_date"`
	// Amount is what the line was for; Open what is left of it now.
	Amount o2c.Money `json:"amount"`
	Open   o2c.Money `json:"open"`
	// Disputed is the part of Open under an open dispute (not payable
	// through the link).
	Disputed o2c.Money `json:"disputed"`
	// Paid: nothing is left open on the line.
	Paid bool `json:"paid"`
}

// Owed is what a pay link asks for now.
type Owed struct {
	Claims Claims     `json:"claims"`
	Lines  []OwedLine `json:"lines"`
	// Due is the sum of the lines' open, undisputed amounts: what the
	// customer can pay now. Zero when everything was paid.
	Due o2c.Money `json:"due"`
}

// Resolve verifies token and reads what its due lines owe now: lines paid
// since the link was issued are shown as paid, and Due is what is still
// open. Errors: a *TokenError; an invoice of another customer than the
// token's is a *TokenError matching ErrTokenTampered (it cannot come from
// a genuine token); store errors as they come.
func (p *PayLinks) Resolve(ctx context.Context, token string) (Owed, error) {
	c, err := p.Verify(token)
	if err != nil {
		return Owed{}, err
	}
	return p.owed(ctx, c)
}

func (p *PayLinks) owed(ctx context.Context, c Claims) (Owed, error) {
	out := Owed{Claims: c, Due: o2c.Zero(c.Amount.Currency())}
	for _, l := range c.Lines {
		inv, err := p.opts.Invoices.Get(ctx, l.Invoice)
		if err != nil {
			if errors.Is(err, o2c.ErrNotFound) {
				return Owed{}, &TokenError{Reason: ErrTokenTampered, Detail: "names an unknown invoice"}
			}
			return Owed{}, err
		}
		if inv.Customer() != c.Customer {
			return Owed{}, &TokenError{Reason: ErrTokenTampered, Detail: "names an invoice of another customer"}
		}
		for _, dl := range inv.DueLines() {
			if !l.DueDate.IsZero() && dl.DueDate != l.DueDate {
				continue
			}
			ol := OwedLine{Invoice: inv.ID(), Number: inv.Number(), Seq: dl.Seq, DueDate: dl.DueDate, Amount: dl.Amount,
				Open: dl.Open, Disputed: dl.Disputed, Paid: !dl.Open.IsPositive()}
			out.Lines = append(out.Lines, ol)
			if u, err := dl.Open.Sub(dl.Disputed); err == nil && u.IsPositive() {
				if sum, err := out.Due.Add(u); err == nil {
					out.Due = sum
				}
			}
		}
	}
	return out, nil
}
