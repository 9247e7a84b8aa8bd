package einvoice

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Namespaces of CII D16B.
const (
	nsRSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
	nsRAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
	nsUDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
	nsQDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
)

// GuidelineEN16931 is the specification identifier (BT-24) of the EN 16931
// core, which both writers declare.
const GuidelineEN16931 = "urn:cen.eu:en16931:2017"

// amounts writes decimals in the document currency.
type amounts struct{ digits int32 }

func amountsOf(cur string) amounts {
	if c, err := o2c.ParseCurrency(cur); err == nil {
		return amounts{c.Digits()}
	}
	return amounts{2}
}

func (a amounts) fmt(d decimal.Decimal) string { return d.StringFixed(a.digits) }

func date102(d o2c.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year(), int(d.Month()), d.Day())
}

func rateText(c tax.Category, r decimal.Decimal) string {
	if c == tax.OutOfScope {
		return "" // BR-O-05: no rate for "not subject to VAT"
	}
	return r.String()
}

// WriteCII returns the document as a UN/CEFACT Cross Industry Invoice D16B
// conforming to EN 16931 (the syntax of Factur-X and ZUGFeRD). The
// document is checked first ([Document.Check]); nothing is returned when
// it breaks a rule.
func WriteCII(d *Document) ([]byte, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	a := amountsOf(d.Currency)
	root := &node{Name: "rsm:CrossIndustryInvoice", Attrs: nsAttrs(
		"rsm", nsRSM, "ram", nsRAM, "qdt", nsQDT, "udt", nsUDT)}

	doc := el("rsm:ExchangedDocument",
		txt("ram:ID", d.Number),
		txt("ram:TypeCode", string(d.Type)),
		el("ram:IssueDateTime", txt("udt:DateTimeString", date102(d.IssueDate), "format", "102")))
	for _, n := range d.Notes {
		doc.Add(el("ram:IncludedNote", txt("ram:Content", n.Text), txt("ram:SubjectCode", n.Subject)))
	}
	root.Add(
		el("rsm:ExchangedDocumentContext",
			el("ram:GuidelineSpecifiedDocumentContextParameter", txt("ram:ID", GuidelineEN16931))),
		doc)

	tx := &node{Name: "rsm:SupplyChainTradeTransaction"}
	for _, l := range d.Lines {
		tx.Add(ciiLine(l, a))
	}
	agreement := &node{Name: "ram:ApplicableHeaderTradeAgreement"}
	agreement.Add(
		txt("ram:BuyerReference", d.BuyerReference),
		ciiParty("ram:SellerTradeParty", d.Seller, true),
		ciiParty("ram:BuyerTradeParty", d.Buyer, false),
		el("ram:SellerOrderReferencedDocument", txt("ram:IssuerAssignedID", d.SalesOrder)),
		el("ram:BuyerOrderReferencedDocument", txt("ram:IssuerAssignedID", d.PurchaseOrder)))
	delivery := &node{Name: "ram:ApplicableHeaderTradeDelivery"}
	if d.DeliverTo.Country != "" {
		delivery.Add(el("ram:ShipToTradeParty", ciiAddress(d.DeliverTo)))
	}
	if !d.DeliveryDate.IsZero() {
		delivery.Add(el("ram:ActualDeliverySupplyChainEvent",
			el("ram:OccurrenceDateTime", txt("udt:DateTimeString", date102(d.DeliveryDate), "format", "102"))))
	}
	st := &node{Name: "ram:ApplicableHeaderTradeSettlement"}
	st.Add(txt("ram:CreditorReferenceID", d.Payment.CreditorID),
		txt("ram:PaymentReference", d.Payment.Reference),
		txt("ram:TaxCurrencyCode", taxCurrency(d)),
		txt("ram:InvoiceCurrencyCode", d.Currency))
	if d.Payment.Code != "" {
		st.Add(el("ram:SpecifiedTradeSettlementPaymentMeans",
			txt("ram:TypeCode", d.Payment.Code),
			txt("ram:Information", d.Payment.Text),
			el("ram:PayerPartyDebtorFinancialAccount", txt("ram:IBANID", d.Payment.DebitedAccount)),
			el("ram:PayeePartyCreditorFinancialAccount",
				txt("ram:IBANID", d.Payment.IBAN),
				txt("ram:AccountName", d.Payment.AccountName)),
			el("ram:PayeeSpecifiedCreditorFinancialInstitution", txt("ram:BICID", d.Payment.BIC))))
	}
	for _, v := range d.VAT {
		st.Add(el("ram:ApplicableTradeTax",
			txt("ram:CalculatedAmount", a.fmt(v.Tax)),
			txt("ram:TypeCode", "VAT"),
			txt("ram:ExemptionReason", v.ExemptionReason),
			txt("ram:BasisAmount", a.fmt(v.Base)),
			txt("ram:CategoryCode", v.Category.Code()),
			txt("ram:ExemptionReasonCode", v.ExemptionCode),
			txt("ram:RateApplicablePercent", rateText(v.Category, v.Rate))))
	}
	st.Add(ciiPeriod(d.PeriodStart, d.PeriodEnd))
	for _, ac := range d.AllowanceCharges {
		st.Add(ciiAllowanceCharge(ac, a, true))
	}
	if d.PaymentTerms != "" || !d.DueDate.IsZero() || d.Payment.Mandate != "" {
		pt := &node{Name: "ram:SpecifiedTradePaymentTerms"}
		pt.Add(txt("ram:Description", d.PaymentTerms))
		if !d.DueDate.IsZero() {
			pt.Add(el("ram:DueDateDateTime", txt("udt:DateTimeString", date102(d.DueDate), "format", "102")))
		}
		pt.Add(txt("ram:DirectDebitMandateID", d.Payment.Mandate))
		st.Add(pt)
	}
	t := d.Totals
	sum := el("ram:SpecifiedTradeSettlementHeaderMonetarySummation",
		txt("ram:LineTotalAmount", a.fmt(t.LineNet)))
	if len(d.AllowanceCharges) > 0 {
		sum.Add(txt("ram:ChargeTotalAmount", a.fmt(t.Charges)), txt("ram:AllowanceTotalAmount", a.fmt(t.Allowances)))
	}
	sum.Add(txt("ram:TaxBasisTotalAmount", a.fmt(t.TaxExclusive)),
		txt("ram:TaxTotalAmount", a.fmt(t.Tax), "currencyID", d.Currency))
	if d.TaxCurrency != "" && d.TaxCurrency != d.Currency {
		sum.Add(txt("ram:TaxTotalAmount", amountsOf(d.TaxCurrency).fmt(d.TaxInTaxCurrency), "currencyID", d.TaxCurrency))
	}
	if !t.Rounding.IsZero() {
		sum.Add(txt("ram:RoundingAmount", a.fmt(t.Rounding)))
	}
	sum.Add(txt("ram:GrandTotalAmount", a.fmt(t.TaxInclusive)))
	if !t.Prepaid.IsZero() {
		sum.Add(txt("ram:TotalPrepaidAmount", a.fmt(t.Prepaid)))
	}
	sum.Add(txt("ram:DuePayableAmount", a.fmt(t.Payable)))
	st.Add(sum)
	for _, p := range d.Preceding {
		r := el("ram:InvoiceReferencedDocument", txt("ram:IssuerAssignedID", p.Number))
		if r != nil && !p.Date.IsZero() {
			r.Add(el("ram:FormattedIssueDateTime", txt("qdt:DateTimeString", date102(p.Date), "format", "102")))
		}
		st.Add(r)
	}
	tx.Add(agreement, delivery, st)
	root.Add(tx)
	return render(root), nil
}

