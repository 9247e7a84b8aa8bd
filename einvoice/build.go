package einvoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// ISO 6523 ICD schemes for French identifiers.
const (
	SchemeSIREN = "0002" // SIRENE: the 9-digit company number
	SchemeSIRET = "0009" // SIRET: the 14-digit establishment number
)

// Mentions are the legal notes an invoice carries, each written as a
// document note with its UNTDID 4451 subject code. French law (Code de
// commerce L441-9 and L441-10) asks for all three on every B2B invoice; the
// French e-invoicing rules carry them as notes PMD, PMT and AAB.
type Mentions struct {
	// Penalties is the late-payment penalty clause (subject PMD).
	Penalties string
	// Indemnity is the fixed recovery indemnity clause (subject PMT).
	Indemnity string
	// Discount is the early-payment discount clause, or its absence
	// (subject AAB). When empty, FromInvoice writes the terms' discount.
	Discount string
}

// FrenchMentions returns the mentions of French law in French: penalties at
// the ECB refinancing rate plus 10 points, the 40 EUR indemnity, and no
// discount for early payment (FromInvoice replaces the last with the terms'
// discount when there is one).
func FrenchMentions() Mentions {
	return Mentions{
		Penalties: "En cas de retard de paiement, des pénalités sont exigibles au taux de refinancement de la BCE majoré de 10 points (art. L441-10 du Code de commerce).",
		Indemnity: "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : 40 EUR (art. D441-5 du Code de commerce).",
		Discount:  "Pas d'escompte pour paiement anticipé.",
	}
}

// Options complete an invoice with what the invoice aggregate does not
// hold. The zero value of each field has a documented default.
type Options struct {
	// Seller is the issuing company (required: name, address with
	// country, and a VAT number or a legal ID).
	Seller Party
	// Payment is how the seller is paid. Zero Code with an IBAN means "58"
	// (SEPA credit transfer); a zero Reference means the invoice number.
	Payment PaymentMeans
	// BuyerReference is BT-10 (a routing reference some buyers require).
	BuyerReference string
	// Mentions are written as notes; nil means FrenchMentions when the
	// seller's country is FR and none otherwise. Credit notes carry no
	// mentions.
	Mentions *Mentions
	// PrecedingDate is the issue date of the invoice a credit note
	// corrects (BT-26), when known.
	PrecedingDate o2c.Date
	// ExemptionReasons overrides the exemption reason text (BT-120) per
	// VAT category code ("E": "Exonération de TVA, article 261 C du
	// CGI").
	ExemptionReasons map[string]string
	// DeliveryDate is BT-72, needed for intra-community supplies (K).
	DeliveryDate o2c.Date
	// DepositsAsPrepaid writes a final invoice's deposit deductions as a
	// paid amount (BT-113) instead of negative lines: the lines and the VAT
	// breakdown then cover the whole supply, and BT-113 is what the
	// deductions took off the gross, so the amount due (BT-115) stays the
	// invoice's gross to the cent.
	DepositsAsPrepaid bool
	// UnitCode is the unit of every line (UN/ECE Rec 20); "C62" (one) by
	// default.
	UnitCode string
}

// PartyFromCustomer returns the buyer party of a customer record: legal
// name, SIRET as identifier (scheme 0009), SIREN as legal ID (scheme 0002),
// VAT number, billing address, and the first invoice contact's email as
// electronic address (scheme EM).
func PartyFromCustomer(c *customer.Customer) Party {
	if c == nil {
		return Party{}
	}
	p := Party{Name: c.LegalName, VATNumber: c.VATNumber}
	if p.Name == "" {
		p.Name = c.Number
	}
	if c.SIRET != "" {
		p.ID, p.IDScheme = c.SIRET, SchemeSIRET
	}
	if c.SIREN != "" {
		p.LegalID, p.LegalIDScheme = c.SIREN, SchemeSIREN
	}
	if cs := c.InvoiceContacts(); len(cs) > 0 {
		p.Endpoint, p.EndpointScheme = cs[0].Email, "EM"
	}
	a := c.BillingAddress
	p.Address = Address{Lines: append([]string(nil), a.Lines...), City: a.City, Postcode: a.Postcode, Region: a.Region, Country: a.Country}
	if p.Address.Country == "" {
		p.Address.Country = c.Country
	}
	return p
}

