package ledger_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
)

// The generic journal export carries every line of every entry, with the
// same figures in CSV and JSON, lettered like the FEC.
func TestJournalExports(t *testing.T) {
	b := demoBook(t)
	entries := books(t, b, demoYear(t))
	rows := b.Journal(entries)
	lines := 0
	for _, e := range entries {
		lines += len(e.Lines)
	}
	require.Len(t, rows, lines)

	var csvBuf bytes.Buffer
	require.NoError(t, b.WriteCSV(&csvBuf, entries))
	recs, err := csv.NewReader(&csvBuf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, lines+1)
	assert.Equal(t, []string{"journal", "number", "date", "piece_ref", "piece_date", "label", "account", "account_name", "customer", "document", "debit", "credit", "amount", "currency", "letter", "valid_date"}, recs[0])

	var jsonBuf bytes.Buffer
	require.NoError(t, b.WriteJSON(&jsonBuf, entries))
	var back []ledger.JournalRow
	require.NoError(t, json.Unmarshal(jsonBuf.Bytes(), &back))
	require.Len(t, back, lines)

	var debit, credit o2c.Money = o2c.Zero(o2c.EUR), o2c.Zero(o2c.EUR)
	lettered := 0
	for i, r := range back {
		assert.Equal(t, rows[i].Account, r.Account)
		assert.True(t, rows[i].Debit.Equal(r.Debit) && rows[i].Credit.Equal(r.Credit))
		assert.Equal(t, recs[i+1][6], r.Account)
		assert.Equal(t, recs[i+1][10], r.Debit.AmountString())
		assert.Equal(t, recs[i+1][11], r.Credit.AmountString())
		assert.Equal(t, recs[i+1][14], r.Letter)
		debit, _ = debit.Add(r.Debit)
		credit, _ = credit.Add(r.Credit)
		if r.Letter != "" {
			lettered++
		}
	}
	assert.True(t, debit.Equal(credit), "the journal balances")
	assert.Positive(t, lettered)
}

// Mapping rules by tax category and customer group, and the IFRS preset.
func TestMappingRulesAndIFRS(t *testing.T) {
	w := newWorld(t, time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	export, retail := o2c.NewCustomerID(), o2c.NewCustomerID()
	w.issue(export, o2c.EUR, nil, line("SKU-1", "1", "100.00", o2c.EUR, "0"))
	w.issue(retail, o2c.EUR, nil, line("SKU-1", "1", "100.00", o2c.EUR, "20"))
	w.issue(retail, o2c.EUR, nil, line("HW-1", "1", "50.00", o2c.EUR, "20"))

	cfg := ledger.FrenchPCG()
	cfg.CustomerGroup = func(c string) string {
		if c == export.String() {
			return "export"
		}
		return "retail"
	}
	cfg.Lines = []ledger.LineRule{
		{SKUPrefix: "HW-", Account: "707"},
		{CustomerGroup: "export", Category: mustCategory(t, "O"), Account: "708"},
	}
	b, err := ledger.NewBook(cfg)
	require.NoError(t, err)
	entries := books(t, b, w.events())
	issued := of(entries, invoice.EventIssued)
	require.Len(t, issued, 3)
	assert.Equal(t, []string{"D 411 100.00", "C 708 100.00"}, show(issued[0]))
	assert.Equal(t, []string{"D 411 120.00", "C 706 100.00", "C 44571 20.00"}, show(issued[1]))
	assert.Equal(t, []string{"D 411 60.00", "C 707 50.00", "C 44571 10.00"}, show(issued[2]))

	ifrs, err := ledger.NewBook(ledger.IFRSConfig(o2c.EUR))
	require.NoError(t, err)
	entries = books(t, ifrs, w.events())
	assert.Equal(t, []string{"D 110 120.00", "C 400 100.00", "C 210 20.00"}, show(of(entries, invoice.EventIssued)[1]))
	assert.Equal(t, "SAL", entries[0].Journal)
}
