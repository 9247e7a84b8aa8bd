// Package invoice holds invoices and credit notes and everything that
// decides when and how much a customer owes: payment terms and due dates,
// instalment schedules, early-payment discounts, business-day calendars and
// statutory limits on payment periods.
//
// The payment-terms engine (files terms.go and calendar.go) is made of pure
// functions: an invoice date and some [Terms] in, a due date or a schedule
// out. It reads no clock, touches no store and needs no context, so it can
// be called anywhere, including inside a store transaction.
package invoice
