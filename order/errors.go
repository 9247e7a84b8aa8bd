package order

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// ErrQuantityExceeded is matched by a *[QuantityError]: a shipment,
// delivery, invoice or cancellation asked for more of a line than is
// available for it.
var ErrQuantityExceeded = errors.New("order: quantity exceeds what is available")

// QuantityError reports a line quantity beyond what the operation may
// take: shipping more than the backorder, confirming delivery of more
// than was shipped (so never more than ordered), invoicing more than was
// delivered, cancelling quantities already shipped. Nothing is changed
// when it is returned. It matches [ErrQuantityExceeded] and
// [o2c.ErrValidation].
type QuantityError struct {
	Op        string          // "ship", "deliver", "invoice" or "cancel"
	Line      int             // the line number
	Requested decimal.Decimal // what was asked
	Available decimal.Decimal // what the operation may take on that line
	Ordered   decimal.Decimal // the line's ordered quantity
}

// Error names the line, the operation and the quantities.
func (e *QuantityError) Error() string {
	return fmt.Sprintf("order: line %d: cannot %s %s: %s available (ordered %s)",
		e.Line, e.Op, e.Requested, e.Available, e.Ordered)
}

// Is reports whether target is [ErrQuantityExceeded] or [o2c.ErrValidation].
func (e *QuantityError) Is(target error) bool {
	return target == ErrQuantityExceeded || target == o2c.ErrValidation
}
