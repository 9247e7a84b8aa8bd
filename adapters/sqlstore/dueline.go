package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// syncDueLines rewrites the invoice's rows in o2c_invoice_due_lines and
// o2c_invoice_settlements (migration 0009) from the document, in the
// transaction that saves it: the due lines ([invoice.DueLinesOf]) and the
// dated settlement facts ([invoice.SettlementFacts]).
func syncDueLines(ctx context.Context, q querier, tenant o2c.TenantID, s *invoice.Snapshot) error {
	id := s.ID.String()
	for _, t := range []string{"o2c_invoice_due_lines", "o2c_invoice_settlements", "o2c_invoice_settled_periods"} {
		if _, err := q.ExecContext(ctx, "DELETE FROM "+t+" WHERE tenant = $1 AND invoice_id = $2", string(tenant), id); err != nil {
			return err
		}
	}
	if s.Status == invoice.StateDraft {
		return nil
	}
	inv, err := invoice.FromSnapshot(*s)
	if err != nil {
		return err
	}
	lines := invoice.DueLinesOf(inv)
	facts := invoice.SettlementFacts(inv)
	for _, l := range lines {
		var pct any
		var days any
		if !l.Discount.IsZero() {
			pct, days = l.Discount.Percent.String(), l.Discount.Days
		}
		cur := l.Open.Currency().Code()
		if _, err := q.ExecContext(ctx, `INSERT INTO o2c_invoice_due_lines (tenant, invoice_id, seq, lines, kind, status, customer_id,
			number, currency, gross, issue_date, due_date, order_ref, amount, open_amount, disputed_amount, discount_percent, discount_days, closed_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			string(tenant), id, l.Seq, l.Lines, string(l.Kind), string(l.Status), l.Customer.String(), l.Number, cur,
			l.Gross.AmountString(), l.IssueDate, l.DueDate, invNullString(l.OrderRef), l.Amount.AmountString(), l.Open.AmountString(),
			l.Disputed.AmountString(), pct, days, l.ClosedOn); err != nil {
			return err
		}
		for _, f := range facts {
			if f.Seq != l.Seq {
				continue
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO o2c_invoice_settlements (tenant, invoice_id, allocation_id, seq, kind, value_date, amount,
				reversed_on, doc_kind, customer_id, currency, issue_date, due_date, line_closed_on)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				string(tenant), id, f.Allocation, f.Seq, string(f.Kind), f.Date, f.Amount.AmountString(), f.ReversedOn,
				string(l.Kind), l.Customer.String(), cur, l.IssueDate, l.DueDate, l.ClosedOn); err != nil {
				return err
			}
		}
		for _, p := range l.SettledPeriods(facts) {
			if p.To.IsZero() {
				continue // the final run is closed_on
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO o2c_invoice_settled_periods (tenant, invoice_id, seq, from_date, to_date,
				doc_kind, customer_id, currency, issue_date, due_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				string(tenant), id, l.Seq, p.From, p.To, string(l.Kind), l.Customer.String(), cur, l.IssueDate, l.DueDate); err != nil {
				return err
			}
		}
	}
	return nil
}

// DueLines implements invoice.Store from o2c_invoice_due_lines alone.
func (s *Invoices) DueLines(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.DueLine, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	args := []any{}
	where := []string{
		invIn("status", []invoice.State{invoice.StateIssued, invoice.StatePartiallyPaid, invoice.StateDisputed}, &args),
		invIn("kind", f.EffectiveKinds(), &args),
		"closed_on IS NULL", // NULL exactly while something is open on the line
	}
	if !f.Customer.IsZero() {
		where = append(where, "customer_id = "+invArg(&args, f.Customer.String()))
	}
	if !f.Invoice.IsZero() {
		where = append(where, "invoice_id = "+invArg(&args, f.Invoice.String()))
	}
	if !f.Currency.IsZero() {
		where = append(where, "currency = "+invArg(&args, f.Currency.Code()))
	}
	if !f.DueTo.IsZero() {
		where = append(where, "due_date <= "+invArg(&args, f.DueTo))
	}
	sqlq := `SELECT invoice_id, seq, lines, number, kind, status, customer_id, issue_date, due_date, order_ref, currency, gross,
		amount, open_amount, disputed_amount, discount_percent, discount_days, closed_on
		FROM o2c_invoice_due_lines WHERE tenant = $1 AND ` + strings.Join(where, " AND ") + ` ORDER BY due_date, invoice_id, seq`
	if f.Limit > 0 {
		sqlq += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := s.db.reader(ctx).QueryContext(ctx, sqlq, append([]any{string(s.tenant)}, args...)...)
	if err != nil {
		return nil, s.db.translate(err)
	}
	defer rows.Close()
	var out []invoice.DueLine
	for rows.Next() {
		var (
			l                             invoice.DueLine
			orderRef, pct                 *string
			days                          *int
			kind, status, currency        string
			gross, amount, open, disputed string
			issueDate, dueDate, closedOn  o2c.Date
			customer                      o2c.CustomerID
		)
		if err := rows.Scan(&l.Invoice, &l.Seq, &l.Lines, &l.Number, &kind, &status, &customer, &issueDate, &dueDate, &orderRef, &currency,
			&gross, &amount, &open, &disputed, &pct, &days, &closedOn); err != nil {
			return nil, err
		}
		l.Kind, l.Status, l.Customer, l.IssueDate, l.DueDate, l.ClosedOn = invoice.Kind(kind), invoice.State(status), customer, issueDate, dueDate, closedOn
		if orderRef != nil {
			l.OrderRef = *orderRef
		}
		cur := strings.TrimSpace(currency)
		for _, m := range []struct {
			dst *o2c.Money
			src string
		}{{&l.Gross, gross}, {&l.Amount, amount}, {&l.Open, open}, {&l.Disputed, disputed}} {
			if *m.dst, err = o2c.NewMoney(m.src, cur); err != nil {
				return nil, fmt.Errorf("o2c sql: invoice %s line %d: %w", l.Invoice, l.Seq, err)
			}
		}
		if pct != nil && days != nil {
			if l.Discount.Percent, err = decimal.NewFromString(*pct); err != nil {
				return nil, fmt.Errorf("o2c sql: invoice %s line %d: discount: %w", l.Invoice, l.Seq, err)
			}
			l.Discount.Days = *days
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.paidParts(ctx, out)
}

// paidParts fills the lines' Paid from o2c_invoice_settlements: the facts
// not reversed, by value date.
func (s *Invoices) paidParts(ctx context.Context, lines []invoice.DueLine) error {
	var ids []string
	at := map[invoice.DueLineKey]int{}
	for i, l := range lines {
		at[l.Key()] = i
		if len(ids) == 0 || ids[len(ids)-1] != l.Invoice.String() {
			ids = append(ids, l.Invoice.String())
		}
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{}
		in := invIn("invoice_id", chunk, &args)
		rows, err := s.db.reader(ctx).QueryContext(ctx, `SELECT invoice_id, seq, value_date, amount, currency FROM o2c_invoice_settlements
			WHERE tenant = $1 AND reversed_on IS NULL AND `+in+` ORDER BY value_date, invoice_id, seq, allocation_id`,
			append([]any{string(s.tenant)}, args...)...)
		if err != nil {
			return s.db.translate(err)
		}
		for rows.Next() {
			var (
				id           invoice.ID
				seq          int
				d            o2c.Date
				amount, curr string
			)
			if err := rows.Scan(&id, &seq, &d, &amount, &curr); err != nil {
				rows.Close()
				return err
			}
			i, ok := at[invoice.DueLineKey{Invoice: id, Seq: seq}]
			if !ok {
				continue
			}
			m, err := o2c.NewMoney(amount, strings.TrimSpace(curr))
			if err != nil {
				rows.Close()
				return fmt.Errorf("o2c sql: invoice %s line %d: settlement: %w", id, seq, err)
			}
			lines[i].Paid = append(lines[i].Paid, invoice.LatePaymentPart{Date: d, Amount: m})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
