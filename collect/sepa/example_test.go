package sepa_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/collect/sepa/sepatest"
	"github.com/cashcycle/sdk/o2c"
)

// A creditor collects one invoice by SEPA Core direct debit: the file is
// checked against the EPC rules and written as pain.008.001.08.
func ExampleDirectDebitFile_Marshal() {
	f := sepa.DirectDebitFile{
		MessageID: "DD-2026-12-03-1", Created: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
		Creditor:   sepa.Party{Name: "Cash Cycle Démo", IBAN: "FR7630006000011234567890189"},
		CreditorID: "FR72ZZZ123456", Scheme: sepa.Core,
		Batches: []sepa.DebitBatch{{ID: "DD-2026-12-03-1-FRST", Sequence: sepa.FRST, CollectionDate: o2c.MustDate(2026, 12, 18),
			Debits: []sepa.Debit{{EndToEndID: "INV-2026-000042", Amount: o2c.MustMoney("250.00", "EUR"),
				Mandate: sepa.MandateRef{ID: "UMR-42", Signed: o2c.MustDate(2026, 11, 20)},
				Debtor:  sepa.Party{Name: "Café Noël", IBAN: "DE89370400440532013000"}, Remittance: "INV-2026-000042"}}}},
	}
	doc, err := f.Marshal(sepa.Pain008V08)
	fmt.Println(err)
	for _, line := range strings.Split(string(doc), "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "<SeqTp>") || strings.HasPrefix(t, "<ReqdColltnDt>") || strings.Contains(t, "Cafe") {
			fmt.Println(t)
		}
	}
	// Output:
	// <nil>
	// <SeqTp>FRST</SeqTp>
	// <ReqdColltnDt>2026-12-18</ReqdColltnDt>
	// <Nm>Cafe Noel</Nm>
}

// The creditor identifier's check digits catch a mistyped character.
func ExampleParseCreditorID() {
	id, err := sepa.ParseCreditorID("de98 zzz 0999 9999 999")
	fmt.Println(id, err)
	_, err = sepa.ParseCreditorID("DE98ZZZ09999999990")
	fmt.Println(err)
	// Output:
	// DE98ZZZ09999999999 <nil>
	// invalid creditor_id: check digits 98 do not match (expected 50) (got "DE98ZZZ09999999990")
}

// A returned debit read from the bank's camt.054, with what its reason
// code means for the mandate and the return fee.
func ExampleParseRTransactions() {
	doc := sepatest.Camt054("NTF-1", time.Date(2026, 12, 22, 7, 0, 0, 0, time.UTC), "FR7630006000011234567890189",
		o2c.MustDate(2026, 12, 22), []sepatest.Item{{ID: "RT-1", EndToEndID: "INV-2026-000042", Amount: o2c.MustMoney("250.00", "EUR"), Reason: "AM04"}})
	rs, err := sepa.ParseRTransactions(doc)
	fmt.Println(len(rs), err)
	r := rs[0]
	reason, _ := sepa.ReasonOf(r.Reason)
	fmt.Println(r.Kind, r.OriginalEndToEndID, r.Amount, r.Date)
	fmt.Println(reason.Name, "block:", reason.BlockMandate, "fee:", reason.DebtorSide)
	// Output:
	// 1 <nil>
	// return INV-2026-000042 250.00 EUR 2026-12-22
	// Insufficient funds block: false fee: true
}