func nsAttrs(kv ...string) []xmlAttr {
	var out []xmlAttr
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, xmlAttr{Name: xmlName{Space: "xmlns", Local: kv[i]}, Value: kv[i+1]})
	}
	return out
}

func ciiLine(l Line, a amounts) *node {
	n := &node{Name: "ram:IncludedSupplyChainTradeLineItem"}
	n.Add(el("ram:AssociatedDocumentLineDocument",
		txt("ram:LineID", l.ID),
		el("ram:IncludedNote", txt("ram:Content", l.Note))))
	n.Add(el("ram:SpecifiedTradeProduct",
		txt("ram:SellerAssignedID", l.SellerID),
		txt("ram:Name", l.Name),
		txt("ram:Description", l.Description)))
	agr := &node{Name: "ram:SpecifiedLineTradeAgreement"}
	agr.Add(el("ram:BuyerOrderReferencedDocument", txt("ram:LineID", l.OrderLineRef)))
	if !l.GrossPrice.IsZero() {
		g := el("ram:GrossPriceProductTradePrice", txt("ram:ChargeAmount", l.GrossPrice.String()), ciiBaseQty(l))
		if !l.PriceDiscount.IsZero() {
			g.Add(el("ram:AppliedTradeAllowanceCharge",
				el("ram:ChargeIndicator", txt("udt:Indicator", "false")),
				txt("ram:ActualAmount", l.PriceDiscount.String())))
		}
		agr.Add(g)
	}
	agr.Add(el("ram:NetPriceProductTradePrice", txt("ram:ChargeAmount", l.NetPrice.String()), ciiBaseQty(l)))
	n.Add(agr)
	n.Add(el("ram:SpecifiedLineTradeDelivery", txt("ram:BilledQuantity", l.Quantity.String(), "unitCode", l.UnitCode)))
	set := el("ram:SpecifiedLineTradeSettlement",
		el("ram:ApplicableTradeTax",
			txt("ram:TypeCode", "VAT"),
			txt("ram:CategoryCode", l.Category.Code()),
			txt("ram:RateApplicablePercent", rateText(l.Category, l.Rate))),
		ciiPeriod(l.PeriodStart, l.PeriodEnd))
	for _, ac := range l.AllowanceCharges {
		set.Add(ciiAllowanceCharge(ac, a, false))
	}
	set.Add(el("ram:SpecifiedTradeSettlementLineMonetarySummation", txt("ram:LineTotalAmount", a.fmt(l.NetAmount))))
	n.Add(set)
	return n
}

