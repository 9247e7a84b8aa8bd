package matching

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// Evidence weights. A proposal's confidence is the sum of what identifies
// the invoice (a reference, a number, the payer), what the amount says,
// and whether the payer agrees, capped to 0-1. With the default threshold
// of 0.9: a structured reference or an exact number with an equal amount
// applies; a number with a typo needs the amount and the payer's IBAN to
// agree; the payer's IBAN alone needs one invoice of exactly that amount.
const (
	wE2E         = 0.65
	wRF          = 0.6
	wNumber      = 0.55
	wSuffix      = 0.5
	wFuzzy       = 0.5
	wExact       = 0.35
	wDiscount    = 0.3
	wTolerance   = 0.3
	wPartialRef  = 0.25
	wPartialNum  = 0.15
	wOver        = 0.2
	wAgree       = 0.05
	wDisagree    = -0.3
	wIBAN        = 0.55
	wLearnedName = 0.5
)

type ixHit struct {
	score  float64
	kind   Kind
	reason string
	fuzzy  bool
	short  bool // a short number found within the payer's own items
}

type payerInfo struct {
	cust   int32 // -1: unknown
	base   float64
	reason string
	firm   bool // identified by IBAN (master or firmly learned)
	// nameOnly: identified by the name alone (learned or resembling);
	// what rests on it alone is never applied without a person.
	nameOnly bool
}

// matchState tracks, within one Match call, what auto decisions have
// already consumed, so that two lines never settle the same open amount.
type matchState struct {
	used map[int32]int64
}

func (st *matchState) remaining(ix *Index, e int32) int64 { return ix.ents[e].open - st.used[e] }

// Match matches lines, in order, and returns one result per line. Lines
// decided automatically consume the open amounts they settle, so a later
// line of the batch (a second payment for the same invoice, a duplicate)
// sees what is left. The index is not changed.
func (ix *Index) Match(lines []Line) []Result {
	st := &matchState{used: map[int32]int64{}}
	out := make([]Result, len(lines))
	for i := range lines {
		out[i] = ix.matchLine(i, &lines[i], st)
	}
	return out
}

// ProposeFor returns the engine's result for a single line (nothing
// consumed before it).
func (ix *Index) ProposeFor(l Line) Result {
	return ix.matchLine(0, &l, &matchState{used: map[int32]int64{}})
}

func (ix *Index) matchLine(i int, l *Line, st *matchState) Result {
	res := Result{Line: i}
	if l.Direction != Credit {
		res.Decision, res.Note = DecisionSkipped, "not a credit"
		return res
	}
	if l.Reversal {
		res.Decision, res.Note = DecisionSkipped, "a reversal"
		return res
	}
	amt, err := l.Amount.MinorUnits()
	if err != nil || amt <= 0 {
		res.Decision, res.Note = DecisionSkipped, "amount is not a positive amount in minor units"
		return res
	}
	m := &lineMatch{ix: ix, l: l, st: st, amt: amt, cur: l.Amount.Currency(), hits: map[int32]ixHit{}}
	m.date = l.ValueDate
	if m.date.IsZero() {
		m.date = l.BookingDate
	}
	m.payer = ix.identify(l)
	m.nameToks = NormalizeName(l.CounterpartyName)
	// Pass 1: structured references and end-to-end ids.
	m.references()
	// Pass 2: invoice numbers in the remittance text.
	m.numbers(false)
	if len(m.hits) == 0 {
		m.shortNumbers()
	}
	ps := m.hitProposals()
	if !m.confident(ps) || m.twinAmounts(ps) {
		m.numbers(true)
		ps = m.hitProposals()
	}
	// Passes 3 and 4: the payer, then amounts within the payer's items.
	cust, base, reason, firm := m.payer.cust, m.payer.base, m.payer.reason, m.payer.firm
	nameOnly := m.payer.nameOnly
	if cust < 0 {
		cust, base, reason, firm = m.customerFromHits()
		nameOnly = false
	}
	if cust >= 0 {
		res.Customer = ix.custs[cust].id
		if !m.confident(ps) {
			amount := m.amountProposals(cust, base, reason)
			if len(ps) == 0 && len(m.settled) > 0 {
				// the payer named invoices that are settled: a duplicate
				// payment, not a payment of other invoices that happen to
				// add up to the amount
				for k := range amount {
					amount[k].Confidence = clamp01(amount[k].Confidence - 0.3)
					amount[k].Reasons = append(amount[k].Reasons, "but the reference names "+strings.Join(m.settled, ", ")+", already settled")
				}
			}
			for k := range amount {
				amount[k].nameOnly = nameOnly
			}
			ps = append(ps, amount...)
		}
		u := m.unapplied(cust, reason, firm, ps)
		u.nameOnly = nameOnly
		ps = append(ps, u)
	}
	res.SearchCapped = m.capped
	res.Decision, res.Proposals = decide(ps, ix.opts)
	for k := range res.Proposals {
		res.Proposals[k].Probability = ix.opts.Model.Probability(FeaturesOf(res, k))
	}
	if res.Decision == DecisionNone {
		res.Note = "no reference, no known payer"
	}
	if res.Decision == DecisionAuto {
		for _, a := range m.allocIdx[allocKey(res.Proposals[0])] {
			st.used[a.e] += a.minor
		}
	}
	return res
}

