package statementtest

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// WriteMT940 writes sts as an MT940 file (no SWIFT envelope, CRLF line
// ends, each statement ended by "-"), as German banks write it:
//
//	:20: ID  :25: IBAN or account  :28C: Sequence ("1" when empty)
//	:60F:/:60M: opening balance (ITBD is the intermediate M form)
//	:61: value date, entry date (booking date, MMDD), C/D/RC/RD, amount
//	     with a decimal comma, the transaction type and
//	     CustomerReference (NONREF when empty)//BankReference
//	:86: the SEPA form with ?NN subfields: the GVC code, ?00 AdditionalInfo,
//	     ?20-?29 and ?60-?63 "EREF+.. KREF+.. MREF+.. ABWA+.. SVWZ+..",
//	     ?30 BIC, ?31 IBAN or account, ?32/?33 name
//	:62F:/:62M: closing balance, :64: and :65: when given (CLAV, FWAV)
//
// A TransactionCode "NTRF/166" is split into the :61: type (NTRF) and the
// :86: business code (166); a code that is not 4 characters (after an
// optional "/NNN") is refused. A CustomerReference longer than 16
// characters or with a space goes into KREF+. MT940 has no place for
// StructuredRefs or Documents: a statement with either is refused, as is a
// text holding '?' (the subfield separator) or a SEPA key ("EREF+").
func WriteMT940(w io.Writer, sts ...matching.Statement) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, st := range sts {
		if err := writeMT940(bw, st); err != nil {
			return err
		}
	}
	return bw.Flush()
}

var mtBalanceTags = map[string][2]string{
	// balance type -> (tag when first, tag when last)
	"OPBD": {"60F", ""}, "PRCD": {"60F", ""}, "CLBD": {"", "62F"},
	"ITBD": {"60M", "62M"}, "CLAV": {"", "64"}, "FWAV": {"", "65"},
}

func writeMT940(w *bufio.Writer, st matching.Statement) error {
	cur := currency(st)
	if cur.IsZero() {
		return unwritable("statement %q has no currency, balance or line", st.ID)
	}
	if err := checkLines(st, cur); err != nil {
		return err
	}
	if st.ID == "" {
		return unwritable("statement without an ID")
	}
	acct := firstNonEmpty(st.AccountIBAN, st.AccountOther)
	if acct == "" {
		return unwritable("statement %q has no account", st.ID)
	}
	seq := st.Sequence
	if seq == "" {
		seq = "1"
	}
	bals := balances(st)
	var open, rest []matching.Balance
	for i, b := range bals {
		t, ok := mtBalanceTags[b.Type]
		if !ok {
			return unwritable("statement %q: balance type %q has no MT940 tag", st.ID, b.Type)
		}
		if b.Amount.Currency() != cur {
			return unwritable("statement %q: balance %s is not in %s", st.ID, b.Amount, cur)
		}
		if t[0] != "" && (t[1] == "" || i == 0) {
			open = append(open, b)
		} else {
			rest = append(rest, b)
		}
	}
	if st.AccountBIC != "" && st.AccountIBAN != "" {
		acct = st.AccountBIC + "/" + st.AccountIBAN
	}
	fmt.Fprintf(w, ":20:%s\r\n:25:%s\r\n:28C:%s\r\n", st.ID, acct, seq)
	for _, b := range open {
		fmt.Fprintf(w, ":%s:%s\r\n", mtBalanceTags[b.Type][0], mtBalance(b))
	}
	for i := range st.Lines {
		if err := mtLine(w, &st.Lines[i]); err != nil {
			return fmt.Errorf("statement %q line %d: %w", st.ID, i+1, err)
		}
	}
	for _, b := range rest {
		fmt.Fprintf(w, ":%s:%s\r\n", mtBalanceTags[b.Type][1], mtBalance(b))
	}
	_, err := w.WriteString("-\r\n")
	return err
}

func mtBalance(b matching.Balance) string {
	mark := "C"
	if b.Amount.IsNegative() {
		mark = "D"
	}
	return mark + yymmdd(b.Date) + b.Amount.Currency().Code() + mtAmount(b.Amount)
}

func yymmdd(d o2c.Date) string {
	return fmt.Sprintf("%02d%02d%02d", d.Year()%100, int(d.Month()), d.Day())
}

func mtAmount(m o2c.Money) string {
	return strings.Replace(m.Abs().AmountString(), ".", ",", 1)
}

var sepaKeys = []string{"EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+", "COAM+", "OAMT+"}

func mtText(field, s string) error {
	if strings.ContainsAny(s, "?\r\n") {
		return unwritable("%s %q holds '?' or a line break, which MT940 :86: cannot carry", field, s)
	}
	for _, k := range sepaKeys {
		if strings.Contains(s, k) {
			return unwritable("%s %q holds the SEPA key %s", field, s, k)
		}
	}
	return nil
}

