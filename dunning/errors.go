package dunning

import (
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/o2c"
)

// ErrUnknownPlan is returned when a plan code names no plan of the
// [PlanBook] (wrapped in a *o2c.ValidationError where it comes from input).
var ErrUnknownPlan = errors.New("dunning: unknown plan")

// ErrUnknownTemplate is returned when a letter names a template the
// [Templates] do not hold in its language or in the fallback language.
var ErrUnknownTemplate = errors.New("dunning: unknown template")

// ErrDelivery is what every *[DeliveryError] matches with errors.Is.
var ErrDelivery = errors.New("dunning: delivery failed")

// DeliveryError reports a letter the [Notifier] refused; the letter stays
// pending (or is failed after too many attempts) and a later
// [Service.Deliver] tries again with the same key.
type DeliveryError struct {
	Key string // the letter's idempotency key
	Err error  // the notifier's error
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("dunning: deliver letter %s: %v", e.Key, e.Err)
}

// Is makes errors.Is(err, ErrDelivery) hold.
func (e *DeliveryError) Is(target error) bool { return target == ErrDelivery }

// Unwrap returns the notifier's error.
func (e *DeliveryError) Unwrap() error { return e.Err }

func invalid(field, rule string, value any) error {
	v := ""
	if value != nil {
		v = fmt.Sprint(value)
	}
	return &o2c.ValidationError{Field: field, Rule: rule, Value: v}
}
