package main

import (
	"context"
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/customer"
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
