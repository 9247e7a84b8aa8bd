package matching

import (
	"encoding/binary"
	"hash/fnv"
	"io"
	"slices"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Hash namespaces of the index's one map (numbers, numbers without their
// letter prefix, structured references).
const (
	saltNumber uint64 = 0
	saltSuffix uint64 = 0x9e3779b97f4a7c15
	saltRef    uint64 = 0xc2b2ae3d27d4eb4f
	saltPO     uint64 = 0x165667b19e3779f9
	hashBase   uint64 = 1_000_003
)

// ixEntry is an open item as the index keeps it: amounts in minor units.
type ixEntry struct {
	norm     string // normalised number
	po       string // normalised customer reference
	open     int64
	gross    int64
	disc     int64 // settle amount after the early-payment discount; -1: none
	deadline o2c.Date
	tol      int64 // write-off tolerance limit
	cust     int32
	cur      o2c.Currency
	dead     bool // no longer open (see [Index.Update]); never found
}

type custEntry struct {
	id     o2c.CustomerID
	tokens []string
}

// Index holds the open items, customers and learned mappings indexed for
// matching: by normalised invoice number (and its one-typo
// neighbourhood), by structured reference and end-to-end id, by customer
// (and there by amount), customers by IBAN and by name token. Build it
// once with [NewIndex] and match many batches; it is never changed by
// matching, so concurrent Match calls are safe. [Index.Update] brings it
// to a new input in place, at the cost of what changed (it must not run
// concurrently with Match).
type Index struct {
	opts        Options
	items       []Item
	ents        []ixEntry
	byHash      map[uint64]int32 // -1: several, see multi
	multi       map[uint64][]int32
	e2e         map[string]int32
	custs       []custEntry
	custByID    map[o2c.CustomerID]int32
	custItems   [][]int32
	ibanCust    map[string][]int32
	learnedIBAN map[string]int32
	learnedName map[string]int32
	// blocked keys: learned IBANs and names confirmed for several
	// customers (or rejected for theirs); they identify nobody.
	blockedIBAN map[string]bool
	blockedName map[string]bool
	nameTok     map[string][]int32
	groups      map[int32][]int32
	minLen      int
	maxLen      int
	// byInvoice is the entry of every invoice indexed (dead ones too).
	byInvoice map[invoice.ID]int32
	// parties fingerprints the customers, groups and mappings indexed.
	parties uint64
	live    int
}

// NewIndex indexes in for matching with opts. Items that are not open
// receivables (credit notes, settled or disputed items) are left out, as
// are items whose open amount is not in minor units of their currency.
// Invalid options are a *o2c.ValidationError.
func NewIndex(in Input, opts Options) (*Index, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	ix := &Index{
		opts:        opts,
		byHash:      make(map[uint64]int32, len(in.Items)*3),
		multi:       map[uint64][]int32{},
		e2e:         map[string]int32{},
		custByID:    map[o2c.CustomerID]int32{},
		ibanCust:    map[string][]int32{},
		learnedIBAN: map[string]int32{},
		learnedName: map[string]int32{},
		blockedIBAN: map[string]bool{},
		blockedName: map[string]bool{},
		groups:      map[int32][]int32{},
		nameTok:     map[string][]int32{},
		minLen:      1 << 30,
		byInvoice:   make(map[invoice.ID]int32, len(in.Items)),
	}
	ix.setParties(in)
	ix.items = make([]Item, 0, len(in.Items))
	ix.ents = make([]ixEntry, 0, len(in.Items))
	for _, it := range in.Items {
		ix.add(it)
	}
	ix.setEndToEnd(in.EndToEnd)
	return ix, nil
}

// setParties (re)indexes customers, groups and learned mappings.
func (ix *Index) setParties(in Input) {
	ix.parties = partiesPrint(in)
	clear(ix.ibanCust)
	clear(ix.learnedIBAN)
	clear(ix.learnedName)
	clear(ix.blockedIBAN)
	clear(ix.blockedName)
	clear(ix.groups)
	clear(ix.nameTok)
	for i := range ix.custs {
		ix.custs[i].tokens = nil
	}
	for _, c := range in.Customers {
		ci := ix.customer(c.ID)
		ix.custs[ci].tokens = NormalizeName(c.Name)
		for _, t := range uniqTokens(ix.custs[ci].tokens) {
			ix.nameTok[t] = append(ix.nameTok[t], ci)
		}
		for _, iban := range c.IBANs {
			k := ibanKey(iban)
			if k != "" && !containsI32(ix.ibanCust[k], ci) {
				ix.ibanCust[k] = append(ix.ibanCust[k], ci)
			}
		}
	}
	for _, g := range in.Groups {
		var members []int32
		for _, id := range g {
			if ci := ix.customer(id); !containsI32(members, ci) {
				members = append(members, ci)
			}
		}
		for _, ci := range members {
			ix.groups[ci] = append(ix.groups[ci], members...)
		}
	}
	for _, m := range in.Mappings {
		firm := m.Firm()
		switch m.Kind {
		case MappingIBAN:
			k := ibanKey(m.Key)
			if firm {
				ix.learnedIBAN[k] = ix.customer(m.Customer)
			} else if m.Contradicted() {
				ix.blockedIBAN[k] = true
			}
		case MappingName:
			ci := ix.customer(m.Customer)
			switch {
			case m.Contradicted():
				ix.blockedName[m.Key] = true
			case firm && !ix.sharedName(strings.Fields(m.Key), ci):
				ix.learnedName[m.Key] = ci
			case firm:
				ix.blockedName[m.Key] = true // the master gives the name to others too
			}
		}
	}
}

// partiesPrint fingerprints what setParties reads.
func partiesPrint(in Input) uint64 {
	h := fnv.New64a()
	str := func(s string) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		io.WriteString(h, s)
	}
	id := func(u [16]byte) { h.Write(u[:]) }
	num := func(v int64) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	num(int64(len(in.Customers)))
	for _, c := range in.Customers {
		id(c.ID.UUID())
		str(c.Name)
		num(int64(len(c.IBANs)))
		for _, iban := range c.IBANs {
			str(iban)
		}
	}
	num(int64(len(in.Groups)))
	for _, g := range in.Groups {
		num(int64(len(g)))
		for _, c := range g {
			id(c.UUID())
		}
	}
	num(int64(len(in.Mappings)))
	for _, m := range in.Mappings {
		str(string(m.Kind))
		str(m.Key)
		id(m.Customer.UUID())
		num(int64(m.Confirmations))
		num(int64(m.Rejections))
		num(int64(len(m.Customers)))
		for _, mc := range m.Customers {
			id(mc.Customer.UUID())
			num(int64(mc.Confirmations))
			num(int64(mc.Rejections))
		}
	}
	return h.Sum64()
}

