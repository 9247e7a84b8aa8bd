// Package paylinkhttp is the pay-now page a host mounts: it resolves a
// collect pay-link token to what the customer owes now, as an HTML page
// or as JSON (Accept: application/json), and hands the payment provider's
// confirmation (a POST) to the provider's webhook handler, e.g.
// adapters/stripe.Handler, which books it through collect.Intake.
//
// A refused token gets a page (or JSON) saying why, in plain words, and a
// status: 410 Gone for an expired link, 403 for a link of another tenant,
// 400 for an altered, malformed or unknown-key token.
package paylinkhttp

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/o2c"
)

// Resolver resolves a token; *collect.PayLinks is one.
type Resolver interface {
	Resolve(ctx context.Context, token string) (collect.Owed, error)
}

// Handler serves GET (the page or JSON) and POST (the provider's
// confirmation, passed to Confirm).
type Handler struct {
	Links Resolver
	// Creditor is the name shown on the page.
	Creditor string
	// Checkout returns the host's checkout address for what is owed (the
	// provider's payment page, carrying the token in its metadata); nil:
	// no "Pay now" button.
	Checkout func(o collect.Owed, token string) string
	// Confirm receives POSTs (the provider's webhook); nil: 405.
	Confirm http.Handler
}

// Refusal is the JSON body of a refused token.
type Refusal struct {
	Error string `json:"error"`
	// Reason is "expired", "wrong_tenant", "tampered", "unknown_key" or
	// "malformed".
	Reason string `json:"reason"`
}

func refusalOf(err error) (int, Refusal) {
	switch {
	case errors.Is(err, collect.ErrTokenExpired):
		return http.StatusGone, Refusal{"This payment link has expired. Ask for a new one, or pay by bank transfer quoting your invoice number.", "expired"}
	case errors.Is(err, collect.ErrTokenWrongTenant):
		return http.StatusForbidden, Refusal{"This payment link was not issued by this company.", "wrong_tenant"}
	case errors.Is(err, collect.ErrTokenTampered):
		return http.StatusBadRequest, Refusal{"This payment link is not valid: it was altered.", "tampered"}
	case errors.Is(err, collect.ErrTokenUnknownKey):
		return http.StatusBadRequest, Refusal{"This payment link is no longer valid. Ask for a new one.", "unknown_key"}
	default:
		return http.StatusBadRequest, Refusal{"This is not a valid payment link.", "malformed"}
	}
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || r.URL.Query().Get("format") == "json"
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		if h.Confirm == nil {
			http.Error(w, "payments are confirmed by the provider's webhook, not configured here", http.StatusMethodNotAllowed)
			return
		}
		h.Confirm.ServeHTTP(w, r)
		return
	case http.MethodGet, http.MethodHead:
	default:
		http.Error(w, "GET or POST", http.StatusMethodNotAllowed)
		return
	}
	token := r.URL.Query().Get("t")
	if token == "" {
		token = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	}
	owed, err := h.Links.Resolve(r.Context(), token)
	var te *collect.TokenError
	switch {
	case errors.As(err, &te):
		status, ref := refusalOf(err)
		if wantsJSON(r) {
			writeJSON(w, status, ref)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = page.ExecuteTemplate(w, "refused", map[string]any{"Creditor": h.Creditor, "Refusal": ref})
		return
	case err != nil:
		http.Error(w, "could not read what is owed; try again later", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, owed)
		return
	}
	checkout := ""
	if h.Checkout != nil && owed.Due.IsPositive() {
		checkout = h.Checkout(owed, token)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.ExecuteTemplate(w, "owed", map[string]any{"Creditor": h.Creditor, "Owed": owed, "Checkout": checkout})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"money": func(m o2c.Money) string { return m.String() },
}).Parse(`{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Creditor}}: payment</title></head><body>{{end}}
{{define "refused"}}{{template "head" .}}<h1>{{.Creditor}}</h1><p class="refused" data-reason="{{.Refusal.Reason}}">{{.Refusal.Error}}</p></body></html>{{end}}
{{define "owed"}}{{template "head" .}}<h1>{{.Creditor}}</h1>
<table><thead><tr><th>Invoice</th><th>Due date</th><th>Amount</th><th>Open</th><th></th></tr></thead><tbody>
{{range .Owed.Lines}}<tr><td>{{.Number}}</td><td>{{.DueDate}}</td><td>{{money .Amount}}</td><td>{{money .Open}}</td><td>{{if .Paid}}<span class="paid">Paid</span>{{else if .Disputed.IsPositive}}<span class="disputed">In dispute: {{money .Disputed}}</span>{{end}}</td></tr>
{{end}}</tbody></table>
{{if .Owed.Due.IsPositive}}<p class="due">To pay now: <strong>{{money .Owed.Due}}</strong></p>{{if .Checkout}}<p><a class="pay" href="{{.Checkout}}">Pay now</a></p>{{end}}{{else}}<p class="settled">Nothing is left to pay. Thank you.</p>{{end}}
</body></html>{{end}}`))
