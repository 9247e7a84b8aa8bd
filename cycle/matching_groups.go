package cycle

import (
	"context"
	"sort"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
)

// creditGroups gives cash application the credit groups of the customer
// master ([credit.Profile.Group]): the members of a group pay for each
// other's invoices (a parent paying for its divisions).
type creditGroups struct{ store credit.Store }

// PayerGroups returns the groups with at least two members, in code
// order, members by customer ID.
func (g creditGroups) PayerGroups(ctx context.Context) ([][]o2c.CustomerID, error) {
	by := map[string][]o2c.CustomerID{}
	for off := 0; ; off += credit.MaxPageSize {
		ps, err := g.store.ListProfiles(ctx, credit.ProfileQuery{Limit: credit.MaxPageSize, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Group != "" {
				by[p.Group] = append(by[p.Group], p.Customer)
			}
		}
		if len(ps) < credit.MaxPageSize {
			break
		}
	}
	codes := make([]string, 0, len(by))
	for code, members := range by {
		if len(members) > 1 {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	out := make([][]o2c.CustomerID, len(codes))
	for i, code := range codes {
		out[i] = by[code]
	}
	return out, nil
}
