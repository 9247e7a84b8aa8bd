package facturx

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

type words struct {
	invoice, credit, deposit, corrected                        string
	number, date, due, seller, buyer, siren, siret, vat        string
	item, qty, price, vatRate, net, base, tax                  string
	totalNet, totalTax, totalGross, prepaid, payable, discount string
	payment, iban, bic, reference, terms, preceding, delivery  string
	allowance, charge                                          string
}

var labels = map[string]words{
	"fr": {
		invoice: "Facture", credit: "Avoir", deposit: "Facture d'acompte", corrected: "Facture rectificative",
		number: "N°", date: "Date", due: "Échéance", seller: "Vendeur", buyer: "Client", siren: "SIREN", siret: "SIRET", vat: "N° TVA",
		item: "Désignation", qty: "Qté", price: "Prix unitaire HT", vatRate: "TVA", net: "Montant HT", base: "Base HT", tax: "Montant TVA",
		totalNet: "Total HT", totalTax: "Total TVA", totalGross: "Total TTC", prepaid: "Déjà payé", payable: "Net à payer", discount: "Remise",
		payment: "Paiement par virement", iban: "IBAN", bic: "BIC", reference: "Référence à rappeler", terms: "Conditions de paiement",
		preceding: "Facture d'origine", delivery: "Date de livraison", allowance: "Remise", charge: "Frais",
	},
	"en": {
		invoice: "Invoice", credit: "Credit note", deposit: "Prepayment invoice", corrected: "Corrected invoice",
		number: "No.", date: "Date", due: "Due date", seller: "Seller", buyer: "Customer", siren: "SIREN", siret: "SIRET", vat: "VAT no.",
		item: "Description", qty: "Qty", price: "Unit price", vatRate: "VAT", net: "Net amount", base: "Taxable", tax: "VAT amount",
		totalNet: "Total excl. VAT", totalTax: "Total VAT", totalGross: "Total incl. VAT", prepaid: "Paid", payable: "Amount due", discount: "Discount",
		payment: "Payment by credit transfer", iban: "IBAN", bic: "BIC", reference: "Payment reference", terms: "Payment terms",
		preceding: "Invoice corrected", delivery: "Delivery date", allowance: "Allowance", charge: "Charge",
	},
}

func (w words) title(t einvoice.TypeCode) string {
	switch {
	case t.IsCreditNote():
		return w.credit
	case t == einvoice.TypePrepayment:
		return w.deposit
	case t == einvoice.TypeCorrected:
		return w.corrected
	}
	return w.invoice
}

func dateText(d o2c.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("02/01/2006")
}

func pct(d decimal.Decimal) string { return d.String() + " %" }