func ciiAllowanceCharge(ac AllowanceCharge, a amounts, header bool) *node {
	n := el("ram:SpecifiedTradeAllowanceCharge",
		el("ram:ChargeIndicator", txt("udt:Indicator", fmt.Sprint(ac.Charge))))
	if !ac.Percent.IsZero() {
		n.Add(txt("ram:CalculationPercent", ac.Percent.String()))
	}
	if !ac.Base.IsZero() {
		n.Add(txt("ram:BasisAmount", a.fmt(ac.Base)))
	}
	n.Add(txt("ram:ActualAmount", a.fmt(ac.Amount)),
		txt("ram:ReasonCode", ac.ReasonCode),
		txt("ram:Reason", ac.Reason))
	if header {
		n.Add(el("ram:CategoryTradeTax",
			txt("ram:TypeCode", "VAT"),
			txt("ram:CategoryCode", ac.Category.Code()),
			txt("ram:RateApplicablePercent", rateText(ac.Category, ac.Rate))))
	}
	return n
}

func ciiAddress(ad Address) *node {
	pa := &node{Name: "ram:PostalTradeAddress"}
	pa.Add(txt("ram:PostcodeCode", ad.Postcode))
	for i, tag := range []string{"ram:LineOne", "ram:LineTwo", "ram:LineThree"} {
		if i < len(ad.Lines) {
			pa.Add(txt(tag, ad.Lines[i]))
		}
	}
	pa.Add(txt("ram:CityName", ad.City), txt("ram:CountryID", strings.ToUpper(ad.Country)), txt("ram:CountrySubDivisionName", ad.Region))
	return pa
}

func ciiPeriod(start, end o2c.Date) *node {
	if start.IsZero() && end.IsZero() {
		return nil
	}
	n := &node{Name: "ram:BillingSpecifiedPeriod"}
	if !start.IsZero() {
		n.Add(el("ram:StartDateTime", txt("udt:DateTimeString", date102(start), "format", "102")))
	}
	if !end.IsZero() {
		n.Add(el("ram:EndDateTime", txt("udt:DateTimeString", date102(end), "format", "102")))
	}
	return n
}

