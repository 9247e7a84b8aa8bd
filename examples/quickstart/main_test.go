package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartRunsTheWholeCycle(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "q.db")))
	s := out.String()
	t.Log("\n" + s)

	// credit: the second order is held with the figures, then released
	assert.Contains(t, s, "order 1 Globex SAS   600.00 EUR gross: approved")
	assert.Contains(t, s, "order 2 Initech GmbH 1800.00 EUR gross: on_credit_hold")
	assert.Contains(t, s, "credit limit 1000.00 EUR exceeded by 800.00 EUR")
	assert.Contains(t, s, "order 2 released by anna.credit: approved")
	assert.Less(t, strings.Index(s, "on_credit_hold"), strings.Index(s, "released by anna.credit"), "held, then released")

	// delivery billed
	assert.Contains(t, s, "order 1 delivered (POD-1), order invoiced")
	assert.Contains(t, s, "invoice INV-2026-000001 issued 2026-03-02: 600.00 EUR, due 2026-04-01")
	assert.Contains(t, s, "invoice INV-2026-000002 issued 2026-03-02: 1800.00 EUR, due 2026-04-01")

	// dunning: courtesy before the due date, late reminder after it
	assert.Contains(t, s, "2026-03-27 (Friday): 2 letter(s) proposed")
	assert.Contains(t, s, "invoice INV-2026-000001 falls due in 5 days (level courtesy from -5 days)")
	assert.Contains(t, s, "2026-04-08 (Wednesday): 2 letter(s) proposed")
	assert.Contains(t, s, "invoice INV-2026-000001 is 7 days overdue (level reminder-1 from 5 days)")
	assert.Equal(t, 2, strings.Count(s, "run: 2 written, 2 delivered"))
	assert.Less(t, strings.Index(s, "courtesy "), strings.Index(s, "reminder-1 "), "courtesy first")

	// every letter carries a signed pay link, which later shows the paid invoice as paid
	assert.Equal(t, 4, strings.Count(s, "letter offers a pay link: https://pay.acme.example/pay?t=cc1.demo-2026."))
	assert.Contains(t, s, "pay link of the reminder-1 letter: INV-2026-000001 paid true, to pay now 0.00 EUR")

	// the bank statement pays the first invoice
	assert.Contains(t, s, `"Paiement facture INV-2026-000001 merci"`)
	assert.Contains(t, s, "line 1: auto")
	assert.Contains(t, s, "applied 1 line(s), 0 failed")
	assert.Contains(t, s, "statement matched")
	assert.Contains(t, s, "invoice INV-2026-000001: paid, open 0.00 EUR")
	assert.Contains(t, s, "invoice INV-2026-000002: issued, open 1800.00 EUR")

	// aging equals the open balance; DSO printed
	assert.Contains(t, s, "total     1800.00 EUR")
	assert.Contains(t, s, "aging total 1800.00 EUR = open balance 1800.00 EUR")
	assert.Contains(t, s, "countback DSO ")
	assert.Contains(t, s, "simple DSO    30 days")

	// the books: entries posted from the events, a balanced trial balance
	// whose receivable equals the open balance
	assert.Contains(t, s, "VE 1    2026-03-02 Facture INV-2026-000001          D 411 600.00, C 706 500.00, C 44571 100.00")
	assert.Contains(t, s, "OD 1    2026-04-10 Règlement INV-2026-000001        D 4191 600.00, C 411 600.00")
	assert.Contains(t, s, "411    Clients                               2400.00     600.00    1800.00")
	assert.Contains(t, s, "44571  TVA collectée                            0.00     400.00    -400.00")
	assert.Contains(t, s, "total                                 3600.00    3600.00")
	assert.Contains(t, s, "receivable account 411 1800.00 EUR = open balance 1800.00 EUR")
	assert.Less(t, strings.Index(s, "simple DSO"), strings.Index(s, "== Books"), "the books come last")
	assert.Contains(t, s, "done: the whole cycle ran on q.db")
}