// entryOf returns what the index keeps of an item, and whether the item
// is an open receivable the index holds.
func (ix *Index) entryOf(it Item) (ixEntry, bool) {
	if it.Kind == invoice.KindCreditNote || !it.Status.IsOpen() || it.Status == invoice.StateDisputed {
		return ixEntry{}, false
	}
	open, err := it.Undisputed().MinorUnits()
	if err != nil || open <= 0 {
		return ixEntry{}, false
	}
	gross, err := it.Gross.MinorUnits()
	if err != nil {
		return ixEntry{}, false
	}
	e := ixEntry{norm: NormalizeNumber(it.Number), open: open, gross: gross, disc: -1, cur: it.Open.Currency(), cust: -1}
	e.tol, _ = ix.opts.Tolerance.Limit(it.Gross).MinorUnits()
	if !it.Discount.IsZero() && !it.IssueDate.IsZero() {
		settle, _, err := invoice.DiscountedAmount(it.Gross, it.IssueDate, it.IssueDate, it.Discount, ix.opts.DiscountRounding)
		if err == nil {
			if d, err := settle.MinorUnits(); err == nil && d < gross {
				e.disc, e.deadline = d, it.Discount.Deadline(it.IssueDate)
			}
		}
	}
	if po := NormalizeNumber(it.CustomerReference); len(po) >= 4 {
		e.po = po
	}
	return e, true
}