func ciiBaseQty(l Line) *node {
	if l.BaseQuantity.IsZero() {
		return nil
	}
	return txt("ram:BasisQuantity", l.BaseQuantity.String(), "unitCode", l.UnitCode)
}

func ciiParty(name string, p Party, seller bool) *node {
	n := &node{Name: name}
	if p.ID != "" {
		if p.IDScheme != "" {
			n.Add(txt("ram:GlobalID", p.ID, "schemeID", p.IDScheme))
		} else {
			n.Add(txt("ram:ID", p.ID))
		}
	}
	n.Add(txt("ram:Name", p.Name))
	if seller {
		n.Add(txt("ram:Description", p.LegalInfo))
	}
	n.Add(el("ram:SpecifiedLegalOrganization",
		txt("ram:ID", p.LegalID, "schemeID", p.LegalIDScheme),
		txt("ram:TradingBusinessName", p.TradingName)))
	n.Add(ciiAddress(p.Address))
	n.Add(el("ram:URIUniversalCommunication", txt("ram:URIID", p.Endpoint, "schemeID", p.EndpointScheme)))
	n.Add(el("ram:SpecifiedTaxRegistration", txt("ram:ID", p.VATNumber, "schemeID", "VA")))
	return n
}

// ReadCII reads a Cross Industry Invoice (D16B, as Factur-X, ZUGFeRD and
// XRechnung write it) into a Document. Values are read as they are: an
// amount that is not a decimal or a date not in format 102 is a
// *SyntaxError naming the element, never a silently wrong value. Reading
// does not check the business rules; call [Document.Check] for that.
func ReadCII(data []byte) (*Document, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	if root.Name != "CrossIndustryInvoice" || root.Space != nsRSM {
		return nil, &SyntaxError{Msg: "not a CII CrossIndustryInvoice: root is " + root.Space + " " + root.Name}
	}
	r := &reader{}
	d := &Document{}
	ed := root.One("ExchangedDocument")
	d.Number = ed.Str("ID")
	d.Type = TypeCode(ed.Str("TypeCode"))
	d.IssueDate = r.date102(ed.One("IssueDateTime/DateTimeString"), "IssueDateTime")
	for _, n := range ed.All("IncludedNote") {
		d.Notes = append(d.Notes, Note{Subject: n.Str("SubjectCode"), Text: n.Str("Content")})
	}
	tx := root.One("SupplyChainTradeTransaction")
	ag := tx.One("ApplicableHeaderTradeAgreement")
	d.BuyerReference = ag.Str("BuyerReference")
	d.Seller = readCIIParty(ag.One("SellerTradeParty"))
	d.Buyer = readCIIParty(ag.One("BuyerTradeParty"))
	d.SalesOrder = ag.Str("SellerOrderReferencedDocument/IssuerAssignedID")
	d.PurchaseOrder = ag.Str("BuyerOrderReferencedDocument/IssuerAssignedID")
	dl := tx.One("ApplicableHeaderTradeDelivery")
	d.DeliveryDate = r.date102(dl.One("ActualDeliverySupplyChainEvent/OccurrenceDateTime/DateTimeString"), "ActualDeliverySupplyChainEvent")
	if st := dl.One("ShipToTradeParty/PostalTradeAddress"); st != nil {
		d.DeliverTo = readCIIAddress(st)
	}
	st := tx.One("ApplicableHeaderTradeSettlement")
	d.Currency = st.Str("InvoiceCurrencyCode")
	d.Payment.Reference = st.Str("PaymentReference")
	d.Payment.CreditorID = st.Str("CreditorReferenceID")
	d.TaxCurrency = st.Str("TaxCurrencyCode")
	d.PeriodStart, d.PeriodEnd = r.ciiPeriod(st.One("BillingSpecifiedPeriod"))
	if pm := st.One("SpecifiedTradeSettlementPaymentMeans"); pm != nil {
		d.Payment.Code = pm.Str("TypeCode")
		d.Payment.Text = pm.Str("Information")
		d.Payment.IBAN = pm.Str("PayeePartyCreditorFinancialAccount/IBANID")
		if d.Payment.IBAN == "" {
			d.Payment.IBAN = pm.Str("PayeePartyCreditorFinancialAccount/ProprietaryID")
		}
		d.Payment.AccountName = pm.Str("PayeePartyCreditorFinancialAccount/AccountName")
		d.Payment.BIC = pm.Str("PayeeSpecifiedCreditorFinancialInstitution/BICID")
		d.Payment.DebitedAccount = pm.Str("PayerPartyDebtorFinancialAccount/IBANID")
	}
	for _, v := range st.All("ApplicableTradeTax") {
		d.VAT = append(d.VAT, VATBreakdown{
			Category:        r.category(v.Str("CategoryCode"), "ApplicableTradeTax/CategoryCode"),
			Rate:            r.dec(v, "RateApplicablePercent"),
			Base:            r.dec(v, "BasisAmount"),
			Tax:             r.dec(v, "CalculatedAmount"),
			ExemptionReason: v.Str("ExemptionReason"),
			ExemptionCode:   v.Str("ExemptionReasonCode"),
		})
	}
	for _, n := range st.All("SpecifiedTradeAllowanceCharge") {
		d.AllowanceCharges = append(d.AllowanceCharges, r.ciiAllowanceCharge(n))
	}
	var terms []string
	for _, pt := range st.All("SpecifiedTradePaymentTerms") {
		if s := pt.Str("Description"); s != "" {
			terms = append(terms, s)
		}
		if d.DueDate.IsZero() {
			d.DueDate = r.date102(pt.One("DueDateDateTime/DateTimeString"), "DueDateDateTime")
		}
		if m := pt.Str("DirectDebitMandateID"); m != "" {
			d.Payment.Mandate = m
		}
	}
	d.PaymentTerms = strings.Join(terms, "\n")
	sum := st.One("SpecifiedTradeSettlementHeaderMonetarySummation")
	d.Totals = Totals{
		LineNet:      r.dec(sum, "LineTotalAmount"),
		Charges:      r.dec(sum, "ChargeTotalAmount"),
		Allowances:   r.dec(sum, "AllowanceTotalAmount"),
		TaxExclusive: r.dec(sum, "TaxBasisTotalAmount"),
		Rounding:     r.dec(sum, "RoundingAmount"),
		TaxInclusive: r.dec(sum, "GrandTotalAmount"),
		Prepaid:      r.dec(sum, "TotalPrepaidAmount"),
		Payable:      r.dec(sum, "DuePayableAmount"),
	}
	// BT-110 is the TaxTotalAmount in the invoice currency (BT-111 may be
	// given too, in the tax currency).
	for _, tt := range sum.All("TaxTotalAmount") {
		if cur := tt.Attr("currencyID"); cur == "" || cur == d.Currency {
			d.Totals.Tax = r.decNode(tt, "TaxTotalAmount")
		} else if cur == d.TaxCurrency {
			d.TaxInTaxCurrency = r.decNode(tt, "TaxTotalAmount")
		}
	}
	for _, p := range st.All("InvoiceReferencedDocument") {
		d.Preceding = append(d.Preceding, Reference{Number: p.Str("IssuerAssignedID"),
			Date: r.date102(p.One("FormattedIssueDateTime/DateTimeString"), "InvoiceReferencedDocument")})
	}
	for _, li := range tx.All("IncludedSupplyChainTradeLineItem") {
		d.Lines = append(d.Lines, r.ciiLine(li))
	}
	if r.err != nil {
		return nil, r.err
	}
	normalize(d)
	return d, nil
}

