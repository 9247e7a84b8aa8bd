package paylinkhttp_test

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/cashcycle/sdk/adapters/paylinkhttp"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// A host mounts the handler at its pay page; an expired link gets 410 and
// a page saying so.
func ExampleHandler() {
	clock := o2c.NewManualClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	keys, _ := collect.NewKeyring(collect.Key{ID: "k1", Secret: bytes.Repeat([]byte("s"), 32)})
	links, _ := collect.NewPayLinks(collect.PayLinkOptions{Keys: keys, Tenant: "acme", Invoices: invoices{}, Clock: clock, TTL: time.Hour})
	h := &paylinkhttp.Handler{Links: links, Creditor: "Acme SAS"}
	token, _ := links.Issue(o2c.NewCustomerID(), []collect.LinkLine{{Invoice: o2c.NewID[invoice.Invoice]()}}, o2c.MustMoney("10.00", "EUR"))

	clock.Advance(2 * time.Hour)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/pay?t="+token, nil)
	req.Header.Set("Accept", "application/json")
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 410 {"error":"This payment link has expired. Ask for a new one, or pay by bank transfer quoting your invoice number.","reason":"expired"}
}