// add indexes a new item (nothing when it is not an open receivable).
func (ix *Index) add(it Item) {
	e, ok := ix.entryOf(it)
	if !ok {
		return
	}
	e.cust = ix.customer(it.Customer)
	idx := int32(len(ix.ents))
	ix.ents = append(ix.ents, e)
	ix.items = append(ix.items, it)
	ix.custItems[e.cust] = append(ix.custItems[e.cust], idx)
	ix.byInvoice[it.Invoice] = idx
	ix.live++
	if len(e.norm) >= 4 {
		ix.put(hashString(e.norm)^saltNumber, idx)
		if l := len(e.norm); l >= ix.opts.MinFuzzyLength {
			ix.minLen, ix.maxLen = min(ix.minLen, l), max(ix.maxLen, l)
		}
		if s := numberSuffix(e.norm); len(s) >= 6 && len(s) < len(e.norm) {
			ix.put(hashString(s)^saltSuffix, idx)
		}
	}
	if e.po != "" {
		ix.put(hashString(e.po)^saltPO, idx)
	}
	if it.Reference != "" {
		if r, ok := ParseReference(it.Reference); ok {
			ix.put(hashString(r.Value)^saltRef, idx)
		}
	}
}

// setEndToEnd indexes the end-to-end ids of open items.
func (ix *Index) setEndToEnd(ids map[string]invoice.ID) {
	clear(ix.e2e)
	for id, inv := range ids {
		if idx, ok := ix.byInvoice[inv]; ok && id != "" && !ix.ents[idx].dead {
			ix.e2e[id] = idx
		}
	}
}

// sameKeys reports whether an indexed item and its new version are found
// by the same keys (number, customer reference, structured reference,
// customer, currency), so the entry can be updated in place.
func sameKeys(a, b Item) bool {
	return a.Number == b.Number && a.CustomerReference == b.CustomerReference && a.Reference == b.Reference &&
		a.Customer == b.Customer && a.Open.Currency() == b.Open.Currency()
}

// Update brings the index to in, as if [NewIndex] had been called with
// in, at the cost of what changed: items are compared, by invoice, with
// the ones indexed (items are values: pass them as read, unchanged ones
// cost a comparison); an item no longer open (paid, disputed, gone from
// in) is dropped, a changed one updated in place, a new one added.
// Customers, groups and mappings are indexed again only when they
// changed. New items should come in creation order, as they would in a
// NewIndex input. It must not run concurrently with Match.
func (ix *Index) Update(in Input) {
	if partiesPrint(in) != ix.parties {
		ix.setParties(in)
	}
	seen := make(map[int32]bool, len(in.Items))
	for _, it := range in.Items {
		idx, known := ix.byInvoice[it.Invoice]
		if !known {
			ix.add(it)
			if idx, ok := ix.byInvoice[it.Invoice]; ok {
				seen[idx] = true
			}
			continue
		}
		old := &ix.ents[idx]
		if !old.dead && itemEqual(ix.items[idx], it) {
			seen[idx] = true
			continue
		}
		e, ok := ix.entryOf(it)
		switch {
		case !ok:
			continue // not open: dropped below
		case sameKeys(ix.items[idx], it):
			e.cust = old.cust
			if old.dead {
				old.dead = false
				ix.live++
				ix.insertCustItem(e.cust, idx)
			}
			*old = e
			ix.items[idx] = it
			seen[idx] = true
		default: // found by other keys now: a new entry
			ix.kill(idx)
			delete(ix.byInvoice, it.Invoice)
			ix.add(it)
			if idx, ok := ix.byInvoice[it.Invoice]; ok {
				seen[idx] = true
			}
		}
	}
	if len(seen) != ix.live {
		for _, idx := range ix.byInvoice {
			if !seen[idx] && !ix.ents[idx].dead {
				ix.kill(idx)
			}
		}
	}
	if dead := len(ix.ents) - ix.live; dead > ix.live+1024 {
		// mostly settled items: start afresh rather than carry them
		if fresh, err := NewIndex(in, ix.opts); err == nil {
			*ix = *fresh
			return
		}
	}
	ix.setEndToEnd(in.EndToEnd)
}