// taxCurrency returns BT-6 when it differs from BT-5 (CII forbids them
// equal; the same currency says nothing more).
func taxCurrency(d *Document) string {
	if d.TaxCurrency == d.Currency {
		return ""
	}
	return d.TaxCurrency
}

// normalize gives what both syntaxes say in one shape: a tax currency equal
// to the invoice currency is dropped, and a price discount without gross
// price gets its gross price (net + discount, which EN 16931 defines it as).
func normalize(d *Document) {
	if d.TaxCurrency == d.Currency {
		d.TaxCurrency, d.TaxInTaxCurrency = "", decimal.Decimal{}
	}
	for i := range d.Lines {
		l := &d.Lines[i]
		if !l.PriceDiscount.IsZero() && l.GrossPrice.IsZero() {
			l.GrossPrice = l.NetPrice.Add(l.PriceDiscount)
		}
	}
}

func readCIIParty(n *node) Party {
	if n == nil {
		return Party{}
	}
	p := Party{Name: n.Str("Name"), LegalInfo: n.Str("Description")}
	if g := n.One("GlobalID"); g != nil {
		p.ID, p.IDScheme = n.Str("GlobalID"), g.Attr("schemeID")
	} else {
		p.ID = n.Str("ID")
	}
	if lo := n.One("SpecifiedLegalOrganization"); lo != nil {
		p.LegalID, p.LegalIDScheme = lo.Str("ID"), lo.One("ID").Attr("schemeID")
		p.TradingName = lo.Str("TradingBusinessName")
	}
	for _, tr := range n.All("SpecifiedTaxRegistration") {
		if id := tr.One("ID"); id != nil && id.Attr("schemeID") == "VA" {
			p.VATNumber = tr.Str("ID")
		}
	}
	if u := n.One("URIUniversalCommunication/URIID"); u != nil && strings.TrimSpace(u.Text) != "" {
		p.Endpoint, p.EndpointScheme = strings.TrimSpace(u.Text), u.Attr("schemeID")
	}
	p.Address = readCIIAddress(n.One("PostalTradeAddress"))
	return p
}

