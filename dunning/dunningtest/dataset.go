package dunningtest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// CustomerID returns a deterministic customer ID for index i, the same in
// every process (tests that re-execute themselves rely on it).
func CustomerID(i int) o2c.CustomerID {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[8:], uint64(i)+1)
	u[0], u[6], u[8] = 0x01, 0x70, 0x80|u[8]&0x3f // version 7, RFC 4122 variant
	id, _ := o2c.ParseCustomerID(u.String())
	return id
}

// Dataset returns a scheduler input for a load test: customers customers
// with itemsPer open EUR invoices each, due dates spread from 120 days
// before asOf to 30 days after it, some partly disputed, some customers
// with unapplied credit, and the French preset as everybody's plan. It is
// deterministic for a seed.
func Dataset(customers, itemsPer int, asOf o2c.Date, seed uint64) dunning.Input {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	book, err := dunning.NewPlanBook([]dunning.Plan{dunning.PlanFrance()}, "FR", nil)
	if err != nil {
		panic(err)
	}
	in := dunning.Input{AsOf: asOf, Plans: book, Items: make([]invoice.OpenItem, 0, customers*itemsPer),
		Rates: invoice.ReferenceRateTable{Name: "ECB MRO", Rates: []invoice.ReferenceRate{{Effective: asOf.AddYears(-2), Percent: decimalOf("4.5")}}}}
	n := 0
	for c := range customers {
		cid := CustomerID(c)
		for range itemsPer {
			n++
			cents := int64(5000 + r.IntN(500000))
			open := o2c.FromMinor(cents, o2c.EUR)
			disputed := o2c.Zero(o2c.EUR)
			if r.IntN(50) == 0 {
				disputed = o2c.FromMinor(cents/2, o2c.EUR)
			}
			due := asOf.AddDays(30 - r.IntN(150))
			var id uuid.UUID
			binary.BigEndian.PutUint64(id[8:], uint64(n))
			id[0], id[6], id[8] = 0x02, 0x70, 0x80|id[8]&0x3f
			in.Items = append(in.Items, invoice.OpenItem{
				Invoice: o2c.IDFromUUID[invoice.Invoice](id), Number: fmt.Sprintf("F-%08d", n), Kind: invoice.KindInvoice,
				Status: invoice.StateIssued, Customer: cid, IssueDate: due.AddDays(-30), DueDate: due,
				Gross: open, Open: open, Disputed: disputed,
			})
		}
		if r.IntN(20) == 0 {
			in.Credits = append(in.Credits, dunning.Credit{Customer: cid, Amount: o2c.FromMinor(int64(r.IntN(200000)), o2c.EUR)})
		}
	}
	return in
}

func decimalOf(s string) decimal.Decimal { return decimal.RequireFromString(s) }
