package matching

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Profile is how messy a generated test set is.
type Profile string

// Profiles.
const (
	// ProfileEasy: references and clean invoice numbers, a few payments
	// without any.
	ProfileEasy Profile = "easy"
	// ProfileMedium: what a typical month looks like: typos, missing
	// references, combined payments, discounts, bank fees, partials,
	// duplicates, unrelated credits, name variants.
	ProfileMedium Profile = "medium"
	// ProfileHard: fewer references, more typos, combined payments
	// without any text, payers known by name only, invoices of equal
	// amounts, partials without references.
	ProfileHard Profile = "hard"
)

// Case names the situation a generated line was built for.
type Case string

// Generated cases.
const (
	CaseRF            Case = "rf_reference"
	CaseNumber        Case = "invoice_number"
	CaseTypo          Case = "number_with_typo"
	CaseNoReference   Case = "no_reference"
	CaseCombined      Case = "combined_with_numbers"
	CaseCombinedNoRef Case = "combined_without_text"
	CaseDiscount      Case = "early_payment_discount"
	CaseBankFee       Case = "bank_fee"
	CasePartial       Case = "partial_with_reference"
	CasePartialNoRef  Case = "partial_without_reference"
	CaseInstalments   Case = "several_payments_one_invoice"
	CaseDuplicate     Case = "duplicate_payment"
	CaseNameVariant   Case = "name_variant"
	CaseNameNoRef     Case = "name_only_no_reference"
	CaseSameAmount    Case = "same_amount_no_reference"
	CaseAdvance       Case = "advance_payment"
	CaseUnrelated     Case = "unrelated_credit"
	CaseDebit         Case = "debit"
)

// GeneratorOptions size a generated test set. Zero fields take defaults.
type GeneratorOptions struct {
	Seed    uint64
	Profile Profile // default medium
	// Customers (default 200), open invoices (default 10 per customer) and
	// statement lines (default 1000).
	Customers, Invoices, Lines int
	// Currency (default EUR).
	Currency o2c.Currency
}

// TruthAllocation is what a line really pays on one invoice.
type TruthAllocation struct {
	Invoice invoice.ID
	Amount  o2c.Money
}

// Truth is the ground truth of a generated line.
type Truth struct {
	Case Case
	// Customer who paid (zero for an unrelated credit or a debit).
	Customer o2c.CustomerID
	// Allocations, empty when the money is unapplied cash or not a payment.
	Allocations []TruthAllocation
}

// IsPayment reports whether the line is a customer's payment (to invoices
// or as unapplied cash on a known customer).
func (t Truth) IsPayment() bool { return !t.Customer.IsZero() }

// Dataset is a generated test set: the engine's input, a statement and
// the ground truth of each of its lines.
type Dataset struct {
	Input     Input
	Statement Statement
	Truth     []Truth
}

type genCustomer struct {
	info  CustomerInfo
	items []int
}

var (
	genFirst  = []string{"Acme", "Dupont", "Müller", "Nordic", "Atlas", "Boulangerie", "Café", "Société", "Garage", "Hôtel", "Brasserie", "Pharmacie", "Verlag", "Bäckerei", "Tech", "Green", "Blue", "Alpha", "Omega", "Delta", "Lumière", "Étoile", "Château", "Crédit", "Groupe", "Maison", "Atelier", "Studio", "Werk", "Haus"}
	genSecond = []string{"Industries", "Trading", "Logistique", "Maschinenbau", "Services", "Conseil", "Distribution", "Solutions", "Transports", "Bâtiment", "Électricité", "Informatique", "Médical", "Immobilier", "Consulting", "Handel", "Elektro", "Systems", "Foods", "Énergie"}
	genThird  = []string{"Paris", "Lyon", "Berlin", "Hamburg", "Bruxelles", "Gent", "Amsterdam", "London", "Genève", "Zürich", "Oslo", "Helsinki", "Madrid", "Milano", "Wien", "Nantes", "Lille", "Köln", "München", "Porto"}
	genForms  = []string{"SA", "SAS", "SARL", "GmbH", "Ltd", "BV", "S.A.R.L.", "AG", "NV", ""}
	genCCs    = []string{"FR", "DE", "BE", "NL", "ES", "IT"}
)

