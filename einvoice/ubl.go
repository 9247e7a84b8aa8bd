package einvoice

import (
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// Namespaces of UBL 2.1.
const (
	nsUBLInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsUBLCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCAC           = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC           = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
)

// WriteUBL returns the document as an OASIS UBL 2.1 Invoice, or a
// CreditNote for a credit note type (381), conforming to EN 16931 (the
// syntax of Peppol BIS Billing 3.0 and XRechnung). The document is checked
// first ([Document.Check]); nothing is returned when it breaks a rule.
func WriteUBL(d *Document) ([]byte, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	a := amountsOf(d.Currency)
	cur := d.Currency
	money := func(name string, v interface{ StringFixed(int32) string }) *node {
		return txt(name, v.StringFixed(a.digits), "currencyID", cur)
	}
	credit := d.Type.IsCreditNote()
	rootName, ns, lineName, qtyName := "Invoice", nsUBLInvoice, "cac:InvoiceLine", "cbc:InvoicedQuantity"
	if credit {
		rootName, ns, lineName, qtyName = "CreditNote", nsUBLCreditNote, "cac:CreditNoteLine", "cbc:CreditedQuantity"
	}
	root := &node{Name: rootName, Attrs: append([]xmlAttr{{Name: xmlName{Local: "xmlns"}, Value: ns}}, nsAttrs("cac", nsCAC, "cbc", nsCBC)...)}
	root.Add(txt("cbc:CustomizationID", GuidelineEN16931),
		txt("cbc:ID", d.Number),
		txt("cbc:IssueDate", isoDate(d.IssueDate)))
	if credit {
		root.Add(txt("cbc:CreditNoteTypeCode", string(d.Type)))
	} else {
		root.Add(txt("cbc:DueDate", isoDate(d.DueDate)), txt("cbc:InvoiceTypeCode", string(d.Type)))
	}
	for _, n := range d.Notes {
		text := n.Text
		if n.Subject != "" {
			text = "#" + n.Subject + "#" + text // UBL has no element for BT-21: the usual "#code#text" convention
		}
		root.Add(txt("cbc:Note", text))
	}
	root.Add(txt("cbc:DocumentCurrencyCode", cur), txt("cbc:TaxCurrencyCode", taxCurrency(d)), txt("cbc:BuyerReference", d.BuyerReference),
		ublPeriod(d.PeriodStart, d.PeriodEnd))
	if d.PurchaseOrder != "" || d.SalesOrder != "" {
		po := d.PurchaseOrder
		if po == "" {
			po = "NA"
		}
		root.Add(el("cac:OrderReference", txt("cbc:ID", po), txt("cbc:SalesOrderID", d.SalesOrder)))
	}
	for _, p := range d.Preceding {
		root.Add(el("cac:BillingReference", el("cac:InvoiceDocumentReference",
			txt("cbc:ID", p.Number), txt("cbc:IssueDate", isoDate(p.Date)))))
	}
	sp := ublParty(d.Seller, true)
	if d.Payment.CreditorID != "" { // BT-90: the SEPA creditor identifier
		id := el("cac:PartyIdentification", txt("cbc:ID", d.Payment.CreditorID, "schemeID", "SEPA"))
		at := 0
		if len(sp.Children) > 0 && sp.Children[0].Name == "cbc:EndpointID" {
			at = 1
		}
		sp.Children = append(sp.Children[:at], append([]*node{id}, sp.Children[at:]...)...)
	}
	root.Add(el("cac:AccountingSupplierParty", sp),
		el("cac:AccountingCustomerParty", ublParty(d.Buyer, false)))
	var loc *node
	if d.DeliverTo.Country != "" {
		loc = el("cac:DeliveryLocation", ublAddress("cac:Address", d.DeliverTo))
	}
	root.Add(el("cac:Delivery", txt("cbc:ActualDeliveryDate", isoDate(d.DeliveryDate)), loc))
	if d.Payment.Code != "" {
		pm := el("cac:PaymentMeans", txt("cbc:PaymentMeansCode", d.Payment.Code, "name", d.Payment.Text))
		if credit {
			pm.Add(txt("cbc:PaymentDueDate", isoDate(d.DueDate)))
		}
		pm.Add(txt("cbc:PaymentID", d.Payment.Reference),
			el("cac:PayeeFinancialAccount",
				txt("cbc:ID", d.Payment.IBAN),
				txt("cbc:Name", d.Payment.AccountName),
				el("cac:FinancialInstitutionBranch", txt("cbc:ID", d.Payment.BIC))),
			el("cac:PaymentMandate", txt("cbc:ID", d.Payment.Mandate),
				el("cac:PayerFinancialAccount", txt("cbc:ID", d.Payment.DebitedAccount))))
		root.Add(pm)
	} else if credit && !d.DueDate.IsZero() {
		root.Add(el("cac:PaymentMeans", txt("cbc:PaymentMeansCode", "1"), txt("cbc:PaymentDueDate", isoDate(d.DueDate))))
	}
	root.Add(el("cac:PaymentTerms", txt("cbc:Note", d.PaymentTerms)))
	for _, ac := range d.AllowanceCharges {
		root.Add(ublAllowanceCharge(ac, a, cur, true))
	}
	tt := el("cac:TaxTotal", money("cbc:TaxAmount", d.Totals.Tax))
	for _, v := range d.VAT {
		tt.Add(el("cac:TaxSubtotal",
			money("cbc:TaxableAmount", v.Base),
			money("cbc:TaxAmount", v.Tax),
			el("cac:TaxCategory",
				txt("cbc:ID", v.Category.Code()),
				txt("cbc:Percent", rateText(v.Category, v.Rate)),
				txt("cbc:TaxExemptionReasonCode", v.ExemptionCode),
				txt("cbc:TaxExemptionReason", v.ExemptionReason),
				el("cac:TaxScheme", txt("cbc:ID", "VAT")))))
	}
	root.Add(tt)
	if d.TaxCurrency != "" && d.TaxCurrency != cur {
		root.Add(el("cac:TaxTotal", txt("cbc:TaxAmount", amountsOf(d.TaxCurrency).fmt(d.TaxInTaxCurrency), "currencyID", d.TaxCurrency)))
	}
	t := d.Totals
	lmt := el("cac:LegalMonetaryTotal",
		money("cbc:LineExtensionAmount", t.LineNet),
		money("cbc:TaxExclusiveAmount", t.TaxExclusive),
		money("cbc:TaxInclusiveAmount", t.TaxInclusive))
	if len(d.AllowanceCharges) > 0 {
		lmt.Add(money("cbc:AllowanceTotalAmount", t.Allowances), money("cbc:ChargeTotalAmount", t.Charges))
	}
	if !t.Prepaid.IsZero() {
		lmt.Add(money("cbc:PrepaidAmount", t.Prepaid))
	}
	if !t.Rounding.IsZero() {
		lmt.Add(money("cbc:PayableRoundingAmount", t.Rounding))
	}
	lmt.Add(money("cbc:PayableAmount", t.Payable))
	root.Add(lmt)
	for _, l := range d.Lines {
		ln := el(lineName, txt("cbc:ID", l.ID), txt("cbc:Note", l.Note),
			txt(qtyName, l.Quantity.String(), "unitCode", l.UnitCode),
			money("cbc:LineExtensionAmount", l.NetAmount),
			ublPeriod(l.PeriodStart, l.PeriodEnd))
		if l.OrderLineRef != "" {
			ln.Add(el("cac:OrderLineReference", txt("cbc:LineID", l.OrderLineRef)))
		}
		for _, ac := range l.AllowanceCharges {
			ln.Add(ublAllowanceCharge(ac, a, cur, false))
		}
		ln.Add(el("cac:Item",
			txt("cbc:Description", l.Description),
			txt("cbc:Name", l.Name),
			el("cac:SellersItemIdentification", txt("cbc:ID", l.SellerID)),
			el("cac:ClassifiedTaxCategory",
				txt("cbc:ID", l.Category.Code()),
				txt("cbc:Percent", rateText(l.Category, l.Rate)),
				el("cac:TaxScheme", txt("cbc:ID", "VAT")))))
		price := el("cac:Price", txt("cbc:PriceAmount", l.NetPrice.String(), "currencyID", cur))
		if !l.BaseQuantity.IsZero() {
			price.Add(txt("cbc:BaseQuantity", l.BaseQuantity.String(), "unitCode", l.UnitCode))
		}
		if !l.GrossPrice.IsZero() {
			price.Add(el("cac:AllowanceCharge",
				txt("cbc:ChargeIndicator", "false"),
				txt("cbc:Amount", l.PriceDiscount.String(), "currencyID", cur),
				txt("cbc:BaseAmount", l.GrossPrice.String(), "currencyID", cur)))
		}
		ln.Add(price)
		root.Add(ln)
	}
	return render(root), nil
}

func ublAllowanceCharge(ac AllowanceCharge, a amounts, cur string, header bool) *node {
	n := el("cac:AllowanceCharge",
		txt("cbc:ChargeIndicator", fmt.Sprint(ac.Charge)),
		txt("cbc:AllowanceChargeReasonCode", ac.ReasonCode),
		txt("cbc:AllowanceChargeReason", ac.Reason))
	if !ac.Percent.IsZero() {
		n.Add(txt("cbc:MultiplierFactorNumeric", ac.Percent.String()))
	}
	n.Add(txt("cbc:Amount", a.fmt(ac.Amount), "currencyID", cur))
	if !ac.Base.IsZero() {
		n.Add(txt("cbc:BaseAmount", a.fmt(ac.Base), "currencyID", cur))
	}
	if header {
		n.Add(el("cac:TaxCategory",
			txt("cbc:ID", ac.Category.Code()),
			txt("cbc:Percent", rateText(ac.Category, ac.Rate)),
			el("cac:TaxScheme", txt("cbc:ID", "VAT"))))
	}
	return n
}

func ublParty(p Party, seller bool) *node {
	n := &node{Name: "cac:Party"}
	n.Add(txt("cbc:EndpointID", p.Endpoint, "schemeID", p.EndpointScheme))
	if p.ID != "" {
		n.Add(el("cac:PartyIdentification", txt("cbc:ID", p.ID, "schemeID", p.IDScheme)))
	}
	n.Add(el("cac:PartyName", txt("cbc:Name", p.TradingName)))
	n.Add(ublAddress("cac:PostalAddress", p.Address))
	if p.VATNumber != "" {
		n.Add(el("cac:PartyTaxScheme", txt("cbc:CompanyID", p.VATNumber), el("cac:TaxScheme", txt("cbc:ID", "VAT"))))
	}
	le := el("cac:PartyLegalEntity", txt("cbc:RegistrationName", p.Name),
		txt("cbc:CompanyID", p.LegalID, "schemeID", p.LegalIDScheme))
	if seller {
		le.Add(txt("cbc:CompanyLegalForm", p.LegalInfo))
	}
	n.Add(le)
	return n
}

func ublAddress(name string, ad Address) *node {
	pa := &node{Name: name}
	if len(ad.Lines) > 0 {
		pa.Add(txt("cbc:StreetName", ad.Lines[0]))
	}
	if len(ad.Lines) > 1 {
		pa.Add(txt("cbc:AdditionalStreetName", ad.Lines[1]))
	}
	pa.Add(txt("cbc:CityName", ad.City), txt("cbc:PostalZone", ad.Postcode), txt("cbc:CountrySubentity", ad.Region))
	if len(ad.Lines) > 2 {
		pa.Add(el("cac:AddressLine", txt("cbc:Line", ad.Lines[2])))
	}
	pa.Add(el("cac:Country", txt("cbc:IdentificationCode", strings.ToUpper(ad.Country))))
	return pa
}

func ublPeriod(start, end interface {
	IsZero() bool
	String() string
}) *node {
	return el("cac:InvoicePeriod", txt("cbc:StartDate", isoDate(start)), txt("cbc:EndDate", isoDate(end)))
}

// ReadUBL reads a UBL 2.1 Invoice or CreditNote into a Document, with the
// same guarantees as [ReadCII]: a value that is not what its element
// requires is a *SyntaxError naming it. Notes written "#PMT#text" (the
// "#code#text" convention for the subject code) get their subject back.
func ReadUBL(data []byte) (*Document, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	credit := false
	switch {
	case root.Name == "Invoice" && root.Space == nsUBLInvoice:
	case root.Name == "CreditNote" && root.Space == nsUBLCreditNote:
		credit = true
	default:
		return nil, &SyntaxError{Msg: "not a UBL Invoice or CreditNote: root is " + root.Space + " " + root.Name}
	}
	r := &reader{}
	d := &Document{
		Number:         root.Str("ID"),
		Currency:       root.Str("DocumentCurrencyCode"),
		BuyerReference: root.Str("BuyerReference"),
		PurchaseOrder:  root.Str("OrderReference/ID"),
		SalesOrder:     root.Str("OrderReference/SalesOrderID"),
		PaymentTerms:   root.Str("PaymentTerms/Note"),
	}
	if d.PurchaseOrder == "NA" && d.SalesOrder != "" {
		d.PurchaseOrder = ""
	}
	d.IssueDate = r.isoDate(root.One("IssueDate"), "IssueDate")
	lineName, qtyName := "InvoiceLine", "InvoicedQuantity"
	if credit {
		d.Type = TypeCode(root.Str("CreditNoteTypeCode"))
		d.DueDate = r.isoDate(root.One("PaymentMeans/PaymentDueDate"), "PaymentMeans/PaymentDueDate")
		lineName, qtyName = "CreditNoteLine", "CreditedQuantity"
	} else {
		d.Type = TypeCode(root.Str("InvoiceTypeCode"))
		d.DueDate = r.isoDate(root.One("DueDate"), "DueDate")
	}
	for _, n := range root.All("Note") {
		text, subject := strings.TrimSpace(n.Text), ""
		if strings.HasPrefix(text, "#") {
			if i := strings.Index(text[1:], "#"); i >= 0 && i <= 3 {
				subject, text = text[1:i+1], text[i+2:]
			}
		}
		d.Notes = append(d.Notes, Note{Subject: subject, Text: text})
	}
	for _, b := range root.All("BillingReference/InvoiceDocumentReference") {
		d.Preceding = append(d.Preceding, Reference{Number: b.Str("ID"), Date: r.isoDate(b.One("IssueDate"), "InvoiceDocumentReference/IssueDate")})
	}
	d.Seller = readUBLParty(root.One("AccountingSupplierParty/Party"))
	d.Buyer = readUBLParty(root.One("AccountingCustomerParty/Party"))
	d.DeliveryDate = r.isoDate(root.One("Delivery/ActualDeliveryDate"), "Delivery/ActualDeliveryDate")
	if a := root.One("Delivery/DeliveryLocation/Address"); a != nil {
		d.DeliverTo = readUBLAddress(a)
	}
	d.TaxCurrency = root.Str("TaxCurrencyCode")
	d.PeriodStart, d.PeriodEnd = r.ublPeriod(root.One("InvoicePeriod"))
	for _, id := range root.All("AccountingSupplierParty/Party/PartyIdentification/ID") {
		if id.Attr("schemeID") == "SEPA" {
			d.Payment.CreditorID = strings.TrimSpace(id.Text)
		}
	}
	if pp := root.One("PayeeParty/PartyIdentification/ID"); pp != nil && pp.Attr("schemeID") == "SEPA" {
		d.Payment.CreditorID = strings.TrimSpace(pp.Text)
	}
	if pm := root.One("PaymentMeans"); pm != nil {
		d.Payment = PaymentMeans{
			CreditorID:     d.Payment.CreditorID,
			Mandate:        pm.Str("PaymentMandate/ID"),
			DebitedAccount: pm.Str("PaymentMandate/PayerFinancialAccount/ID"),
			Code:           pm.Str("PaymentMeansCode"),
			Text:           pm.One("PaymentMeansCode").Attr("name"),
			Reference:      pm.Str("PaymentID"),
			IBAN:           pm.Str("PayeeFinancialAccount/ID"),
			AccountName:    pm.Str("PayeeFinancialAccount/Name"),
			BIC:            pm.Str("PayeeFinancialAccount/FinancialInstitutionBranch/ID"),
		}
	}
	for _, n := range root.All("AllowanceCharge") {
		d.AllowanceCharges = append(d.AllowanceCharges, r.ublAllowanceCharge(n))
	}
	for _, tt := range root.All("TaxTotal") {
		ta := tt.One("TaxAmount")
		if cur := ta.Attr("currencyID"); cur != d.Currency && cur != "" {
			if cur == d.TaxCurrency { // BT-111, the VAT in the tax currency
				d.TaxInTaxCurrency = r.decNode(ta, "TaxTotal/TaxAmount")
			}
			continue
		}
		d.Totals.Tax = r.decNode(ta, "TaxTotal/TaxAmount")
		for _, s := range tt.All("TaxSubtotal") {
			d.VAT = append(d.VAT, VATBreakdown{
				Category:        r.category(s.Str("TaxCategory/ID"), "TaxSubtotal/TaxCategory/ID"),
				Rate:            r.dec(s, "TaxCategory/Percent"),
				Base:            r.dec(s, "TaxableAmount"),
				Tax:             r.dec(s, "TaxAmount"),
				ExemptionReason: s.Str("TaxCategory/TaxExemptionReason"),
				ExemptionCode:   s.Str("TaxCategory/TaxExemptionReasonCode"),
			})
		}
	}
	m := root.One("LegalMonetaryTotal")
	d.Totals.LineNet = r.dec(m, "LineExtensionAmount")
	d.Totals.TaxExclusive = r.dec(m, "TaxExclusiveAmount")
	d.Totals.TaxInclusive = r.dec(m, "TaxInclusiveAmount")
	d.Totals.Allowances = r.dec(m, "AllowanceTotalAmount")
	d.Totals.Charges = r.dec(m, "ChargeTotalAmount")
	d.Totals.Prepaid = r.dec(m, "PrepaidAmount")
	d.Totals.Rounding = r.dec(m, "PayableRoundingAmount")
	d.Totals.Payable = r.dec(m, "PayableAmount")
	for _, ln := range root.All(lineName) {
		l := Line{
			ID:           ln.Str("ID"),
			Note:         ln.Str("Note"),
			Name:         ln.Str("Item/Name"),
			Description:  ln.Str("Item/Description"),
			SellerID:     ln.Str("Item/SellersItemIdentification/ID"),
			OrderLineRef: ln.Str("OrderLineReference/LineID"),
			NetAmount:    r.dec(ln, "LineExtensionAmount"),
			NetPrice:     r.dec(ln, "Price/PriceAmount"),
			Category:     r.category(ln.Str("Item/ClassifiedTaxCategory/ID"), "ClassifiedTaxCategory/ID"),
			Rate:         r.dec(ln, "Item/ClassifiedTaxCategory/Percent"),
		}
		l.PeriodStart, l.PeriodEnd = r.ublPeriod(ln.One("InvoicePeriod"))
		l.BaseQuantity = r.dec(ln, "Price/BaseQuantity")
		q := ln.One(qtyName)
		l.Quantity, l.UnitCode = r.decNode(q, qtyName), q.Attr("unitCode")
		if pac := ln.One("Price/AllowanceCharge"); pac != nil {
			l.GrossPrice = r.dec(pac, "BaseAmount")
			l.PriceDiscount = r.dec(pac, "Amount")
		}
		for _, ac := range ln.All("AllowanceCharge") {
			l.AllowanceCharges = append(l.AllowanceCharges, r.ublAllowanceCharge(ac))
		}
		d.Lines = append(d.Lines, l)
	}
	if r.err != nil {
		return nil, r.err
	}
	normalize(d)
	return d, nil
}

func readUBLParty(n *node) Party {
	if n == nil {
		return Party{}
	}
	p := Party{
		Name:        n.Str("PartyLegalEntity/RegistrationName"),
		TradingName: n.Str("PartyName/Name"),
		LegalID:     n.Str("PartyLegalEntity/CompanyID"),
		LegalInfo:   n.Str("PartyLegalEntity/CompanyLegalForm"),
	}
	if p.LegalID != "" {
		p.LegalIDScheme = n.One("PartyLegalEntity/CompanyID").Attr("schemeID")
	}
	for _, id := range n.All("PartyIdentification/ID") {
		if id.Attr("schemeID") != "SEPA" && p.ID == "" {
			p.ID, p.IDScheme = strings.TrimSpace(id.Text), id.Attr("schemeID")
		}
	}
	if ep := n.One("EndpointID"); ep != nil && strings.TrimSpace(ep.Text) != "" {
		p.Endpoint, p.EndpointScheme = strings.TrimSpace(ep.Text), ep.Attr("schemeID")
	}
	for _, ts := range n.All("PartyTaxScheme") {
		if ts.Str("TaxScheme/ID") == "VAT" {
			p.VATNumber = ts.Str("CompanyID")
		}
	}
	p.Address = readUBLAddress(n.One("PostalAddress"))
	return p
}

// ublAddressTags names the elements of a UBL PostalAddress.
var ublAddressTags = addressTags{
	lines: []string{"StreetName", "AdditionalStreetName", "AddressLine/Line"}, city: "CityName", postcode: "PostalZone",
	region: "CountrySubentity", country: "Country/IdentificationCode",
}

func readUBLAddress(pa *node) Address { return readAddress(pa, ublAddressTags) }

func (r *reader) ublPeriod(n *node) (start, end o2c.Date) {
	if n == nil {
		return
	}
	return r.isoDate(n.One("StartDate"), "InvoicePeriod/StartDate"), r.isoDate(n.One("EndDate"), "InvoicePeriod/EndDate")
}

func (r *reader) ublAllowanceCharge(n *node) AllowanceCharge {
	ac := AllowanceCharge{
		Charge:     r.boolean(n.Str("ChargeIndicator"), "AllowanceCharge/ChargeIndicator"),
		Amount:     r.dec(n, "Amount"),
		Base:       r.dec(n, "BaseAmount"),
		Percent:    r.dec(n, "MultiplierFactorNumeric"),
		Reason:     n.Str("AllowanceChargeReason"),
		ReasonCode: n.Str("AllowanceChargeReasonCode"),
	}
	if tc := n.One("TaxCategory"); tc != nil {
		ac.Category = r.category(tc.Str("ID"), "AllowanceCharge/TaxCategory/ID")
		ac.Rate = r.dec(tc, "Percent")
	}
	return ac
}