type allocRef struct {
	e     int32
	minor int64 // what the allocation takes off the open amount (incl. discount, write-off)
}

type lineMatch struct {
	ix       *Index
	l        *Line
	st       *matchState
	amt      int64
	cur      o2c.Currency
	date     o2c.Date
	payer    payerInfo
	hits     map[int32]ixHit
	settled  []string // referenced invoices already settled
	capped   bool
	allocIdx map[string][]allocRef
	nameToks []string
}

func (m *lineMatch) confident(ps []Proposal) bool {
	for _, p := range ps {
		if p.Confidence+1e-9 >= m.ix.opts.AutoThreshold {
			return true
		}
	}
	return false
}

func (m *lineMatch) addHit(e int32, h ixHit) {
	if prev, ok := m.hits[e]; ok && prev.score >= h.score {
		return
	}
	m.hits[e] = h
}

func (m *lineMatch) references() {
	ix := m.ix
	if id := strings.TrimSpace(m.l.EndToEndID); id != "" {
		if e, ok := ix.e2e[id]; ok {
			m.addHit(e, ixHit{score: wE2E, kind: KindReference, reason: fmt.Sprintf("end-to-end id %s matched %s", id, ix.items[e].Number)})
		}
	}
	refs := append([]string(nil), m.l.StructuredRefs...)
	refs = append(refs, rfInText(m.l.RemittanceText)...)
	for _, s := range refs {
		r, ok := ParseReference(s)
		if !ok {
			continue
		}
		ix.lookup(hashString(r.Value)^saltRef, func(e int32) {
			m.addHit(e, ixHit{score: wRF, kind: KindReference, reason: fmt.Sprintf("%s reference %s matched %s", refLabel(r.Kind), r.Value, ix.items[e].Number)})
		})
	}
}

func refLabel(k ReferenceKind) string {
	switch k {
	case RefRF:
		return "RF"
	case RefBelgian:
		return "Belgian structured"
	case RefFinnish:
		return "Finnish"
	case RefKIDMod10, RefKIDMod11:
		return "KID"
	case RefSwissQR:
		return "Swiss QR"
	}
	return string(k)
}

func (m *lineMatch) texts() []string {
	l := m.l
	ts := []string{l.RemittanceText}
	if l.EndToEndID != "" && !strings.EqualFold(l.EndToEndID, "NOTPROVIDED") {
		ts = append(ts, l.EndToEndID)
	}
	if l.CustomerReference != "" && !strings.EqualFold(l.CustomerReference, "NONREF") {
		ts = append(ts, l.CustomerReference)
	}
	return ts
}

// numbers looks for invoice numbers in the line's texts: exactly
// (separators and case aside, or without the letter prefix), or, when
// fuzzy, one typo away. Digit-only windows are also tried as national
// references.
func (m *lineMatch) numbers(fuzzy bool) {
	ix := m.ix
	var ws []string
	for _, t := range m.texts() {
		ws = textWindows(t, ws)
	}
	tried := 0
	for _, w := range ws {
		if !fuzzy {
			ix.lookup(hashString(w)^saltNumber, func(e int32) {
				if ix.ents[e].norm == w {
					m.addHit(e, ixHit{score: wNumber, kind: KindNumber, reason: fmt.Sprintf("invoice number %s found in the remittance text", ix.items[e].Number)})
				}
			})
			ix.lookup(hashString(w)^saltPO, func(e int32) {
				if ix.ents[e].po == w {
					m.addHit(e, ixHit{score: wSuffix, kind: KindNumber, reason: fmt.Sprintf("the customer's reference %s of %s found in the remittance text", ix.items[e].CustomerReference, ix.items[e].Number)})
				}
			})
			ix.lookup(hashString(w)^saltSuffix, func(e int32) {
				if numberSuffix(ix.ents[e].norm) == w {
					m.addHit(e, ixHit{score: wSuffix, kind: KindNumber, reason: fmt.Sprintf("invoice number %s found without its prefix", ix.items[e].Number)})
				}
			})
			if refDigits(w) {
				if r, ok := ParseReference(w); ok {
					ix.lookup(hashString(r.Value)^saltRef, func(e int32) {
						m.addHit(e, ixHit{score: wRF, kind: KindReference, reason: fmt.Sprintf("%s reference %s matched %s", refLabel(r.Kind), r.Value, ix.items[e].Number)})
					})
				}
			}
			continue
		}
		if tried >= 8 || len(w) < ix.opts.MinFuzzyLength {
			continue
		}
		tried++
		ix.fuzzy(w, func(e int32) {
			m.addHit(e, ixHit{score: wFuzzy, kind: KindNumber, fuzzy: true, reason: fmt.Sprintf("invoice number %s found with one typo (%q)", ix.items[e].Number, w)})
		})
	}
}