type generator struct {
	r       *rand.Rand
	opts    GeneratorOptions
	cur     o2c.Currency
	ds      *Dataset
	custs   []genCustomer
	used    []bool // invoice already paid by a generated line
	custIdx map[o2c.CustomerID]int
	asOf    o2c.Date
}

// Generate returns a reproducible test set for opts: customers with names
// and IBANs, open invoices numbered INV-2026-000001... with RF references
// (some with an early-payment discount, some customers billing equal
// amounts every month), and a statement whose lines mix the profile's
// cases, with the ground truth. The same options give the same set.
func Generate(opts GeneratorOptions) (*Dataset, error) {
	if opts.Profile == "" {
		opts.Profile = ProfileMedium
	}
	switch opts.Profile {
	case ProfileEasy, ProfileMedium, ProfileHard:
	default:
		return nil, &o2c.ValidationError{Field: "profile", Rule: "must be easy, medium or hard", Value: string(opts.Profile)}
	}
	if opts.Customers <= 0 {
		opts.Customers = 200
	}
	if opts.Invoices <= 0 {
		opts.Invoices = opts.Customers * 10
	}
	if opts.Lines <= 0 {
		opts.Lines = 1000
	}
	if opts.Invoices < opts.Customers {
		return nil, &o2c.ValidationError{Field: "invoices", Rule: "must be at least one per customer", Value: fmt.Sprint(opts.Invoices)}
	}
	cur := opts.Currency
	if cur.IsZero() {
		cur = o2c.EUR
	}
	g := &generator{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)), opts: opts, cur: cur, ds: &Dataset{}, asOf: o2c.MustDate(2026, time.April, 10)}
	g.customers()
	g.invoices()
	g.ds.Statement = Statement{Format: FormatCAMT053, ID: fmt.Sprintf("GEN-%s-%d", opts.Profile, opts.Seed), AccountIBAN: "FR7630006000011234567890189",
		Currency: cur, From: g.asOf, To: g.asOf}
	for fails := 0; len(g.ds.Statement.Lines) < opts.Lines && fails < 1000; {
		if !g.line() {
			fails++ // no unpaid invoice fits this case any more: try another
		}
	}
	return g.ds, nil
}

