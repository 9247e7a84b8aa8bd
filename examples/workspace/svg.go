package main

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// Charts are drawn on the server as SVG: no script, and they scale with
// the page (viewBox, width 100% in the stylesheet). Amounts are scaled to
// pixels with decimals; only the pixel positions are rounded.

var bucketColors = []string{"#3a9d5d", "#e9c46a", "#f4a261", "#e76f51", "#9b2226", "#6d597a"}

func bucketColor(i int) string { return bucketColors[min(i, len(bucketColors)-1)] }

// px scales v to width against max, in whole pixels (0 when max is zero).
func px(v, max decimal.Decimal, width int) int {
	if !max.IsPositive() || !v.IsPositive() {
		return 0
	}
	return int(v.Mul(decimal.NewFromInt(int64(width))).DivRound(max, 4).Round(0).IntPart())
}

func esc(s string) string { return html.EscapeString(s) }

// short writes an amount in thousands ("12.3k") for axis labels.
func short(m o2c.Money) string {
	a := m.Amount()
	if a.Abs().GreaterThanOrEqual(decimal.NewFromInt(1000)) {
		return a.DivRound(decimal.NewFromInt(1000), 1).StringFixed(1) + "k"
	}
	return a.StringFixed(0)
}

func svgOpen(b *strings.Builder, w, h int, label string) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(label))
	fmt.Fprintf(b, `<title>%s</title>`, esc(label))
}

func legend(b *strings.Builder, buckets []report.Bucket, x, y int) {
	for i, bk := range buckets {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" class="small">%s</text>`,
			x, y, bucketColor(i), x+14, y+9, esc(bk.Label))
		x += 24 + 7*len(bk.Label)
	}
}