// FromInvoice returns the EN 16931 document of an issued invoice, credit
// note or deposit invoice, with buyer the customer invoiced. The figures
// are the invoice's own (lines, VAT breakdown and totals from the totals
// engine), so the amount due is the invoice's gross to the cent. Errors:
// a *o2c.ValidationError for a draft or a document that breaks an EN 16931
// rule ([Document.Check]).
func FromInvoice(inv *invoice.Invoice, buyer Party, opt Options) (*Document, error) {
	if inv == nil {
		return nil, &o2c.ValidationError{Field: "invoice", Rule: "is required"}
	}
	if inv.Number() == "" || inv.IssueDate().IsZero() {
		return nil, &o2c.ValidationError{Field: "invoice", Rule: "must be issued (a draft has no number)", Value: inv.ID().String()}
	}
	cur := inv.Currency()
	d := &Document{
		Number:         inv.Number(),
		IssueDate:      inv.IssueDate(),
		Type:           TypeInvoice,
		Currency:       cur.Code(),
		BuyerReference: opt.BuyerReference,
		Seller:         opt.Seller,
		Buyer:          buyer,
		DeliveryDate:   opt.DeliveryDate,
	}
	draft := inv.Draft()
	d.PurchaseOrder = draft.Reference
	d.SalesOrder = draft.OrderRef
	switch inv.Kind() {
	case invoice.KindCreditNote:
		d.Type = TypeCreditNote
		if co := inv.CreditOf(); co != nil {
			d.Preceding = []Reference{{Number: co.Number, Date: opt.PrecedingDate}}
			d.Notes = append(d.Notes, Note{Subject: "ACD", Text: co.Reason})
		}
	case invoice.KindDeposit:
		d.Type = TypePrepayment
	}
	if draft.Notes != "" {
		d.Notes = append(d.Notes, Note{Text: draft.Notes})
	}

	// Payment.
	d.Payment = opt.Payment
	if d.Payment.Code == "" && d.Payment.IBAN != "" {
		d.Payment.Code = "58"
	}
	if d.Payment.Reference == "" && d.Type != TypeCreditNote {
		d.Payment.Reference = inv.Number()
	}
	if d.Type == TypeCreditNote && d.Payment.Code == "" {
		d.Payment = PaymentMeans{}
	}

	// Due dates and terms.
	insts := inv.Instalments()
	if len(insts) > 0 {
		d.DueDate = insts[0].DueDate
	}
	terms := draft.Terms
	var pt []string
	if d.Type != TypeCreditNote {
		if terms.Description != "" {
			pt = append(pt, terms.Description)
		}
		if len(insts) > 1 {
			parts := make([]string, len(insts))
			for i, in := range insts {
				parts[i] = fmt.Sprintf("%s %s due %s", in.Amount.AmountString(), cur.Code(), in.DueDate)
			}
			pt = append(pt, fmt.Sprintf("%d instalments: %s", len(insts), strings.Join(parts, "; ")))
		}
		if !terms.Discount.IsZero() {
			pt = append(pt, discountText(terms.Discount, inv.IssueDate()))
		}
	}
	d.PaymentTerms = strings.Join(pt, ". ")

	// Mentions.
	if d.Type != TypeCreditNote {
		m := opt.Mentions
		if m == nil && strings.EqualFold(opt.Seller.Address.Country, "FR") {
			fm := FrenchMentions()
			m = &fm
		}
		if m != nil {
			disc := m.Discount
			if !terms.Discount.IsZero() {
				disc = discountText(terms.Discount, inv.IssueDate())
			}
			for _, n := range []Note{{"PMD", m.Penalties}, {"PMT", m.Indemnity}, {"AAB", disc}} {
				if n.Text != "" {
					d.Notes = append(d.Notes, n)
				}
			}
		}
	}

	// Lines.
	unit := opt.UnitCode
	if unit == "" {
		unit = "C62"
	}
	totals := inv.Totals()
	lines := inv.Lines()
	var kept []invoice.Line
	for i, l := range lines {
		if opt.DepositsAsPrepaid && !l.DepositRef.IsZero() {
			continue
		}
		kept = append(kept, l)
		net := totals.Lines[i].Net.Amount()
		ln := Line{
			ID:        fmt.Sprint(len(d.Lines) + 1),
			Name:      l.Description,
			SellerID:  l.SKU,
			Quantity:  l.Quantity,
			UnitCode:  unit,
			NetPrice:  l.UnitPrice.Amount(),
			NetAmount: net,
			Category:  l.TaxCategory,
			Rate:      l.TaxRate,
		}
		if !l.DepositRef.IsZero() {
			ln.Note = "Deposit deducted"
		}
		if l.DiscountPercent.IsPositive() {
			base := l.Quantity.Mul(l.UnitPrice.Amount()).Round(cur.Digits())
			ln.AllowanceCharges = []AllowanceCharge{{
				Amount: base.Sub(net), Base: base, Percent: l.DiscountPercent,
				Reason: "Remise", ReasonCode: "95",
			}}
		}
		d.Lines = append(d.Lines, ln)
	}
	if opt.DepositsAsPrepaid && len(kept) < len(lines) {
		tl := make([]tax.Line, len(kept))
		for i, l := range kept {
			tl[i] = tax.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, DiscountPercent: l.DiscountPercent, Category: l.TaxCategory, Rate: l.TaxRate}
		}
		full, err := tax.Compute(cur, tl, totals.Policy)
		if err != nil {
			return nil, err
		}
		prepaid := full.Gross.Amount().Sub(totals.Gross.Amount())
		totals = full
		d.Totals.Prepaid = prepaid
	}

	for _, s := range totals.Breakdown {
		v := VATBreakdown{Category: s.Category, Rate: s.Rate, Base: s.Base.Amount(), Tax: s.Tax.Amount()}
		v.ExemptionReason, v.ExemptionCode = exemption(s.Category)
		if r, ok := opt.ExemptionReasons[s.Category.Code()]; ok && r != "" {
			v.ExemptionReason = r
		}
		d.VAT = append(d.VAT, v)
	}
	d.Totals.LineNet = totals.Net.Amount()
	d.Totals.TaxExclusive = totals.Net.Amount()
	d.Totals.Tax = totals.Tax.Amount()
	d.Totals.TaxInclusive = totals.Gross.Amount()
	d.Totals.Payable = d.Totals.TaxInclusive.Sub(d.Totals.Prepaid)
	if err := d.Check(); err != nil {
		return nil, err
	}
	return d, nil
}

