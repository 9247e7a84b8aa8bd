package matching

import (
	"context"

	"github.com/cashcycle/sdk/o2c"
)

// learn records that the line's payer (its IBAN, and its normalised name)
// paid customer, so that the next payment from it is recognised even when
// the customer master does not know the account or the name differs.
// Learning runs in the transaction that applies the match: a match that
// fails teaches nothing. The evidence is kept per customer (see
// [Mapping]): a key confirmed for two customers is never firm again.
func (s *Service) learn(ctx context.Context, l Line, customer o2c.CustomerID) error {
	return s.record(ctx, l, customer, false)
}

// learnRejection records that a person rejected a proposal naming
// customer for the line's payer.
func (s *Service) learnRejection(ctx context.Context, l Line, customer o2c.CustomerID) error {
	if customer.IsZero() {
		return nil
	}
	return s.record(ctx, l, customer, true)
}

func (s *Service) record(ctx context.Context, l Line, customer o2c.CustomerID, rejected bool) error {
	seen := l.ValueDate
	if seen.IsZero() {
		seen = l.BookingDate
	}
	if iban := MappingKey(MappingIBAN, l.CounterpartyIBAN); iban != "" {
		if _, err := s.stores.Matching.LearnMapping(ctx, MappingEvidence{Kind: MappingIBAN, Key: iban, Customer: customer, Rejected: rejected, Seen: seen}); err != nil {
			return err
		}
	}
	if name := payerName(l); name != "" {
		if _, err := s.stores.Matching.LearnMapping(ctx, MappingEvidence{Kind: MappingName, Key: name, Customer: customer, Rejected: rejected, Seen: seen}); err != nil {
			return err
		}
	}
	return nil
}

// Mappings returns what the service has learned so far, with its evidence.
func (s *Service) Mappings(ctx context.Context) ([]Mapping, error) {
	return s.stores.Matching.Mappings(ctx)
}