func (g *generator) uuid() uuid.UUID {
	var u uuid.UUID
	hi, lo := g.r.Uint64(), g.r.Uint64()
	for i := 0; i < 8; i++ {
		u[i] = byte(hi >> (8 * i))
		u[8+i] = byte(lo >> (8 * i))
	}
	u[6] = (u[6] & 0x0f) | 0x70
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

func (g *generator) iban() string {
	cc := genCCs[g.r.IntN(len(genCCs))]
	var b strings.Builder
	for i := 0; i < 20; i++ {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	bban := b.String()
	check := 98 - refMod97(bban+cc+"00")
	return cc + refTwoDigits(check) + bban
}

func (g *generator) customers() {
	seen := map[string]bool{}
	for i := 0; i < g.opts.Customers; i++ {
		var name string
		for try := 0; ; try++ {
			name = genFirst[g.r.IntN(len(genFirst))] + " " + genSecond[g.r.IntN(len(genSecond))]
			if g.r.IntN(2) == 0 || try > 3 {
				name += " " + genThird[g.r.IntN(len(genThird))]
			}
			if try > 6 {
				name += fmt.Sprintf(" %d", i)
			}
			key := strings.Join(NormalizeName(name), " ")
			if !seen[key] {
				seen[key] = true
				break
			}
		}
		if f := genForms[g.r.IntN(len(genForms))]; f != "" {
			name += " " + f
		}
		info := CustomerInfo{ID: customerID(g.uuid()), Name: name, IBANs: []string{g.iban()}}
		if g.r.IntN(5) == 0 {
			info.IBANs = append(info.IBANs, g.iban())
		}
		g.custs = append(g.custs, genCustomer{info: info})
		g.ds.Input.Customers = append(g.ds.Input.Customers, info)
	}
}

func customerID(u uuid.UUID) o2c.CustomerID {
	id, _ := o2c.ParseCustomerID(u.String())
	return id
}

var twoPercent = decimal.NewFromInt(2)

func (g *generator) invoices() {
	n := g.opts.Invoices
	per := n / len(g.custs)
	extra := n - per*len(g.custs)
	num := 0
	for ci := range g.custs {
		k := per
		if ci < extra {
			k++
		}
		subscription := g.opts.Profile == ProfileHard && g.r.IntN(10) == 0
		subAmount := int64(5000 + g.r.IntN(200000))
		for j := 0; j < k; j++ {
			num++
			number := fmt.Sprintf("INV-2026-%06d", num)
			ref, _ := RFReferenceForNumber(number)
			minor := int64(2000 + g.r.IntN(1_500_000))
			if g.r.IntN(3) == 0 {
				minor = minor / 100 * 100 // round amounts happen
			}
			if subscription {
				minor = subAmount
			}
			gross := o2c.FromMinor(minor, g.cur)
			issue := g.asOf.AddDays(-5 - g.r.IntN(80))
			it := Item{OpenItem: invoice.OpenItem{
				Invoice: o2c.IDFromUUID[invoice.Invoice](g.uuid()), Number: number, Kind: invoice.KindInvoice, Status: invoice.StateIssued,
				Customer: g.custs[ci].info.ID, IssueDate: issue, DueDate: issue.AddDays(30), Gross: gross, Open: gross, Disputed: o2c.Zero(g.cur),
			}, Reference: ref}
			if g.r.IntN(8) == 0 {
				it.Discount = invoice.EarlyPaymentDiscount{Percent: twoPercent, Days: 10}
				it.IssueDate = g.asOf.AddDays(-g.r.IntN(8))
				it.DueDate = it.IssueDate.AddDays(30)
			}
			g.custs[ci].items = append(g.custs[ci].items, len(g.ds.Input.Items))
			g.ds.Input.Items = append(g.ds.Input.Items, it)
		}
	}
	g.used = make([]bool, len(g.ds.Input.Items))
}

type caseWeight struct {
	c Case
	w int
}

func (g *generator) mix() []caseWeight {
	switch g.opts.Profile {
	case ProfileEasy:
		return []caseWeight{{CaseRF, 70}, {CaseNumber, 20}, {CaseNoReference, 5}, {CaseCombined, 5}}
	case ProfileHard:
		return []caseWeight{{CaseRF, 27}, {CaseNumber, 14}, {CaseTypo, 12}, {CaseNoReference, 11}, {CaseCombined, 5}, {CaseCombinedNoRef, 4},
			{CaseDiscount, 5}, {CaseBankFee, 4}, {CasePartial, 2}, {CasePartialNoRef, 2}, {CaseInstalments, 2}, {CaseDuplicate, 2},
			{CaseNameVariant, 3}, {CaseNameNoRef, 2}, {CaseSameAmount, 1}, {CaseAdvance, 1}, {CaseUnrelated, 3}, {CaseDebit, 2}}
	default:
		return []caseWeight{{CaseRF, 48}, {CaseNumber, 16}, {CaseTypo, 7}, {CaseNoReference, 8}, {CaseCombined, 5}, {CaseDiscount, 3},
			{CaseBankFee, 3}, {CasePartial, 2}, {CaseInstalments, 2}, {CaseDuplicate, 1}, {CaseNameVariant, 2}, {CaseAdvance, 1},
			{CaseUnrelated, 2}, {CaseDebit, 2}}
	}
}

func (g *generator) pickCase() Case {
	mix := g.mix()
	total := 0
	for _, m := range mix {
		total += m.w
	}
	r := g.r.IntN(total)
	for _, m := range mix {
		if r < m.w {
			return m.c
		}
		r -= m.w
	}
	return mix[0].c
}

// pickInvoices returns k unpaid invoices of one customer (satisfying ok),
// marking them paid, or false.
func (g *generator) pickInvoices(k int, ok func(it *Item) bool) (int, []int, bool) {
	for try := 0; try < 50; try++ {
		ci := g.r.IntN(len(g.custs))
		var free []int
		for _, i := range g.custs[ci].items {
			if !g.used[i] && (ok == nil || ok(&g.ds.Input.Items[i])) {
				free = append(free, i)
			}
		}
		if len(free) < k {
			continue
		}
		g.r.Shuffle(len(free), func(a, b int) { free[a], free[b] = free[b], free[a] })
		free = free[:k]
		for _, i := range free {
			g.used[i] = true
		}
		return ci, free, true
	}
	return 0, nil, false
}

func (g *generator) formatNumber(number string) string {
	n := NormalizeNumber(number) // INV2026000123
	digits := numberSuffix(n)
	year, seq := digits[:4], digits[4:]
	switch g.r.IntN(7) {
	case 0:
		return number
	case 1:
		return strings.ToLower(n)
	case 2:
		return "INV " + year + " " + seq
	case 3:
		return year + "-" + seq
	case 4:
		return "inv/" + year + "/" + seq
	case 5:
		return "Facture " + number
	default:
		return "Rechnung Nr. " + n
	}
}

func (g *generator) typo(number string) string {
	n := []byte(NormalizeNumber(number))
	// only the digits after the year: where people slip
	pos := 7 + g.r.IntN(len(n)-7)
	d := byte('0' + g.r.IntN(10))
	switch g.r.IntN(4) {
	case 0: // substitution
		for d == n[pos] {
			d = byte('0' + g.r.IntN(10))
		}
		n[pos] = d
	case 1: // transposition
		if pos == len(n)-1 {
			pos--
		}
		if n[pos] == n[pos+1] {
			n[pos] = byte('0' + (int(n[pos]-'0')+1)%10)
		} else {
			n[pos], n[pos+1] = n[pos+1], n[pos]
		}
	case 2: // deletion
		n = append(n[:pos], n[pos+1:]...)
	default: // insertion
		n = append(n[:pos], append([]byte{d}, n[pos:]...)...)
	}
	return string(n)
}

func (g *generator) nameVariant(name string) string {
	toks := NormalizeName(name)
	v := strings.ToUpper(strings.Join(toks, " "))
	switch g.r.IntN(3) {
	case 0:
		if len(v) > 18 {
			v = v[:18]
		}
	case 1:
		v = strings.Join(toks, " ") + " SA"
	}
	return v
}

func (g *generator) emit(l Line, t Truth) {
	g.ds.Statement.Lines = append(g.ds.Statement.Lines, l)
	g.ds.Truth = append(g.ds.Truth, t)
}

func (g *generator) base(ci int, minor int64) Line {
	c := g.custs[ci].info
	return Line{BookingDate: g.asOf, ValueDate: g.asOf, Amount: o2c.FromMinor(minor, g.cur), Direction: Credit,
		CounterpartyName: c.Name, CounterpartyIBAN: c.IBANs[g.r.IntN(len(c.IBANs))],
		BankReference: fmt.Sprintf("BR%010d", len(g.ds.Statement.Lines)+1)}
}

func (g *generator) alloc(i int, minor int64) TruthAllocation {
	return TruthAllocation{Invoice: g.ds.Input.Items[i].Invoice, Amount: o2c.FromMinor(minor, g.cur)}
}

func (g *generator) gross(i int) int64 {
	m, _ := g.ds.Input.Items[i].Gross.MinorUnits()
	return m
}

// line emits the lines of one case; false when the invoices run out.
func (g *generator) line() bool {
	c := g.pickCase()
	items := g.ds.Input.Items
	switch c {
	case CaseUnrelated:
		minor := int64(1000 + g.r.IntN(500000))
		l := Line{BookingDate: g.asOf, ValueDate: g.asOf, Amount: o2c.FromMinor(minor, g.cur), Direction: Credit,
			CounterpartyName: "Caisse Primaire " + genThird[g.r.IntN(len(genThird))], CounterpartyIBAN: g.iban(),
			RemittanceText: fmt.Sprintf("REMBOURSEMENT %d", g.r.IntN(1_000_000)), BankReference: fmt.Sprintf("BR%010d", len(g.ds.Statement.Lines)+1)}
		g.emit(l, Truth{Case: c})
		return true
	case CaseDebit:
		l := Line{BookingDate: g.asOf, ValueDate: g.asOf, Amount: o2c.FromMinor(int64(100+g.r.IntN(5000)), g.cur), Direction: Debit,
			CounterpartyName: "Bank fees", RemittanceText: "FRAIS TENUE DE COMPTE", BankReference: fmt.Sprintf("BR%010d", len(g.ds.Statement.Lines)+1)}
		g.emit(l, Truth{Case: c})
		return true
	case CaseAdvance:
		ci := g.r.IntN(len(g.custs))
		// an amount no open invoice of the customer has
		minor := int64(1_600_000 + g.r.IntN(100000))
		l := g.base(ci, minor)
		l.RemittanceText = "ACOMPTE COMMANDE " + fmt.Sprint(g.r.IntN(100000))
		g.emit(l, Truth{Case: c, Customer: g.custs[ci].info.ID})
		return true
	}
	k := 1
	switch c {
	case CaseCombined, CaseCombinedNoRef:
		k = 2 + g.r.IntN(2)
	}
	var ok func(it *Item) bool
	if c == CaseDiscount {
		ok = func(it *Item) bool { return !it.Discount.IsZero() }
	} else {
		ok = func(it *Item) bool { return it.Discount.IsZero() }
	}
	if c == CaseSameAmount {
		ok = func(it *Item) bool {
			if !it.Discount.IsZero() {
				return false
			}
			for _, o := range g.custs[g.custOf(it)].items {
				if other := &g.ds.Input.Items[o]; other.Invoice != it.Invoice && !g.used[o] && other.Gross.Equal(it.Gross) {
					return true
				}
			}
			return false
		}
	}
	ci, is, found := g.pickInvoices(k, ok)
	if !found {
		return false
	}
	cust := g.custs[ci].info.ID
	first := items[is[0]]
	amount := g.gross(is[0])
	truth := Truth{Case: c, Customer: cust, Allocations: []TruthAllocation{g.alloc(is[0], amount)}}
	l := g.base(ci, amount)
	switch c {
	case CaseRF:
		if g.r.IntN(2) == 0 {
			l.StructuredRefs = []string{first.Reference}
		} else {
			l.RemittanceText = "REF " + groupsOfFour(first.Reference)
		}
	case CaseNumber:
		l.RemittanceText = g.formatNumber(first.Number)
	case CaseTypo:
		l.RemittanceText = "Payment " + g.typo(first.Number)
	case CaseNoReference, CaseSameAmount:
		l.RemittanceText = "VIREMENT " + strings.ToUpper(strings.Join(NormalizeName(g.custs[ci].info.Name), " "))
	case CaseCombined, CaseCombinedNoRef:
		var sum int64
		var nums []string
		truth.Allocations = nil
		for _, i := range is {
			sum += g.gross(i)
			nums = append(nums, items[i].Number)
			truth.Allocations = append(truth.Allocations, g.alloc(i, g.gross(i)))
		}
		l.Amount = o2c.FromMinor(sum, g.cur)
		if c == CaseCombined {
			l.RemittanceText = "Invoices " + strings.Join(nums, " ")
		} else {
			l.RemittanceText = "PAYMENT"
		}
	case CaseDiscount:
		settle, _, _ := invoice.DiscountedAmount(first.Gross, first.IssueDate, g.asOf, first.Discount, o2c.RoundHalfUp)
		m, _ := settle.MinorUnits()
		l.Amount = settle
		l.RemittanceText = g.formatNumber(first.Number) + " escompte 2%"
		truth.Allocations[0].Amount = o2c.FromMinor(m, g.cur)
	case CaseBankFee:
		fee := int64(50 + g.r.IntN(400))
		if fee >= amount {
			fee = 1
		}
		l.Amount = o2c.FromMinor(amount-fee, g.cur)
		l.RemittanceText = g.formatNumber(first.Number)
		truth.Allocations[0].Amount = l.Amount
	case CasePartial, CasePartialNoRef:
		part := amount * int64(30+g.r.IntN(40)) / 100
		l.Amount = o2c.FromMinor(part, g.cur)
		truth.Allocations[0].Amount = l.Amount
		if c == CasePartial {
			l.StructuredRefs = []string{first.Reference}
		} else {
			l.RemittanceText = "ACOMPTE"
		}
	case CaseInstalments:
		part := amount / 2
		l.Amount = o2c.FromMinor(part, g.cur)
		l.StructuredRefs = []string{first.Reference}
		truth.Allocations[0].Amount = l.Amount
		g.emit(l, truth)
		l2 := g.base(ci, amount-part)
		l2.StructuredRefs = []string{first.Reference}
		g.emit(l2, Truth{Case: c, Customer: cust, Allocations: []TruthAllocation{g.alloc(is[0], amount-part)}})
		return true
	case CaseDuplicate:
		l.StructuredRefs = []string{first.Reference}
		g.emit(l, truth)
		l2 := g.base(ci, amount)
		l2.StructuredRefs = []string{first.Reference}
		g.emit(l2, Truth{Case: c, Customer: cust})
		return true
	case CaseNameVariant, CaseNameNoRef:
		l.CounterpartyIBAN = g.iban() // a new account the master does not know
		l.CounterpartyName = g.nameVariant(g.custs[ci].info.Name)
		if c == CaseNameVariant {
			l.RemittanceText = g.formatNumber(first.Number)
		}
	}
	g.emit(l, truth)
	return true
}

func (g *generator) custOf(it *Item) int {
	if g.custIdx == nil {
		g.custIdx = make(map[o2c.CustomerID]int, len(g.custs))
		for ci := range g.custs {
			g.custIdx[g.custs[ci].info.ID] = ci
		}
	}
	return g.custIdx[it.Customer]
}

func groupsOfFour(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// Score is how a matching run did against a dataset's ground truth.
type Score struct {
	Lines, Payments int
	// AutoApplied counts payments decided automatically (to invoices or
	// as unapplied cash) exactly as the truth says.
	AutoApplied int
	// WrongAuto counts automatic decisions that differ from the truth
	// (another invoice, another amount, another customer, or a line that
	// was no payment).
	WrongAuto int
	// Precision and Recall at invoice level: of the (line, invoice)
	// allocations decided automatically, the share that are true; of the
	// true ones, the share decided automatically.
	Precision, Recall float64
	// ByCase counts payments and automatic right decisions per case.
	ByCase map[Case][2]int
}

// AutoRate returns AutoApplied / Payments.
func (s Score) AutoRate() float64 {
	if s.Payments == 0 {
		return 0
	}
	return float64(s.AutoApplied) / float64(s.Payments)
}

// WrongRate returns WrongAuto / Payments.
func (s Score) WrongRate() float64 {
	if s.Payments == 0 {
		return 0
	}
	return float64(s.WrongAuto) / float64(s.Payments)
}

// Evaluate scores results (one per statement line, in order) against
// the truth.
func (d *Dataset) Evaluate(results []Result) Score {
	s := Score{Lines: len(d.Truth), ByCase: map[Case][2]int{}}
	autoPairs, rightPairs, truePairs := 0, 0, 0
	for i, t := range d.Truth {
		truePairs += len(t.Allocations)
		bc := s.ByCase[t.Case]
		if t.IsPayment() {
			s.Payments++
			bc[0]++
		}
		if i >= len(results) {
			s.ByCase[t.Case] = bc
			continue
		}
		r := results[i]
		if r.Decision != DecisionAuto && r.Decision != DecisionUnapplied {
			s.ByCase[t.Case] = bc
			continue
		}
		p := r.Proposals[0]
		want := map[invoice.ID]o2c.Money{}
		for _, a := range t.Allocations {
			want[a.Invoice] = a.Amount
		}
		right := p.Customer == t.Customer && len(p.Allocations) == len(t.Allocations)
		for _, a := range p.Allocations {
			autoPairs++
			if w, ok := want[a.Invoice]; ok && w.Equal(a.Amount) {
				rightPairs++
			} else {
				right = false
			}
		}
		if right && t.IsPayment() {
			s.AutoApplied++
			bc[1]++
		} else if !right {
			s.WrongAuto++
		}
		s.ByCase[t.Case] = bc
	}
	if autoPairs > 0 {
		s.Precision = float64(rightPairs) / float64(autoPairs)
	}
	if truePairs > 0 {
		s.Recall = float64(rightPairs) / float64(truePairs)
	}
	return s
}
