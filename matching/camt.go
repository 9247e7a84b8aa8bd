package matching

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"
)

// ParseCAMT reads an ISO 20022 camt.053 (statement), camt.054 (debit/credit
// notification) or camt.052 (account report) document of any version
// (v02 to v13): elements are matched by their local names and namespaces are
// ignored. Each Stmt, Ntfctn or Rpt becomes a [Statement].
//
// Each Ntry becomes one [Line]; an entry with several TxDtls (a batch)
// becomes one line per TxDtls when every TxDtls states its own amount
// (AmtDtls/TxAmt/Amt or Amt), and one line otherwise. Amounts are kept
// exactly as written, even with more decimals than the currency's minor
// unit. A document that breaks these rules is refused with a *[ParseError]
// whose Element names the offending element.
//
// Balances are checked: in every currency, the opening balance (OPBD, or
// PRCD, or the first ITBD of a page) plus the booked entries (status BOOK or
// none) must equal the closing balance (CLBD, or the last ITBD of a page).
// A camt.053 statement without an opening or closing balance, or one that
// does not balance, is a *[ParseError] wrapping a *[BalanceError] naming the
// statement; a camt.052 report or camt.054 notification is checked when it
// states both. [AcceptPartial] accepts such statements and marks them
// (Statement.Incomplete).
func ParseCAMT(r io.Reader, opts ...ParseOption) ([]Statement, error) {
	data, err := readAll(r, FormatCAMT053)
	if err != nil {
		return nil, err
	}
	return parseCAMT(data, collectOptions(opts))
}

// xnode is one XML element, by local name, with its text and children.
type xnode struct {
	name     string
	attrs    []xml.Attr
	text     string
	children []*xnode
}

// child follows a path of local names, taking the first match at each step.
func (n *xnode) child(path ...string) *xnode {
	cur := n
	for _, p := range path {
		if cur == nil {
			return nil
		}
		var next *xnode
		for _, c := range cur.children {
			if c.name == p {
				next = c
				break
			}
		}
		cur = next
	}
	return cur
}

// text returns the trimmed text of the element at path, or "".
func (n *xnode) textAt(path ...string) string {
	c := n.child(path...)
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.text)
}