// agingBar is the tenant's aging as one bar stacked by bucket.
func agingBar(o *overviewData) template.HTML {
	var b strings.Builder
	const w, barW = 600, 580
	svgOpen(&b, w, 44, "Aging by bucket, total "+o.Open.String())
	x := 10
	for i, amt := range o.Total {
		seg := px(amt.Amount(), o.Open.Amount(), barW)
		if seg > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="8" width="%d" height="28" fill="%s"><title>%s: %s</title></rect>`,
				x, seg, bucketColor(i), esc(o.Buckets[i].Label), esc(amt.String()))
		}
		x += seg
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// customerAgingChart stacks each customer's aging by bucket, largest first.
func customerAgingChart(o *overviewData) template.HTML {
	var b strings.Builder
	rows := o.Customers
	if len(rows) > 10 {
		rows = rows[:10]
	}
	const w, labelW, barW, rowH = 600, 170, 340, 24
	h := 30 + rowH*len(rows)
	svgOpen(&b, w, h, "Aging by customer, stacked by bucket")
	max := decimal.Zero
	for _, r := range rows {
		max = decimal.Max(max, r.Total.Amount())
	}
	for j, r := range rows {
		y := 4 + j*rowH
		name := r.Name
		if len([]rune(name)) > 22 {
			name = string([]rune(name)[:21]) + "…"
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" class="small">%s</text>`, y+14, esc(name))
		x := labelW
		for i, amt := range r.Amounts {
			seg := px(amt.Amount(), max, barW)
			if seg > 0 {
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s, %s: %s</title></rect>`,
					x, y+2, seg, rowH-6, bucketColor(i), esc(r.Name), esc(o.Buckets[i].Label), esc(amt.String()))
			}
			x += seg
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="small">%s</text>`, x+6, y+14, esc(short(r.Total)))
	}
	legend(&b, o.Buckets, 0, h-14)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// trendChart draws the countback DSO of the last 12 months.
func trendChart(ps []trendPoint) template.HTML {
	var b strings.Builder
	const w, h, left, bottom, top = 600, 220, 40, 190, 15
	svgOpen(&b, w, h, "Countback DSO, last 12 months")
	max := decimal.NewFromInt(10)
	for _, p := range ps {
		if p.OK {
			max = decimal.Max(max, p.Days)
		}
	}
	max = max.Div(decimal.NewFromInt(10)).Ceil().Mul(decimal.NewFromInt(10))
	for i := 0; i <= 2; i++ {
		v := max.Mul(decimal.NewFromInt(int64(i))).Div(decimal.NewFromInt(2))
		y := bottom - px(v, max, bottom-top)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="grid"/><text x="0" y="%d" class="small">%s d</text>`,
			left, y, w-5, y, y+4, v.StringFixed(0))
	}
	step := (w - left - 45) / max2(len(ps)-1, 1)
	var pts []string
	for i, p := range ps {
		x := left + 10 + i*step
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="small" text-anchor="middle">%s</text>`, x, h-8, esc(p.Month))
		if !p.OK {
			continue
		}
		y := bottom - px(p.Days, max, bottom-top)
		pts = append(pts, fmt.Sprintf("%d,%d", x, y))
		fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="4" fill="#1d4e89"><title>%s: %s days</title></circle>`, x, y, esc(p.Month), p.Days.StringFixed(2))
	}
	if len(pts) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#1d4e89" stroke-width="2"/>`, strings.Join(pts, " "))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// forecastChart draws the expected cash-in per week.
func forecastChart(ws []weekCash) template.HTML {
	var b strings.Builder
	const w, h, bottom, top = 600, 220, 180, 20
	svgOpen(&b, w, h, "Cash-in forecast by week")
	max := decimal.Zero
	for _, c := range ws {
		max = decimal.Max(max, c.Amount.Amount())
	}
	slot := (w - 10) / max2(len(ws), 1)
	for i, c := range ws {
		x := 5 + i*slot
		bh := px(c.Amount.Amount(), max, bottom-top)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#2a9d8f"><title>%s: %s (%d items)</title></rect>`,
			x+6, bottom-bh, slot-12, bh, esc(c.Label), esc(c.Amount.String()), c.Items)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="small" text-anchor="middle">%s</text>`, x+slot/2, bottom-bh-4, esc(short(c.Amount)))
		label := strings.TrimPrefix(c.Label, "wk ")
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="small" text-anchor="middle">%s</text>`, x+slot/2, h-20, esc(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// disputeChart draws disputes per root cause: count and amount.
func disputeChart(ds []report.DisputeStat) template.HTML {
	var b strings.Builder
	const w, labelW, barW, rowH = 600, 200, 260, 26
	h := max2(20+rowH*len(ds), 40)
	svgOpen(&b, w, h, "Disputes by root cause, last 12 months")
	if len(ds) == 0 {
		b.WriteString(`<text x="0" y="20" class="small">No dispute in the last 12 months.</text></svg>`)
		return template.HTML(b.String())
	}
	max := 0
	for _, d := range ds {
		max = max2(max, d.Count)
	}
	for j, d := range ds {
		y := 4 + j*rowH
		bw := d.Count * barW / max2(max, 1)
		fmt.Fprintf(&b, `<text x="0" y="%d" class="small">%s</text>`, y+15, esc(strings.ReplaceAll(string(d.Reason), "_", " ")))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#8d5a97"><title>%s: %d disputes, %s</title></rect>`,
			labelW, y+3, bw, rowH-8, esc(string(d.Reason)), d.Count, esc(d.Amount.String()))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="small">%d · %s</text>`, labelW+bw+6, y+15, d.Count, esc(short(d.Amount)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// limitChart compares a customer's exposure, by category, with its limit.
func limitChart(limit o2c.Money, parts []exposurePart) template.HTML {
	var b strings.Builder
	const w, barW = 600, 560
	svgOpen(&b, w, 78, "Exposure by category against the credit limit")
	total := decimal.Zero
	for _, p := range parts {
		if p.Amount.IsPositive() {
			total = total.Add(p.Amount.Amount())
		}
	}
	scale := decimal.Max(total, limit.Amount())
	x := 10
	for i, p := range parts {
		seg := px(p.Amount.Amount(), scale, barW)
		if seg > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="10" width="%d" height="26" fill="%s"><title>%s: %s</title></rect>`, x, seg, bucketColor(i), esc(p.Label), esc(p.Amount.String()))
		}
		x += seg
	}
	if limit.IsPositive() {
		lx := 10 + px(limit.Amount(), scale, barW)
		fmt.Fprintf(&b, `<line x1="%d" y1="2" x2="%d" y2="44" stroke="#111" stroke-width="3"/><text x="%d" y="58" class="small" text-anchor="end">limit %s</text>`,
			lx, lx, min(lx, w-5), esc(short(limit)))
	}
	lx := 10
	for i, p := range parts {
		fmt.Fprintf(&b, `<rect x="%d" y="66" width="10" height="10" fill="%s"/><text x="%d" y="75" class="small">%s</text>`, lx, bucketColor(i), lx+14, esc(p.Label))
		lx += 30 + 7*len(p.Label)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
