package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// testToday is a Thursday: a business day with letters due.
var testToday = o2c.MustDate(2026, time.December, 3)

// startWorkspace seeds a workspace on db and serves it.
func startWorkspace(t *testing.T, db *sqlstore.DB, weeks int) (*App, *httptest.Server) {
	t.Helper()
	app, err := NewApp(context.Background(), Config{DB: db, Today: testToday, User: "anna", Password: "s3cret-demo",
		Tenants: []o2c.TenantID{"demo"}, LettersDir: t.TempDir(), Weeks: weeks})
	require.NoError(t, err)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	return app, srv
}

func openSQLite(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "ws.db"), sqlstore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// client is a browser without JavaScript: a cookie jar, no redirects followed.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b)
}

func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+path, form)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b)
}

// login logs in and returns the session's CSRF token.
func (c *client) login(user, password string) (int, string) {
	c.t.Helper()
	_, page := c.get("/login")
	m := csrfField.FindStringSubmatch(page)
	require.NotNil(c.t, m, "the login form carries a CSRF token")
	status, _ := c.post("/login", url.Values{"csrf": {m[1]}, "user": {user}, "password": {password}})
	_, page = c.get("/t/demo/queues")
	if m = csrfField.FindStringSubmatch(page); m == nil {
		return status, ""
	}
	return status, m[1]
}

var agingTotal = regexp.MustCompile(`id="aging-total" data-amount="([^"]+)"`)

// sdkAging is the tenant's aged balance by report.AgingOf as of the date.
func sdkAging(t *testing.T, app *App, tenant o2c.TenantID, asOf o2c.Date) report.CurrencyAging {
	t.Helper()
	items, err := reportItems(context.Background(), app.tenants[tenant])
	require.NoError(t, err)
	aging, err := report.AgingOf(items, asOf, report.AgingOptions{})
	require.NoError(t, err)
	ca, ok := aging.Currency(o2c.EUR)
	require.True(t, ok)
	return ca
}

func otherTenantCustomer(t *testing.T, app *App) *customer.Customer {
	t.Helper()
	cs, err := app.tenants["north"].Store.Customers().List(context.Background(), customer.ListOptions{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, cs)
	return cs[0]
}

func TestWorkspaceWithoutBrowser(t *testing.T) {
	app, srv := startWorkspace(t, openSQLite(t), 12)
	c := newClient(t, srv.URL)

	t.Run("pages need a login and a wrong password is refused", func(t *testing.T) {
		status, _ := c.get("/t/demo/")
		assert.Equal(t, http.StatusSeeOther, status)
		status, _ = c.login("anna", "wrong")
		assert.Equal(t, http.StatusUnauthorized, status)
	})

	token := ""
	t.Run("login", func(t *testing.T) {
		var status int
		status, token = c.login("anna", "s3cret-demo")
		assert.Equal(t, http.StatusSeeOther, status)
		require.NotEmpty(t, token)
	})

	t.Run("security headers", func(t *testing.T) {
		resp, err := c.http.Get(srv.URL + "/t/demo/")
		require.NoError(t, err)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "script-src 'self'")
		assert.Contains(t, csp, "frame-ancestors 'none'")
		assert.NotContains(t, csp, "unsafe-inline")
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	})

	t.Run("overview aging total equals report.AgingOf", func(t *testing.T) {
		status, page := c.get("/t/demo/")
		require.Equal(t, http.StatusOK, status)
		m := agingTotal.FindStringSubmatch(page)
		require.NotNil(t, m)
		want := sdkAging(t, app, "demo", testToday)
		assert.Equal(t, want.Total.Total.Amount().String(), m[1])
		assert.True(t, want.Total.Total.IsPositive())
		assert.NotContains(t, page, "<script>", "no inline script")
	})

	t.Run("a POST without the CSRF token is refused", func(t *testing.T) {
		held := heldOrders(t, app)
		require.NotEmpty(t, held)
		status, body := c.post("/t/demo/holds/"+held[0].ID().String()+"/release", url.Values{"note": {"no token"}})
		assert.Equal(t, http.StatusForbidden, status)
		assert.Contains(t, body, "CSRF")
		status, _ = c.post("/t/demo/holds/"+held[0].ID().String()+"/release", url.Values{"note": {"bad token"}, "csrf": {token + "x"}})
		assert.Equal(t, http.StatusForbidden, status)
		assert.Len(t, heldOrders(t, app), len(held), "nothing released")
	})

	t.Run("another tenant's customer is refused", func(t *testing.T) {
		other := otherTenantCustomer(t, app)
		status, _ := c.get("/t/north/customers/" + other.ID.String())
		assert.Equal(t, http.StatusForbidden, status)
		status, page := c.get("/t/demo/customers/" + other.ID.String())
		assert.Equal(t, http.StatusNotFound, status)
		assert.NotContains(t, page, other.LegalName)
		status, _ = c.post("/t/north/promises", url.Values{"csrf": {token}, "customer": {other.ID.String()}, "date": {"2027-01-01"}})
		assert.Equal(t, http.StatusForbidden, status)
	})
}