// itemEqual compares everything of an item the index reads.
func itemEqual(a, b Item) bool {
	return a.OpenItem.Invoice == b.OpenItem.Invoice && a.Seq == b.Seq && sameKeys(a, b) && a.Kind == b.Kind && a.Status == b.Status &&
		a.IssueDate == b.IssueDate && a.DueDate == b.DueDate && a.Gross.Equal(b.Gross) && a.Open.Equal(b.Open) &&
		a.Disputed.Equal(b.Disputed) && a.Discount.Days == b.Discount.Days && a.Discount.Percent.Equal(b.Discount.Percent) &&
		a.OrderRef == b.OrderRef
}

// kill drops entry idx from what matching finds.
func (ix *Index) kill(idx int32) {
	e := &ix.ents[idx]
	if e.dead {
		return
	}
	e.dead = true
	ix.live--
	items := ix.custItems[e.cust]
	if k := slices.Index(items, idx); k >= 0 {
		ix.custItems[e.cust] = slices.Delete(items, k, k+1)
	}
}

// insertCustItem puts idx back among its customer's items, in index order.
func (ix *Index) insertCustItem(c, idx int32) {
	items := ix.custItems[c]
	k, _ := slices.BinarySearch(items, idx)
	ix.custItems[c] = slices.Insert(items, k, idx)
}

// sharedName reports whether a customer other than ci has a name like
// toks (similar enough to be taken for it, or containing all its words:
// a parent's name used by a division): such a name never identifies a
// payer by itself.
func (ix *Index) sharedName(toks []string, ci int32) bool {
	if len(toks) == 0 {
		return true
	}
	seen := map[int32]bool{ci: true}
	for _, t := range toks {
		post := ix.nameTok[t]
		if len(post) > 2000 {
			continue
		}
		for _, c := range post {
			if seen[c] {
				continue
			}
			seen[c] = true
			if NameSimilarity(toks, ix.custs[c].tokens) >= 0.6 || containsAll(ix.custs[c].tokens, toks) {
				return true
			}
		}
	}
	return false
}

func containsAll(set, toks []string) bool {
	for _, t := range toks {
		if !containsStr(set, t) {
			return false
		}
	}
	return true
}

// groupOf returns the customers of ci's groups (ci included), or nil.
func (ix *Index) groupOf(ci int32) []int32 { return ix.groups[ci] }

