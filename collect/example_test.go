package collect_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// A pay-now link's token is signed with the current key; after a key
// rotation the old tokens stay valid until they expire, and a token cannot
// be used for another tenant or after its expiry.
func ExampleKeyring() {
	issued := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	oldKey := collect.Key{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")}
	newKey := collect.Key{ID: "k2", Secret: []byte("fedcba9876543210fedcba9876543210")}
	ring, _ := collect.NewKeyring(oldKey)
	token, _ := ring.Sign(collect.Claims{Tenant: "acme", Customer: o2c.NewCustomerID(),
		Lines:  []collect.LinkLine{{Invoice: o2c.NewID[invoice.Invoice](), Number: "INV-2026-000042"}},
		Amount: o2c.MustMoney("250.00", "EUR"), Issued: issued, Expires: issued.Add(30 * 24 * time.Hour)})

	rotated, _ := collect.NewKeyring(newKey, oldKey)
	c, err := rotated.Verify(token, "acme", issued.Add(24*time.Hour))
	fmt.Println(c.Lines[0].Number, c.Amount, err)
	_, err = rotated.Verify(token, "globex", issued)
	fmt.Println(errors.Is(err, collect.ErrTokenWrongTenant))
	_, err = rotated.Verify(token, "acme", issued.Add(31*24*time.Hour))
	fmt.Println(errors.Is(err, collect.ErrTokenExpired))
	// Output:
	// INV-2026-000042 250.00 EUR <nil>
	// true
	// true
}

// A recurrent mandate is collected FRST, then RCUR; a change of account is
// reported once, with the next collection.
func ExampleMandate_Present() {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	m, _ := collect.NewMandate("acme", collect.MandateInput{Customer: o2c.NewCustomerID(), Reference: "UMR-42", Scheme: sepa.Core,
		Signed: o2c.MustDate(2026, 11, 20), CreditorID: "FR72ZZZ123456", DebtorName: "Café Noël", IBAN: "DE89370400440532013000"}, now)
	fmt.Println(m.NextSequence(), m.NoticeDays())
	_, _ = m.Present(sepa.FRST, o2c.MustDate(2026, 12, 18), now)
	_ = m.Amend(collect.Amendment{IBAN: "FR7630006000011234567890189"}, now)
	a, _ := m.Present(m.NextSequence(), o2c.MustDate(2027, 1, 18), now)
	fmt.Println(a.OriginalDebtorIBAN)
	_, err := m.Present(sepa.FRST, o2c.MustDate(2027, 2, 18), now)
	fmt.Println(errors.Is(err, collect.ErrSequence))
	// Output:
	// FRST 14
	// DE89370400440532013000
	// true
}
