// Package collect gets invoices paid, not only chased: signed pay-now
// links, payments confirmed by a payment provider, SEPA direct debits
// (mandates, pre-notifications, collection batches, R-transactions) and
// refunds by SEPA credit transfer. Money moves only through invoicing
// (invoice.Service): a collection or a card payment is an invoice payment
// like any other, a returned debit reverses it, a refund is
// invoice.Service.Refund.
//
// Package collect/sepa writes and reads the bank messages (pain.008,
// pain.001, pain.002, camt.054) and checks the EPC rules; this package
// holds the domain: [Keyring] and [PayLinks] for links, [Mandate] and its
// sequence-type life, [Intake] for provider events.
//
// Like every domain package, collect imports neither net/http nor a
// database driver: the HTTP handler that resolves a pay link lives in
// adapters/paylinkhttp, the Stripe webhook verifier in adapters/stripe.
package collect
