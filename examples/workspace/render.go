package main

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

var pageNames = []string{"login", "error", "overview", "queues", "customers", "customer", "job", "letter"}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"money":       formatMoney,
		"date":        func(d o2c.Date) string { return d.String() },
		"when":        func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
		"short":       shortID,
		"human":       func(s any) string { return strings.ReplaceAll(toString(s), "_", " ") },
		"pct":         func(f float64) string { return fmt.Sprintf("%.0f %%", f*100) },
		"join":        strings.Join,
		"query":       urlQuery,
		"inc":         func(i int) int { return i + 1 },
		"safe":        func(s string) template.HTML { return template.HTML(s) },
		"bucketColor": bucketColor,
		"late":        func(today, due o2c.Date) int { return max(0, due.DaysUntil(today)) },
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

func toString(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case interface{ String() string }:
		return s.String()
	}
	return fmt.Sprint(v)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func isNotFound(err error) bool { return errors.Is(err, o2c.ErrNotFound) }

// formatMoney writes an amount with thousands separators: 12 345.67 EUR,
// with no-break spaces.
func formatMoney(m o2c.Money) string {
	if m.Currency().IsZero() {
		return "–"
	}
	s := m.Amount().StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteRune('\u00a0') // no break inside an amount
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac + "\u00a0" + m.Currency().String()
	if neg {
		out = "−" + out
	}
	return out
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (a *App) render(w http.ResponseWriter, status int, page string, v *view) {
	t := a.pages[page]
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		a.log.Error("template", "page", page, "err", err)
		http.Error(w, "the page could not be drawn: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
