package memory

import (
	"context"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// AgingReports is the in-memory report.AgingSource of one tenant: it ages
// the stored invoices and deposit invoices from their history with
// report.AgingOf, so any asOf, past or present, is exact.
type AgingReports struct {
	db     *DB
	tenant o2c.TenantID
}

var _ report.AgingSource = (*AgingReports)(nil)

// AgingReports returns the tenant's aging source.
func (s *Store) AgingReports() *AgingReports { return &AgingReports{db: s.db, tenant: s.tenant} }

// AgingTotals implements report.AgingSource.
func (r *AgingReports) AgingTotals(ctx context.Context, asOf o2c.Date, opts report.AgingOptions) (report.Aging, error) {
	if _, err := report.NewAgingBuilder(asOf, opts); err != nil {
		return report.Aging{}, err
	}
	invs, err := (&Invoices{db: r.db, tenant: r.tenant}).all(ctx, func(inv *invoice.Invoice) bool {
		return inv.Kind() != invoice.KindCreditNote && inv.Status() != invoice.StateDraft
	})
	if err != nil {
		return report.Aging{}, err
	}
	return report.AgingOf(report.ItemsFromInvoices(invs), asOf, opts)
}
