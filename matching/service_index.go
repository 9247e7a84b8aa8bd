package matching

import (
	"context"
	"sort"
	"sync"

	"github.com/cashcycle/sdk/invoice"
)

// serviceIndex keeps what [Service.Propose] needs between calls, so that a
// statement costs the engine's work on its lines and not a reload of the
// tenant's invoices:
//
//   - the open receivables are read from the invoice store's due-line query
//     columns ([invoice.Store.DueLines]), never by decoding documents;
//   - the structured reference of each invoice is computed once (numbers
//     do not change after issue);
//   - the engine's [Index] is built once and then brought to each
//     Propose's input with [Index.Update], which costs what changed (a
//     payment applied, an invoice issued, a payer learned), not a rebuild.
//
// Reads happen in Propose's transaction, and the whole input is compared
// with what the index holds, so the index always reflects what that
// transaction sees.
type serviceIndex struct {
	mu   sync.Mutex
	refs map[invoice.ID]string
	ix   *Index
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

// match brings the service's engine index to in (built on first use,
// then updated in place at the cost of what changed: [Index.Update]) and
// matches lines against it, under the index's lock.
func (s *Service) match(in Input, lines []Line) ([]Result, error) {
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	if s.index.ix == nil {
		ix, err := NewIndex(in, s.opts.Engine)
		if err != nil {
			return nil, err
		}
		s.index.ix = ix
	} else {
		s.index.ix.Update(in)
	}
	return s.index.ix.Match(lines), nil
}