// all returns the children with the given local name.
func (n *xnode) all(name string) []*xnode {
	if n == nil {
		return nil
	}
	var out []*xnode
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func (n *xnode) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

const camtMaxDepth = 64

func camtCharset(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "iso-8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "us-ascii", "ascii", "utf8":
		return in, nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q", label)
}

// camtPath tracks the element path for error messages.
type camtPath []string

func (p camtPath) String() string { return strings.Join(p, "/") }

func parseCAMT(data []byte, o parseOptions) ([]Statement, error) {
	var out []Statement
	err := streamCAMT(bytes.NewReader(data), o, func(s Statement) error {
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// streamCAMT reads r and calls fn with each statement (Stmt, Ntfctn, Rpt)
// as soon as its end tag is read: only one statement's element tree is in
// memory at a time.
func streamCAMT(r io.Reader, o parseOptions, fn func(Statement) error) error {
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	d.CharsetReader = camtCharset
	var (
		path       camtPath
		format     Format
		message    string
		root       string
		sawMessage bool
		delivered  int
		counts     = map[string]int{}
	)
	fail := func(el string, err error) error {
		f := format
		if f == "" {
			f = FormatCAMT053
		}
		return &ParseError{Format: f, Element: el, Err: err}
	}
	var open []xml.Name // the elements open above the statements, to check the nesting
	for {
		// RawToken: namespaces are ignored (elements go by local name), so
		// the nesting check Token would do is done here, much cheaper.
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(open) > 0 {
				return fail(path.String(), malformed("XML syntax: unexpected end of document inside %s", open[len(open)-1].Local))
			}
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &ParseError{Format: orCAMT(format), Line: se.Line, Element: path.String(), Err: malformed("XML syntax: %s", se.Msg)}
			}
			return fail(path.String(), malformed("XML: %v", err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if root == "" {
				root = name
				if name != "Document" && !strings.HasPrefix(name, "BkToCstmr") {
					return fail(name, fmt.Errorf("%w: root element %q is not a camt Document", ErrUnknownFormat, name))
				}
			}
			parent := ""
			if len(path) > 0 {
				parent = path[len(path)-1]
			}
			switch name {
			case "BkToCstmrStmt", "BkToCstmrAcctRpt":
				format, sawMessage, message = FormatCAMT053, true, name
			case "BkToCstmrDbtCdtNtfctn":
				format, sawMessage, message = FormatCAMT054, true, name
			}
			if strings.HasPrefix(parent, "BkToCstmr") && (name == "Stmt" || name == "Ntfctn" || name == "Rpt") {
				counts[name]++
				el := fmt.Sprintf("%s/%s[%d]", path.String(), name, counts[name])
				// The statement's own elements make a small tree; each
				// entry is read into a tree of its own, turned into lines
				// and dropped, so a statement's entries are never all
				// held as elements at once.
				sp := newCAMTStatementParser(format, el)
				n, err := buildNode(d, t, len(path)+1, sp.entry)
				if err != nil {
					var pe *ParseError
					if errors.As(err, &pe) {
						return err
					}
					var se *xml.SyntaxError
					if errors.As(err, &se) {
						return &ParseError{Format: format, Line: se.Line, Element: el, Err: malformed("XML syntax: %s", se.Msg)}
					}
					return fail(el, malformed("%v", err))
				}
				st, err := sp.statement(n, message == "BkToCstmrStmt", delivered+1, o)
				if err != nil {
					return err
				}
				delivered++
				if err := fn(st); err != nil {
					return err
				}
				continue
			}
			path = append(path, name)
			open = append(open, t.Name)
			if len(path) > camtMaxDepth {
				return fail(path.String(), malformed("elements nested deeper than %d", camtMaxDepth))
			}
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				return fail(path.String(), malformed("XML syntax: unexpected end element </%s>", rawName(t.Name)))
			}
			open = open[:len(open)-1]
			path = path[:len(path)-1]
		}
	}
	switch {
	case root == "":
		return &ParseError{Format: FormatCAMT053, Err: fmt.Errorf("%w: no XML element", ErrNoStatement)}
	case !sawMessage:
		return fail(root, fmt.Errorf("%w: no BkToCstmrStmt, BkToCstmrDbtCdtNtfctn or BkToCstmrAcctRpt element", ErrUnknownFormat))
	case delivered == 0:
		el := "Document/BkToCstmrStmt/Stmt"
		if format == FormatCAMT054 {
			el = "Document/BkToCstmrDbtCdtNtfctn/Ntfctn"
		}
		return fail(el, fmt.Errorf("%w: the message has no statement (Stmt/Ntfctn element missing)", ErrNoStatement))
	}
	return nil
}

func orCAMT(f Format) Format {
	if f == "" {
		return FormatCAMT053
	}
	return f
}

func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// buildNode reads the element started by start, up to its end, into a
// tree. When onEntry is not nil, each Ntry child of start is read into a
// tree of its own and handed to onEntry instead of joining the tree: the
// entries' trees share one arena, reused from entry to entry (onEntry must
// not keep the tree; the strings it takes from it stay valid).
func buildNode(d *xml.Decoder, start xml.StartElement, depth int, onEntry func(*xnode) error) (*xnode, error) {
	var b, entries xbuilder
	root, err := b.build(d, start, depth, func(t xml.StartElement, depth int) error {
		if onEntry == nil {
			return errNotEntry
		}
		entries.reset()
		e, err := entries.build(d, t, depth, nil)
		if err != nil {
			return err
		}
		return onEntry(e)
	})
	return root, err
}

// errNotEntry tells xbuilder.build that an Ntry is not taken apart.
var errNotEntry = errors.New("not an entry")

// xbuilder builds element trees, reusing its stacks, and, once reset, the
// nodes of the trees it built before.
type xbuilder struct {
	chunks [][]xnode // nodes, in chunks so that pointers stay valid
	used   int       // nodes handed out since the last reset
	stack  []*xnode
	names  []xml.Name
	text   [][]byte
}

const xnodeChunk = 256

// reset makes every node built so far available again.
func (b *xbuilder) reset() { b.used = 0 }

func (b *xbuilder) node(name string, attrs []xml.Attr) *xnode {
	c, i := b.used/xnodeChunk, b.used%xnodeChunk
	if c == len(b.chunks) {
		b.chunks = append(b.chunks, make([]xnode, xnodeChunk))
	}
	b.used++
	n := &b.chunks[c][i]
	*n = xnode{name: name, attrs: attrs, children: n.children[:0]}
	return n
}

// build reads the element started by start into a tree. An Ntry directly
// under start is handed to entry when it is not nil and does not return
// errNotEntry. Only elements without children keep their text.
func (b *xbuilder) build(d *xml.Decoder, start xml.StartElement, depth int, entry func(xml.StartElement, int) error) (*xnode, error) {
	root := b.node(start.Name.Local, start.Attr)
	b.stack = append(b.stack[:0], root)
	b.names = append(b.names[:0], start.Name)
	if cap(b.text) == 0 {
		b.text = append(b.text, nil)
	}
	b.text = b.text[:1]
	b.text[0] = b.text[0][:0]
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("unexpected end of document inside %s", root.name)
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth+len(b.stack) > camtMaxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", camtMaxDepth)
			}
			if entry != nil && len(b.stack) == 1 && t.Name.Local == "Ntry" {
				// the entry builder is another xbuilder: this one's stacks
				// are left as they are
				err := entry(t, depth+1)
				if err == nil {
					continue
				}
				if err != errNotEntry {
					return nil, err
				}
			}
			n := b.node(t.Name.Local, t.Attr)
			top := b.stack[len(b.stack)-1]
			top.children = append(top.children, n)
			b.stack = append(b.stack, n)
			b.names = append(b.names, t.Name)
			if k := len(b.text); k < cap(b.text) {
				b.text = b.text[:k+1]
				b.text[k] = b.text[k][:0]
			} else {
				b.text = append(b.text, nil)
			}
		case xml.CharData:
			if k := len(b.text) - 1; len(b.text[k]) < 1<<16 {
				b.text[k] = append(b.text[k], t...)
			}
		case xml.EndElement:
			if b.names[len(b.names)-1] != t.Name {
				return nil, fmt.Errorf("XML syntax: element <%s> closed by </%s>", rawName(b.names[len(b.names)-1]), rawName(t.Name))
			}
			b.names = b.names[:len(b.names)-1]
			top := b.stack[len(b.stack)-1]
			if len(top.children) == 0 {
				top.text = string(b.text[len(b.text)-1])
			}
			b.stack = b.stack[:len(b.stack)-1]
			b.text = b.text[:len(b.text)-1]
			if len(b.stack) == 0 {
				return root, nil
			}
		}
	}
}