// shortNumbers looks, within the identified payer's own open items (and
// its group's), for invoice numbers written short: without the prefix
// and the leading zeros ("#123" for INV-2026-000123). Short numbers are
// too ambiguous to look up across all customers.
func (m *lineMatch) shortNumbers() {
	ix := m.ix
	if m.payer.cust < 0 {
		return
	}
	var toks []string
	for _, t := range m.texts() {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || strings.ContainsRune(",;/*\\~", r) }) {
			if isAmountWord(w) {
				continue
			}
			// the token's digits: "#123" and "Inv#123" give 123, but a
			// long number written with separators stays long
			var d strings.Builder
			for _, r := range w {
				if r >= '0' && r <= '9' {
					d.WriteRune(r)
				}
			}
			if n := strings.TrimLeft(d.String(), "0"); n != "" && d.Len() <= 6 {
				toks = append(toks, n)
			}
		}
	}
	if len(toks) == 0 {
		return
	}
	custs := ix.groupOf(m.payer.cust)
	if len(custs) == 0 {
		custs = []int32{m.payer.cust}
	}
	for _, c := range custs {
		for _, e := range ix.custItems[c] {
			short := shortForm(ix.items[e].Number)
			if short == "" {
				continue
			}
			for _, t := range toks {
				if t == short {
					m.addHit(e, ixHit{score: wSuffix, kind: KindNumber, short: true,
						reason: fmt.Sprintf("invoice number %s found written short (%s) among the payer's open items", ix.items[e].Number, t)})
				}
			}
		}
	}
}

// shortForm returns the sequence part of an invoice number without its
// leading zeros ("123" for INV-2026-000123).
func shortForm(number string) string {
	i := len(number)
	for i > 0 && number[i-1] >= '0' && number[i-1] <= '9' {
		i--
	}
	return strings.TrimLeft(number[i:], "0")
}

func (m *lineMatch) money(minor int64) o2c.Money { return o2c.FromMinor(minor, m.cur) }

func (m *lineMatch) record(p *Proposal, refs []allocRef) {
	if m.allocIdx == nil {
		m.allocIdx = map[string][]allocRef{}
	}
	m.allocIdx[allocKey(*p)] = refs
}

// agreement adjusts a score for whether the payer is the invoice's customer.
func (m *lineMatch) agreement(e int32) (float64, string) {
	if m.payer.cust < 0 || m.payer.nameOnly {
		if m.nameAgrees(m.ix.ents[e].cust) {
			return wAgree, "payer's name is the invoice customer's or its group's"
		}
		if m.payer.cust < 0 {
			return 0, ""
		}
	}
	if m.ix.ents[e].cust == m.payer.cust {
		return wAgree, "payer is the invoice's customer (" + m.payer.reason + ")"
	}
	if m.sameGroup(m.ix.ents[e].cust) {
		return wAgree, "payer is in the invoice customer's group (" + m.payer.reason + ")"
	}
	return wDisagree, "payer is another customer (" + m.payer.reason + ")"
}

// nameAgrees reports whether the line's payer name resembles customer
// c's name, or the name of a customer in c's group (a parent paying for
// its divisions).
func (m *lineMatch) nameAgrees(c int32) bool {
	if len(m.nameToks) == 0 {
		return false
	}
	th := m.ix.opts.NameThreshold
	if NameSimilarity(m.nameToks, m.ix.custs[c].tokens) >= th {
		return true
	}
	for _, o := range m.ix.groupOf(c) {
		if o != c && NameSimilarity(m.nameToks, m.ix.custs[o].tokens) >= th {
			return true
		}
	}
	return false
}

