package credit

import (
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/o2c"
)

// ErrMissingRate: an amount could not be converted into the limit's
// currency because the rate table has no rate for the pair. The concrete
// error is a *[MissingRateError].
var ErrMissingRate = errors.New("credit: missing exchange rate")

// MissingRateError names the currency pair a conversion needed.
type MissingRateError struct {
	From, To o2c.Currency
}

func (e *MissingRateError) Error() string {
	return fmt.Sprintf("credit: no exchange rate from %s to %s", e.From, e.To)
}

// Is reports whether target is [ErrMissingRate].
func (e *MissingRateError) Is(target error) bool { return target == ErrMissingRate }

// ErrForeignEvent: an event of another tenant was given to a [Tracker].
// It is wrapped in a *o2c.ValidationError.
var ErrForeignEvent = errors.New("credit: event of another tenant")

func invalid(field, rule, value string) error {
	return &o2c.ValidationError{Field: field, Rule: rule, Value: value}
}