// camtAmount reads an amount element (Amt Ccy="EUR">12.50</Amt>).
func camtAmount(n *xnode, el string, f Format) (o2c.Money, error) {
	if n == nil {
		return o2c.Money{}, &ParseError{Format: f, Element: el, Err: malformed("missing amount")}
	}
	d, err := plainDecimal(strings.TrimSpace(n.text))
	if err != nil {
		return o2c.Money{}, &ParseError{Format: f, Element: el, Err: err}
	}
	cur, err := o2c.ParseCurrency(n.attr("Ccy"))
	if err != nil {
		return o2c.Money{}, &ParseError{Format: f, Element: el + "@Ccy", Err: err}
	}
	m, err := o2c.MoneyOf(d, cur)
	if err != nil {
		return o2c.Money{}, &ParseError{Format: f, Element: el, Err: err}
	}
	return m, nil
}

// camtDate reads a date choice (Dt or DtTm, or the element's own text);
// absent gives the zero Date.
func camtDate(n *xnode, el string, f Format) (o2c.Date, error) {
	if n == nil {
		return o2c.Date{}, nil
	}
	s := n.textAt("Dt")
	sub := "/Dt"
	if s == "" {
		s, sub = n.textAt("DtTm"), "/DtTm"
	}
	if s == "" && len(n.children) == 0 {
		s, sub = strings.TrimSpace(n.text), ""
	}
	if s == "" {
		return o2c.Date{}, nil
	}
	d, err := dateOfISO(s)
	if err != nil {
		return o2c.Date{}, &ParseError{Format: f, Element: el + sub, Err: err}
	}
	return d, nil
}