// corroborated reports whether something besides the reference says the
// payer is invoice e's customer: its IBAN, or its name.
func (m *lineMatch) corroborated(e int32) bool {
	c := m.ix.ents[e].cust
	if m.payer.cust >= 0 && !m.payer.nameOnly {
		return m.payer.cust == c || m.sameGroup(c)
	}
	return m.nameAgrees(c)
}

// sameGroup reports whether the identified payer and customer c are
// members of one group (a parent paying for its divisions).
func (m *lineMatch) sameGroup(c int32) bool {
	return m.payer.cust >= 0 && c != m.payer.cust && containsI32(m.ix.groupOf(m.payer.cust), c)
}

// namedDocuments returns how many documents the remittance names: the
// structured documents when given, else the reference-like words of the
// text (digits, not an amount).
func (m *lineMatch) namedDocuments() int {
	if n := len(m.l.Documents); n > 0 {
		return n
	}
	n := 0
	for _, t := range m.texts() {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool {
			return r == ' ' || r == '/' || r == ',' || r == ';' || r == '*' || r == '\\' || r == '~'
		}) {
			if !strings.ContainsAny(w, "0123456789") || isAmountWord(w) {
				continue
			}
			n++
		}
	}
	return n
}

func isAmountWord(w string) bool {
	i := strings.LastIndexAny(w, ".,")
	if i < 0 || len(w)-i-1 != 2 {
		return false
	}
	for _, r := range w {
		if (r < '0' || r > '9') && r != '.' && r != ',' && r != '-' {
			return false
		}
	}
	return true
}

// single classifies paying amt on ixEntry e: the allocation and what the
// amount says.
func (m *lineMatch) single(e int32, strong bool) (a Allocation, take int64, w float64, why string, unapplied int64) {
	ix := m.ix
	en := &ix.ents[e]
	rem := m.st.remaining(ix, e)
	zero := o2c.Zero(m.cur)
	a = Allocation{Invoice: ix.items[e].Invoice, Number: ix.items[e].Number, Discount: zero, WriteOff: zero}
	switch {
	case m.amt == rem:
		a.Amount = m.money(m.amt)
		return a, rem, wExact, "amount equal", 0
	case en.disc >= 0 && rem == en.gross && m.amt == en.disc && !m.date.After(en.deadline):
		a.Amount, a.Discount = m.money(m.amt), m.money(en.gross-en.disc)
		return a, rem, wDiscount, fmt.Sprintf("amount after the %s %% early-payment discount (%s)", ix.items[e].Discount.Percent, a.Discount), 0
	case m.amt < rem && rem-m.amt <= en.tol:
		a.Amount, a.WriteOff = m.money(m.amt), m.money(rem-m.amt)
		return a, rem, wTolerance, fmt.Sprintf("short by %s, within tolerance: write-off", a.WriteOff), 0
	case m.amt < rem:
		a.Amount = m.money(m.amt)
		w := wPartialNum
		if strong {
			w = wPartialRef
		}
		return a, m.amt, w, fmt.Sprintf("partial payment, %s left open", m.money(rem-m.amt)), 0
	default:
		a.Amount = m.money(rem)
		return a, rem, wOver, fmt.Sprintf("pays %s more than is open: rest unapplied", m.money(m.amt-rem)), m.amt - rem
	}
}

