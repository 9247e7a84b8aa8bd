package credit

import (
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// History turns invoices (of one customer and currency) into scoring
// records: each open or paid invoice with its gross, due date, whether it
// was ever disputed, and for a paid one the date of the settlement that
// completed it. For a payment that date is the payment's value date when
// valueDate knows it (look payments up in the invoice.PaymentStore), else
// the day the allocation was made. Drafts, credit notes, cancelled and
// written-off invoices are left out.
func History(invoices []*invoice.Invoice, valueDate func(invoice.PaymentID) (o2c.Date, bool)) []InvoiceRecord {
	var out []InvoiceRecord
	for _, inv := range invoices {
		if inv.Kind() == invoice.KindCreditNote {
			continue
		}
		st := inv.Status()
		if st != invoice.StatePaid && !st.IsOpen() {
			continue
		}
		r := InvoiceRecord{Amount: inv.Gross(), DueDate: inv.DueDate(), Disputed: len(inv.Disputes()) > 0}
		if st == invoice.StatePaid {
			for _, s := range inv.Settlements() {
				if s.Reversed {
					continue
				}
				on := o2c.DateOf(s.At)
				if s.Kind == invoice.SettledByPayment && valueDate != nil {
					if id, err := o2c.ParseID[invoice.Payment](s.Source); err == nil {
						if vd, ok := valueDate(id); ok {
							on = vd
						}
					}
				}
				if on.After(r.PaidOn) {
					r.PaidOn = on
				}
			}
		}
		out = append(out, r)
	}
	return out
}
