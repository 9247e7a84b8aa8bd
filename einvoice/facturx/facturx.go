// Package facturx writes Factur-X 1.07 / ZUGFeRD 2.3 invoices, profile EN
// 16931: a PDF/A-3 document whose page shows the invoice as the law asks a
// paper invoice to, with the CII D16B data ([einvoice.WriteCII]) embedded
// as factur-x.xml.
//
// The PDF declares PDF/A-3B and the Factur-X extension schema in its XMP
// metadata (fx:DocumentType INVOICE, fx:DocumentFileName factur-x.xml,
// fx:Version 1.0, fx:ConformanceLevel EN 16931), carries an sRGB output
// intent (an ICC profile the SDK generates), embeds its fonts (DejaVu Sans
// Condensed, as subsets; licence in internal/pdfa/fonts/LICENSE.txt), and
// attaches the XML as an associated file (/AF, AFRelationship /Data,
// MIME type text/xml). The page is drawn with codeberg.org/go-pdf/fpdf;
// the attachment is added as an incremental update of its output.
package facturx

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/internal/pdfa"
	"github.com/cashcycle/sdk/o2c"
)

// Filename is the name of the embedded CII file.
const Filename = "factur-x.xml"

// Options for Write.
type Options struct {
	// Language of the page: "fr" (the default) or "en".
	Language string
	// Created is the PDF's creation date (zero: the invoice's issue date at
	// noon UTC, so that the same invoice gives the same bytes).
	Created time.Time
}

// Write returns the Factur-X PDF of doc and the CII it embeds (the bytes
// of [einvoice.WriteCII]). The document is checked first; nothing is
// returned when it breaks an EN 16931 rule.
func Write(doc *einvoice.Document, opt Options) (pdf, cii []byte, err error) {
	cii, err = einvoice.WriteCII(doc)
	if err != nil {
		return nil, nil, err
	}
	lang := opt.Language
	if lang == "" {
		lang = "fr"
	}
	l, ok := labels[lang]
	if !ok {
		return nil, nil, &o2c.ValidationError{Field: "language", Rule: "must be fr or en", Value: lang}
	}
	created := opt.Created
	if created.IsZero() {
		created = doc.IssueDate.Time().Add(12 * time.Hour)
	}
	title := l.title(doc.Type) + " " + doc.Number
	f := pdfa.New(pdfa.Meta{Title: title, Author: doc.Seller.Name, Lang: lang, Created: created, ExtraXMP: facturXMP})
	f.AddPage()
	page(f, doc, l, title)
	pdf, err = pdfa.Finish(f, pdfa.File{Name: Filename, Desc: "Factur-X invoice", MIME: "text/xml", Relationship: "Data", Data: cii, ModDate: created})
	if err != nil {
		return nil, nil, err
	}
	return pdf, cii, nil
}

// facturXMP is the Factur-X extension schema description and the Factur-X
// properties of an EN 16931 invoice.
var facturXMP = func() string {
	prop := func(name, desc string) string {
		return `<rdf:li rdf:parseType="Resource"><pdfaProperty:name>` + name + `</pdfaProperty:name>` +
			`<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>` +
			`<pdfaProperty:description>` + desc + `</pdfaProperty:description></rdf:li>`
	}
	return `<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
` + prop("DocumentFileName", "name of the embedded XML invoice file") + `
` + prop("DocumentType", "INVOICE") + `
` + prop("Version", "The actual version of the Factur-X XML schema") + `
` + prop("ConformanceLevel", "The conformance level of the embedded Factur-X data") + `
</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"><fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>` + Filename + `</fx:DocumentFileName><fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description>`
}()

// money formats an amount with the document's currency.
func money(d decimal.Decimal, cur string) string {
	return d.StringFixed(2) + " " + cur
}