func TestWorkspacePostgres(t *testing.T) {
	dsn := os.Getenv("O2C_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("O2C_POSTGRES_DSN not set")
	}
	schema := fmt.Sprintf("workspace_%d", time.Now().UnixNano())
	db, err := sqlstore.OpenPostgres(context.Background(), dsn, sqlstore.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = db.SQL().Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	app, srv := startWorkspace(t, db, 12) // fewer weeks: every write is a round trip
	c := newClient(t, srv.URL)
	_, token := c.login("anna", "s3cret-demo")
	require.NotEmpty(t, token)
	status, page := c.get("/t/demo/")
	require.Equal(t, http.StatusOK, status)
	m := agingTotal.FindStringSubmatch(page)
	require.NotNil(t, m)
	assert.Equal(t, sdkAging(t, app, "demo", testToday).Total.Total.Amount().String(), m[1])
	status, page = c.get("/t/demo/queues")
	require.Equal(t, http.StatusOK, status)
	assert.True(t, strings.Contains(page, "Orders on credit hold"))
}

// waitJob follows a job page's status until it finishes.
func waitJob(t *testing.T, c *client, jobURL string) jobState {
	t.Helper()
	var st jobState
	require.Eventually(t, func() bool {
		resp, err := c.http.Get(c.base + jobURL + "/status")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
		return st.Finish
	}, 30*time.Second, 100*time.Millisecond)
	return st
}

func TestWorkspaceActions(t *testing.T) {
	app, srv := startWorkspace(t, openSQLite(t), 12)
	env := app.tenants["demo"]
	ctx := context.Background()
	c := newClient(t, srv.URL)
	_, token := c.login("anna", "s3cret-demo")
	require.NotEmpty(t, token)

	t.Run("a customer excluded from today's run gets no letter; the others do", func(t *testing.T) {
		p, err := env.Cycle.Dunning().DryRun(ctx, testToday)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(p.Letters), 2, "the seed leaves letters due today")
		left := p.Letters[0].Customer
		status, _ := c.post("/t/demo/dunning/exclude", url.Values{"csrf": {token}, "customer": {left.String()}})
		require.Equal(t, http.StatusSeeOther, status)
		_, page := c.get("/t/demo/queues")
		assert.Contains(t, page, "is left out of today's run")

		resp, err := c.http.PostForm(srv.URL+"/t/demo/dunning/execute", url.Values{"csrf": {token}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		st := waitJob(t, c, resp.Header.Get("Location"))
		assert.Empty(t, st.Error)
		assert.Equal(t, 100, st.Percent)
		assert.Equal(t, len(p.Letters)-1, st.Total, "progress counts the letters of the run")
		assert.Contains(t, st.Result, fmt.Sprintf("%d letter(s) written", len(p.Letters)-1))

		hist, err := env.Store.Dunning().History(ctx, dunning.HistoryFilter{Since: testToday})
		require.NoError(t, err)
		require.Len(t, hist, len(p.Letters)-1)
		for _, h := range hist {
			assert.NotEqual(t, left, h.Customer)
			_, body, err := env.Letters.Letter(h.Key)
			require.NoError(t, err, "every letter written is delivered to the letter box")
			assert.NotEmpty(t, body)
		}
	})

	t.Run("resolve a dispute with a reason", func(t *testing.T) {
		invs, err := env.Cycle.Invoices().List(ctx, invoice.Filter{})
		require.NoError(t, err)
		var inv *invoice.Invoice
		var dp invoice.Dispute
		for _, i := range invs {
			for _, d := range i.Disputes() {
				if d.Status == invoice.DisputeOpen {
					inv, dp = i, d
				}
			}
		}
		require.NotNil(t, inv, "the seed leaves open disputes")
		path := "/t/demo/disputes/" + inv.ID().String() + "/" + dp.ID.String() + "/resolve"
		status, _ := c.post(path, url.Values{"csrf": {token}, "note": {"proof of delivery sent"}, "outcome": {"reject"}})
		require.Equal(t, http.StatusSeeOther, status)
		got, err := env.Cycle.Invoices().Get(ctx, inv.ID())
		require.NoError(t, err)
		d, err := got.Dispute(dp.ID)
		require.NoError(t, err)
		assert.Equal(t, invoice.DisputeResolved, d.Status)
		assert.Equal(t, invoice.OutcomeRejected, d.Outcome)
		last := d.Timeline[len(d.Timeline)-1]
		assert.Equal(t, "anna", last.Actor)
	})

	t.Run("resolve a dispute by crediting the disputed amount", func(t *testing.T) {
		invs, err := env.Cycle.Invoices().List(ctx, invoice.Filter{})
		require.NoError(t, err)
		var inv *invoice.Invoice
		var dp invoice.Dispute
		for _, i := range invs {
			for _, d := range i.Disputes() {
				if d.Status == invoice.DisputeOpen {
					inv, dp = i, d
				}
			}
		}
		require.NotNil(t, inv, "the seed leaves open disputes")
		path := "/t/demo/disputes/" + inv.ID().String() + "/" + dp.ID.String() + "/resolve"
		status, body := c.post(path, url.Values{"csrf": {token}, "note": {"price agreed with sales"}, "outcome": {"credit"}})
		require.Equal(t, http.StatusSeeOther, status, body)
		got, err := env.Cycle.Invoices().Get(ctx, inv.ID())
		require.NoError(t, err)
		d, err := got.Dispute(dp.ID)
		require.NoError(t, err)
		assert.NotEqual(t, invoice.OutcomeRejected, d.Outcome)
		assert.False(t, d.CreditNote.IsZero(), "a credit note was issued")
		// the credit line's net is the disputed gross less VAT, rounded
		// down: the credit note never exceeds the claim, by a few cents at most
		short, err := dp.Amount.Sub(d.Credited)
		require.NoError(t, err)
		assert.False(t, short.IsNegative(), "credited %s of %s", d.Credited, dp.Amount)
		assert.True(t, short.Amount().LessThan(decimal.RequireFromString("0.05")), "credited %s of %s", d.Credited, dp.Amount)
	})

	t.Run("record a promise to pay", func(t *testing.T) {
		cu, err := env.Store.Customers().GetByNumber(ctx, "C-103")
		require.NoError(t, err)
		status, _ := c.post("/t/demo/promises", url.Values{"csrf": {token}, "customer": {cu.ID.String()},
			"amount": {"1200.50"}, "date": {"2026-12-18"}, "note": {"CFO on the phone"}})
		require.Equal(t, http.StatusSeeOther, status)
		ps, err := env.Store.Dunning().Promises(ctx, cu.ID)
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, "1200.50 EUR", ps[0].Amount.String())
		assert.Equal(t, o2c.MustDate(2026, time.December, 18), ps[0].Date)
		status, _ = c.post("/t/demo/promises", url.Values{"csrf": {token}, "customer": {cu.ID.String()}, "date": {"18/12/2026"}})
		assert.Equal(t, http.StatusBadRequest, status, "a bad date is refused")
	})
}
