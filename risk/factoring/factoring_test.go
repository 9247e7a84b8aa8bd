package factoring_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/factoring"
)

func eur(s string) o2c.Money           { return o2c.MustMoney(s, "EUR") }
func day(m time.Month, d int) o2c.Date { return o2c.MustDate(2026, m, d) }

func cust(n int) o2c.CustomerID {
	id, _ := o2c.ParseCustomerID(fmt.Sprintf("00000000-0000-7000-8000-%012d", n))
	return id
}

func item(c o2c.CustomerID, number string, due o2c.Date, gross string) report.Item {
	return report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: number, Customer: c, Currency: o2c.EUR,
		IssueDate: due.AddDays(-30), DueDate: due, Gross: eur(gross)}
}

var P, Q, R, S, T = cust(1), cust(2), cust(3), cust(4), cust(5)

func contract() factoring.Contract {
	return factoring.Contract{Code: "FACT-1", Factor: "BPI Factor", Currency: o2c.EUR, Mode: factoring.Notified,
		AdvanceRate: decimal.RequireFromString("0.9"), CommissionRate: decimal.RequireFromString("0.005"),
		MaxDaysOverdue: 60, CapShare: decimal.RequireFromString("0.4"), Excluded: []o2c.CustomerID{S}}
}

// portfolio on 31 March 2026, counted by hand:
//
//	P1 5000 current, P2 3000 30 days late   -> P 8000 eligible
//	Q1 2000 current; Q0 1000 already assigned -> Q 2000
//	R1 1000 current; R2 500 75 days late     -> R 1000 (R2 overdue)
//	S1 4000                                  -> excluded debtor
//	T1 1500 under an open dispute; T2 500    -> T 500 (T1 disputed)
//	Q9 700 paid                              -> not open
//
// eligible 11500; cap 40 % = 4600; P's excess 3400; funded 8100;
// commission 0.5 % x 11500 = 57.50; advance 8100 x 90 % - 57.50 = 7232.50;
// reserve 11500 - 7290 = 4210.00.
func portfolioItems() ([]report.Item, invoice.DueLineKey) {
	t1 := item(T, "T1", day(4, 10), "1500")
	t1.Disputes = []report.DisputeRecord{{Reason: invoice.ReasonPriceError, Amount: eur("1500"), Opened: day(3, 20)}}
	q9 := item(Q, "Q9", day(4, 1), "700")
	q9.Movements = []report.Movement{{Kind: report.MovementPayment, Date: day(3, 25), Amount: eur("700")}}
	q0 := item(Q, "Q0", day(4, 2), "1000")
	return []report.Item{
		item(P, "P1", day(4, 30), "5000"), item(P, "P2", day(3, 1), "3000"),
		item(Q, "Q1", day(4, 15), "2000"), q0, q9,
		item(R, "R1", day(4, 20), "1000"), item(R, "R2", day(1, 15), "500"),
		item(S, "S1", day(4, 5), "4000"),
		t1, item(T, "T2", day(4, 12), "500"),
	}, invoice.DueLineKey{Invoice: q0.Invoice, Seq: q0.Seq}
}

