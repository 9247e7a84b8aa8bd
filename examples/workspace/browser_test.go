package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/order"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the screenshots of the browser test to docs/screenshots")

// browserPath finds a Chromium or Chrome. Without one the browser test
// skips, except under CI=true where it fails: CI installs Debian's
// chromium package.
func browserPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found: CI must install the chromium package")
	}
	t.Skip("no Chromium or Chrome installed (apt-get install chromium)")
	return ""
}

// TestBrowserWorkspace drives the workspace in headless Chromium, one
// browser for every step, as an operator would.
func TestBrowserWorkspace(t *testing.T) {
	exe := browserPath(t)
	app, srv := startWorkspace(t, openSQLite(t), 26)
	env := app.tenants["demo"]
	bg := context.Background()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 800))
	actx, cancelAlloc := chromedp.NewExecAllocator(bg, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx := bctx
	// start the browser on the context itself: a timeout on its first run
	// would stop the browser with it
	require.NoError(t, chromedp.Run(ctx))
	// run runs actions within 30 seconds; on failure it says where the
	// browser is and what the page shows
	run := func(t *testing.T, actions ...chromedp.Action) {
		t.Helper()
		rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
		defer rcancel()
		if err := chromedp.Run(rctx, actions...); err != nil {
			var loc, body string
			dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
			defer dcancel()
			_ = chromedp.Run(dctx, chromedp.Location(&loc), chromedp.Text("body", &body, chromedp.ByQuery))
			if len(body) > 2000 {
				body = body[:2000]
			}
			t.Fatalf("%v\nat %s:\n%s", err, loc, body)
		}
	}
	desktop := chromedp.EmulateViewport(1280, 800)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	shotDir := t.TempDir()
	if *updateScreenshots {
		shotDir = filepath.Join("..", "..", "docs", "screenshots")
		require.NoError(t, os.MkdirAll(shotDir, 0o755))
	}
	shot := func(t *testing.T, name string) {
		t.Helper()
		var png []byte
		run(t, chromedp.CaptureScreenshot(&png))
		require.Less(t, len(png), 300<<10, "screenshot %s stays small", name)
		require.NoError(t, os.WriteFile(filepath.Join(shotDir, name), png, 0o644))
	}
	fitsWidth := func(t *testing.T, page string) {
		t.Helper()
		var fits bool
		var widths []int
		run(t, chromedp.Evaluate(`[document.documentElement.scrollWidth, window.innerWidth]`, &widths))
		run(t, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth`, &fits))
		assert.True(t, fits, "%s scrolls horizontally: scrollWidth %d > innerWidth %d", page, widths[0], widths[1])
	}
	overviewTotal := func(t *testing.T) string {
		t.Helper()
		var total string
		run(t, chromedp.Navigate(srv.URL+"/t/demo/"), chromedp.WaitVisible("#aging-total", chromedp.ByID),
			chromedp.AttributeValue("#aging-total", "data-amount", &total, nil, chromedp.ByID))
		return total
	}

	t.Run("log in", func(t *testing.T) {
		run(t, desktop, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`input[name=user]`),
			chromedp.SendKeys(`input[name=user]`, "anna"), chromedp.SendKeys(`input[name=password]`, "s3cret-demo"),
			chromedp.Submit(`input[name=password]`), chromedp.WaitVisible("#kpi-open", chromedp.ByID))
		var title string
		run(t, chromedp.Title(&title))
		assert.Contains(t, title, "Overview")
	})

	// a customer with readiness findings and a timeline for the screenshot
	petit, err := env.Store.Customers().GetByNumber(bg, "C-108")
	require.NoError(t, err)
	pages := []struct{ name, path, ready string }{
		{"overview", "/t/demo/", "#kpi-open"},
		{"queues", "/t/demo/queues", "#holds"},
		{"customer", "/t/demo/customers/" + petit.ID.String(), "#timeline"},
	}

	t.Run("three pages at 1280x800 and 390x844 without horizontal scrolling", func(t *testing.T) {
		for _, p := range pages {
			run(t, desktop, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(p.ready, chromedp.ByQuery))
			fitsWidth(t, p.name+" at 1280x800")
			shot(t, "workspace-"+p.name+".png")
			run(t, phone, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(p.ready, chromedp.ByQuery))
			fitsWidth(t, p.name+" at 390x844")
		}
		run(t, desktop)
	})

	t.Run("the overview's aging total equals report.AgingOf", func(t *testing.T) {
		want := sdkAging(t, app, "demo", testToday)
		assert.Equal(t, want.Total.Total.Amount().String(), overviewTotal(t))
		var shown string
		run(t, chromedp.Text("#kpi-open", &shown, chromedp.ByID))
		assert.Equal(t, formatMoney(want.Total.Total), shown)
	})

	t.Run("upload a statement, confirm a suggestion, the invoice is paid and the aging falls", func(t *testing.T) {
		before := sdkAging(t, app, "demo", testToday).Total.Total
		inv := invoiceToPay(t, env)
		// the customer pays from an account nobody knows, without a
		// reference: only its name says who paid, so the payment waits
		// for a person
		file := filepath.Join(t.TempDir(), "statement.xml")
		require.NoError(t, os.WriteFile(file, []byte(camt053(testToday, inv.Open(), "NORD INDUSTRIE SARL", "REGLEMENT FOURNISSEUR DECEMBRE")), 0o644))
		run(t, chromedp.Navigate(srv.URL+"/t/demo/queues"), chromedp.WaitVisible("#statement-file", chromedp.ByID),
			chromedp.SetUploadFiles("#statement-file", []string{file}, chromedp.ByID),
			chromedp.Click(`form.upload button[type=submit]`), chromedp.WaitVisible("#job-next", chromedp.ByID))
		var result string
		run(t, chromedp.Text("#job-result", &result, chromedp.ByID))
		assert.Contains(t, result, "1 line(s) waiting for a person")
		run(t, chromedp.Click("#job-next", chromedp.ByID), chromedp.WaitVisible("#matching", chromedp.ByID))
		// the proposal allocating the payment to the invoice, with its reasons
		sel := fmt.Sprintf(`//div[contains(@class,"proposal")][.//span[contains(., %q)]]`, inv.Number())
		var reasons string
		run(t, chromedp.Text(sel+`//ul[@class="reasons"]`, &reasons, chromedp.BySearch))
		assert.NotEmpty(t, strings.TrimSpace(reasons))
		run(t, chromedp.Click(sel+`//button[contains(., "Confirm")]`, chromedp.BySearch), chromedp.WaitVisible(".flash", chromedp.ByQuery))
		var flash string
		run(t, chromedp.Text(".flash", &flash, chromedp.ByQuery))
		assert.Contains(t, flash, inv.Number())

		paid, err := env.Cycle.Invoices().Get(bg, inv.ID())
		require.NoError(t, err)
		assert.Equal(t, invoice.StatePaid, paid.Status())
		after := sdkAging(t, app, "demo", testToday).Total.Total
		want, err := before.Sub(inv.Open())
		require.NoError(t, err)
		assert.Equal(t, want.String(), after.String(), "the aging falls by the payment")
		assert.Equal(t, after.Amount().String(), overviewTotal(t))
		// the customer page no longer lists it as open, and shows the payment
		var open, timeline string
		run(t, chromedp.Navigate(srv.URL+"/t/demo/customers/"+inv.Customer().String()), chromedp.WaitVisible("#timeline", chromedp.ByID),
			chromedp.Text("#open-items", &open, chromedp.ByID), chromedp.Text("#timeline", &timeline, chromedp.ByID))
		assert.NotContains(t, open, inv.Number())
		assert.Contains(t, timeline, "payment on "+inv.Number())
	})

	t.Run("release a credit hold", func(t *testing.T) {
		held := heldOrders(t, app)
		require.NotEmpty(t, held)
		id := held[0].ID().String()
		form := fmt.Sprintf(`article[data-order="%s"]`, id)
		run(t, chromedp.Navigate(srv.URL+"/t/demo/queues"), chromedp.WaitVisible(form, chromedp.ByQuery),
			chromedp.SendKeys(form+` input[name=note]`, "director approved the order", chromedp.ByQuery),
			chromedp.Click(form+` button.ok`, chromedp.ByQuery), chromedp.WaitVisible(".flash", chromedp.ByQuery))
		o, err := env.Cycle.Orders().Get(bg, held[0].ID())
		require.NoError(t, err)
		assert.NotEqual(t, order.StateOnCreditHold, o.State())
		audit := o.Audit()
		last := audit[len(audit)-1]
		var released *order.AuditEntry
		for i := range audit {
			if audit[i].To == order.StateReleased {
				released = &audit[i]
			}
		}
		require.NotNil(t, released, "the release is in the audit (last: %+v)", last)
		assert.Equal(t, "anna", released.By)
		assert.Equal(t, "director approved the order", released.Note)
		assert.Len(t, heldOrders(t, app), len(held)-1)
	})

	t.Run("execute today's dunning and open a letter", func(t *testing.T) {
		run(t, chromedp.Navigate(srv.URL+"/t/demo/queues"), chromedp.WaitVisible("#execute-dunning", chromedp.ByID),
			chromedp.Click("#execute-dunning", chromedp.ByID), chromedp.WaitVisible("#job-next", chromedp.ByID))
		var result string
		run(t, chromedp.Text("#job-result", &result, chromedp.ByID))
		assert.Regexp(t, `[1-9]\d* letter\(s\) written`, result)
		run(t, chromedp.Click("#job-next", chromedp.ByID), chromedp.WaitVisible("ul.letters a", chromedp.ByQuery),
			chromedp.Click("ul.letters a", chromedp.ByQuery), chromedp.WaitVisible("#letter-subject", chromedp.ByID))
		var subject, body string
		run(t, chromedp.Text("#letter-subject", &subject, chromedp.ByID), chromedp.Text("article.letter", &body, chromedp.ByQuery))
		assert.NotEmpty(t, subject)
		assert.Contains(t, body, "INV-")
		run_, err := env.Store.Dunning().Run(bg, testToday)
		require.NoError(t, err)
		assert.Positive(t, run_.Letters)
	})

	t.Run("a POST without the CSRF token is refused", func(t *testing.T) {
		held := heldOrders(t, app)
		require.NotEmpty(t, held)
		var status int
		js := fmt.Sprintf(`fetch(%q, {method: "POST", body: new URLSearchParams({note: "forged"})}).then(r => r.status)`,
			"/t/demo/holds/"+held[0].ID().String()+"/release")
		run(t, chromedp.Navigate(srv.URL+"/t/demo/queues"), chromedp.WaitVisible("#holds", chromedp.ByID),
			chromedp.Evaluate(js, &status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		assert.Equal(t, 403, status)
		assert.Len(t, heldOrders(t, app), len(held), "nothing released")
	})

	t.Run("another tenant's customer URL is refused", func(t *testing.T) {
		other := otherTenantCustomer(t, app)
		for path, want := range map[string]int64{
			"/t/north/customers/" + other.ID.String(): 403,
			"/t/demo/customers/" + other.ID.String():  404,
		} {
			resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(srv.URL+path))
			require.NoError(t, err)
			assert.Equal(t, want, resp.Status, path)
			var text string
			run(t, chromedp.Text("body", &text, chromedp.ByQuery))
			assert.NotContains(t, text, other.LegalName)
		}
	})
}
