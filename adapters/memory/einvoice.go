package memory

import (
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/stores"
)

// EInvoiceTimelines returns the tenant's e-invoice lifecycle timelines
// (stores.Timelines on this DB's kernel backend; cycle uses it when
// [cycle.EInvoicing] names no store).
func (s *Store) EInvoiceTimelines() einvoice.TimelineStore { return stores.NewTimelines(s.Kernel()) }
