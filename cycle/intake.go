package cycle

import (
	"context"
	"fmt"
	"io"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/matching"
)

// AddCustomer registers a customer in the tenant's master: d is validated
// (customer.New, a *o2c.ValidationError naming the field when it is not
// valid) and the customer is created with the cycle's tenant and clock;
// nothing is stored when either step fails. A customer number already
// taken is an error matching o2c.ErrConflict.
func (c *Cycle) AddCustomer(ctx context.Context, d customer.Details) (*customer.Customer, error) {
	cu, err := customer.New(c.stores.TenantID(), d, c.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := c.stores.Customers().Create(ctx, cu); err != nil {
		return nil, err
	}
	return cu, nil
}

// StatementReceipt is what [Cycle.ReceiveStatements] did with one
// statement of a bank file.
type StatementReceipt struct {
	Statement matching.Statement
	Import    *matching.ImportResult
	Report    matching.ApplyReport
}

// ReceiveStatements reads every statement of a bank file (format as
// matching.Parse: empty detects camt and MT940/942; CSV must be named with
// its mapping) and receives each, in file order, through
// [Cycle.ReceiveStatement]. A file that cannot be read, or does not add up,
// is refused before anything is imported (a *matching.ParseError). It stops
// at the first statement that fails, returning the receipts of those
// received before it with the error, which names the statement.
func (c *Cycle) ReceiveStatements(ctx context.Context, r io.Reader, format matching.Format, opts ...matching.ParseOption) ([]StatementReceipt, error) {
	sts, err := matching.Parse(r, format, opts...)
	if err != nil {
		return nil, err
	}
	out := make([]StatementReceipt, 0, len(sts))
	for _, st := range sts {
		res, rep, err := c.ReceiveStatement(ctx, st)
		if err != nil {
			return out, fmt.Errorf("cycle: statement %s: %w", st.ID, err)
		}
		out = append(out, StatementReceipt{Statement: st, Import: res, Report: rep})
	}
	return out, nil
}
