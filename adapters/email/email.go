// Package email sends dunning letters by email over SMTP, with
// github.com/wneessen/go-mail. [Notifier] implements [dunning.Notifier]:
// each letter becomes one message with the rendered subject and a
// multipart/alternative body (the text part, then the HTML part), sent to
// the letter's recipients.
//
// SMTP delivery is at least once: a server may accept a message and the
// connection break before the client hears it, and the dunning service
// offers a letter again until a Deliver call returns nil. The notifier keeps
// no state between calls, so it cannot drop the repeat itself; instead the
// Message-ID is derived from the letter's idempotency key, so every copy of
// one letter carries the same Message-ID and mail systems, archives and
// ticketing tools that deduplicate on it (most do) keep one.
package email

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// TLSMode says how the connection to the SMTP server is secured.
type TLSMode int

// TLS modes. The zero value requires STARTTLS.
const (
	// StartTLS upgrades the connection with STARTTLS and fails if the
	// server does not offer it (port 587).
	StartTLS TLSMode = iota
	// StartTLSIfOffered upgrades when the server offers STARTTLS and
	// carries on in clear text otherwise.
	StartTLSIfOffered
	// ImplicitTLS connects with TLS from the start (port 465).
	ImplicitTLS
	// NoTLS never encrypts: only for a relay on localhost or tests.
	NoTLS
)

// Config configures a [Notifier]. Host and From are required.
type Config struct {
	Host string
	// Port defaults to 465 with ImplicitTLS, 587 otherwise.
	Port int
	TLS  TLSMode
	// TLSConfig overrides the TLS settings (nil: verify Host's certificate).
	TLSConfig *tls.Config
	// Username and Password authenticate with SMTP AUTH (PLAIN, LOGIN or
	// better, as the server offers) when Username is set.
	Username string
	Password string
	// From is the sender, "Accounts receivable <ar@example.com>".
	From string
	// ReplyTo, when set, is where the debtor's answers go.
	ReplyTo string
	// To is used when a letter has no recipients of its own (none of the
	// customer's contacts gets reminders); empty means such a letter is
	// refused with a *o2c.ValidationError.
	To []string
	// Bcc gets a copy of every letter (an archive mailbox).
	Bcc []string
	// Channels are the letter channels this notifier mails to the
	// customer (nil: dunning.ChannelEmail only). A letter of another
	// channel is refused with a *dunning.ChannelError: a registered letter
	// or a hand-off is the print service's or the agency's, not email's.
	// dunning.ChannelPhoneTask is never mailed to the customer, even if
	// listed: see TaskTo.
	Channels []dunning.Channel
	// TaskTo, when set, makes the notifier deliver phone tasks
	// (dunning.ChannelPhoneTask) as internal mail to these addresses (the
	// collectors' mailbox), never to the letter's recipients, the default
	// To or Bcc. Without it phone tasks are refused with a
	// *dunning.ChannelError.
	TaskTo []string
	// MessageIDDomain is the right-hand side of the Message-IDs (default:
	// the domain of From).
	MessageIDDomain string
	// Timeout bounds connecting and each SMTP command (default 30s).
	Timeout time.Duration
	// Clock stamps the Date header (nil: system clock).
	Clock o2c.Clock
}

// Notifier sends dunning letters by email. It is safe for concurrent use;
// each Deliver opens its own SMTP connection.
type Notifier struct {
	cfg    Config
	domain string
	opts   []gomail.Option
}

var _ dunning.Notifier = (*Notifier)(nil)

// SendError is a failed SMTP exchange for one letter. Temporary reports
// whether the server answered with a transient (4xx) error; the letter
// stays pending either way.
type SendError struct {
	Key       string
	Temporary bool
	Err       error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("email: send letter %q: %v", e.Key, e.Err)
}

// Unwrap returns the go-mail error.
func (e *SendError) Unwrap() error { return e.Err }

