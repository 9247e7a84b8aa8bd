package dunning

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// Delivery is what a [Notifier] is asked to send.
type Delivery struct {
	// Key is the letter's idempotency key: the same letter always comes
	// with the same key, and may come more than once (delivery is at least
	// once), so a notifier must treat a key it has already accepted as done.
	Key      string
	Letter   Letter
	Rendered Rendered
}

// Notifier sends letters: by email, to a print-and-post service, to a
// collector's task list, to an agency. The host implements it; the
// package owns the interface. Deliver returns nil once the letter is
// accepted (or was already accepted under the same key); an error leaves
// the letter pending for a later attempt.
type Notifier interface {
	Deliver(ctx context.Context, d Delivery) error
}

// NotifierFunc adapts a function to [Notifier].
type NotifierFunc func(ctx context.Context, d Delivery) error

// Deliver calls f.
func (f NotifierFunc) Deliver(ctx context.Context, d Delivery) error { return f(ctx, d) }

// ErrInjected is the error a [MemoryNotifier] returns once told to fail.
var ErrInjected = errors.New("dunning: injected notifier failure")

// MemoryNotifier is a [Notifier] for tests: it records deliveries by key
// (a key already recorded is acknowledged and not recorded again, and the
// repeat is counted), and can be told to fail after N more deliveries.
// It is safe for concurrent use.
type MemoryNotifier struct {
	mu        sync.Mutex
	delivered map[string]Delivery
	order     []string
	refused   []Delivery
	repeats   int
	calls     map[string]int
	failAfter int // -1: never
}

var _ Notifier = (*MemoryNotifier)(nil)

// NewMemoryNotifier returns an empty notifier that never fails.
func NewMemoryNotifier() *MemoryNotifier {
	return &MemoryNotifier{delivered: map[string]Delivery{}, calls: map[string]int{}, failAfter: -1}
}

// FailAfter makes the notifier accept n more new deliveries, then fail
// every call with ErrInjected until Recover.
func (n *MemoryNotifier) FailAfter(count int) {
	n.mu.Lock()
	n.failAfter = count
	n.mu.Unlock()
}

// Recover stops injecting failures.
func (n *MemoryNotifier) Recover() { n.FailAfter(-1) }

// Deliver implements Notifier.
func (n *MemoryNotifier) Deliver(ctx context.Context, d Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls[d.Key]++
	if _, ok := n.delivered[d.Key]; ok {
		n.repeats++
		return nil
	}
	if n.failAfter == 0 {
		n.refused = append(n.refused, d)
		return ErrInjected
	}
	if n.failAfter > 0 {
		n.failAfter--
	}
	n.delivered[d.Key] = d
	n.order = append(n.order, d.Key)
	return nil
}

// Letters returns the letters delivered, each once, in delivery order.
func (n *MemoryNotifier) Letters() []Delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Delivery, len(n.order))
	for i, k := range n.order {
		out[i] = n.delivered[k]
	}
	return out
}

// Refused returns the deliveries the notifier did not accept (it was told
// to fail, see FailAfter), in the order they were offered: the letters
// that stay pending for a later attempt. A letter refused and later
// accepted appears here and in Letters.
func (n *MemoryNotifier) Refused() []Delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.refused)
}

// Repeats returns how many offers were for keys already accepted (at
// least once delivery): acknowledged, not recorded again.
func (n *MemoryNotifier) Repeats() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.repeats
}

// Keys returns the delivered keys in delivery order.
func (n *MemoryNotifier) Keys() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.order)
}

// Delivered returns the delivery recorded under key.
func (n *MemoryNotifier) Delivered(key string) (Delivery, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	d, ok := n.delivered[key]
	return d, ok
}

// Calls returns how many times key was offered, accepted or not.
func (n *MemoryNotifier) Calls(key string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls[key]
}

// Len returns the number of distinct keys delivered.
func (n *MemoryNotifier) Len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.order)
}
