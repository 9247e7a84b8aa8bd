package collect

import (
	"context"
	"time"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// CollectionID identifies one direct-debit collection.
type CollectionID = o2c.ID[Collection]

// CollectionStatus is where a collection stands.
type CollectionStatus string

// The collection statuses.
const (
	// Notified: the debtor was pre-notified; waiting for its batch.
	Notified CollectionStatus = "notified"
	// Submitted: in a batch sent to the bank; the payment is booked with
	// the collection date as value date.
	Submitted CollectionStatus = "submitted"
	// Rejected: refused before settlement (pain.002); payment reversed.
	Rejected CollectionStatus = "rejected"
	// Returned: returned or refunded after settlement (camt.054); payment
	// reversed.
	Returned CollectionStatus = "returned"
	// Cancelled: dropped before submission (mandate unusable, line paid
	// otherwise, amount changed).
	Cancelled CollectionStatus = "cancelled"
)

// Collection is one due line collected from one mandate: planned and
// pre-notified, submitted in a batch, perhaps returned. Its EndToEndID
// comes back in every R-transaction.
type Collection struct {
	ID         CollectionID   `json:"id"`
	Tenant     o2c.TenantID   `json:"tenant"`
	Customer   o2c.CustomerID `json:"customer"`
	Mandate    MandateID      `json:"mandate"`
	Invoice    invoice.ID     `json:"invoice"`
	Number     string         `json:"number"`
	Seq        int            `json:"seq"`
	EndToEndID string         `json:"end_to_end_id"`
	Amount     o2c.Money      `json:"amount"`
	// Date is the collection date announced to the debtor.
	Date       o2c.Date `json:"date"`
	NotifiedOn o2c.Date `json:"notified_on"`
	// NoticeSent: the notifier accepted the pre-notification.
	NoticeSent bool              `json:"notice_sent,omitempty"`
	Status     CollectionStatus  `json:"status"`
	Sequence   sepa.SequenceType `json:"sequence,omitempty"`
	Batch      BatchID           `json:"batch,omitzero"`
	// Payment is the invoice payment booked at submission.
	Payment invoice.PaymentID `json:"payment,omitzero"`
	// Reason is the R-transaction's reason code; Fee the invoice raised
	// for the return fee, if any.
	Reason     string     `json:"reason,omitempty"`
	FeeInvoice invoice.ID `json:"fee_invoice,omitzero"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// BatchID identifies a collection batch (one pain.008 file).
type BatchID = o2c.ID[Batch]

// Batch is one file of collections sent to the bank.
type Batch struct {
	ID          BatchID        `json:"id"`
	Tenant      o2c.TenantID   `json:"tenant"`
	MessageID   string         `json:"message_id"`
	Scheme      sepa.Scheme    `json:"scheme"`
	Format      sepa.Version   `json:"format"`
	Created     time.Time      `json:"created"`
	Count       int            `json:"count"`
	Total       o2c.Money      `json:"total"`
	Collections []CollectionID `json:"collections"`
	// XML is the pain.008 file as written.
	XML     []byte `json:"xml"`
	Version int64  `json:"version"`
}

// ProcessedEvent records a provider event applied (or refused for good),
// so a replay changes nothing.
type ProcessedEvent struct {
	// Key is ProviderEvent.Key(): provider and event ID.
	Key     string       `json:"key"`
	Tenant  o2c.TenantID `json:"tenant"`
	Kind    EventKind    `json:"kind"`
	Payment string       `json:"payment"`
	Applied time.Time    `json:"applied"`
	// Result says what was booked ("payment <id>", "ignored: ...").
	Result  string `json:"result"`
	Version int64  `json:"version"`
}

// LinkUse records a payment made through a pay link (its nonce).
type LinkUse struct {
	// Key is the provider payment key the use is recorded under.
	Key      string            `json:"key"`
	Tenant   o2c.TenantID      `json:"tenant"`
	Nonce    string            `json:"nonce"`
	Customer o2c.CustomerID    `json:"customer"`
	Payment  invoice.PaymentID `json:"payment"`
	Amount   o2c.Money         `json:"amount"`
	At       time.Time         `json:"at"`
	Version  int64             `json:"version"`
}

// Store keeps collect's records of one tenant. Every method joins the
// transaction carried by ctx (o2c.Transactor). Errors: o2c.ErrNotFound for
// a missing record, o2c.ErrConflict for a duplicate key (a mandate
// reference, an end-to-end ID, an event key), *o2c.ValidationError for a
// record of another tenant.
type Store interface {
	TenantID() o2c.TenantID

	CreateMandate(ctx context.Context, m *Mandate) error
	GetMandate(ctx context.Context, id MandateID) (*Mandate, error)
	// MandateByReference finds a mandate by its UMR.
	MandateByReference(ctx context.Context, reference string) (*Mandate, error)
	UpdateMandate(ctx context.Context, id MandateID, fn func(m *Mandate) error) (*Mandate, error)
	// Mandates lists the mandates (of one customer when customer is not
	// zero), active ones only when active is true, by creation.
	Mandates(ctx context.Context, customer o2c.CustomerID, active bool) ([]*Mandate, error)

	CreateCollection(ctx context.Context, c *Collection) error
	GetCollection(ctx context.Context, id CollectionID) (*Collection, error)
	CollectionByEndToEnd(ctx context.Context, endToEndID string) (*Collection, error)
	UpdateCollection(ctx context.Context, id CollectionID, fn func(c *Collection) error) (*Collection, error)
	// Collections lists collections with a status (all when empty) by
	// collection date then creation; of one invoice when inv is not zero.
	Collections(ctx context.Context, status CollectionStatus, inv invoice.ID) ([]*Collection, error)

	CreateBatch(ctx context.Context, b *Batch) error
	GetBatch(ctx context.Context, id BatchID) (*Batch, error)

	// RecordEvent stores e; o2c.ErrConflict when its key was recorded.
	RecordEvent(ctx context.Context, e *ProcessedEvent) error
	GetEvent(ctx context.Context, key string) (*ProcessedEvent, error)

	// RecordLinkUse stores u; o2c.ErrConflict when its key was recorded.
	RecordLinkUse(ctx context.Context, u *LinkUse) error
	// GetLinkUse returns the use recorded under a payment key.
	GetLinkUse(ctx context.Context, key string) (*LinkUse, error)
	// LinkUses lists the uses of a pay link's nonce.
	LinkUses(ctx context.Context, nonce string) ([]*LinkUse, error)
}
