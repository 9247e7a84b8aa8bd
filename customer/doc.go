// Package customer is the customer master of the order-to-cash cycle: who
// is invoiced, in which currency and language, on which default payment
// terms, at which address and to which contacts, with which legal
// identifiers, and from which bank accounts they pay. Orders, credit
// control, invoicing, dunning and cash application all read it.
//
// The package is pure domain: no storage code, no clock, no I/O. A
// [Customer] is created by [New] and amended by [Customer.Update], both of
// which normalise and validate everything and report every problem at once
// as joined *[o2c.ValidationError] values (matching [o2c.ErrValidation];
// list them with [ValidationErrors]). Its fields are exported and it
// round-trips through encoding/json exactly, so stores persist it as is;
// [Customer.Version] is theirs for optimistic concurrency.
//
// Validation is real, not cosmetic. Each identifier has a pure function
// returning nil or a *[o2c.ValidationError] that names the field and the
// rule, with a cause ([ErrInvalidChecksum], [ErrInvalidLength], ...):
//
//   - [ValidateIBAN]: SWIFT IBAN Registry country and length, ISO 7064
//     MOD 97-10 check; [NormalizeIBAN], [CompactIBAN], [FormatIBAN].
//   - [ValidateBIC]: ISO 9362 structure.
//   - [ValidateSIREN], [ValidateSIRET]: Luhn, with La Poste's documented
//     exception; [FrenchVATNumber] derives the VAT number from a SIREN.
//   - [ValidateVAT]: the format of every EU member state's VAT number (EL
//     for Greece), XI (Northern Ireland) and GB, and the French key.
//   - [ValidateEmail], [ValidateCountry], [ValidatePostcode],
//     [ValidateLanguage].
//
// Creating a customer needs only its number: a prospect may be recorded
// before its details are known. [ReadyToInvoice] says what is still missing
// before the first invoice (legal name, billing address, a contact who
// receives invoices, currency, payment terms, VAT number for intra-EU
// business customers, optionally SIREN and SIRET for French ones), under
// [ReadinessRules] whose zero value applies the defaults; [CheckReady]
// returns the same as a *[NotReadyError] matching [ErrNotReady].
//
// [Customer.KnowsIBAN] tells cash application whether a payer's IBAN
// belongs to a customer.
//
// [Store] is the tenant-bound customer master as the adapters keep it
// (adapters/memory, adapters/sqlstore: SQLite and PostgreSQL): create, get by ID
// or number, list by segment with paging, update under optimistic
// concurrency, and [Store.FindByIBAN] for cash application. Creations and
// updates append [EventCreated] and [EventUpdated] to the outbox in the
// same transaction. The package declares the interface only;
// [github.com/cashcycle/sdk/customer/customertest] is the conformance suite
// every implementation passes.
package customer