// hitProposals turns the referenced invoices into proposals: one per
// invoice, and the combination of all (or an exact subset) of them.
func (m *lineMatch) hitProposals() []Proposal {
	ix := m.ix
	var ps []Proposal
	var live []int32
	m.settled = m.settled[:0]
	for e, h := range m.hits {
		if ix.ents[e].cur != m.cur {
			continue
		}
		if m.st.remaining(ix, e) <= 0 {
			m.settled = append(m.settled, ix.items[e].Number)
			continue
		}
		if h.fuzzy && len(m.hits) > 1 {
			// keep fuzzy neighbours only when the amount says so
			if _, _, w, _, _ := m.single(e, false); w < wExact-1e-9 && w != wDiscount && w != wTolerance {
				continue
			}
		}
		live = append(live, e)
	}
	sort.Strings(m.settled) // the hits come from a map: name them in a stable order
	sort.Slice(live, func(i, j int) bool { return ix.ents[live[i]].norm < ix.ents[live[j]].norm })
	for _, e := range live {
		h := m.hits[e]
		a, take, w, why, un := m.single(e, h.kind == KindReference)
		adj, agreeWhy := m.agreement(e)
		conf := clamp01(h.score + w + adj)
		if !h.fuzzy && !h.short && (w == wPartialRef || w == wPartialNum || w == wOver && m.st.remaining(ix, e) == ix.ents[e].gross) &&
			m.corroborated(e) && m.namedDocuments() <= 1 && m.documentsAllow(e) && !m.amountFitsAnother(e) {
			// the payment certainly belongs to this invoice (its exact
			// reference, the payer agrees, nothing else named): applied in
			// part, or in full with the rest unapplied
			conf = max(conf, 0.92)
		}
		p := Proposal{Kind: h.kind, Customer: ix.custs[ix.ents[e].cust].id, Allocations: []Allocation{a},
			Unapplied: m.money(un), Confidence: conf, Reasons: []string{h.reason, why}}
		if agreeWhy != "" {
			p.Reasons = append(p.Reasons, agreeWhy)
		}
		m.record(&p, []allocRef{{e, take}})
		ps = append(ps, p)
	}
	if len(live) >= 2 && len(live) <= 12 {
		if p, ok := m.combined(live); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// combined proposes settling several referenced invoices of one customer
// with the payment: all of them, or the one subset whose open amounts add
// up to it.
func (m *lineMatch) combined(live []int32) (Proposal, bool) {
	ix := m.ix
	cust := ix.ents[live[0]].cust
	var sum int64
	for _, e := range live {
		if ix.ents[e].cust != cust {
			return Proposal{}, false
		}
		sum += m.st.remaining(ix, e)
	}
	pick := live
	if sum != m.amt {
		vals := make([]int64, len(live))
		for i, e := range live {
			vals[i] = m.st.remaining(ix, e)
		}
		sols, _ := subsetSums(vals, m.amt, len(live), 1<<14)
		if len(sols) != 1 {
			if sum > m.amt {
				return m.partialLast(live)
			}
			return Proposal{}, false
		}
		pick = nil
		for _, i := range sols[0] {
			pick = append(pick, live[i])
		}
	}
	score := 1.0
	var refs []allocRef
	var allocs []Allocation
	var nums []string
	for _, e := range pick {
		score = min(score, m.hits[e].score)
		rem := m.st.remaining(ix, e)
		zero := o2c.Zero(m.cur)
		allocs = append(allocs, Allocation{Invoice: ix.items[e].Invoice, Number: ix.items[e].Number, Amount: m.money(rem), Discount: zero, WriteOff: zero})
		refs = append(refs, allocRef{e, rem})
		nums = append(nums, ix.items[e].Number)
	}
	adj, agreeWhy := m.agreement(pick[0])
	p := Proposal{Kind: m.hits[pick[0]].kind, Customer: ix.custs[cust].id, Allocations: allocs, Unapplied: o2c.Zero(m.cur),
		Confidence: clamp01(score + wExact + adj),
		Reasons:    []string{fmt.Sprintf("%d referenced invoices (%s) add up to the payment", len(pick), strings.Join(nums, ", "))}}
	if agreeWhy != "" {
		p.Reasons = append(p.Reasons, agreeWhy)
	}
	m.record(&p, refs)
	return p, true
}

// partialLast proposes settling the referenced invoices oldest first,
// the last one in part, when they add up to more than the payment. It is
// certain only when the remittance states each document's paid amount
// and they are the allocation's.
func (m *lineMatch) partialLast(live []int32) (Proposal, bool) {
	ix := m.ix
	order := append([]int32(nil), live...)
	sort.SliceStable(order, func(i, j int) bool {
		a, b := ix.items[order[i]], ix.items[order[j]]
		if a.DueDate != b.DueDate {
			return a.DueDate.Before(b.DueDate)
		}
		return ix.ents[order[i]].norm < ix.ents[order[j]].norm
	})
	left := m.amt
	zero := o2c.Zero(m.cur)
	var allocs []Allocation
	var refs []allocRef
	var nums []string
	score := 1.0
	for _, e := range order {
		if left <= 0 {
			return Proposal{}, false // a named invoice would get nothing
		}
		take := min(left, m.st.remaining(ix, e))
		left -= take
		score = min(score, m.hits[e].score)
		allocs = append(allocs, Allocation{Invoice: ix.items[e].Invoice, Number: ix.items[e].Number, Amount: m.money(take), Discount: zero, WriteOff: zero})
		refs = append(refs, allocRef{e, take})
		nums = append(nums, ix.items[e].Number)
	}
	conf := clamp01(score + 0.2)
	why := fmt.Sprintf("%d referenced invoices (%s) settled oldest first, the last in part", len(order), strings.Join(nums, ", "))
	if m.documentsAgree(allocs) {
		conf = max(conf, 0.95)
		why += "; the remittance states these amounts"
	}
	cust := ix.ents[order[0]].cust
	p := Proposal{Kind: m.hits[order[0]].kind, Customer: ix.custs[cust].id, Allocations: allocs, Unapplied: zero, Confidence: conf, Reasons: []string{why}}
	m.record(&p, refs)
	return p, true
}

// amountFitsAnother reports whether another open item of invoice e's
// customer is settled by the line's amount (exactly, after its discount,
// or short within tolerance): the reference may then carry a typo.
func (m *lineMatch) amountFitsAnother(e int32) bool {
	ix := m.ix
	for _, o := range ix.custItems[ix.ents[e].cust] {
		if o == e {
			continue
		}
		en := &ix.ents[o]
		rem := m.st.remaining(ix, o)
		if en.cur == m.cur && (rem == m.amt || en.disc >= 0 && rem == en.gross && m.amt == en.disc || m.amt < rem && rem-m.amt <= en.tol) {
			return true
		}
	}
	return false
}

// documentsAllow reports whether the line's structured remittance, if
// any, is consistent with paying the line's amount on invoice e: it names
// e's number and remits the line's amount for it.
func (m *lineMatch) documentsAllow(e int32) bool {
	if len(m.l.Documents) == 0 {
		return true
	}
	for _, d := range m.l.Documents {
		if NormalizeNumber(d.Number) != m.ix.ents[e].norm {
			continue
		}
		if d.Remitted == nil {
			return true
		}
		if r, err := d.Remitted.MinorUnits(); err == nil && r == m.amt {
			return true
		}
	}
	return false
}

// documentsAgree reports whether the line's structured remittance names
// exactly the allocated invoices with, for each, the allocated amount as
// the amount remitted.
func (m *lineMatch) documentsAgree(allocs []Allocation) bool {
	if len(m.l.Documents) != len(allocs) {
		return false
	}
	for _, a := range allocs {
		ok := false
		for _, d := range m.l.Documents {
			if d.Remitted != nil && NormalizeNumber(d.Number) == NormalizeNumber(a.Number) && d.Remitted.Equal(a.Amount) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// customerFromHits returns the customer all referenced invoices belong to,
// when the payer is unknown.
func (m *lineMatch) customerFromHits() (int32, float64, string, bool) {
	cust := int32(-1)
	exact := true
	for e, h := range m.hits {
		exact = exact && !h.fuzzy
		c := m.ix.ents[e].cust
		if cust >= 0 && c != cust {
			return -1, 0, "", false
		}
		cust = c
	}
	if cust < 0 {
		return -1, 0, "", false
	}
	// only exact references to settled invoices make their customer firm
	// (a duplicate payment): a one-typo hit may be another's invoice
	return cust, 0.4, "customer of the invoices referenced", exact && len(m.settled) > 0 && len(m.settled) == len(m.hits) && m.nameAgrees(cust)
}

// amountProposals looks within customer cust's open items for the
// amount: one invoice exactly, after its early-payment discount, short
// within tolerance; several invoices adding up to it; else a partial
// payment of the oldest.
func (m *lineMatch) amountProposals(cust int32, base float64, payerWhy string) []Proposal {
	ix := m.ix
	var ps []Proposal
	var cands []int32
	var exact, other []int32
	for _, e := range ix.custItems[cust] {
		en := &ix.ents[e]
		rem := m.st.remaining(ix, e)
		if en.cur != m.cur || rem <= 0 {
			continue
		}
		cands = append(cands, e)
		switch {
		case rem == m.amt:
			exact = append(exact, e)
		case en.disc >= 0 && rem == en.gross && m.amt == en.disc && !m.date.After(en.deadline),
			m.amt < rem && rem-m.amt <= en.tol:
			other = append(other, e)
		}
	}
	one := func(e int32, extra string) {
		a, take, w, why, un := m.single(e, false)
		p := Proposal{Kind: KindAmount, Customer: ix.custs[cust].id, Allocations: []Allocation{a}, Unapplied: m.money(un),
			Confidence: clamp01(base + w), Reasons: []string{payerWhy, why + " to " + ix.items[e].Number}}
		if extra != "" {
			p.Reasons = append(p.Reasons, extra)
		}
		m.record(&p, []allocRef{{e, take}})
		ps = append(ps, p)
	}
	for _, e := range exact {
		extra := ""
		if len(exact) > 1 {
			extra = fmt.Sprintf("%d open invoices have this amount", len(exact))
		}
		one(e, extra)
	}
	for _, e := range other {
		one(e, "")
	}
	if len(exact) == 0 && len(cands) >= 2 {
		ps = append(ps, m.subsetProposals(cust, base, payerWhy, cands)...)
	}
	if len(ps) == 0 {
		oldest := int32(-1)
		for _, e := range cands {
			if m.st.remaining(ix, e) > m.amt && (oldest < 0 || ix.items[e].DueDate.Before(ix.items[oldest].DueDate)) {
				oldest = e
			}
		}
		if oldest >= 0 {
			a, take, _, why, _ := m.single(oldest, false)
			p := Proposal{Kind: KindAmount, Customer: ix.custs[cust].id, Allocations: []Allocation{a}, Unapplied: o2c.Zero(m.cur),
				Confidence: clamp01(base + 0.05), Reasons: []string{payerWhy, why + " on the oldest open invoice " + ix.items[oldest].Number}}
			m.record(&p, []allocRef{{oldest, take}})
			ps = append(ps, p)
		}
	}
	return ps
}

func (m *lineMatch) subsetProposals(cust int32, base float64, payerWhy string, cands []int32) []Proposal {
	ix := m.ix
	var pool []int32
	for _, e := range cands {
		if m.st.remaining(ix, e) < m.amt {
			pool = append(pool, e)
		}
	}
	if len(pool) < 2 {
		return nil
	}
	sort.Slice(pool, func(i, j int) bool {
		ri, rj := m.st.remaining(ix, pool[i]), m.st.remaining(ix, pool[j])
		if ri != rj {
			return ri > rj
		}
		return ix.ents[pool[i]].norm < ix.ents[pool[j]].norm
	})
	vals := make([]int64, len(pool))
	for i, e := range pool {
		vals[i] = m.st.remaining(ix, e)
	}
	sols, capped := subsetSums(vals, m.amt, m.ix.opts.MaxSubsetSize, m.ix.opts.MaxSubsetIterations)
	m.capped = m.capped || capped
	var ps []Proposal
	for _, sol := range sols {
		w := 0.2
		if len(sols) == 1 && !capped {
			w = wExact
		}
		var allocs []Allocation
		var refs []allocRef
		var nums []string
		zero := o2c.Zero(m.cur)
		for _, i := range sol {
			e := pool[i]
			allocs = append(allocs, Allocation{Invoice: ix.items[e].Invoice, Number: ix.items[e].Number, Amount: m.money(vals[i]), Discount: zero, WriteOff: zero})
			refs = append(refs, allocRef{e, vals[i]})
			nums = append(nums, ix.items[e].Number)
		}
		why := fmt.Sprintf("open amounts of %s add up to the payment", strings.Join(nums, ", "))
		if len(sols) > 1 {
			why += " (other combinations also do)"
		}
		if capped {
			why += " (search capped)"
		}
		p := Proposal{Kind: KindAmount, Customer: ix.custs[cust].id, Allocations: allocs, Unapplied: zero,
			Confidence: clamp01(base + w), Reasons: []string{payerWhy, why}}
		m.record(&p, refs)
		ps = append(ps, p)
	}
	return ps
}

// unapplied proposes keeping the money as unapplied cash on the customer:
// confident when the payer is firmly identified and no invoice fits.
func (m *lineMatch) unapplied(cust int32, payerWhy string, firm bool, ps []Proposal) Proposal {
	conf := 0.5
	why := []string{payerWhy, "no open invoice fits: unapplied cash on the customer"}
	best := 0.0
	for _, p := range ps {
		best = max(best, p.Confidence)
	}
	exactSettled := 0
	for _, h := range m.hits {
		if h.fuzzy {
			exactSettled = -1 << 20 // a one-typo neighbour: the payer may mean another invoice
		} else {
			exactSettled++
		}
	}
	if firm && best < 0.6 && (len(m.hits) == 0 || exactSettled > 0 && len(m.settled) > 0) {
		// no invoice named, not even one typo away (an advance), or
		// exactly invoices already settled (a duplicate): the money
		// waits on the customer
		conf = 0.9
	}
	if len(m.settled) > 0 {
		why = append(why, "referenced "+strings.Join(m.settled, ", ")+" already settled: a duplicate payment?")
	}
	return Proposal{Kind: KindUnapplied, Customer: m.ix.custs[cust].id, Unapplied: m.money(m.amt), Confidence: conf, Reasons: why}
}

// identify finds the payer's customer: a learned IBAN, the customer
// master's IBANs, a learned name, or a fuzzy name.
func (ix *Index) identify(l *Line) payerInfo {
	none := payerInfo{cust: -1}
	if iban := ibanKey(l.CounterpartyIBAN); iban != "" {
		if ix.blockedIBAN[iban] {
			return none // learned for several customers: identifies none
		}
		if c, ok := ix.learnedIBAN[iban]; ok {
			return payerInfo{cust: c, base: wIBAN, reason: "IBAN " + iban + " learned from confirmed matches", firm: true}
		}
		if cs := ix.ibanCust[iban]; len(cs) == 1 {
			return payerInfo{cust: cs[0], base: wIBAN, reason: "IBAN " + iban + " is the customer's", firm: true}
		} else if len(cs) > 1 {
			return none // an account shared by several customers identifies none
		}
	}
	if l.CounterpartyName == "" {
		return none
	}
	toks := NormalizeName(l.CounterpartyName)
	if len(toks) == 0 {
		return none
	}
	key := strings.Join(toks, " ")
	if ix.blockedName[key] {
		return none // a name several customers use
	}
	if c, ok := ix.learnedName[key]; ok {
		return payerInfo{cust: c, base: wLearnedName, reason: "name " + key + " learned from confirmed matches", nameOnly: true}
	}
	bestC, best, second := int32(-1), 0.0, 0.0
	seen := map[int32]bool{}
	for _, t := range toks {
		post := ix.nameTok[t]
		if len(post) > 2000 {
			continue // too common a word to find anyone by
		}
		for _, c := range post {
			if seen[c] {
				continue
			}
			seen[c] = true
			s := NameSimilarity(toks, ix.custs[c].tokens)
			switch {
			case s > best:
				bestC, best, second = c, s, best
			case s > second:
				second = s
			}
		}
	}
	if bestC < 0 || best < ix.opts.NameThreshold || best-second < 0.1 {
		return none
	}
	return payerInfo{cust: bestC, base: 0.3 + 0.15*best, reason: fmt.Sprintf("name %q resembles the customer's (%.0f %%)", l.CounterpartyName, best*100), nameOnly: true}
}

// subsetSums finds up to two sets of at least two indexes of vals (sorted
// by decreasing value) whose values add up to target, fewest first, with
// at most maxK values, in at most maxIter steps. capped reports that the
// search stopped at the cap.
func subsetSums(vals []int64, target int64, maxK, maxIter int) (sols [][]int, capped bool) {
	desc := true
	for i := 1; i < len(vals); i++ {
		if vals[i] > vals[i-1] {
			desc = false
			break
		}
	}
	order := make([]int, len(vals))
	for i := range order {
		order[i] = i
	}
	if !desc {
		sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	}
	v := make([]int64, len(vals))
	for i, o := range order {
		v[i] = vals[o]
	}
	prefix := make([]int64, len(v)+1)
	for i, x := range v {
		prefix[i+1] = prefix[i] + x
	}
	iter := 0
	path := make([]int, 0, maxK)
	var dfs func(start int, rem int64, k int) bool
	dfs = func(start int, rem int64, k int) bool {
		// first index from start whose value is <= rem (v is descending)
		lo, hi := start, len(v)
		for lo < hi {
			mid := (lo + hi) / 2
			if v[mid] > rem {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if k == 1 {
			iter++
			if lo < len(v) && v[lo] == rem {
				sol := append(append([]int(nil), path...), lo)
				for i, s := range sol {
					sol[i] = order[s]
				}
				sols = append(sols, sol)
				if len(sols) >= 2 {
					return true
				}
			}
			return false
		}
		for i := lo; i+k <= len(v); i++ {
			iter++
			if iter > maxIter {
				capped = true
				return true
			}
			// the k largest values from i on cannot reach rem: neither can later ones
			if prefix[i+k]-prefix[i] < rem {
				return false
			}
			path = append(path, i)
			stop := dfs(i+1, rem-v[i], k-1)
			path = path[:len(path)-1]
			if stop {
				return true
			}
		}
		return false
	}
	// every size is searched: a combination is unique only when no other
	// combination of any size (up to maxK) adds up to the target too
	for k := 2; k <= maxK && k <= len(v); k++ {
		if dfs(0, target, k) {
			break
		}
	}
	return sols, capped
}

// twinAmounts reports whether the best number-backed proposal settles an
// invoice whose customer has another open invoice of the same open
// amount: a typo in the number could then point at the wrong twin, so the
// one-typo neighbours are looked at too.
func (m *lineMatch) twinAmounts(ps []Proposal) bool {
	ix := m.ix
	for e, h := range m.hits {
		if h.kind != KindNumber || h.fuzzy {
			continue
		}
		rem := m.st.remaining(ix, e)
		if rem != m.amt {
			continue
		}
		for _, o := range ix.custItems[ix.ents[e].cust] {
			if o != e && m.st.remaining(ix, o) == rem {
				return true
			}
		}
	}
	return false
}