// dateOfISO takes the calendar date of "2026-11-23" or "2026-11-23T10:00:00+01:00"
// as written (the date in the offset the bank wrote, not converted to UTC).
func dateOfISO(s string) (o2c.Date, error) {
	if len(s) < 10 {
		return o2c.Date{}, malformed("date %q must read YYYY-MM-DD", truncateText(s))
	}
	d, err := o2c.ParseDate(s[:10])
	if err != nil {
		return o2c.Date{}, malformed("date %q must read YYYY-MM-DD", truncateText(s))
	}
	return d, nil
}

func camtDirection(s, el string, f Format) (Direction, error) {
	switch s {
	case "CRDT":
		return Credit, nil
	case "DBIT":
		return Debit, nil
	}
	return "", &ParseError{Format: f, Element: el, Err: malformed("CdtDbtInd %q must be CRDT or DBIT", truncateText(s))}
}

// camtStatementParser turns one statement into a [Statement]: its entries
// one by one as they are read ([camtStatementParser.entry]), then the
// statement's own elements ([camtStatementParser.statement]).
type camtStatementParser struct {
	f       Format
	el      string
	entries int
	lines   lineChunks
	moves   []camtMove // booked entries, for the balance check
}

// camtMove is what a booked entry moves the balance by.
type camtMove struct {
	amt o2c.Money
	dir Direction
}

func newCAMTStatementParser(f Format, el string) *camtStatementParser {
	return &camtStatementParser{f: f, el: el}
}

// entry turns one Ntry into lines.
func (p *camtStatementParser) entry(e *xnode) error {
	p.entries++
	lines, err := camtEntry(e, p.f, fmt.Sprintf("%s/Ntry[%d]", p.el, p.entries))
	if err != nil {
		return err
	}
	for _, l := range lines {
		p.lines.add(l)
	}
	switch strings.ToUpper(firstNonEmpty(e.textAt("Sts", "Cd"), e.textAt("Sts", "Prtry"), e.textAt("Sts"))) {
	case "", "BOOK":
		// The entry amount, not the lines: a batch split into lines
		// sums to it, an unsplit one is one line of that amount.
		amt, _ := camtAmount(e.child("Amt"), "", p.f)
		dir, _ := camtDirection(e.textAt("CdtDbtInd"), "", p.f)
		p.moves = append(p.moves, camtMove{amt, dir})
	}
	return nil
}

// statement builds the statement from n (its elements but the entries,
// which [camtStatementParser.entry] took).
func (p *camtStatementParser) statement(n *xnode, isStatement bool, index int, o parseOptions) (Statement, error) {
	for _, e := range n.all("Ntry") { // a tree built without the hook
		if err := p.entry(e); err != nil {
			return Statement{}, err
		}
	}
	return camtStatement(n, p.f, p.el, isStatement, index, o, p)
}

