// Package einvoice turns the SDK's invoices into EN 16931 electronic
// invoices and reads them back.
//
// [FromInvoice] builds a [Document], the EN 16931 semantic model, from an
// issued [invoice.Invoice] (an invoice, a credit note, a deposit invoice or
// a final invoice deducting deposits), the buyer's master data
// ([PartyFromCustomer]) and the seller's ([Options]). Its figures are the
// invoice's own, so the amount due is the invoice's gross to the cent. The
// French legal mentions (late-payment penalties PMD, the 40 EUR recovery
// indemnity PMT, the early-payment discount AAB) are written as notes.
//
// [WriteCII] writes a UN/CEFACT Cross Industry Invoice D16B (the syntax of
// Factur-X and ZUGFeRD) and [WriteUBL] an OASIS UBL 2.1 Invoice or
// CreditNote (the syntax of Peppol BIS Billing 3.0 and XRechnung). Both
// check the document first ([Document.Check]) and refuse it with a
// *o2c.ValidationError naming the business term when a rule is broken. The
// package's tests run every document of a corpus (several VAT rates,
// reverse charge, exempt, credit note, deposit and final invoice,
// allowances and charges, instalments, early-payment discount) through the
// official CEN Schematron and the CII XSD.
//
// [ReadCII] and [ReadUBL] read documents from other systems (or returned by
// a platform) into a Document; malformed input is a *SyntaxError, never a
// silently wrong amount. [Document.Draft] turns a document into an invoice
// draft of the SDK when the SDK's totals engine gives the same totals.
//
// Instalments: EN 16931 has one due date (BT-9). A document with several
// instalments carries the first due date and the whole schedule in the
// payment terms text (BT-20).
package einvoice