func uniqTokens(ts []string) []string {
	var out []string
	for _, t := range ts {
		if !containsStr(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsI32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// customer returns the index of customer id, adding it if new.
func (ix *Index) customer(id o2c.CustomerID) int32 {
	if ci, ok := ix.custByID[id]; ok {
		return ci
	}
	ci := int32(len(ix.custs))
	ix.custs = append(ix.custs, custEntry{id: id})
	ix.custItems = append(ix.custItems, nil)
	ix.custByID[id] = ci
	return ci
}

func (ix *Index) put(h uint64, idx int32) {
	prev, ok := ix.byHash[h]
	switch {
	case !ok:
		ix.byHash[h] = idx
	case prev >= 0:
		ix.multi[h] = []int32{prev, idx}
		ix.byHash[h] = -1
	default:
		ix.multi[h] = append(ix.multi[h], idx)
	}
}

// lookup calls fn for each ixEntry stored under h.
func (ix *Index) lookup(h uint64, fn func(int32)) {
	idx, ok := ix.byHash[h]
	if !ok {
		return
	}
	if idx >= 0 {
		if !ix.ents[idx].dead {
			fn(idx)
		}
		return
	}
	for _, i := range ix.multi[h] {
		if !ix.ents[i].dead {
			fn(i)
		}
	}
}

// numberSuffix returns the number from its first digit on ("INV2026000123"
// gives "2026000123"): what payers who drop the prefix write.
func numberSuffix(norm string) string {
	for i := 0; i < len(norm); i++ {
		if norm[i] >= '0' && norm[i] <= '9' {
			return norm[i:]
		}
	}
	return ""
}

// hashString is a polynomial hash (wrapping), so that the hash of a
// one-edit variant can be computed from prefix hashes in constant time.
func hashString(s string) uint64 {
	var h uint64
	for i := 0; i < len(s); i++ {
		h = h*hashBase + uint64(s[i])
	}
	return h
}

// Len returns the number of open items indexed.
func (ix *Index) Len() int { return ix.live }

// fuzzy calls fn for every indexed number at Damerau-Levenshtein distance
// exactly one from w (a normalised window of the remittance text). It
// enumerates w's one-edit variants (deletions, adjacent transpositions,
// substitutions of a digit by a digit or a letter by a letter, insertions
// of a digit), hashes each in constant time and verifies every hit.
func (ix *Index) fuzzy(w string, fn func(int32)) {
	n := len(w)
	if n < ix.opts.MinFuzzyLength || n < ix.minLen-1 || n > ix.maxLen+1 {
		return
	}
	var pbuf, wbuf [48]uint64
	if n+2 > len(pbuf) {
		return
	}
	P, pow := pbuf[:n+1], wbuf[:n+2]
	pow[0] = 1
	for i := 1; i < len(pow); i++ {
		pow[i] = pow[i-1] * hashBase
	}
	for i := 0; i < n; i++ {
		P[i+1] = P[i]*hashBase + uint64(w[i])
	}
	full := P[n]
	suffix := func(j int) uint64 { return full - P[j]*pow[n-j] }
	seen := make(map[int32]bool, 4)
	try := func(h uint64) {
		ix.lookup(h^saltNumber, func(e int32) {
			if seen[e] {
				return
			}
			seen[e] = true
			norm := ix.ents[e].norm
			if d := len(norm) - n; d > 1 || d < -1 {
				return
			}
			if len(norm) >= ix.opts.MinFuzzyLength && norm != w && Distance(norm, w) == 1 {
				fn(e)
			}
		})
	}
	for i := 0; i < n; i++ { // deletions
		try(P[i]*pow[n-1-i] + suffix(i+1))
	}
	for i := 0; i+1 < n; i++ { // transpositions
		if w[i] != w[i+1] {
			a, b := uint64(w[i]), uint64(w[i+1])
			try(full + (b-a)*pow[n-1-i] + (a-b)*pow[n-2-i])
		}
	}
	for i := 0; i < n; i++ { // substitutions
		c := w[i]
		lo, hi := byte('A'), byte('Z')
		if c >= '0' && c <= '9' {
			lo, hi = '0', '9'
		}
		for r := lo; r <= hi; r++ {
			if r != c {
				try(full + (uint64(r)-uint64(c))*pow[n-1-i])
			}
		}
	}
	for i := 0; i <= n; i++ { // insertions of a digit
		head := P[i] * pow[n-i+1]
		tail := suffix(i)
		for r := byte('0'); r <= '9'; r++ {
			try(head + uint64(r)*pow[n-i] + tail)
		}
	}
}

// windows returns the normalised candidates for invoice numbers and
// references in text: runs of one to three consecutive alphanumeric
// tokens joined without separators, each containing a digit.
func textWindows(text string, out []string) []string {
	var toks []string
	start := -1
	for i := 0; i <= len(text); i++ {
		alnum := i < len(text) && isAlnumByte(text[i])
		if alnum && start < 0 {
			start = i
		}
		if !alnum && start >= 0 {
			toks = append(toks, NormalizeNumber(text[start:i]))
			start = -1
		}
	}
	for i := range toks {
		w := ""
		digit := false
		for j := i; j < len(toks) && j < i+3; j++ {
			w += toks[j]
			if len(w) > 30 {
				break
			}
			if !digit && strings.ContainsAny(toks[j], "0123456789") {
				digit = true
			}
			if digit && len(w) >= 4 {
				out = append(out, w)
			}
		}
	}
	return out
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// rfInText returns the valid RF references written in text, possibly in
// groups of four ("RF18 5390 0754 7034").
func rfInText(text string) []string {
	up := strings.ToUpper(text)
	var out []string
	for off := 0; ; {
		i := strings.Index(up[off:], "RF")
		if i < 0 {
			return out
		}
		i += off
		off = i + 2
		if i > 0 && isAlnumByte(up[i-1]) {
			continue
		}
		var b []byte
		for j := i; j < len(up) && len(b) < 25; j++ {
			c := up[j]
			if isAlnumByte(c) {
				b = append(b, c)
			} else if c != ' ' {
				break
			}
		}
		for l := len(b); l >= 5; l-- {
			if ValidRF(string(b[:l])) {
				out = append(out, string(b[:l]))
			}
		}
	}
}
