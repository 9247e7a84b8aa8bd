// Package sepa writes and reads the SEPA messages a creditor exchanges with
// its bank: direct-debit collections (pain.008.001.08, and .02 for banks that
// still require it), credit transfers for refunds (pain.001.001.09 and .03),
// and the R-transactions that come back (rejects in a pain.002.001.10 status
// report, returns and refunds in a camt.054.001.08 debit notification), with
// the ISO reason codes that say what to do next.
//
// It is pure: values in, bytes or values out, no clock and no store. Every
// writer checks the European Payments Council (EPC) rules that the ISO
// schema does not (see [DirectDebitFile.Validate]):
//
//   - the SEPA character set: a-z A-Z 0-9 / - ? : ( ) . , ' + and space;
//     names and remittance text are written transliterated into it
//     ([Latin]: "Müller & Söhne" is written "Muller + Sohne") and their
//     lengths checked after transliteration; identifiers are refused when
//     they leave it;
//   - lengths: identifiers 35, names 70, unstructured remittance 140;
//   - identifiers neither start nor end with "/" and contain no "//";
//   - amounts in euro, from 0.01 to 999999999.99, with two decimals;
//   - one scheme (CORE or B2B) per file, one sequence type (FRST, RCUR,
//     FNAL, OOFF) per payment information block, collection dates on
//     TARGET2 business days;
//   - the amendment indicator set exactly when amendment details are given,
//     and "SMNDA" as the original debtor agent when the debtor changed bank;
//   - the creditor identifier's ISO 7064 MOD 97-10 check digits
//     ([ParseCreditorID]).
//
// Errors are *o2c.ValidationError naming the field by its path in the file
// ("batches[0].debits[2].mandate.id") and wrapping [ErrRule].
package sepa