// ciiAddressTags names the elements of a CII PostalTradeAddress.
var ciiAddressTags = addressTags{
	lines: []string{"LineOne", "LineTwo", "LineThree"}, city: "CityName", postcode: "PostcodeCode",
	region: "CountrySubDivisionName", country: "CountryID",
}

func readCIIAddress(pa *node) Address { return readAddress(pa, ciiAddressTags) }

// addressTags names the elements of a postal address in one syntax.
type addressTags struct {
	lines                           []string
	city, postcode, region, country string
}

// readAddress reads a postal address whose element names are t.
func readAddress(pa *node, t addressTags) Address {
	var a Address
	for _, tag := range t.lines {
		if s := pa.Str(tag); s != "" {
			a.Lines = append(a.Lines, s)
		}
	}
	a.City, a.Postcode = pa.Str(t.city), pa.Str(t.postcode)
	a.Region, a.Country = pa.Str(t.region), pa.Str(t.country)
	return a
}

func (r *reader) ciiPeriod(n *node) (start, end o2c.Date) {
	if n == nil {
		return
	}
	return r.date102(n.One("StartDateTime/DateTimeString"), "BillingSpecifiedPeriod/StartDateTime"),
		r.date102(n.One("EndDateTime/DateTimeString"), "BillingSpecifiedPeriod/EndDateTime")
}

func (r *reader) ciiAllowanceCharge(n *node) AllowanceCharge {
	ind := n.Str("ChargeIndicator/Indicator")
	ac := AllowanceCharge{
		Charge:     r.boolean(ind, "ChargeIndicator"),
		Amount:     r.dec(n, "ActualAmount"),
		Base:       r.dec(n, "BasisAmount"),
		Percent:    r.dec(n, "CalculationPercent"),
		Reason:     n.Str("Reason"),
		ReasonCode: n.Str("ReasonCode"),
	}
	if ct := n.One("CategoryTradeTax"); ct != nil {
		ac.Category = r.category(ct.Str("CategoryCode"), "CategoryTradeTax/CategoryCode")
		ac.Rate = r.dec(ct, "RateApplicablePercent")
	}
	return ac
}