func discountText(disc invoice.EarlyPaymentDiscount, issued o2c.Date) string {
	return fmt.Sprintf("Escompte de %s %% pour paiement au plus tard le %s (%d jours).", disc.Percent.String(), disc.Deadline(issued), disc.Days)
}

// exemption returns the default exemption reason text and VATEX code of a
// category (BT-120, BT-121); empty for the taxed categories.
func exemption(c tax.Category) (reason, code string) {
	switch c {
	case tax.Exempt:
		return "Exonération de TVA", ""
	case tax.ReverseCharge:
		return "Autoliquidation", "VATEX-EU-AE"
	case tax.IntraCommunity:
		return "Livraison intracommunautaire exonérée", "VATEX-EU-IC"
	case tax.Export:
		return "Exportation hors UE exonérée", "VATEX-EU-G"
	case tax.OutOfScope:
		return "Hors champ d'application de la TVA", "VATEX-EU-O"
	}
	return "", ""
}

// Recompute sets the VAT breakdown and the totals from the lines and the
// document-level allowances and charges, for documents built by hand: the
// tax of each category and rate is its base × rate / 100 rounded half up
// to the currency's decimals. It keeps exemption reasons already given,
// Prepaid and Rounding.
func (d *Document) Recompute() error {
	digits := int32(2)
	if c, err := o2c.ParseCurrency(d.Currency); err == nil {
		digits = c.Digits()
	}
	type key struct {
		cat  string
		rate string
	}
	old := map[key]VATBreakdown{}
	for _, v := range d.VAT {
		old[key{v.Category.Code(), v.Rate.String()}] = v
	}
	var order []key
	rows := map[key]*VATBreakdown{}
	addBase := func(c tax.Category, rate, amount decimal.Decimal) {
		k := key{c.Code(), rate.String()}
		r, ok := rows[k]
		if !ok {
			r = &VATBreakdown{Category: c, Rate: rate}
			if o, ok := old[k]; ok {
				r.ExemptionReason, r.ExemptionCode = o.ExemptionReason, o.ExemptionCode
			} else {
				r.ExemptionReason, r.ExemptionCode = exemption(c)
			}
			rows[k] = r
			order = append(order, k)
		}
		r.Base = r.Base.Add(amount)
	}
	t := Totals{Prepaid: d.Totals.Prepaid, Rounding: d.Totals.Rounding}
	for _, l := range d.Lines {
		t.LineNet = t.LineNet.Add(l.NetAmount)
		addBase(l.Category, l.Rate, l.NetAmount)
	}
	for _, ac := range d.AllowanceCharges {
		if ac.Charge {
			t.Charges = t.Charges.Add(ac.Amount)
			addBase(ac.Category, ac.Rate, ac.Amount)
		} else {
			t.Allowances = t.Allowances.Add(ac.Amount)
			addBase(ac.Category, ac.Rate, ac.Amount.Neg())
		}
	}
	d.VAT = d.VAT[:0]
	for _, k := range order {
		r := rows[k]
		r.Tax = r.Base.Mul(r.Rate).Shift(-2).Round(digits)
		t.Tax = t.Tax.Add(r.Tax)
		d.VAT = append(d.VAT, *r)
	}
	t.TaxExclusive = t.LineNet.Sub(t.Allowances).Add(t.Charges)
	t.TaxInclusive = t.TaxExclusive.Add(t.Tax)
	t.Payable = t.TaxInclusive.Sub(t.Prepaid).Add(t.Rounding)
	d.Totals = t
	return d.Check()
}
