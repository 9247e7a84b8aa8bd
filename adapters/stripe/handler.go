package stripe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/o2c"
)

// Receiver applies a verified provider event; *collect.Intake is one. It
// must be idempotent by the event's key (Stripe delivers at least once).
type Receiver interface {
	Receive(ctx context.Context, e collect.ProviderEvent) error
}

// Handler is the webhook endpoint: mount it where Stripe posts events.
// Responses: 200 when the event was applied, already applied or ignored;
// 400 for a bad signature or an event collect refuses (Stripe stops
// retrying only after days, so a 400 is logged on Stripe's side); 500 when
// the receiver failed otherwise (Stripe retries).
type Handler struct {
	// Secret is the endpoint's signing secret ("whsec_...").
	Secret string
	// Tolerance on the signed time (zero: DefaultTolerance).
	Tolerance time.Duration
	Receiver  Receiver
	// Clock for the tolerance check (nil: system clock).
	Clock o2c.Clock
	// MaxBody bounds the body read (zero: 1 MiB).
	MaxBody int64
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	limit := h.MaxBody
	if limit <= 0 {
		limit = 1 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil || int64(len(body)) > limit {
		http.Error(w, "body unreadable or too large", http.StatusBadRequest)
		return
	}
	now := o2c.ClockOrSystem(h.Clock).Now()
	if err := Verify(h.Secret, r.Header.Get("Stripe-Signature"), body, now, h.Tolerance); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ev, err := Parse(body)
	switch {
	case errors.Is(err, ErrIgnored):
		w.WriteHeader(http.StatusOK)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := h.Receiver.Receive(r.Context(), ev); err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, o2c.ErrValidation) || errors.Is(err, collect.ErrTokenMalformed) || errors.Is(err, collect.ErrTokenTampered) ||
			errors.Is(err, collect.ErrTokenWrongTenant) || errors.Is(err, collect.ErrTokenUnknownKey) {
			status = http.StatusBadRequest
		}
		http.Error(w, err.Error(), status)
		return
	}
	w.WriteHeader(http.StatusOK)
}
