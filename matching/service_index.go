package matching

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"hash"
	"io"
	"sort"
	"sync"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// serviceIndex keeps what [Service.Propose] needs between calls, so that a
// statement costs the engine's work on its lines and not a reload of the
// tenant's invoices:
//
//   - the open receivables are read from the invoice store's due-line query
//     columns ([invoice.Store.DueLines]), never by decoding documents;
//   - the structured reference of each invoice is computed once (numbers
//     do not change after issue);
//   - the engine's [Index] is kept with a digest of its input (open amounts
//     and statuses, customers, mappings, end-to-end ids) and rebuilt only
//     when that input changed (a payment applied, an invoice issued, a
//     payer learned), so that consecutive statements share it.
//
// Reads happen in Propose's transaction, so the index always reflects
// what that transaction sees; a digest that differs rebuilds it.
type serviceIndex struct {
	mu     sync.Mutex
	refs   map[invoice.ID]string
	digest [sha256.Size]byte
	ix     *Index
}

// items returns the tenant's open invoices and deposit invoices (not
// disputed ones) as engine items, in creation order, from their due lines.
func (s *Service) items(ctx context.Context) ([]Item, error) {
	lines, err := s.stores.Invoices.DueLines(ctx, invoice.OpenItemFilter{})
	if err != nil {
		return nil, err
	}
	by := make(map[invoice.ID]int, len(lines))
	out := make([]Item, 0, len(lines))
	for _, l := range lines {
		if l.Status != invoice.StateIssued && l.Status != invoice.StatePartiallyPaid {
			continue
		}
		i, ok := by[l.Invoice]
		if !ok {
			by[l.Invoice] = len(out)
			out = append(out, Item{OpenItem: l.OpenItem, Discount: l.Discount})
			continue
		}
		it := &out[i]
		it.Open = sumMoney(it.Open, l.Open)
		it.Disputed = sumMoney(it.Disputed, l.Disputed)
		if l.DueDate.Before(it.DueDate) { // lines come by due date; keep the earliest open line's terms
			it.DueDate, it.Discount = l.DueDate, l.Discount
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Invoice.String() < out[j].Invoice.String() })
	if err := s.references(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// references fills the items' structured references, computing each once.
func (s *Service) references(ctx context.Context, items []Item) error {
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	if s.index.refs == nil {
		s.index.refs = map[invoice.ID]string{}
	}
	for i := range items {
		it := &items[i]
		if r, ok := s.index.refs[it.Invoice]; ok {
			it.Reference = r
			continue
		}
		var r string
		if s.customRef {
			inv, err := s.stores.Invoices.Get(ctx, it.Invoice)
			if err != nil {
				return err
			}
			r = s.opts.Reference(inv)
		} else {
			r, _ = RFReferenceForNumber(it.Number)
		}
		s.index.refs[it.Invoice] = r
		it.Reference = r
	}
	return nil
}

func writeStr(h hash.Hash, s string) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	io.WriteString(h, s)
}

// digestOf hashes everything NewIndex reads from in.
func digestOf(in Input) [sha256.Size]byte {
	h := sha256.New()
	buf := make([]byte, 0, 256)
	num := func(v int64) { buf = binary.LittleEndian.AppendUint64(buf, uint64(v)) }
	money := func(m o2c.Money) {
		if u, err := m.MinorUnits(); err == nil {
			num(u)
			buf = append(buf, m.Currency().Code()...)
			return
		}
		buf = append(buf, m.String()...) // not in minor units: the engine leaves it out, hash it anyway
		buf = append(buf, 0)
	}
	for _, it := range in.Items {
		buf = buf[:0]
		id := [16]byte(it.Invoice.UUID())
		buf = append(buf, id[:]...)
		cid := [16]byte(it.Customer.UUID())
		buf = append(buf, cid[:]...)
		for _, s := range []string{it.Number, string(it.Kind), string(it.Status), it.OrderRef, it.Reference} {
			num(int64(len(s)))
			buf = append(buf, s...)
		}
		for _, d := range []o2c.Date{it.IssueDate, it.DueDate} {
			num(int64(d.Year()*10000 + int(d.Month())*100 + d.Day()))
		}
		money(it.Gross)
		money(it.Open)
		money(it.Disputed)
		buf = append(buf, it.Discount.Percent.String()...)
		num(int64(it.Discount.Days))
		h.Write(buf)
	}
	writeStr(h, "|customers")
	for _, c := range in.Customers {
		writeStr(h, c.ID.String())
		writeStr(h, c.Name)
		for _, iban := range c.IBANs {
			writeStr(h, iban)
		}
		writeStr(h, "|")
	}
	writeStr(h, "|mappings")
	b, _ := json.Marshal(in.Mappings)
	h.Write(b)
	writeStr(h, "|groups")
	for _, g := range in.Groups {
		for _, c := range g {
			writeStr(h, c.String())
		}
		writeStr(h, "|")
	}
	writeStr(h, "|e2e")
	keys := make([]string, 0, len(in.EndToEnd))
	for k := range in.EndToEnd {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		writeStr(h, k)
		writeStr(h, in.EndToEnd[k].String())
	}
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out
}

// engineIndex returns the engine's index of in, reusing the last one when
// in is what it was built from.
func (s *Service) engineIndex(in Input) (*Index, error) {
	d := digestOf(in)
	s.index.mu.Lock()
	if s.index.ix != nil && s.index.digest == d {
		ix := s.index.ix
		s.index.mu.Unlock()
		return ix, nil
	}
	s.index.mu.Unlock()
	ix, err := NewIndex(in, s.opts.Engine)
	if err != nil {
		return nil, err
	}
	s.index.mu.Lock()
	s.index.ix, s.index.digest = ix, d
	s.index.mu.Unlock()
	return ix, nil
}