func camtStatement(n *xnode, f Format, el string, isStatement bool, index int, o parseOptions, p *camtStatementParser) (Statement, error) {
	st := Statement{
		Format:    f,
		ID:        n.textAt("Id"),
		Sequence:  n.textAt("ElctrncSeqNb"),
		CreatedAt: n.textAt("CreDtTm"),
	}
	if st.Sequence == "" {
		st.Sequence = n.textAt("LglSeqNb")
	}
	if ft := n.child("FrToDt"); ft != nil {
		var err error
		if s := ft.textAt("FrDtTm"); s != "" {
			if st.From, err = dateOfISO(s); err != nil {
				return st, &ParseError{Format: f, Element: el + "/FrToDt/FrDtTm", Err: err}
			}
		} else if s := ft.textAt("FrDt"); s != "" {
			if st.From, err = dateOfISO(s); err != nil {
				return st, &ParseError{Format: f, Element: el + "/FrToDt/FrDt", Err: err}
			}
		}
		if s := ft.textAt("ToDtTm"); s != "" {
			if st.To, err = dateOfISO(s); err != nil {
				return st, &ParseError{Format: f, Element: el + "/FrToDt/ToDtTm", Err: err}
			}
		} else if s := ft.textAt("ToDt"); s != "" {
			if st.To, err = dateOfISO(s); err != nil {
				return st, &ParseError{Format: f, Element: el + "/FrToDt/ToDt", Err: err}
			}
		}
	}
	if acct := n.child("Acct"); acct != nil {
		if iban := acct.textAt("Id", "IBAN"); iban != "" {
			if c := compactIBAN(iban); c != "" {
				st.AccountIBAN = c
			} else {
				st.AccountOther = iban
			}
		} else {
			st.AccountOther = acct.textAt("Id", "Othr", "Id")
		}
		st.AccountBIC = firstNonEmpty(acct.textAt("Svcr", "FinInstnId", "BICFI"), acct.textAt("Svcr", "FinInstnId", "BIC"))
		if c := acct.textAt("Ccy"); c != "" {
			cur, err := o2c.ParseCurrency(c)
			if err != nil {
				return st, &ParseError{Format: f, Element: el + "/Acct/Ccy", Err: err}
			}
			st.Currency = cur
		}
	}
	for i, b := range n.all("Bal") {
		bel := fmt.Sprintf("%s/Bal[%d]", el, i+1)
		typ := firstNonEmpty(b.textAt("Tp", "CdOrPrtry", "Cd"), b.textAt("Tp", "CdOrPrtry", "Prtry"), b.textAt("Tp", "Cd"))
		amt, err := camtAmount(b.child("Amt"), bel+"/Amt", f)
		if err != nil {
			return st, err
		}
		dir, err := camtDirection(b.textAt("CdtDbtInd"), bel+"/CdtDbtInd", f)
		if err != nil {
			return st, err
		}
		if dir == Debit {
			amt = amt.Neg()
		}
		date, err := camtDate(b.child("Dt"), bel+"/Dt", f)
		if err != nil {
			return st, err
		}
		st.Balances = append(st.Balances, Balance{Type: typ, Amount: amt, Date: date})
	}
	for i := range st.Balances {
		b := &st.Balances[i]
		switch b.Type {
		case "OPBD":
			st.OpeningBalance = b
		case "PRCD":
			if st.OpeningBalance == nil {
				st.OpeningBalance = b
			}
		case "CLBD":
			st.ClosingBalance = b
		}
	}
	check := balanceCheck{needOpening: isStatement, needClosing: isStatement}
	camtBalances(&check, st.Balances)
	for _, m := range p.moves {
		check.move(m.amt, m.dir)
	}
	st.Lines = p.lines.flatten()
	finishStatement(&st)
	if be := settle(&st, check.check(&st, index), o); be != nil {
		return st, &ParseError{Format: f, Element: el, Err: be}
	}
	return st, nil
}

