package paylinkhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/paylinkhttp"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

var now = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// invoices is a read-only set of issued invoices.
type invoices map[invoice.ID]*invoice.Invoice

func (m invoices) Get(_ context.Context, id invoice.ID) (*invoice.Invoice, error) {
	if inv, ok := m[id]; ok {
		return inv, nil
	}
	return nil, o2c.NotFound("invoice", id.String())
}

func issued(t *testing.T, cust o2c.CustomerID, number, price string) *invoice.Invoice {
	t.Helper()
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{Customer: cust, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Service", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(price, "EUR"), TaxCategory: tax.OutOfScope}}}, now)
	require.NoError(t, err)
	require.NoError(t, inv.Issue(number, o2c.MustDate(2026, 11, 2), invoice.BusinessDayShift{}, now))
	return inv
}

type fixture struct {
	srv     *httptest.Server
	links   *collect.PayLinks
	clock   *o2c.ManualClock
	paid    *invoice.Invoice
	open    *invoice.Invoice
	cust    o2c.CustomerID
	keyring *collect.Keyring
}

func setup(t *testing.T) *fixture {
	f := &fixture{clock: o2c.NewManualClock(now), cust: o2c.NewCustomerID()}
	f.paid, f.open = issued(t, f.cust, "INV-1", "100.00"), issued(t, f.cust, "INV-2", "250.00")
	require.NoError(t, f.paid.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "transfer", o2c.MustMoney("100.00", "EUR"), 0, now))
	f.keyring, _ = collect.NewKeyring(collect.Key{ID: "k1", Secret: bytes.Repeat([]byte("s"), 32)})
	var err error
	f.links, err = collect.NewPayLinks(collect.PayLinkOptions{Keys: f.keyring, Tenant: "acme", Clock: f.clock, BaseURL: "https://pay.example/p",
		Invoices: invoices{f.paid.ID(): f.paid, f.open.ID(): f.open}})
	require.NoError(t, err)
	f.srv = httptest.NewServer(&paylinkhttp.Handler{Links: f.links, Creditor: "Acme SAS",
		Checkout: func(o collect.Owed, token string) string {
			return "https://checkout.example/?amount=" + o.Due.AmountString()
		}})
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) token(t *testing.T) string {
	tok, err := f.links.Issue(f.cust, []collect.LinkLine{{Invoice: f.paid.ID(), Number: "INV-1"}, {Invoice: f.open.ID(), Number: "INV-2"}}, o2c.MustMoney("350.00", "EUR"))
	require.NoError(t, err)
	return tok
}

func get(t *testing.T, u string, jsonAccept bool) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if jsonAccept {
		req.Header.Set("Accept", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPageShowsWhatIsOwedNow(t *testing.T) {
	f := setup(t)
	tok := f.token(t)
	assert.Equal(t, "https://pay.example/p?t="+url.QueryEscape(tok), f.links.URL(tok))
	status, body := get(t, f.srv.URL+"/?t="+url.QueryEscape(tok), true)
	require.Equal(t, 200, status, body)
	var owed collect.Owed
	require.NoError(t, json.Unmarshal([]byte(body), &owed))
	require.Len(t, owed.Lines, 2)
	assert.True(t, owed.Lines[0].Paid, "INV-1 was paid after the link was issued")
	assert.False(t, owed.Lines[1].Paid)
	assert.Equal(t, "250.00 EUR", owed.Due.String(), "what is owed now, not what the link asked")

	status, html := get(t, f.srv.URL+"/pay/"+tok, false)
	require.Equal(t, 200, status)
	assert.Contains(t, html, `<span class="paid">Paid</span>`)
	assert.Contains(t, html, "To pay now: <strong>250.00 EUR</strong>")
	assert.Contains(t, html, `href="https://checkout.example/?amount=250.00"`)

	// everything paid: nothing to pay, no button
	require.NoError(t, f.open.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "card", o2c.MustMoney("250.00", "EUR"), 0, now))
	_, html = get(t, f.srv.URL+"/?t="+url.QueryEscape(tok), false)
	assert.Contains(t, html, "Nothing is left to pay")
	assert.NotContains(t, html, "Pay now")
}

func TestRefusedTokens(t *testing.T) {
	f := setup(t)
	tok := f.token(t)
	f.clock.Advance(31 * 24 * time.Hour)
	status, body := get(t, f.srv.URL+"/?t="+url.QueryEscape(tok), true)
	assert.Equal(t, http.StatusGone, status)
	var ref paylinkhttp.Refusal
	require.NoError(t, json.Unmarshal([]byte(body), &ref))
	assert.Equal(t, "expired", ref.Reason)
	status, html := get(t, f.srv.URL+"/?t="+url.QueryEscape(tok), false)
	assert.Equal(t, http.StatusGone, status)
	assert.Contains(t, html, "This payment link has expired")

	f.clock.Set(now)
	tampered := tok[:len(tok)-2] + strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, tok[len(tok)-2:])
	status, body = get(t, f.srv.URL+"/?t="+url.QueryEscape(tampered), true)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, `"reason":"tampered"`)

	other, _ := collect.NewPayLinks(collect.PayLinkOptions{Keys: f.keyring, Tenant: "globex", Clock: f.clock, Invoices: invoices{}})
	foreign, _ := other.Issue(f.cust, []collect.LinkLine{{Invoice: f.open.ID()}}, o2c.MustMoney("1.00", "EUR"))
	status, body = get(t, f.srv.URL+"/?t="+url.QueryEscape(foreign), true)
	assert.Equal(t, http.StatusForbidden, status, body)
	assert.Contains(t, body, `"reason":"wrong_tenant"`)

	status, _ = get(t, f.srv.URL+"/?t=garbage", true)
	assert.Equal(t, http.StatusBadRequest, status)

	// a token naming an invoice of another customer cannot be genuine
	stranger := issued(t, o2c.NewCustomerID(), "INV-9", "10.00")
	mixed, _ := f.keyring.Sign(collect.Claims{Tenant: "acme", Customer: f.cust, Lines: []collect.LinkLine{{Invoice: stranger.ID()}},
		Amount: o2c.MustMoney("10.00", "EUR"), Issued: now, Expires: now.Add(time.Hour)})
	links2, _ := collect.NewPayLinks(collect.PayLinkOptions{Keys: f.keyring, Tenant: "acme", Clock: f.clock, Invoices: invoices{stranger.ID(): stranger}})
	_, err := links2.Resolve(context.Background(), mixed)
	assert.ErrorIs(t, err, collect.ErrTokenTampered)
}

func TestPostGoesToTheProviderWebhook(t *testing.T) {
	f := setup(t)
	res, err := http.Post(f.srv.URL, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	called := false
	srv := httptest.NewServer(&paylinkhttp.Handler{Links: f.links, Confirm: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { called = true })})
	defer srv.Close()
	res, err = http.Post(srv.URL, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	res.Body.Close()
	assert.True(t, called)
}
