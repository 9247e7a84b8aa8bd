// Package evalset generates evaluation data for cash application that is
// not the engine's mirror: it is written from published descriptions of
// how businesses pay, independently of [matching.Generate] (it shares the
// engine's input and output types, no code), so that measuring the engine
// on it says something about bank data nobody here wrote.
//
// What the profiles model (facts from public descriptions, our own code):
//
//   - [Lockbox]: US paper checks collected by a bank lockbox. The bank
//     keys the payer's name as printed on the check (abbreviated, upper
//     case, with or without the legal form) and the stub's invoice numbers
//     when a stub came with the check; no bank account reaches the
//     statement. Stubs are often missing, numbers are written without
//     their prefix or leading zeros ("#123"), several invoices share a
//     check.
//   - [ACHCTX]: US ACH CTX entries. The originator's company name is a
//     16-character field; the remittance is an ASC X12 820 carried in
//     80-character addenda: one RMR segment per invoice or credit memo
//     (RMR01 IV or CM, RMR02 the number, RMR04 the amount paid, RMR05 the
//     invoice amount) and ADX segments for payer-initiated adjustments
//     with an X12 element 426 reason code (04 damaged, 06 quantity
//     contested, 01 pricing error, 56 advertising allowance, 54 freight
//     deducted). Some payers put their own PO number or voucher number in
//     RMR02 instead of the invoice number.
//   - [SEPA]: SEPA credit transfers with the payer's IBAN and name, at
//     most 140 characters of unstructured remittance (several invoice
//     numbers, customer numbers, words in German, Dutch, Spanish,
//     Italian), or an ISO 11649 RF creditor reference in the structured
//     field.
//   - [France]: French virements ("VIR SEPA" with the payer's name) and
//     LCR (lettre de change relevé) collections, which settle one invoice
//     exactly and carry the drawee's name truncated and the invoice
//     number as the bill's reference; French legal forms (SARL, SAS,
//     EURL, "et Fils").
//   - [SharedNames]: US-style payments where two customers share a name
//     ("Pacific Supply Co." and "Pacific Supply Company") and a parent
//     company pays its divisions' invoices under its own name.
//
// Every profile mixes in credit memos netted in the payment, deductions
// (short payments with a reason), early-payment discounts taken,
// over-payments, partial payments, several invoices in one payment with
// the last paid in part, duplicates and credits that are not customer
// payments. [Generate] returns a 90-day timeline (invoices issued each
// day, a statement each day) with the ground truth of every line;
// [Timeline.Input] gives the open items of a day and [Timeline.Replay] runs
// an engine day by day; a [Report] scores decisions against the truth.
package evalset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// Profile is a way businesses pay.
type Profile string

// Profiles.
const (
	Lockbox     Profile = "lockbox"
	ACHCTX      Profile = "ach-ctx"
	SEPA        Profile = "sepa"
	France      Profile = "france"
	SharedNames Profile = "shared-names"
)

// Profiles lists every profile.
var Profiles = []Profile{Lockbox, ACHCTX, SEPA, France, SharedNames}

// Level is how messy the payers are.
type Level string

// Levels.
const (
	Easy   Level = "easy"
	Medium Level = "medium"
	Hard   Level = "hard"
)

// Kind is the situation a line was generated for.
type Kind string

// Line kinds.
const (
	KindExact      Kind = "exact"   // one invoice, paid in full, named
	KindSeveral    Kind = "several" // several invoices named, paid in full
	KindPartialEnd Kind = "several_partial_last"
	KindDeduction  Kind = "deduction"      // short payment with a reason
	KindDiscount   Kind = "discount_taken" // early-payment discount taken
	KindCreditMemo Kind = "credit_memo_netted"
	KindOver       Kind = "overpayment"
	KindPartial    Kind = "partial"
	KindNoRemit    Kind = "no_remittance" // the amount is all there is
	KindDuplicate  Kind = "duplicate"     // the same payment again: unapplied cash
	KindParent     Kind = "parent_pays_division"
	KindUnrelated  Kind = "unrelated" // not a customer payment
)

// Options size a generated timeline. Zero fields take defaults.
type Options struct {
	Profile Profile
	Level   Level // default medium
	Seed    uint64
	// Customers (default 120), days (default 90), payments per day
	// (default 25).
	Customers, Days, PerDay int
	// Start is the first day (default 2026-01-05).
	Start o2c.Date
}