// camtBalances picks each currency's opening and closing balance: OPBD (or
// PRCD) and CLBD; on a page of a paginated statement, which has no OPBD or
// CLBD, the first and last ITBD.
func camtBalances(c *balanceCheck, bals []Balance) {
	for _, typ := range []string{"OPBD", "PRCD"} {
		for _, b := range bals {
			if b.Type == typ {
				c.setOpening(b.Amount)
			}
		}
	}
	for _, b := range bals {
		if b.Type == "CLBD" {
			c.setClosing(b.Amount)
		}
	}
	var first, last = map[o2c.Currency]int{}, map[o2c.Currency]int{}
	for i, b := range bals {
		if b.Type != "ITBD" {
			continue
		}
		cur := b.Amount.Currency()
		if _, ok := first[cur]; !ok {
			first[cur] = i
		}
		last[cur] = i
	}
	for cur, i := range first {
		_, hasOp := c.opening[cur]
		_, hasCl := c.closing[cur]
		switch {
		case !hasOp && !hasCl && last[cur] != i:
			c.setOpening(bals[i].Amount)
			c.setClosing(bals[last[cur]].Amount)
		case !hasOp && hasCl:
			c.setOpening(bals[i].Amount)
		case hasOp && !hasCl:
			c.setClosing(bals[last[cur]].Amount)
		}
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func camtBankCode(n *xnode) string {
	if n == nil {
		return ""
	}
	if dom := n.child("Domn"); dom != nil {
		parts := []string{dom.textAt("Cd"), dom.textAt("Fmly", "Cd"), dom.textAt("Fmly", "SubFmlyCd")}
		var nonEmpty []string
		for _, p := range parts {
			if p != "" {
				nonEmpty = append(nonEmpty, p)
			}
		}
		if len(nonEmpty) > 0 {
			return strings.Join(nonEmpty, "/")
		}
	}
	return n.textAt("Prtry", "Cd")
}

func camtEntry(e *xnode, f Format, el string) ([]Line, error) {
	amt, err := camtAmount(e.child("Amt"), el+"/Amt", f)
	if err != nil {
		return nil, err
	}
	if amt.IsNegative() {
		return nil, &ParseError{Format: f, Element: el + "/Amt", Err: malformed("entry amount must not be negative")}
	}
	dir, err := camtDirection(e.textAt("CdtDbtInd"), el+"/CdtDbtInd", f)
	if err != nil {
		return nil, err
	}
	base := Line{Amount: amt, Direction: dir}
	switch strings.ToLower(e.textAt("RvslInd")) {
	case "true", "1":
		base.Reversal = true
	}
	if base.BookingDate, err = camtDate(e.child("BookgDt"), el+"/BookgDt", f); err != nil {
		return nil, err
	}
	if base.ValueDate, err = camtDate(e.child("ValDt"), el+"/ValDt", f); err != nil {
		return nil, err
	}
	base.BankReference = e.textAt("AcctSvcrRef")
	base.TransactionCode = camtBankCode(e.child("BkTxCd"))
	base.AdditionalInfo = cleanText(e.textAt("AddtlNtryInf"))

	var txs []*xnode
	for _, nd := range e.all("NtryDtls") {
		txs = append(txs, nd.all("TxDtls")...)
	}
	if len(txs) == 0 {
		return []Line{base}, nil
	}
	// Split a batch only when every transaction states its own amount.
	split := len(txs) > 1
	amounts := make([]*xnode, len(txs))
	for i, tx := range txs {
		a := tx.child("AmtDtls", "TxAmt", "Amt")
		if a == nil {
			a = tx.child("Amt")
		}
		amounts[i] = a
		if a == nil {
			split = false
		}
	}
	// ... and when those amounts, in the entry's currency, add up to the
	// entry's amount: otherwise the lines would not sum to what was booked,
	// and the entry stays one line of its booked amount.
	if split {
		sum := decimal.Zero
		for i, tx := range txs {
			m, err := camtAmount(amounts[i], "", f)
			if err != nil || m.Currency() != amt.Currency() {
				split = false
				break
			}
			d := m.Amount()
			if txDir := tx.textAt("CdtDbtInd"); txDir != "" && txDir != e.textAt("CdtDbtInd") {
				d = d.Neg()
			}
			sum = sum.Add(d)
		}
		if split && !sum.Equal(amt.Amount()) {
			split = false
		}
	}
	if !split {
		l := base
		for i, tx := range txs {
			if err := camtTxInto(&l, tx, i == 0, fmt.Sprintf("%s/NtryDtls/TxDtls[%d]", el, i+1), f); err != nil {
				return nil, err
			}
		}
		return []Line{l}, nil
	}
	out := make([]Line, 0, len(txs))
	for i, tx := range txs {
		tel := fmt.Sprintf("%s/NtryDtls/TxDtls[%d]", el, i+1)
		l := base
		aEl := tel + "/Amt"
		if tx.child("AmtDtls", "TxAmt", "Amt") != nil {
			aEl = tel + "/AmtDtls/TxAmt/Amt"
		}
		if l.Amount, err = camtAmount(amounts[i], aEl, f); err != nil {
			return nil, err
		}
		if l.Amount.IsNegative() {
			return nil, &ParseError{Format: f, Element: aEl, Err: malformed("transaction amount must not be negative")}
		}
		if s := tx.textAt("CdtDbtInd"); s != "" {
			if l.Direction, err = camtDirection(s, tel+"/CdtDbtInd", f); err != nil {
				return nil, err
			}
		}
		if err := camtTxInto(&l, tx, true, tel, f); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// camtParty returns a party's name from v02-v07 (Dbtr/Nm) or v08+ (Dbtr/Pty/Nm).
func camtParty(n *xnode) string {
	if n == nil {
		return ""
	}
	return cleanText(firstNonEmpty(n.textAt("Nm"), n.textAt("Pty", "Nm"), n.textAt("Agt", "FinInstnId", "Nm")))
}

func camtAccount(n *xnode) (iban, other string) {
	if n == nil {
		return "", ""
	}
	if s := n.textAt("Id", "IBAN"); s != "" {
		if c := compactIBAN(s); c != "" {
			return c, ""
		}
		return "", s
	}
	return "", n.textAt("Id", "Othr", "Id")
}

func camtBIC(n *xnode) string {
	if n == nil {
		return ""
	}
	return firstNonEmpty(n.textAt("FinInstnId", "BICFI"), n.textAt("FinInstnId", "BIC"))
}

// camtTxInto fills l from one TxDtls; first says whether this is the first
// (or only) transaction of the line, whose party and references win. el
// is the TxDtls element path for errors.
func camtTxInto(l *Line, tx *xnode, first bool, el string, f Format) error {
	set := func(dst *string, v string) {
		if v != "" && (*dst == "" || first) {
			*dst = v
		}
	}
	refs := tx.child("Refs")
	if e2e := refs.textAtSafe("EndToEndId"); e2e != "" && !strings.EqualFold(e2e, "NOTPROVIDED") {
		set(&l.EndToEndID, e2e)
	}
	set(&l.MandateID, refs.textAtSafe("MndtId"))
	set(&l.BankReference, refs.textAtSafe("AcctSvcrRef"))
	if l.TransactionCode == "" {
		l.TransactionCode = camtBankCode(tx.child("BkTxCd"))
	}
	parties := tx.child("RltdPties")
	agents := tx.child("RltdAgts")
	party, acct, ult, agent := "Dbtr", "DbtrAcct", "UltmtDbtr", "DbtrAgt"
	if l.Direction == Debit {
		party, acct, ult, agent = "Cdtr", "CdtrAcct", "UltmtCdtr", "CdtrAgt"
	}
	if parties != nil {
		set(&l.CounterpartyName, camtParty(parties.child(party)))
		iban, other := camtAccount(parties.child(acct))
		set(&l.CounterpartyIBAN, iban)
		set(&l.CounterpartyAccount, other)
		set(&l.UltimateParty, camtParty(parties.child(ult)))
	}
	set(&l.CounterpartyBIC, camtBIC(agents.childSafe(agent)))
	if rmt := tx.child("RmtInf"); rmt != nil {
		texts := []string{l.RemittanceText}
		for _, u := range rmt.all("Ustrd") {
			texts = append(texts, u.text)
		}
		for si, s := range rmt.all("Strd") {
			docs, err := camtDocuments(s, fmt.Sprintf("%s/RmtInf/Strd[%d]", el, si+1), f)
			if err != nil {
				return err
			}
			l.Documents = append(l.Documents, docs...)
			for _, c := range s.all("CdtrRefInf") {
				if ref := cleanText(c.textAt("Ref")); ref != "" {
					l.StructuredRefs = appendUnique(l.StructuredRefs, ref)
				}
			}
			for _, a := range s.all("AddtlRmtInf") {
				texts = append(texts, a.text)
			}
		}
		l.RemittanceText = joinText(texts...)
	}
	if info := cleanText(tx.textAt("AddtlTxInf")); info != "" {
		l.AdditionalInfo = joinText(l.AdditionalInfo, info)
	}
	return nil
}

func (n *xnode) textAtSafe(path ...string) string {
	if n == nil {
		return ""
	}
	return n.textAt(path...)
}

func (n *xnode) childSafe(path ...string) *xnode {
	if n == nil {
		return nil
	}
	return n.child(path...)
}

func appendUnique(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// decimalFromDigits builds digits × 10^-scale.
func decimalFromDigits(digits string, scale int) (decimal.Decimal, error) {
	if digits == "" {
		return decimal.Decimal{}, malformed("empty amount")
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return decimal.Decimal{}, malformed("amount %q is not numeric", truncateText(digits))
		}
	}
	s := strings.TrimLeft(digits, "0")
	if s == "" {
		s = "0"
	}
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	return o2c.ParseAmount(s)
}