func mtLine(w *bufio.Writer, l *matching.Line) error {
	if len(l.StructuredRefs) > 0 || len(l.Documents) > 0 {
		return unwritable("MT940 cannot carry structured references or remittance documents")
	}
	typ, gvc, _ := strings.Cut(l.TransactionCode, "/")
	if typ == "" {
		typ = "NMSC"
	}
	if len(typ) != 4 || typ[0] < 'A' || typ[0] > 'Z' || !isAlnum(typ[1:]) || (gvc != "" && (len(gvc) != 3 || !isDigits(gvc))) {
		return unwritable("transaction code %q is not a 4-character type with an optional /NNN business code", l.TransactionCode)
	}
	for _, f := range []struct{ name, v string }{
		{"AdditionalInfo", l.AdditionalInfo}, {"RemittanceText", l.RemittanceText}, {"EndToEndID", l.EndToEndID},
		{"MandateID", l.MandateID}, {"UltimateParty", l.UltimateParty}, {"CounterpartyName", l.CounterpartyName},
		{"CustomerReference", l.CustomerReference}, {"CounterpartyAccount", l.CounterpartyAccount},
	} {
		if err := mtText(f.name, f.v); err != nil {
			return err
		}
	}
	if strings.Contains(l.BankReference, "//") || strings.ContainsAny(l.BankReference, "\r\n") {
		return unwritable("bank reference %q cannot be written in :61:", l.BankReference)
	}
	mark := "C"
	switch {
	case l.Direction == matching.Debit && l.Reversal:
		mark = "RC"
	case l.Direction == matching.Credit && l.Reversal:
		mark = "RD"
	case l.Direction == matching.Debit:
		mark = "D"
	}
	value, booking := l.ValueDate, l.BookingDate
	if value.IsZero() {
		value = booking
	}
	if value.IsZero() {
		return unwritable("line without a date")
	}
	entry := ""
	if !booking.IsZero() {
		entry = fmt.Sprintf("%02d%02d", int(booking.Month()), booking.Day())
	}
	ref, kref := l.CustomerReference, ""
	if ref == "" {
		ref = "NONREF"
	} else if len(ref) > 16 || strings.ContainsAny(ref, " /") {
		ref, kref = "NONREF", l.CustomerReference
	}
	fmt.Fprintf(w, ":61:%s%s%s%s%s%s", yymmdd(value), entry, mark, mtAmount(l.Amount), typ, ref)
	if l.BankReference != "" {
		w.WriteString("//" + l.BankReference)
	}
	w.WriteString("\r\n")

	var sepa strings.Builder
	for _, kv := range []struct{ key, v string }{
		{"EREF+", l.EndToEndID}, {"KREF+", kref}, {"MREF+", l.MandateID}, {"ABWA+", l.UltimateParty}, {"SVWZ+", l.RemittanceText},
	} {
		if kv.v != "" {
			if sepa.Len() > 0 {
				sepa.WriteByte(' ')
			}
			sepa.WriteString(kv.key + kv.v)
		}
	}
	var f strings.Builder
	f.WriteString(gvc) // none: the field starts "?00", which reads the same without a code
	f.WriteString("?00" + l.AdditionalInfo)
	for i, part := range cut(sepa.String(), 27, 14) {
		n := 20 + i
		if i >= 10 {
			n = 60 + i - 10
		}
		fmt.Fprintf(&f, "?%02d%s", n, part)
	}
	if l.CounterpartyBIC != "" {
		f.WriteString("?30" + l.CounterpartyBIC)
	}
	if a := firstNonEmpty(l.CounterpartyIBAN, l.CounterpartyAccount); a != "" {
		f.WriteString("?31" + a)
	}
	if l.CounterpartyName != "" {
		parts := cut(l.CounterpartyName, 27, 2)
		f.WriteString("?32" + parts[0])
		if len(parts) > 1 {
			f.WriteString("?33" + parts[1])
		}
	}
	for i, ln := range wrap(f.String(), 65) {
		if i == 0 {
			w.WriteString(":86:")
		}
		w.WriteString(ln + "\r\n")
	}
	return nil
}

// cut splits s into at most max pieces of n bytes; the last piece takes the
// rest. The parser joins subfields without a separator, so any cut reads
// back as s.
func cut(s string, n, max int) []string {
	var out []string
	for len(s) > n && len(out) < max-1 {
		c := n
		for c > 0 && s[c]&0xC0 == 0x80 {
			c--
		}
		out = append(out, s[:c])
		s = s[c:]
	}
	return append(out, s)
}

// wrap cuts a :86: value into lines of at most n bytes (the first line
// counts the 4-byte tag). A continuation line never starts with ':', '-' or
// '{', which would read as a tag, an end of statement or an envelope.
func wrap(s string, n int) []string {
	var out []string
	limit := n - 4
	for len(s) > limit {
		c := limit
		for c > 1 && (s[c]&0xC0 == 0x80 || s[c] == ':' || s[c] == '-' || s[c] == '{' || s[c] == ' ') {
			c--
		}
		out = append(out, s[:c])
		s = s[c:]
		limit = n
	}
	return append(out, s)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
