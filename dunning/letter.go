package dunning

import (
	"github.com/cashcycle/sdk/customer"
	htemplate "html/template"
	"strings"
	ttemplate "text/template"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Party is a creditor or debtor as a letter names it.
type Party struct {
	Name string `json:"name"`
	// LegalID is a registration number as printed ("SIREN 303 265 045").
	LegalID   string `json:"legal_id,omitempty"`
	VATNumber string `json:"vat_number,omitempty"`
	// Address lines, postcode and city included, as printed.
	Address []string `json:"address,omitempty"`
	Email   string   `json:"email,omitempty"`
	Phone   string   `json:"phone,omitempty"`
	// Country is the party's ISO 3166 country. The creditor's decides
	// whether debtors' addresses end with their country's name
	// (international mail).
	Country string `json:"country,omitempty"`
}

// LetterItem is an invoice a letter lists.
type LetterItem struct {
	Invoice     invoice.ID `json:"invoice"`
	Number      string     `json:"number"`
	IssueDate   o2c.Date   `json:"issue_date,omitzero"`
	DueDate     o2c.Date   `json:"due_date"`
	DaysOverdue int        `json:"days_overdue"`
	Amount      o2c.Money  `json:"amount"`
	Interest    o2c.Money  `json:"interest,omitzero"`
	RecoveryFee o2c.Money  `json:"recovery_fee,omitzero"`
	// InterestPeriods are the periods Interest was computed on
	// ([ProposedItem].InterestPeriods), in date order.
	InterestPeriods []InterestPeriod `json:"interest_periods,omitempty"`
	// Reference is what the debtor should quote on a bank transfer paying
	// this item (an ISO 11649 RF creditor reference, say; see
	// [Config].ItemReference); empty when none is offered.
	Reference string `json:"reference,omitempty"`
}

// BankAccount is the creditor's account a letter offers for payment by
// bank transfer.
type BankAccount struct {
	Holder string `json:"holder,omitempty"` // default: the creditor's name
	IBAN   string `json:"iban"`             // electronic form, no spaces
	BIC    string `json:"bic,omitempty"`
}

// InterestPeriod is a run of late days charged at one rate on one
// outstanding amount, as a letter shows it: Interest is the period's share
// to 6 decimals (templates print it to the minor unit); the item's
// interest is the exact sum of the periods rounded once.
type InterestPeriod struct {
	From        o2c.Date        `json:"from"`
	To          o2c.Date        `json:"to"`
	Days        int             `json:"days"`
	Principal   o2c.Money       `json:"principal"`
	RatePercent decimal.Decimal `json:"rate_percent"`
	Interest    o2c.Money       `json:"interest"`
}

// LetterPeriod is an interest period with the number of the invoice it
// belongs to ([Letter.Periods]).
type LetterPeriod struct {
	Number string
	InterestPeriod
}

// Periods returns the interest periods of every item of the letter, item
// by item: what the shipped templates list under the interest line.
func (l Letter) Periods() []LetterPeriod {
	var out []LetterPeriod
	for _, it := range l.Items {
		for _, p := range it.InterestPeriods {
			out = append(out, LetterPeriod{Number: it.Number, InterestPeriod: p})
		}
	}
	return out
}

// interestPeriods returns segs as a letter shows them.
func interestPeriods(segs []invoice.LateInterestSegment) []InterestPeriod {
	if len(segs) == 0 {
		return nil
	}
	out := make([]InterestPeriod, len(segs))
	for i, s := range segs {
		out[i] = InterestPeriod{From: s.From, To: s.To, Days: s.Days, Principal: s.Principal, RatePercent: s.RatePercent, Interest: s.Interest}
	}
	return out
}

// Letter is a dunning letter as data: what the outbox event carries and
// what templates render. Rendering happens at delivery, so a letter is
// small in the outbox and the same key always renders the same content for
// the same templates.
type Letter struct {
	Key       string         `json:"key"`
	Tenant    o2c.TenantID   `json:"tenant"`
	Date      o2c.Date       `json:"date"`
	Customer  o2c.CustomerID `json:"customer"`
	Language  string         `json:"language"`
	Template  string         `json:"template"`
	Channel   Channel        `json:"channel"`
	Plan      string         `json:"plan"`
	Level     int            `json:"level"`
	LevelName string         `json:"level_name"`
	// Recipients are the emails of the customer's reminder contacts.
	Recipients []string     `json:"recipients,omitempty"`
	Creditor   Party        `json:"creditor"`
	Debtor     Party        `json:"debtor"`
	Items      []LetterItem `json:"items"`
	Currency   o2c.Currency `json:"currency"`
	// Amount, Fee, Interest, RecoveryFees and Total are the proposal's.
	Amount       o2c.Money `json:"amount"`
	Fee          o2c.Money `json:"fee"`
	Interest     o2c.Money `json:"interest"`
	RecoveryFees o2c.Money `json:"recovery_fees"`
	Total        o2c.Money `json:"total"`
	// InterestRate is the annual late-payment rate in percent, when claimed.
	InterestRate decimal.Decimal `json:"interest_rate"`
	// RecoveryFeePerInvoice is the fixed indemnity per late invoice of the
	// plan's policy (its first band), LegalReference the policy's texts.
	RecoveryFeePerInvoice o2c.Money `json:"recovery_fee_per_invoice,omitzero"`
	LegalReference        string    `json:"legal_reference,omitempty"`
	// Jurisdiction is the policy's (invoice.LatePaymentPolicy): templates
	// cite its legal texts in their own language with the "legal"
	// function (see [LegalReference]).
	Jurisdiction    string   `json:"jurisdiction,omitempty"`
	PaymentDeadline o2c.Date `json:"payment_deadline,omitzero"`
	// DeadlineDays is the deadline in days; with DeadlineFromReceipt it
	// runs from the day the debtor receives the letter and
	// PaymentDeadline is zero (the letter says "within N days of
	// receipt").
	DeadlineDays        int  `json:"deadline_days,omitempty"`
	DeadlineFromReceipt bool `json:"deadline_from_receipt,omitempty"`
	// PayURL is the host's "pay now" link for this letter.
	PayURL string `json:"pay_url,omitempty"`
	// Bank is the account to pay by transfer ([Config].Bank), with each
	// item's Reference to quote; nil when the letter offers none.
	Bank *BankAccount `json:"bank,omitempty"`
	// MandateURL is the host's page where the debtor signs a SEPA
	// direct-debit mandate ([Config].MandateURL); empty when not offered.
	MandateURL string `json:"mandate_url,omitempty"`
}

// FormattedIBAN is the letter's IBAN in groups of four, as printed.
func (b BankAccount) FormattedIBAN() string { return customer.FormatIBAN(b.IBAN) }

// Rendered is a letter rendered by [Templates].
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// TemplateSource is one letter template in one language: Subject and Text
// are text/template sources, HTML an html/template source. They see a
// [Letter] as dot and the functions money, date, percent (formatted for the
// letter's Language, see [FormatMoney] and [FormatDate]), legal (the
// letter's legal texts in the template's language, see [LegalReference]),
// and the partials
// "items", "party" (text) and "items_html", "party_html" (HTML).
type TemplateSource struct {
	Language string // "fr", "en", or a full tag ("fr-CA") to refine one
	Name     string // the level's Template
	Subject  string
	Text     string
	HTML     string
}

// compiled is a parsed template; it is never executed itself: Render
// executes a clone with functions formatting for the letter's locale.
type compiled struct {
	lang          string
	subject, text *ttemplate.Template
	html          *htemplate.Template
}

// Templates render letters. Build them with [NewTemplates]; they are safe
// for concurrent use.
type Templates struct {
	set      map[string]compiled // language + "/" + name
	fallback string
}

// DefaultTemplates returns the shipped templates, French and English,
// for every template name of the presets.
func DefaultTemplates() *Templates {
	t, err := NewTemplates()
	if err != nil {
		panic("dunning: default templates: " + err.Error())
	}
	return t
}

// NewTemplates returns the shipped templates with the host's sources added
// or replacing those of the same language and name. A source that does
// not parse is a *o2c.ValidationError naming it.
func NewTemplates(overrides ...TemplateSource) (*Templates, error) {
	t := &Templates{set: map[string]compiled{}, fallback: "en"}
	for _, src := range append(defaultSources(), overrides...) {
		if src.Language == "" || src.Name == "" {
			return nil, invalid("template", "language and name are required", src.Language+"/"+src.Name)
		}
		c, err := compile(src)
		if err != nil {
			return nil, &o2c.ValidationError{Field: "template " + src.Language + "/" + src.Name, Rule: "must parse", Err: err, Value: err.Error()}
		}
		t.set[strings.ToLower(src.Language)+"/"+src.Name] = c
	}
	return t, nil
}

func compile(src TemplateSource) (compiled, error) {
	lang := baseLanguage(src.Language)
	tf := ttemplate.FuncMap(textFuncs(lang, lang))
	c := compiled{lang: lang}
	var err error
	if c.subject, err = ttemplate.New("subject").Funcs(tf).Parse(src.Subject); err != nil {
		return c, err
	}
	if c.text, err = ttemplate.New("text").Funcs(tf).Parse(textPartials(lang)); err != nil {
		return c, err
	}
	if _, err = c.text.Parse(src.Text); err != nil {
		return c, err
	}
	if c.html, err = htemplate.New("html").Funcs(htemplate.FuncMap(tf)).Parse(htmlPartials(lang)); err != nil {
		return c, err
	}
	if _, err = c.html.Parse(src.HTML); err != nil {
		return c, err
	}
	return c, nil
}

func baseLanguage(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		return tag[:i]
	}
	return tag
}