func (r *reader) ciiLine(n *node) Line {
	l := Line{
		ID:          n.Str("AssociatedDocumentLineDocument/LineID"),
		Note:        n.Str("AssociatedDocumentLineDocument/IncludedNote/Content"),
		Name:        n.Str("SpecifiedTradeProduct/Name"),
		Description: n.Str("SpecifiedTradeProduct/Description"),
		SellerID:    n.Str("SpecifiedTradeProduct/SellerAssignedID"),
	}
	ag := n.One("SpecifiedLineTradeAgreement")
	l.OrderLineRef = ag.Str("BuyerOrderReferencedDocument/LineID")
	l.NetPrice = r.dec(ag, "NetPriceProductTradePrice/ChargeAmount")
	l.GrossPrice = r.dec(ag, "GrossPriceProductTradePrice/ChargeAmount")
	l.PriceDiscount = r.dec(ag, "GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/ActualAmount")
	l.BaseQuantity = r.dec(ag, "NetPriceProductTradePrice/BasisQuantity")
	if gq := r.dec(ag, "GrossPriceProductTradePrice/BasisQuantity"); l.BaseQuantity.IsZero() && !gq.IsZero() {
		l.BaseQuantity = gq
	}
	q := n.One("SpecifiedLineTradeDelivery/BilledQuantity")
	l.Quantity = r.decNode(q, "BilledQuantity")
	l.UnitCode = q.Attr("unitCode")
	set := n.One("SpecifiedLineTradeSettlement")
	l.Category = r.category(set.Str("ApplicableTradeTax/CategoryCode"), "line ApplicableTradeTax/CategoryCode")
	l.Rate = r.dec(set, "ApplicableTradeTax/RateApplicablePercent")
	l.PeriodStart, l.PeriodEnd = r.ciiPeriod(set.One("BillingSpecifiedPeriod"))
	for _, ac := range set.All("SpecifiedTradeAllowanceCharge") {
		l.AllowanceCharges = append(l.AllowanceCharges, r.ciiAllowanceCharge(ac))
	}
	l.NetAmount = r.dec(set, "SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount")
	return l
}

// reader collects the first conversion error so that reading code stays
// linear.
type reader struct{ err error }

func (r *reader) fail(path, msg string) {
	if r.err == nil {
		r.err = &SyntaxError{Path: path, Msg: msg}
	}
}

func (r *reader) dec(n *node, path string) decimal.Decimal {
	if n == nil {
		return decimal.Decimal{}
	}
	return r.decNode(n.One(path), path)
}

func (r *reader) decNode(n *node, path string) decimal.Decimal {
	if n == nil {
		return decimal.Decimal{}
	}
	s := strings.TrimSpace(n.Text)
	if s == "" {
		return decimal.Decimal{}
	}
	// XSD decimals: optional sign, digits, optional fraction; no exponent.
	ok := len(s) <= 40
	digits := 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case (c == '-' || c == '+') && i == 0:
		case c == '.':
		default:
			ok = false
		}
	}
	if strings.Count(s, ".") > 1 || digits == 0 {
		ok = false
	}
	v, err := decimal.NewFromString(s)
	if !ok || err != nil {
		r.fail(path, fmt.Sprintf("%q is not a decimal number", s))
		return decimal.Decimal{}
	}
	return v
}

func (r *reader) date102(n *node, path string) o2c.Date {
	if n == nil {
		return o2c.Date{}
	}
	s := strings.TrimSpace(n.Text)
	if f := n.Attr("format"); f != "" && f != "102" {
		r.fail(path, fmt.Sprintf("date format %q is not supported (102 is)", f))
		return o2c.Date{}
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		r.fail(path, fmt.Sprintf("%q is not a date in format 102 (YYYYMMDD)", s))
		return o2c.Date{}
	}
	return o2c.DateOf(t)
}

func (r *reader) isoDate(n *node, path string) o2c.Date {
	if n == nil {
		return o2c.Date{}
	}
	s := strings.TrimSpace(n.Text)
	d, err := o2c.ParseDate(s)
	if err != nil {
		r.fail(path, fmt.Sprintf("%q is not a date (YYYY-MM-DD)", s))
	}
	return d
}

func (r *reader) boolean(s, path string) bool {
	switch s {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	r.fail(path, fmt.Sprintf("%q is not a boolean", s))
	return false
}

func (r *reader) category(code, path string) tax.Category {
	if code == "" {
		return tax.Category{}
	}
	c, err := tax.ParseCategory(code)
	if err != nil {
		r.fail(path, fmt.Sprintf("%q is not a VAT category code", code))
	}
	return c
}

func isoDate(d interface {
	IsZero() bool
	String() string
}) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