// page draws the human-readable invoice: identities, dates, lines, VAT
// per rate, totals, due date, payment means, terms and legal mentions.
func page(f *fpdf.Fpdf, d *einvoice.Document, l words, title string) {
	cur := d.Currency
	f.SetFont("dv", "B", 16)
	f.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
	f.SetFont("dv", "", 9)
	f.CellFormat(0, 5, l.date+" : "+dateText(d.IssueDate), "", 1, "L", false, 0, "")
	if !d.DueDate.IsZero() {
		f.CellFormat(0, 5, l.due+" : "+dateText(d.DueDate), "", 1, "L", false, 0, "")
	}
	if !d.DeliveryDate.IsZero() {
		f.CellFormat(0, 5, l.delivery+" : "+dateText(d.DeliveryDate), "", 1, "L", false, 0, "")
	}
	for _, p := range d.Preceding {
		f.CellFormat(0, 5, l.preceding+" : "+p.Number+" "+dateText(p.Date), "", 1, "L", false, 0, "")
	}
	f.Ln(3)

	y := f.GetY()
	party := func(x float64, heading string, p einvoice.Party) float64 {
		f.SetXY(x, y)
		f.SetFont("dv", "B", 10)
		f.CellFormat(88, 5, heading+" : "+p.Name, "", 2, "L", false, 0, "")
		f.SetFont("dv", "", 9)
		var lines []string
		if p.TradingName != "" {
			lines = append(lines, p.TradingName)
		}
		lines = append(lines, p.Address.Lines...)
		lines = append(lines, strings.TrimSpace(p.Address.Postcode+" "+p.Address.City)+" "+p.Address.Country)
		if p.LegalID != "" {
			lines = append(lines, l.siren+" "+p.LegalID)
		}
		if p.ID != "" && p.IDScheme == einvoice.SchemeSIRET {
			lines = append(lines, l.siret+" "+p.ID)
		}
		if p.VATNumber != "" {
			lines = append(lines, l.vat+" "+p.VATNumber)
		}
		if p.LegalInfo != "" {
			lines = append(lines, p.LegalInfo)
		}
		for _, s := range lines {
			f.MultiCell(88, 4.5, s, "", "L", false)
			f.SetX(x)
		}
		return f.GetY()
	}
	y1 := party(15, l.seller, d.Seller)
	y2 := party(110, l.buyer, d.Buyer)
	f.SetXY(15, max(y1, y2)+5)

	// Lines.
	cols := []float64{82, 18, 30, 16, 34}
	f.SetFont("dv", "B", 9)
	f.SetFillColor(230, 230, 230)
	for i, h := range []string{l.item, l.qty, l.price, l.vatRate, l.net} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		f.CellFormat(cols[i], 6, h, "1", 0, align, true, 0, "")
	}
	f.Ln(-1)
	f.SetFont("dv", "", 9)
	for _, ln := range d.Lines {
		name := ln.Name
		for _, ac := range ln.AllowanceCharges {
			word := l.discount
			if ac.Charge {
				word = l.charge
			}
			name += " (" + word + " " + ac.Amount.StringFixed(2)
			if !ac.Percent.IsZero() {
				name += ", " + pct(ac.Percent)
			}
			name += ")"
		}
		parts := f.SplitText(name, cols[0]-2)
		h := 5 * float64(max(1, len(parts)))
		x, y := f.GetX(), f.GetY()
		f.MultiCell(cols[0], 5, name, "1", "L", false)
		f.SetXY(x+cols[0], y)
		rate := pct(ln.Rate) + " " + ln.Category.Code()
		for i, s := range []string{ln.Quantity.String(), ln.NetPrice.String(), rate, money(ln.NetAmount, cur)} {
			f.CellFormat(cols[i+1], h, s, "1", 0, "R", false, 0, "")
		}
		f.Ln(-1)
	}
	for _, ac := range d.AllowanceCharges {
		word := l.allowance
		amount := ac.Amount.Neg()
		if ac.Charge {
			word, amount = l.charge, ac.Amount
		}
		f.CellFormat(cols[0]+cols[1]+cols[2], 5, word+" : "+ac.Reason, "1", 0, "L", false, 0, "")
		f.CellFormat(cols[3], 5, pct(ac.Rate)+" "+ac.Category.Code(), "1", 0, "R", false, 0, "")
		f.CellFormat(cols[4], 5, money(amount, cur), "1", 1, "R", false, 0, "")
	}
	f.Ln(4)

	// VAT breakdown and totals side by side.
	y = f.GetY()
	f.SetFont("dv", "B", 9)
	for i, h := range []string{l.vatRate, l.base, l.tax} {
		f.CellFormat([]float64{28, 30, 30}[i], 6, h, "1", 0, "R", true, 0, "")
	}
	f.Ln(-1)
	f.SetFont("dv", "", 9)
	for _, v := range d.VAT {
		f.CellFormat(28, 5, pct(v.Rate)+" "+v.Category.Code(), "1", 0, "R", false, 0, "")
		f.CellFormat(30, 5, money(v.Base, cur), "1", 0, "R", false, 0, "")
		f.CellFormat(30, 5, money(v.Tax, cur), "1", 1, "R", false, 0, "")
		if v.ExemptionReason != "" {
			f.MultiCell(88, 4, v.ExemptionReason, "", "L", false)
		}
	}
	yv := f.GetY()
	t := d.Totals
	rows := [][2]string{{l.totalNet, money(t.TaxExclusive, cur)}, {l.totalTax, money(t.Tax, cur)}, {l.totalGross, money(t.TaxInclusive, cur)}}
	if !t.Prepaid.IsZero() {
		rows = append(rows, [2]string{l.prepaid, money(t.Prepaid, cur)})
	}
	rows = append(rows, [2]string{l.payable, money(t.Payable, cur)})
	f.SetXY(125, y)
	for i, r := range rows {
		if i == len(rows)-1 {
			f.SetFont("dv", "B", 10)
		}
		f.SetX(125)
		f.CellFormat(35, 6, r[0], "1", 0, "L", false, 0, "")
		f.CellFormat(35, 6, r[1], "1", 1, "R", false, 0, "")
	}
	f.SetFont("dv", "", 9)
	f.SetXY(15, max(yv, f.GetY())+5)

	// Payment, terms, notes.
	if d.Payment.IBAN != "" {
		f.SetFont("dv", "B", 9)
		f.CellFormat(0, 5, l.payment, "", 1, "L", false, 0, "")
		f.SetFont("dv", "", 9)
		s := l.iban + " " + d.Payment.IBAN
		if d.Payment.BIC != "" {
			s += "   " + l.bic + " " + d.Payment.BIC
		}
		f.CellFormat(0, 5, s, "", 1, "L", false, 0, "")
		if d.Payment.Reference != "" {
			f.CellFormat(0, 5, l.reference+" : "+d.Payment.Reference, "", 1, "L", false, 0, "")
		}
	}
	if d.PaymentTerms != "" {
		f.MultiCell(0, 4.5, l.terms+" : "+d.PaymentTerms, "", "L", false)
	}
	f.Ln(2)
	f.SetFont("dv", "", 8)
	for _, n := range d.Notes {
		f.MultiCell(0, 4, n.Text, "", "L", false)
	}
}
