// Package ledger turns the SDK's domain events into balanced journal
// entries: the general ledger side of the receivables the invoice package
// keeps, provably consistent with them.
//
// # Posting rules
//
// A [Book] is a validated [Config]: a chart of accounts as data ([PCG],
// [IFRS] presets; [NewChart] for your own), every [Role] mapped to one of
// its accounts, [LineRule]s mapping document lines (by SKU prefix, tax
// category, customer group) to revenue accounts and a VAT basis. [NewBook]
// refuses any account the chart lacks with an *[UnknownAccountError], so
// no entry can ever reference an unknown account. [Book.Entries] derives
// an event's entries as a pure function of the event (and of the host's
// exchange [Rates]): the same event always gives the same entries, which
// is what makes posting idempotent. It documents what each event posts.
//
// VAT on receipts ("TVA sur les encaissements", [VATOnReceipts]): output
// VAT is booked to the pending account (44574) at issue and moved to VAT
// due (44571), per rate, by the share of the document each settlement
// settles (tax × settled / gross, rounded half up on the cumulative
// share, so the moves of a document add up to its VAT exactly when
// nothing is open). A bad-debt write-off reverses the VAT in the written-
// off amount when [Config.BadDebtVATRelief] is set (the French
// regularisation of a definitively irrecoverable debt) and always the
// VAT still pending.
//
// Foreign currencies: entries are in [Config.Functional]; a document in
// another currency is converted at the host's rate on its date (issue
// date for the document, value date for a payment) and the line keeps
// the document's amount (FEC Montantdevise, Idevise). When a payment
// settles an invoice at another rate, the difference goes to the exchange
// gain (766) or loss (666) account. Limits: a credit note applied to an
// invoice of another date clears both at the invoice's rate (no exchange
// difference is computed between them), and a refund of unapplied cash
// leaves the bank at the payment's rate; hosts with such cases post the
// difference themselves.
//
// # Posting exactly once
//
// A [Poster] consumes the events from the outbox (its Handle is an
// outbox handler) and stores each event's entries with the event's key in
// one transaction of its [Store] ([KernelStore], on the storage kernel:
// memory, SQLite, PostgreSQL); a redelivered event finds its key and
// writes nothing, so the outbox's at-least-once delivery gives entries
// exactly once. Entries dated in a locked [Period] move to the next open
// day ([MoveToNextOpen], the default) or are refused ([RefuseLocked]).
//
// # Reports and exports
//
// [Letters] letters the receivable account per customer each time it nets
// to zero; [Book.TrialBalance] sums a period per account;
// [AgedReceivable] ages the receivable account's lines by document and
// instalment, equal to the receivables aging of the report package;
// [Book.WriteFEC] writes the Fichier des Écritures Comptables of article
// A47 A-1 LPF and [CheckFEC] checks one; [Book.WriteCSV] and
// [Book.WriteJSON] are the generic journal export.
package ledger
