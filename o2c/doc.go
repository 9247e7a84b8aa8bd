// Package o2c is the vocabulary every order-to-cash package shares: [Money]
// and [Currency], the civil [Date], typed identifiers ([ID]), the [TenantID]
// that scopes every store, a replaceable [Clock], the domain [Event] envelope
// carried by the outbox, and the sentinel errors ([ErrNotFound], [ErrConflict],
// [ErrInvalidTransition], [ErrValidation]) that every store and service
// returns.
//
// The package imports only the standard library, shopspring/decimal,
// google/uuid and the ISO 4217 table of bojanz/currency. It never changes
// shopspring/decimal's package-level settings.
package o2c