func TestEligiblePortfolioWithConcentrationCap(t *testing.T) {
	items, assigned := portfolioItems()
	p, err := factoring.Eligible(factoring.Input{Contract: contract(), AsOf: day(3, 31), Items: items, Assigned: map[invoice.DueLineKey]bool{assigned: true}})
	require.NoError(t, err)
	var numbers []string
	for _, r := range p.Eligible {
		numbers = append(numbers, r.Number)
	}
	assert.Equal(t, []string{"P2", "T2", "Q1", "R1", "P1"}, numbers, "by due date")
	left := map[string]factoring.Exclusion{}
	for _, l := range p.Left {
		left[l.Number] = l.Reason
	}
	assert.Equal(t, map[string]factoring.Exclusion{"Q0": factoring.ExcludedAssigned, "R2": factoring.ExcludedOverdue,
		"S1": factoring.ExcludedDebtor, "T1": factoring.ExcludedDisputed}, left)
	assert.True(t, p.Total.Equal(eur("11500")), p.Total.String())
	assert.True(t, p.Excess.Equal(eur("3400")), p.Excess.String())
	assert.True(t, p.Funded.Equal(eur("8100")), p.Funded.String())
	require.Len(t, p.Debtors, 4)
	assert.True(t, p.Debtors[0].Capped && p.Debtors[0].Cap.Equal(eur("4600")) && p.Debtors[0].Excess.Equal(eur("3400")))
	assert.False(t, p.Debtors[1].Capped)

	s, err := factoring.NewSchedule(contract(), p, "B-2026-03")
	require.NoError(t, err)
	assert.True(t, s.Commission.Equal(eur("57.50")), s.Commission.String())
	assert.True(t, s.Advance.Equal(eur("7232.50")), s.Advance.String())
	assert.True(t, s.Reserve.Equal(eur("4210.00")), s.Reserve.String())
	sum, _ := o2c.Sum(o2c.EUR, s.Advance, s.Reserve, s.Commission)
	assert.True(t, sum.Equal(s.Assigned), "advance + reserve + commission = assigned")

	as := s.Assignments()
	require.Len(t, as, 5)
	again := map[invoice.DueLineKey]bool{assigned: true}
	for _, a := range as {
		again[invoice.DueLineKey{Invoice: a.Invoice, Seq: a.Seq}] = true
	}
	p2, err := factoring.Eligible(factoring.Input{Contract: contract(), AsOf: day(3, 31), Items: items, Assigned: again})
	require.NoError(t, err)
	assert.Empty(t, p2.Eligible, "assigned receivables are not offered twice")
}

func TestScheduleCSVAndJSON(t *testing.T) {
	items, _ := portfolioItems()
	p, err := factoring.Eligible(factoring.Input{Contract: contract(), AsOf: day(3, 31), Items: items})
	require.NoError(t, err)
	s, err := factoring.NewSchedule(contract(), p, "B-2026-03")
	require.NoError(t, err)
	b, err := s.CSV()
	require.NoError(t, err)
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+len(s.Lines))
	assert.Equal(t, factoring.CSVHeader, recs[0])
	assert.Equal(t, []string{"B-2026-03", "2026-03-31", "FACT-1", "BPI Factor", P.String(), "P2"}, recs[1][:6])
	assert.Equal(t, "3000.00", recs[1][10])
	total := o2c.Zero(o2c.EUR)
	for _, r := range recs[1:] {
		total, _ = total.Add(eur(r[10]))
	}
	assert.True(t, total.Equal(s.Assigned), "the CSV lines add up to the schedule")

	j, err := s.JSON()
	require.NoError(t, err)
	var back factoring.Schedule
	require.NoError(t, json.Unmarshal(j, &back))
	assert.True(t, back.Advance.Equal(s.Advance) && back.Reserve.Equal(s.Reserve))
	require.Len(t, back.Lines, len(s.Lines))
	for i, l := range s.Lines {
		assert.Equal(t, l.Key(), back.Lines[i].Key())
		assert.True(t, l.Open.Equal(back.Lines[i].Open))
	}
}

func TestInsuranceRequired(t *testing.T) {
	c := contract()
	c.RequireInsurance, c.CapShare = true, decimal.Zero
	items, _ := portfolioItems()
	p, err := factoring.Eligible(factoring.Input{Contract: c, AsOf: day(3, 31), Items: items, Insured: func(id o2c.CustomerID) bool { return id == Q }})
	require.NoError(t, err)
	for _, r := range p.Eligible {
		assert.Equal(t, Q, r.Debtor)
	}
	assert.True(t, p.Total.Equal(eur("3000")), p.Total.String())
}

func TestContractValidation(t *testing.T) {
	c := contract()
	c.AdvanceRate = decimal.RequireFromString("1.1")
	var ve *o2c.ValidationError
	require.ErrorAs(t, c.Validate(), &ve)
	assert.Equal(t, "contract.advance_rate", ve.Field)
	c = contract()
	c.Mode = "silent"
	require.ErrorAs(t, c.Validate(), &ve)
	assert.Equal(t, "contract.mode", ve.Field)
}