// New checks cfg and returns a notifier; a missing host or a bad address is
// a *o2c.ValidationError.
func New(cfg Config) (*Notifier, error) {
	if cfg.Host == "" {
		return nil, o2c.NewValidationError("email.host", "is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, &o2c.ValidationError{Field: "email.from", Rule: "must be an email address", Value: cfg.From, Err: err}
	}
	for _, a := range append(append(append([]string{}, cfg.To...), cfg.Bcc...), cfg.TaskTo...) {
		if _, err := mail.ParseAddress(a); err != nil {
			return nil, &o2c.ValidationError{Field: "email.to", Rule: "must be email addresses", Value: a, Err: err}
		}
	}
	if cfg.Channels == nil {
		cfg.Channels = []dunning.Channel{dunning.ChannelEmail}
	}
	for _, c := range cfg.Channels {
		if !c.IsValid() {
			return nil, &o2c.ValidationError{Field: "email.channels", Rule: "must list dunning channels", Value: string(c)}
		}
	}
	if cfg.ReplyTo != "" {
		if _, err := mail.ParseAddress(cfg.ReplyTo); err != nil {
			return nil, &o2c.ValidationError{Field: "email.reply_to", Rule: "must be an email address", Value: cfg.ReplyTo, Err: err}
		}
	}
	domain := cfg.MessageIDDomain
	if domain == "" {
		domain = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	}
	if domain == "" || strings.ContainsAny(domain, "<>@ \t\r\n") {
		return nil, &o2c.ValidationError{Field: "email.message_id_domain", Rule: "must be a domain name", Value: domain}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.Clock = o2c.ClockOrSystem(cfg.Clock)
	port := cfg.Port
	if port == 0 {
		port = 587
		if cfg.TLS == ImplicitTLS {
			port = 465
		}
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case StartTLSIfOffered:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, &o2c.ValidationError{Field: "email.tls", Rule: "must be one of the TLS modes", Value: fmt.Sprint(int(cfg.TLS))}
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return &Notifier{cfg: cfg, domain: domain, opts: opts}, nil
}

// MessageID returns the Message-ID (without angle brackets) of the letter
// with idempotency key key: the same for every copy of the letter.
func (n *Notifier) MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "dunning." + hex.EncodeToString(sum[:16]) + "@" + n.domain
}

// Message builds the message for d without sending it.
func (n *Notifier) Message(d dunning.Delivery) (*gomail.Msg, error) {
	if d.Key == "" {
		return nil, o2c.NewValidationError("delivery.key", "is required")
	}
	if d.Rendered.Subject == "" || d.Rendered.Text == "" {
		return nil, o2c.NewValidationError("delivery.rendered", "needs a subject and a text body")
	}
	task := d.Letter.Channel == dunning.ChannelPhoneTask
	var to []string
	switch {
	case task && len(n.cfg.TaskTo) > 0:
		to = n.cfg.TaskTo // internal: never the customer's contacts
	case task || !slices.Contains(n.cfg.Channels, d.Letter.Channel):
		return nil, &dunning.ChannelError{Key: d.Key, Channel: d.Letter.Channel, Notifier: "email"}
	default:
		to = d.Letter.Recipients
		if len(to) == 0 {
			to = n.cfg.To
		}
	}
	if len(to) == 0 {
		return nil, o2c.NewValidationError("letter.recipients", "has no address and the notifier has no default To")
	}
	m := gomail.NewMsg()
	if err := m.From(n.cfg.From); err != nil {
		return nil, &o2c.ValidationError{Field: "email.from", Rule: "must be an email address", Value: n.cfg.From, Err: err}
	}
	if err := m.To(to...); err != nil {
		return nil, &o2c.ValidationError{Field: "letter.recipients", Rule: "must be email addresses", Value: strings.Join(to, ", "), Err: err}
	}
	if len(n.cfg.Bcc) > 0 && !task {
		if err := m.Bcc(n.cfg.Bcc...); err != nil {
			return nil, &o2c.ValidationError{Field: "email.bcc", Rule: "must be email addresses", Err: err}
		}
	}
	if n.cfg.ReplyTo != "" {
		if err := m.ReplyTo(n.cfg.ReplyTo); err != nil {
			return nil, &o2c.ValidationError{Field: "email.reply_to", Rule: "must be an email address", Err: err}
		}
	}
	m.Subject(d.Rendered.Subject)
	m.SetMessageIDWithValue(n.MessageID(d.Key))
	m.SetDateWithValue(n.cfg.Clock.Now())
	// automated mail: no out-of-office replies
	m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, d.Rendered.Text)
	if d.Rendered.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, d.Rendered.HTML)
	}
	return m, nil
}

// Deliver implements dunning.Notifier: it sends the letter and returns nil
// once the server accepted it. Bad input is a *o2c.ValidationError; a
// failed exchange a *SendError.
func (n *Notifier) Deliver(ctx context.Context, d dunning.Delivery) error {
	m, err := n.Message(d)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(n.cfg.Host, n.opts...)
	if err != nil {
		return &SendError{Key: d.Key, Err: err}
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		se := &SendError{Key: d.Key, Err: err}
		var ge *gomail.SendError
		if errors.As(err, &ge) {
			se.Temporary = ge.IsTemp()
		}
		return se
	}
	return nil
}
