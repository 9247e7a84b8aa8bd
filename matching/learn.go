package matching

import (
	"context"

	"github.com/cashcycle/sdk/o2c"
)

// learn records that the line's payer (its IBAN, and its normalised name)
// is customer, so that the next payment from it is recognised even when
// the customer master does not know the account or the name differs.
// Learning runs in the transaction that applies the match: a match that
// fails teaches nothing.
func (s *Service) learn(ctx context.Context, l Line, customer o2c.CustomerID) error {
	if iban := MappingKey(MappingIBAN, l.CounterpartyIBAN); iban != "" {
		if _, err := s.stores.Matching.LearnMapping(ctx, MappingIBAN, iban, customer); err != nil {
			return err
		}
	}
	if name := payerName(l); name != "" {
		if _, err := s.stores.Matching.LearnMapping(ctx, MappingName, name, customer); err != nil {
			return err
		}
	}
	return nil
}

// Mappings returns what the service has learned so far.
func (s *Service) Mappings(ctx context.Context) ([]Mapping, error) {
	return s.stores.Matching.Mappings(ctx)
}
