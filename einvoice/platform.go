package einvoice

import (
	"bytes"
	"context"
	"slices"
	"sync"

	"github.com/cashcycle/sdk/o2c"
)

// Syntax names the format of a submitted document.
type Syntax string

// The syntaxes a Submission may carry.
const (
	SyntaxCII     Syntax = "CII"
	SyntaxUBL     Syntax = "UBL"
	SyntaxFacturX Syntax = "Factur-X"
)

// Submission is an e-invoice handed to a platform.
type Submission struct {
	// ID is the idempotency key: sending the same ID again is a no-op
	// (the cycle uses the invoice's ID).
	ID string `json:"id"`
	// Invoice is the invoice number (BT-1).
	Invoice  string   `json:"invoice"`
	Type     TypeCode `json:"type"`
	Syntax   Syntax   `json:"syntax"`
	Filename string   `json:"filename"`
	Data     []byte   `json:"data"`
}

// Platform is an e-invoicing platform (a PA in France, a Peppol access
// point): it takes documents and status messages from the seller and
// delivers the status messages of the other parties. Implementations must
// be idempotent: Send with an ID already sent (same content) and
// SendStatus with a status ID already sent do nothing; the same ID with
// different content is o2c.ErrConflict.
type Platform interface {
	// Send hands a document to the platform.
	Send(ctx context.Context, s Submission) error
	// SendStatus hands a status the seller sets (212 Encaissée).
	SendStatus(ctx context.Context, u StatusUpdate) error
	// Statuses returns the status messages not acknowledged yet, oldest
	// first; the same message may be returned again until acknowledged.
	Statuses(ctx context.Context) ([]StatusUpdate, error)
	// Ack acknowledges messages by ID; unknown IDs are ignored.
	Ack(ctx context.Context, ids ...string) error
}

// MemoryPlatform is a Platform in memory for tests and demos: Push plays
// the other parties' status messages, Submissions and SentStatuses show
// what the seller sent. Safe for concurrent use.
type MemoryPlatform struct {
	mu          sync.Mutex
	submissions []Submission
	statuses    []StatusUpdate
	inbox       []StatusUpdate
	sendCalls   int
}

var _ Platform = (*MemoryPlatform)(nil)

// Send implements Platform.
func (p *MemoryPlatform) Send(_ context.Context, s Submission) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sendCalls++
	for _, old := range p.submissions {
		if old.ID == s.ID {
			if bytes.Equal(old.Data, s.Data) && old.Invoice == s.Invoice {
				return nil
			}
			return o2c.Conflict("submission", s.ID, "sent before with different content")
		}
	}
	s.Data = bytes.Clone(s.Data)
	p.submissions = append(p.submissions, s)
	return nil
}

// SendStatus implements Platform.
func (p *MemoryPlatform) SendStatus(_ context.Context, u StatusUpdate) error {
	if err := u.Validate(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, old := range p.statuses {
		if old.ID == u.ID {
			if old.same(u) {
				return nil
			}
			return o2c.Conflict("status update", u.ID, "sent before with different content")
		}
	}
	p.statuses = append(p.statuses, u)
	return nil
}

// Statuses implements Platform.
func (p *MemoryPlatform) Statuses(context.Context) ([]StatusUpdate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.inbox), nil
}

// Ack implements Platform.
func (p *MemoryPlatform) Ack(_ context.Context, ids ...string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inbox = slices.DeleteFunc(p.inbox, func(u StatusUpdate) bool { return slices.Contains(ids, u.ID) })
	return nil
}

// Push queues status messages as if other parties had set them.
func (p *MemoryPlatform) Push(us ...StatusUpdate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inbox = append(p.inbox, us...)
}

// Submissions returns the documents sent, once each, in order.
func (p *MemoryPlatform) Submissions() []Submission {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.submissions)
}

// SendCalls returns how many times Send was called (duplicates included).
func (p *MemoryPlatform) SendCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sendCalls
}

// SentStatuses returns the statuses the seller sent, once each, in order.
func (p *MemoryPlatform) SentStatuses() []StatusUpdate {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.statuses)
}