// Customer is a generated customer.
type Customer struct {
	ID   o2c.CustomerID
	Name string
	// IBAN is the customer's account (empty where payers send none).
	IBAN string
	// Parent is the customer whose name pays this one's invoices (zero:
	// none).
	Parent o2c.CustomerID
	// Number is the customer number payers quote.
	Number string
}

// Invoice is a generated invoice: issued on Issued for Customer.
type Invoice struct {
	ID       invoice.ID
	Number   string
	Customer o2c.CustomerID
	Issued   o2c.Date
	Due      o2c.Date
	Gross    int64 // minor units
	// Net is the amount before 20 % tax ([Invoice.Gross] = Net * 1.2).
	Net int64
	// PO is the customer's purchase order number.
	PO string
	// DiscountPercent is the early-payment discount (0: none) within
	// DiscountDays of the issue date.
	DiscountPercent, DiscountDays int
	// CreditMemo is a credit note issued against the invoice (0: none).
	CreditMemo int64
}

// Alloc is what a line truly pays on one invoice.
type Alloc struct {
	Invoice invoice.ID
	Amount  int64 // minor units
}

// Truth is the ground truth of a line.
type Truth struct {
	Kind Kind
	// Customer paid for (zero: not a customer payment).
	Customer    o2c.CustomerID
	Allocations []Alloc
}

// IsPayment reports whether the line is a customer's payment.
func (t Truth) IsPayment() bool { return !t.Customer.IsZero() }

// Day is one day of the timeline: the invoices issued that day (before
// the statement), then the statement's lines and their truth.
type Day struct {
	Date   o2c.Date
	Issued []int // indexes into Timeline.Invoices
	Lines  []matching.Line
	Truth  []Truth
}

// Timeline is a generated operation period.
type Timeline struct {
	Options   Options
	Currency  o2c.Currency
	Numbering invoice.NumberFormat
	Customers []Customer
	Invoices  []Invoice
	Days      []Day
}

// Generate returns the timeline of opts; the same options give the same
// timeline.
func Generate(opts Options) (*Timeline, error) {
	switch opts.Profile {
	case Lockbox, ACHCTX, SEPA, France, SharedNames:
	default:
		return nil, &o2c.ValidationError{Field: "profile", Rule: "must be a known profile", Value: string(opts.Profile)}
	}
	if opts.Level == "" {
		opts.Level = Medium
	}
	switch opts.Level {
	case Easy, Medium, Hard:
	default:
		return nil, &o2c.ValidationError{Field: "level", Rule: "must be easy, medium or hard", Value: string(opts.Level)}
	}
	if opts.Customers <= 0 {
		opts.Customers = 120
	}
	if opts.Days <= 0 {
		opts.Days = 90
	}
	if opts.PerDay <= 0 {
		opts.PerDay = 25
	}
	if opts.Start.IsZero() {
		opts.Start = o2c.MustDate(2026, time.January, 5)
	}
	g := &gen{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed*7919+uint64(len(opts.Profile)))), o: opts}
	g.t = &Timeline{Options: opts, Currency: o2c.USD, Numbering: invoice.NumberFormat{Prefix: "US", Width: 5}}
	switch opts.Profile {
	case SEPA:
		g.t.Currency, g.t.Numbering = o2c.EUR, invoice.NumberFormat{Prefix: "RE", Yearly: true, Width: 6}
	case France:
		g.t.Currency, g.t.Numbering = o2c.EUR, invoice.NumberFormat{Prefix: "FA", Yearly: true, Width: 6}
	}
	g.customers()
	g.run()
	return g.t, nil
}

type gen struct {
	r      *rand.Rand
	o      Options
	t      *Timeline
	seq    map[int]int64 // next number per year
	open   []int         // invoices not yet scheduled for payment
	later  []int         // paid in part today: open again tomorrow
	rem    []int64       // what the payers still owe per invoice
	paid   []payRecord   // recent payments (for duplicates)
	custIx map[o2c.CustomerID]int
}

type payRecord struct {
	line  matching.Line
	cust  o2c.CustomerID
	until int
}

// noise is the level's probabilities.
type noise struct {
	noRemit, typo, short, variant, po float64
}

