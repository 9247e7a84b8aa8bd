package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// CreditRefunder books refunds of credit notes' open credit;
// *invoice.Service satisfies it.
type CreditRefunder interface {
	RefundCredit(ctx context.Context, in invoice.RefundCreditInput) (invoice.Settlement, error)
}

// RefundRequest asks for money owed to a customer to be paid back by SEPA
// credit transfer: a payment's unapplied credit (an overpayment) or a
// credit note's open credit. Exactly one of Payment and CreditNote is set.
type RefundRequest struct {
	Payment    invoice.PaymentID
	CreditNote invoice.ID
	Amount     o2c.Money
	// Key makes the request idempotent (required): the same key books one
	// refund and writes the same transfer.
	Key string
	// Creditor is the customer's name and account to pay.
	Creditor sepa.Party
	// Remittance tells the customer what the transfer is (empty: "Refund").
	Remittance string
}

// Refunds pays customers back by SEPA credit transfer.
type Refunds struct {
	tx      o2c.Transactor
	inv     Invoicing
	credits CreditRefunder
	debtor  sepa.Party
	format  sepa.Version
	clock   o2c.Clock
}

// NewRefunds returns the service paying from debtor (the tenant's account)
// in format (zero: pain.001.001.09; or pain.001.001.03). credits may be nil
// when only payments are refunded.
func NewRefunds(tx o2c.Transactor, inv Invoicing, credits CreditRefunder, debtor sepa.Party, format sepa.Version, clock o2c.Clock) (*Refunds, error) {
	if tx == nil || inv == nil {
		return nil, o2c.NewValidationError("invoicing", "tx and invoicing are required")
	}
	if format == "" {
		format = sepa.Pain001V09
	}
	if format != sepa.Pain001V09 && format != sepa.Pain001V03 {
		return nil, &o2c.ValidationError{Field: "format", Rule: "must be pain.001.001.09 or pain.001.001.03", Value: string(format)}
	}
	return &Refunds{tx: tx, inv: inv, credits: credits, debtor: debtor, format: format, clock: o2c.ClockOrSystem(clock)}, nil
}

// Transfer books every request through invoicing (invoice.Service.Refund
// for a payment, RefundCredit for a credit note) and writes the credit
// transfers executed on date as one pain.001 file, in one transaction: a
// request invoicing refuses (more than the unapplied credit, a key reused
// for another amount) or a file the EPC rules refuse (an invalid IBAN)
// books nothing. The file's identifiers derive from the request keys, so
// a repeat books nothing new and writes the same transfers.
func (r *Refunds) Transfer(ctx context.Context, date o2c.Date, reqs []RefundRequest) ([]byte, error) {
	if len(reqs) == 0 {
		return nil, o2c.NewValidationError("requests", "at least one refund is required")
	}
	h := sha256.New()
	for _, q := range reqs {
		h.Write([]byte(q.Key + "\x00"))
	}
	id := "RFD-" + strings.ToUpper(hex.EncodeToString(h.Sum(nil))[:24])
	f := sepa.CreditTransferFile{MessageID: id, BatchID: id + "-1", Created: r.clock.Now(), Debtor: r.debtor, ExecutionDate: date}
	var out []byte
	err := r.tx.InTx(ctx, func(ctx context.Context) error {
		f.Transfers = f.Transfers[:0]
		for i, q := range reqs {
			field := fmt.Sprintf("requests[%d]", i)
			if q.Key == "" {
				return o2c.NewValidationError(field+".key", "is required")
			}
			rem := q.Remittance
			if rem == "" {
				rem = "Refund"
			}
			var ref string
			switch {
			case !q.Payment.IsZero() && q.CreditNote.IsZero():
				rf, err := r.inv.Refund(ctx, invoice.RefundInput{Payment: q.Payment, Key: "sepa-ct:" + q.Key, Amount: q.Amount, Reference: rem})
				if err != nil {
					return err
				}
				ref = rf.ID.String()
			case q.Payment.IsZero() && !q.CreditNote.IsZero() && r.credits != nil:
				st, err := r.credits.RefundCredit(ctx, invoice.RefundCreditInput{CreditNote: q.CreditNote, Key: "sepa-ct:" + q.Key, Amount: q.Amount, Reference: rem})
				if err != nil {
					return err
				}
				ref = st.ID.String()
			default:
				return o2c.NewValidationError(field, "name exactly one of payment and credit note (credit notes need a CreditRefunder)")
			}
			f.Transfers = append(f.Transfers, sepa.Transfer{EndToEndID: "RFD-" + strings.ToUpper(strings.ReplaceAll(ref, "-", ""))[:28],
				Amount: q.Amount, Creditor: q.Creditor, Remittance: rem})
		}
		var err error
		out, err = f.Marshal(r.format)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
