// Package matching is cash application ("lettrage"): bank statements read
// into one line model (camt.053 and camt.054 of every version, MT940 and
// MT942, CFONB 120, CSV with a column mapping) and matched to open
// invoices, with a confidence and the reasons for every proposal.
package matching