func (g *gen) noise() noise {
	switch g.o.Level {
	case Easy:
		return noise{noRemit: 0.02, typo: 0.01, short: 0.05, variant: 0.2, po: 0.02}
	case Hard:
		return noise{noRemit: 0.15, typo: 0.08, short: 0.3, variant: 0.8, po: 0.12}
	}
	return noise{noRemit: 0.06, typo: 0.03, short: 0.15, variant: 0.5, po: 0.05}
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

var (
	usStems  = []string{"Summit", "Pacific", "Lakeside", "Granite", "Redwood", "Harbor", "Prairie", "Keystone", "Bluewater", "Ironwood", "Cedar Ridge", "Liberty", "Frontier", "Northstar", "Evergreen", "Silverline", "Riverbend", "Oakmont", "Clearview", "Highland", "Copper Creek", "Great Plains", "Bayshore", "Tri-County", "Mountain View"}
	usTrades = []string{"Supply", "Health", "Foods", "Logistics", "Medical", "Hardware", "Distributors", "Packaging", "Electric", "Builders", "Farms", "Labs", "Outfitters", "Printing", "Motors", "Manufacturing", "Services", "International", "Brothers", "Industries"}
	usForms  = []string{"Inc.", "LLC", "Co.", "Corp.", "Corporation", "Company", "Incorporated", "& Sons, Inc.", "L.L.C.", "Ltd.", ""}
	euStems  = []string{"Rhein", "Alpen", "Nordsee", "Hansa", "Delft", "Zeeland", "Iberia", "Castilla", "Lombarda", "Toscana", "Brabant", "Bavaria", "Andalucia", "Veneto", "Friesland", "Westfalen", "Galicia", "Piemonte", "Utrecht", "Schwaben"}
	euTrades = []string{"Metallbau", "Transporte", "Handel", "Installatie", "Logistica", "Costruzioni", "Alimentari", "Techniek", "Maschinen", "Verpakkingen", "Distribuciones", "Elettronica", "Bouw", "Reinigung", "Suministros"}
	euForms  = []string{"GmbH", "GmbH & Co. KG", "AG", "B.V.", "N.V.", "S.L.", "S.A.", "S.r.l.", "S.p.A.", "e.K.", "Ltd", "PLC"}
	frTrades = []string{"Boulangerie", "Transports", "Menuiserie", "Charpente", "Pharmacie", "Imprimerie", "Laiterie", "Quincaillerie", "Garage", "Plomberie", "Électricité", "Traiteur"}
	frNames  = []string{"Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Lefèvre", "Mercier", "Faure", "Blanc", "Guérin", "Chevalier", "Rousseau"}
	frForms  = []string{"SARL", "SAS", "SA", "EURL", "SNC", "et Fils", "& Cie", "S.A.R.L.", "SASU"}
	usCities = []string{"Denver", "Tulsa", "Boise", "Fresno", "Omaha", "Tampa", "Reno", "Spokane", "Dayton", "Mobile"}
)

func (g *gen) uuid() [16]byte {
	var u [16]byte
	hi, lo := g.r.Uint64(), g.r.Uint64()
	for i := 0; i < 8; i++ {
		u[i], u[8+i] = byte(hi>>(8*i)), byte(lo>>(8*i))
	}
	u[6] = (u[6] & 0x0f) | 0x70
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

func (g *gen) idString() string {
	u := g.uuid()
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func (g *gen) customerID() o2c.CustomerID {
	id, err := o2c.ParseCustomerID(g.idString())
	if err != nil {
		panic(err)
	}
	return id
}

func (g *gen) invoiceID() invoice.ID {
	return o2c.MustParseID[invoice.Invoice](g.idString())
}

// iban returns a valid IBAN of country cc (check digits per ISO 13616).
func (g *gen) iban(cc string) string {
	bbanLen := map[string]int{"DE": 18, "NL": 14, "ES": 20, "IT": 23, "BE": 12, "AT": 16, "FR": 23}[cc]
	var b strings.Builder
	for i := 0; i < bbanLen; i++ {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	bban := b.String()
	// mod 97 of bban + cc + "00", letters as two digits
	digits := bban
	for _, c := range cc + "00" {
		if c >= 'A' && c <= 'Z' {
			digits += fmt.Sprint(int(c-'A') + 10)
		} else {
			digits += string(c)
		}
	}
	rem := 0
	for _, c := range digits {
		rem = (rem*10 + int(c-'0')) % 97
	}
	return fmt.Sprintf("%s%02d%s", cc, 98-rem, bban)
}

func (g *gen) name() string {
	switch g.o.Profile {
	case SEPA:
		return strings.TrimSpace(pick(g.r, euStems) + " " + pick(g.r, euTrades) + " " + pick(g.r, euForms))
	case France:
		if g.chance(0.5) {
			return pick(g.r, frTrades) + " " + pick(g.r, frNames) + " " + pick(g.r, frForms)
		}
		return pick(g.r, frForms[:5]) + " " + pick(g.r, frTrades) + " " + pick(g.r, frNames)
	}
	return strings.TrimSpace(pick(g.r, usStems) + " " + pick(g.r, usTrades) + " " + pick(g.r, usForms))
}

func normKey(s string) string {
	f := strings.Fields(strings.ToLower(strings.NewReplacer(".", "", ",", "", "&", " ").Replace(s)))
	var out []string
	for _, w := range f {
		switch w {
		case "inc", "llc", "co", "corp", "corporation", "company", "incorporated", "sons", "ltd", "gmbh", "kg", "ag", "bv", "nv", "sl", "sa", "srl", "spa", "ek", "plc",
			"sarl", "sas", "eurl", "snc", "et", "fils", "cie", "sasu", "and":
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

func (g *gen) customers() {
	g.custIx = map[o2c.CustomerID]int{}
	seen := map[string]bool{}
	add := func(c Customer) {
		g.custIx[c.ID] = len(g.t.Customers)
		g.t.Customers = append(g.t.Customers, c)
	}
	for len(g.t.Customers) < g.o.Customers {
		n := len(g.t.Customers)
		c := Customer{ID: g.customerID(), Number: fmt.Sprintf("C%05d", 10000+n*7)}
		for try := 0; ; try++ {
			c.Name = g.name()
			if try > 8 {
				c.Name += " " + pick(g.r, usCities)
			}
			if !seen[normKey(c.Name)] || try > 12 {
				break
			}
		}
		seen[normKey(c.Name)] = true
		switch g.o.Profile {
		case SEPA:
			c.IBAN = g.iban(pick(g.r, []string{"DE", "NL", "ES", "IT", "BE", "AT"}))
		case France:
			c.IBAN = g.iban("FR")
		}
		add(c)
		if g.o.Profile != SharedNames {
			continue
		}
		switch n % 6 {
		case 0: // another customer with the same name, other legal form
			twin := Customer{ID: g.customerID(), Number: fmt.Sprintf("C%05d", 10000+n*7+3)}
			base := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(c.Name, pick(g.r, usForms)), " "))
			words := strings.Fields(c.Name)
			if len(words) > 2 {
				base = strings.Join(words[:2], " ")
			}
			twin.Name = base + " " + pick(g.r, []string{"Company", "Co.", "Inc.", "LLC"})
			add(twin)
		case 3: // divisions paid by the parent (c)
			for d := 0; d < 1+g.r.IntN(2); d++ {
				words := strings.Fields(c.Name)
				div := Customer{ID: g.customerID(), Number: fmt.Sprintf("C%05d", 10000+n*7+4+d), Parent: c.ID}
				div.Name = strings.Join(words[:min(2, len(words))], " ") + " - " + pick(g.r, usCities)
				add(div)
			}
		}
	}
}

// issue creates an invoice for customer ci on day.
func (g *gen) issue(ci int, day o2c.Date) int {
	if g.seq == nil {
		g.seq = map[int]int64{}
	}
	y := day.Year()
	series := 0
	if g.t.Numbering.Yearly {
		series = y
	}
	g.seq[series]++
	n := g.seq[series]
	// net amounts in multiples of 5 minor units so that 20 % tax is exact
	var net int64
	switch r := g.r.Float64(); {
	case r < 0.3:
		net = int64(50+g.r.IntN(450)) * 100 // round amounts: equal amounts happen
	case r < 0.85:
		net = int64(2000+g.r.IntN(400000)) * 5
	default:
		net = int64(400000+g.r.IntN(4000000)) * 5
	}
	inv := Invoice{ID: g.invoiceID(), Number: g.t.Numbering.Format(y, n), Customer: g.t.Customers[ci].ID, Issued: day,
		Due: day.AddDays(30), Net: net, Gross: net / 5 * 6, PO: fmt.Sprintf("%d", 4500000000+g.r.Int64N(99999999))}
	if g.o.Profile == Lockbox || g.o.Profile == ACHCTX || g.o.Profile == SharedNames {
		inv.PO = fmt.Sprintf("PO%d", 10000+g.r.IntN(89999))
	}
	if g.chance(0.15) {
		inv.DiscountPercent, inv.DiscountDays = 2, 10 // "2/10 net 30"
	}
	g.t.Invoices = append(g.t.Invoices, inv)
	g.rem = append(g.rem, inv.Gross)
	idx := len(g.t.Invoices) - 1
	g.open = append(g.open, idx)
	return idx
}

func (g *gen) run() {
	start := g.o.Start
	// a backlog of open invoices issued before the period starts
	for i := 0; i < g.o.Customers*3; i++ {
		g.issue(g.r.IntN(len(g.t.Customers)), start.AddDays(-1-g.r.IntN(45)))
	}
	backlog := len(g.t.Invoices)
	first := Day{Date: start.AddDays(-1)}
	for i := 0; i < backlog; i++ {
		first.Issued = append(first.Issued, i)
	}
	g.t.Days = append(g.t.Days, first)
	for d := 0; d < g.o.Days; d++ {
		date := start.AddDays(d)
		day := Day{Date: date}
		for i := 0; i < g.o.PerDay; i++ {
			day.Issued = append(day.Issued, g.issue(g.r.IntN(len(g.t.Customers)), date))
		}
		for i := 0; i < g.o.PerDay; i++ {
			g.payment(&day, d)
		}
		g.open, g.later = append(g.open, g.later...), nil
		g.t.Days = append(g.t.Days, day)
	}
}

// takeOpen removes and returns up to k open invoices of one customer
// issued before date (the oldest first), and the customer's index.
func (g *gen) takeOpen(k int, date o2c.Date) (int, []int) {
	for try := 0; try < 20; try++ {
		j := g.r.IntN(len(g.open))
		inv := g.t.Invoices[g.open[j]]
		if !inv.Issued.Before(date) {
			continue
		}
		ci := g.custIx[inv.Customer]
		var picked []int
		var rest []int
		for _, o := range g.open {
			it := g.t.Invoices[o]
			if it.Customer == inv.Customer && it.Issued.Before(date) && len(picked) < k {
				picked = append(picked, o)
				continue
			}
			rest = append(rest, o)
		}
		g.open = rest
		return ci, picked
	}
	return -1, nil
}

func (g *gen) money(minor int64) o2c.Money { return o2c.FromMinor(minor, g.t.Currency) }

func (g *gen) payment(day *Day, d int) {
	n := g.noise()
	r := g.r.Float64()
	var kind Kind
	switch {
	case r < 0.40:
		kind = KindExact
	case r < 0.50:
		kind = KindSeveral
	case r < 0.54:
		kind = KindPartialEnd
	case r < 0.60:
		kind = KindDeduction
	case r < 0.65:
		kind = KindDiscount
	case r < 0.69:
		kind = KindCreditMemo
	case r < 0.72:
		kind = KindOver
	case r < 0.75:
		kind = KindPartial
	case r < 0.75+n.noRemit:
		kind = KindNoRemit
	case r < 0.77+n.noRemit:
		kind = KindDuplicate
	case r < 0.80+n.noRemit:
		kind = KindUnrelated
	default:
		kind = KindExact
	}
	if g.o.Profile == SharedNames && g.chance(0.25) {
		kind = KindParent
	}
	if g.o.Profile == France && kind != KindUnrelated && kind != KindDuplicate && g.chance(0.3) {
		g.lcr(day)
		return
	}
	switch kind {
	case KindUnrelated:
		g.unrelated(day)
		return
	case KindDuplicate:
		if len(g.paid) > 0 {
			p := g.paid[g.r.IntN(len(g.paid))]
			if d <= p.until {
				l := p.line
				l.BookingDate, l.ValueDate = day.Date, day.Date
				l.BankReference = fmt.Sprintf("B%d-%d", d, len(day.Lines))
				day.Lines = append(day.Lines, l)
				day.Truth = append(day.Truth, Truth{Kind: KindDuplicate, Customer: p.cust})
				return
			}
		}
		kind = KindExact
	}
	k := 1
	switch kind {
	case KindSeveral:
		k = 2 + g.r.IntN(4)
	case KindPartialEnd:
		k = 2 + g.r.IntN(3)
	case KindParent:
		k = 1 + g.r.IntN(2)
	}
	ci, invs := g.takeOpen(k, day.Date)
	if ci < 0 || len(invs) == 0 {
		return
	}
	if kind == KindParent && g.t.Customers[ci].Parent.IsZero() {
		kind = KindExact
	}
	if (kind == KindSeveral || kind == KindPartialEnd) && len(invs) < 2 {
		kind = KindExact
	}
	t := Truth{Kind: kind, Customer: g.t.Customers[ci].ID}
	var docs []doc
	var total int64
	for i, ix := range invs {
		inv := &g.t.Invoices[ix]
		amt := g.rem[ix]
		d := doc{inv: ix, paid: amt, invoiced: inv.Gross}
		switch {
		case kind == KindPartialEnd && i == len(invs)-1:
			amt = g.rem[ix] * int64(20+g.r.IntN(60)) / 100
			d.paid = amt
			g.later = append(g.later, ix) // the rest is paid later
		case kind == KindDeduction && i == 0 && amt > 200:
			cut := max(amt*int64(3+g.r.IntN(12))/100, 100)
			amt -= cut
			d.paid, d.adjust, d.reason = amt, cut, pick(g.r, []string{"04", "06", "01", "56", "54", "22"})
		case kind == KindDiscount && i == 0 && amt == inv.Gross:
			amt = (inv.Gross*int64(100-max(inv.DiscountPercent, 2)) + 50) / 100
			d.paid, d.discount = amt, inv.Gross-amt
		case kind == KindCreditMemo && i == 0:
			cm := amt * int64(5+g.r.IntN(30)) / 100
			inv.CreditMemo = cm
			amt -= cm
			d.paid, d.memo = amt, cm
		case kind == KindPartial && i == 0:
			amt = g.rem[ix] * int64(25+g.r.IntN(50)) / 100
			d.paid = amt
			g.later = append(g.later, ix)
		}
		g.rem[ix] -= amt
		t.Allocations = append(t.Allocations, Alloc{Invoice: inv.ID, Amount: amt})
		docs = append(docs, d)
		total += amt
	}
	if kind == KindOver {
		extra := int64(100 * (5 + g.r.IntN(200)))
		total += extra
	}
	if kind == KindNoRemit {
		docs = nil
	}
	payer := g.t.Customers[ci]
	if kind == KindParent {
		payer = g.t.Customers[g.custIx[payer.Parent]]
	}
	l := g.line(day, payer, total, docs, n)
	day.Lines = append(day.Lines, l)
	day.Truth = append(day.Truth, t)
	if kind != KindPartialEnd && kind != KindPartial {
		g.paid = append(g.paid, payRecord{line: l, cust: t.Customer, until: d + 5})
		if len(g.paid) > 50 {
			g.paid = g.paid[1:]
		}
	}
}

// doc is one document a remittance names.
type doc struct {
	inv                    int
	paid, invoiced         int64
	adjust, discount, memo int64
	reason                 string
}

func (g *gen) unrelated(day *Day) {
	l := matching.Line{BookingDate: day.Date, ValueDate: day.Date, Direction: matching.Credit,
		Amount:        g.money(int64(100 * (1 + g.r.IntN(900)))),
		BankReference: fmt.Sprintf("U%s-%d", day.Date, len(day.Lines))}
	switch g.r.IntN(3) {
	case 0:
		l.CounterpartyName, l.RemittanceText = "IRS TREAS 310", "TAX REF"
		if g.t.Currency == o2c.EUR {
			l.CounterpartyName, l.RemittanceText = "DGFIP", "REMBOURSEMENT CREDIT TVA"
		}
	case 1:
		l.CounterpartyName, l.RemittanceText = "INTEREST", "INTEREST PAID"
	default:
		l.CounterpartyName, l.RemittanceText = pick(g.r, []string{"AMAZON MKTPL", "STAPLES REFUND", "UPS CREDIT", "CARRIER CLAIM"}), "REFUND"
	}
	day.Lines = append(day.Lines, l)
	day.Truth = append(day.Truth, Truth{Kind: KindUnrelated})
}

// lcr is a French LCR collection: exactly one invoice, the drawee's name
// truncated, the invoice number as the bill's reference.
func (g *gen) lcr(day *Day) {
	ci, invs := g.takeOpen(1, day.Date)
	if ci < 0 || len(invs) == 0 {
		return
	}
	inv := g.t.Invoices[invs[0]]
	c := g.t.Customers[ci]
	amt := g.rem[invs[0]]
	g.rem[invs[0]] = 0
	name := strings.ToUpper(c.Name)
	if len(name) > 24 {
		name = name[:24]
	}
	l := matching.Line{BookingDate: day.Date, ValueDate: day.Date, Direction: matching.Credit, Amount: g.money(amt),
		CounterpartyName: name, TransactionCode: "LCR",
		RemittanceText: fmt.Sprintf("REMISE LCR ECH %s TIRE %s REF %s", day.Date.Time().Format("020106"), name, g.refText(inv, 0)),
		BankReference:  fmt.Sprintf("L%s-%d", day.Date, len(day.Lines))}
	day.Lines = append(day.Lines, l)
	day.Truth = append(day.Truth, Truth{Kind: KindExact, Customer: c.ID, Allocations: []Alloc{{Invoice: inv.ID, Amount: amt}}})
}

// refText writes an invoice number as a payer might: exactly, without its
// prefix, without leading zeros, with a typo, or the PO instead.
func (g *gen) refText(inv Invoice, noiseLevel int) string {
	n := g.noise()
	num := inv.Number
	digits := num[strings.LastIndexByte(num, '-')+1:]
	switch {
	case noiseLevel > 0 && g.chance(n.po):
		return inv.PO
	case noiseLevel > 0 && g.chance(n.typo):
		b := []byte(num)
		i := len(b) - 1 - g.r.IntN(min(4, len(digits)))
		b[i] = byte('0' + (int(b[i]-'0')+1+g.r.IntN(8))%10)
		return string(b)
	case noiseLevel > 0 && g.chance(n.short):
		short := strings.TrimLeft(digits, "0")
		return pick(g.r, []string{"#" + short, "INV " + short, short, "Inv#" + short})
	}
	return num
}

// payerName writes the payer's name as the channel delivers it.
func (g *gen) payerName(c Customer, n noise) string {
	name := c.Name
	if g.chance(n.variant) {
		rep := strings.NewReplacer("Company", "Co", "Corporation", "Corp", "Incorporated", "Inc", "International", "Intl", "Brothers", "Bros",
			"Manufacturing", "Mfg", "Services", "Svcs", "Distributors", "Dist", "Industries", "Ind", " & ", " and ", "Société", "Ste",
			"Transports", "Transp", "Boulangerie", "Boul")
		name = rep.Replace(name)
		if g.chance(0.4) {
			// drop the legal form
			w := strings.Fields(name)
			if len(w) > 2 {
				name = strings.Join(w[:len(w)-1], " ")
			}
		}
		if g.chance(0.2) {
			name = "THE " + name
		}
	}
	if g.chance(0.7) {
		name = strings.ToUpper(name)
	}
	return name
}

func (g *gen) line(day *Day, payer Customer, total int64, docs []doc, n noise) matching.Line {
	l := matching.Line{BookingDate: day.Date, ValueDate: day.Date, Direction: matching.Credit, Amount: g.money(total),
		BankReference: fmt.Sprintf("P%s-%d", day.Date, len(day.Lines))}
	name := g.payerName(payer, n)
	var refs []string
	for _, d := range docs {
		refs = append(refs, g.refText(g.t.Invoices[d.inv], 1))
	}
	switch g.o.Profile {
	case Lockbox, SharedNames:
		// a check: the keyed name, the stub if any; no account
		l.CounterpartyName = name
		l.TransactionCode = "LOCKBOX"
		if len(docs) > 0 && !g.chance(n.noRemit) {
			var parts []string
			for i, d := range docs {
				s := refs[i]
				if g.chance(0.5) {
					s += " " + g.money(d.paid).AmountString()
				}
				if d.adjust > 0 && g.chance(0.5) {
					s += " LESS " + g.money(d.adjust).AmountString() + " " + pick(g.r, []string{"DAMAGED", "SHORTAGE", "PRICING", "PROMO"})
				}
				if d.memo > 0 {
					s += " CM " + g.money(d.memo).AmountString()
				}
				parts = append(parts, s)
			}
			l.RemittanceText = "CHK " + fmt.Sprint(1000+g.r.IntN(90000)) + " " + strings.Join(parts, " / ")
		} else {
			l.RemittanceText = "CHK " + fmt.Sprint(1000+g.r.IntN(90000))
		}
	case ACHCTX:
		name = strings.ToUpper(name)
		if len(name) > 16 {
			name = name[:16] // NACHA company name field
		}
		l.CounterpartyName = name
		l.TransactionCode = "CTX"
		var segs []string
		for i, d := range docs {
			inv := g.t.Invoices[d.inv]
			segs = append(segs, fmt.Sprintf("RMR*IV*%s**%s*%s", refs[i], g.money(d.paid).AmountString(), g.money(d.invoiced).AmountString()))
			doc := matching.RemittanceDocument{Kind: matching.DocumentInvoice, Number: refs[i], Date: inv.Issued}
			paid, due := g.money(d.paid), g.money(d.invoiced)
			doc.Remitted, doc.DuePayable = &paid, &due
			if d.adjust > 0 {
				segs = append(segs, fmt.Sprintf("ADX*%s*%s", g.money(d.adjust).AmountString(), d.reason))
				a := g.money(d.adjust)
				doc.Adjustment, doc.AdjustmentReason = &a, d.reason
			}
			if d.discount > 0 {
				a := g.money(d.discount)
				doc.Discount = &a
			}
			if d.memo > 0 {
				segs = append(segs, fmt.Sprintf("RMR*CM*CM%s**-%s", strings.TrimLeft(inv.Number[3:], "0"), g.money(d.memo).AmountString()))
			}
			l.Documents = append(l.Documents, doc)
		}
		if len(segs) == 0 {
			l.RemittanceText = "CCD PAYMENT"
		} else {
			l.RemittanceText = strings.Join(segs, "\\")
		}
	case SEPA, France:
		l.CounterpartyName = name
		if !g.chance(n.noRemit / 3) {
			l.CounterpartyIBAN = payer.IBAN
		}
		if len(docs) == 0 {
			l.RemittanceText = pick(g.r, []string{"Zahlung", "Betaling", "Pago", "Pagamento", "VIREMENT"})
			break
		}
		if len(docs) == 1 && g.chance(0.35) && g.o.Profile == SEPA {
			ref, err := matching.RFReferenceForNumber(g.t.Invoices[docs[0].inv].Number)
			if err == nil {
				l.StructuredRefs = []string{ref}
				break
			}
		}
		words := map[Profile][]string{SEPA: {"Rechnung", "Factuur", "Factura", "Fattura", "Rg.", "Inv"}, France: {"FACT", "FACTURE", "FA", "REGLEMENT FACT"}}
		text := pick(g.r, words[g.o.Profile]) + " " + strings.Join(refs, " ")
		if g.chance(0.3) {
			text += " KD " + payer.Number
		}
		for _, d := range docs {
			if d.adjust > 0 {
				text += " ABZUG " + g.money(d.adjust).AmountString()
			}
			if d.memo > 0 {
				text += " ABZGL GUTSCHRIFT " + g.money(d.memo).AmountString()
			}
		}
		if g.o.Profile == France {
			text = "VIR SEPA " + strings.ToUpper(name) + " " + text
		}
		if len(text) > 140 {
			text = text[:140]
		}
		l.RemittanceText = text
	}
	return l
}

// Terms returns the invoice's payment terms (net 30, with its discount).
func (inv Invoice) Terms() invoice.Terms {
	t := invoice.Terms{Code: "NET30", Kind: invoice.TermsNet, Days: 30}
	if inv.DiscountPercent > 0 {
		t.Code = fmt.Sprintf("%d/%d NET30", inv.DiscountPercent, inv.DiscountDays)
		t.Discount = invoice.EarlyPaymentDiscount{Percent: decimal.NewFromInt(int64(inv.DiscountPercent)), Days: inv.DiscountDays}
	}
	return t
}
