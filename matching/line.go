package matching

import (
	"github.com/cashcycle/sdk/o2c"
)

// Direction tells whether money came in or went out of the account.
type Direction string

// Directions.
const (
	Credit Direction = "credit" // money received: what cash application matches
	Debit  Direction = "debit"  // money paid out (refunds, fees, returned payments)
)

// Format names a statement format.
type Format string

// Supported formats.
const (
	FormatCAMT053  Format = "camt.053"
	FormatCAMT054  Format = "camt.054"
	FormatMT940    Format = "mt940"
	FormatMT942    Format = "mt942"
	FormatCFONB120 Format = "cfonb120"
	FormatCSV      Format = "csv"
)

// Statement is one bank statement (or notification) in any format, read
// into one model.
type Statement struct {
	Format         Format
	ID             string // the bank's statement or notification id (camt Stmt/Id, MT940 :20:/:28C:)
	Sequence       string // statement or electronic sequence number, when given
	AccountIBAN    string // the account the statement is for, compact form, when an IBAN
	AccountOther   string // the account number when not an IBAN (MT940 :25: legacy, CFONB RIB)
	AccountBIC     string
	Currency       o2c.Currency
	CreatedAt      string // creation time as the file states it (camt CreDtTm), kept as text
	From, To       o2c.Date
	OpeningBalance *Balance
	ClosingBalance *Balance
	Balances       []Balance // every balance the file states (incl. opening and closing)
	Lines          []Line

	// Incomplete is set only on a statement accepted with [AcceptPartial]
	// whose balances do not prove it complete (no closing balance, or
	// opening + movements != closing); nil when the statement balances or
	// states no balance to check (a camt.054 notification, an MT942
	// without balances, a CSV export without a balance column).
	Incomplete *BalanceError
	// Inconsistencies lists what the parser noticed and accepted without
	// refusing the file, one sentence each (a CFONB closing record whose
	// bank code differs from the opening record's). Empty for most files.
	Inconsistencies []string
}

// Balance is a statement balance.
type Balance struct {
	Type   string    // e.g. "OPBD", "CLBD", "ITBD", "CLAV" (camt codes; MT940 maps :60F:->OPBD, :62F:->CLBD, :64:->CLAV, :60M:/:62M:->intermediate)
	Amount o2c.Money // signed: negative for a debit balance
	Date   o2c.Date
}

// Line is one movement on the account, whatever format it came from.
type Line struct {
	BookingDate o2c.Date
	ValueDate   o2c.Date
	Amount      o2c.Money // always positive; see Direction
	Direction   Direction
	Reversal    bool // a reversal (storno) of an earlier entry

	CounterpartyName string
	CounterpartyIBAN string // compact form
	CounterpartyBIC  string
	// CounterpartyAccount holds a non-IBAN account number when that is all the bank gives.
	CounterpartyAccount string
	// UltimateParty names the party on whose behalf the counterparty paid
	// (camt UltmtDbtr on a credit, UltmtCdtr on a debit; MT940 SEPA ABWA+),
	// when the bank gives it.
	UltimateParty string

	RemittanceText    string   // unstructured remittance information, joined with spaces
	StructuredRefs    []string // creditor references (ISO 11649 RF..., national references) from structured fields
	EndToEndID        string   // camt EndToEndId / MT940 ?20 EREF+ / SEPA EREF
	MandateID         string   // SEPA direct debit mandate (MREF), when given
	BankReference     string   // the bank's own reference for the entry (camt AcctSvcrRef, MT940 //bank ref)
	CustomerReference string   // the account owner's reference (MT940 :61: reference for the account owner)
	TransactionCode   string   // the bank transaction code as given (camt BkTxCd domain/family/sub-family or proprietary, MT940 N-code, CFONB operation code)
	AdditionalInfo    string   // anything else the bank said about the entry (camt AddtlNtryInf, MT940 :86: free text not otherwise mapped)

	// Documents is the structured remittance the payer sent with the
	// payment, one entry per document it settles (camt RmtInf/Strd with
	// RfrdDocInf and RfrdDocAmt; an EDI 820 or CSV remittance advice
	// linked to the payment). Empty when the payer sent none.
	Documents []RemittanceDocument
}

// DocumentKind says what a remitted document is.
type DocumentKind string

// Document kinds a remittance names (camt RfrdDocInf/Tp/CdOrPrtry/Cd: CINV,
// CREN, DEBN; EDI 820 RMR01 IV/CM/DM).
const (
	DocumentInvoice    DocumentKind = "invoice"
	DocumentCreditNote DocumentKind = "credit_note"
	DocumentDebitNote  DocumentKind = "debit_note"
	DocumentOther      DocumentKind = "other"
)

// RemittanceDocument is one document named in a structured remittance and
// the amounts the payer states for it. An amount the payer did not state
// is nil; a stated amount is in the line's currency unless the remittance
// said otherwise.
type RemittanceDocument struct {
	Kind   DocumentKind
	Number string   // the document number as the payer wrote it
	Date   o2c.Date // zero when not given

	DuePayable *o2c.Money // the amount the payer believes was due (RfrdDocAmt/DuePyblAmt)
	Discount   *o2c.Money // early-payment discount taken (DscntApldAmt)
	Adjustment *o2c.Money // other deduction (AdjstmntAmtAndRsn), positive = deducted
	// AdjustmentReason is the payer's reason code for the adjustment as given
	// (camt AdjstmntAmtAndRsn/Rsn, EDI 820 ADX02), empty when none.
	AdjustmentReason string
	Remitted         *o2c.Money // the amount paid for this document (RmtdAmt)
}