// lookup finds the template for language tag and name: the full tag, its
// base language, then English.
func (t *Templates) lookup(tag, name string) (compiled, bool) {
	tag = strings.ToLower(tag)
	for _, l := range []string{tag, baseLanguage(tag), t.fallback} {
		if c, ok := t.set[l+"/"+name]; ok {
			return c, true
		}
	}
	return compiled{}, false
}

// Render renders l with the template named l.Template in l.Language
// (falling back to its base language, then English). An unknown template
// wraps ErrUnknownTemplate; a template that fails to execute returns the
// template error.
func (t *Templates) Render(l Letter) (Rendered, error) {
	c, ok := t.lookup(l.Language, l.Template)
	if !ok {
		return Rendered{}, &o2c.ValidationError{Field: "template", Rule: "must name a known template", Value: l.Language + "/" + l.Template, Err: ErrUnknownTemplate}
	}
	funcs := textFuncs(l.Language, c.lang)
	subject, err := c.subject.Clone()
	if err != nil {
		return Rendered{}, err
	}
	text, err := c.text.Clone()
	if err != nil {
		return Rendered{}, err
	}
	html, err := c.html.Clone()
	if err != nil {
		return Rendered{}, err
	}
	var sb, tb, hb strings.Builder
	if err := subject.Funcs(funcs).Execute(&sb, l); err != nil {
		return Rendered{}, err
	}
	if err := text.Funcs(funcs).Execute(&tb, l); err != nil {
		return Rendered{}, err
	}
	if err := html.Funcs(funcs).Execute(&hb, l); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: strings.TrimSpace(sb.String()), Text: tb.String(), HTML: hb.String()}, nil
}

// HasReferences reports whether any item carries a transfer reference.
func (l Letter) HasReferences() bool {
	for _, it := range l.Items {
		if it.Reference != "" {
			return true
		}
	}
	return false
}
