// Package pdfa starts and finishes the PDF/A-3 documents the SDK writes
// (Factur-X invoices, dunning letters) with codeberg.org/go-pdf/fpdf:
// embedded fonts (DejaVu Sans Condensed, family "dv", styles "" and "B";
// licence in fonts/LICENSE.txt), an sRGB output intent (a profile this
// package generates), XMP metadata declaring PDF/A-3B, stable output, and
// an incremental update that attaches associated files and fixes what fpdf
// leaves wrong for PDF/A (the /Info reference, the file /ID).
package pdfa

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	_ "embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed fonts/DejaVuSansCondensed.ttf
var fontRegular []byte

//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var fontBold []byte

// Creator and Producer are written in the Info dictionary and the XMP.
const (
	Creator  = "cashcycle SDK"
	Producer = "cashcycle with go-pdf/fpdf"
)

// Meta describes a document.
type Meta struct {
	Title, Author, Lang string
	// Created is the creation and modification date (truncated to the
	// second, UTC).
	Created time.Time
	// ExtraXMP is added inside rdf:RDF (extension schemas and their
	// properties).
	ExtraXMP string
}

// New returns an A4 portrait document (mm) set up for PDF/A-3B.
func New(m Meta) *fpdf.Fpdf {
	created := m.Created.UTC().Truncate(time.Second)
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCatalogSort(true) // fonts in a stable order: the same input gives the same bytes
	f.AddUTF8FontFromBytes("dv", "", fontRegular)
	f.AddUTF8FontFromBytes("dv", "B", fontBold)
	f.SetTitle(m.Title, true)
	f.SetAuthor(m.Author, true)
	f.SetCreator(Creator, true)
	f.SetProducer(Producer, true)
	if m.Lang != "" {
		f.SetLang(m.Lang)
	}
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetXmpMetadata(XMP(m))
	f.AddOutputIntent(fpdf.OutputIntentType{SubtypeIdent: fpdf.OutputIntent_GTS_PDFA1, OutputConditionIdentifier: "sRGB IEC61966-2.1", Info: "sRGB IEC61966-2.1", ICCProfile: srgbProfile()})
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(true, 15)
	return f
}

// Escape escapes text for XML.
func Escape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// XMP returns the XMP packet: PDF/A-3B identification and the document
// information, equal to the Info dictionary fpdf writes.
func XMP(m Meta) []byte {
	date := m.Created.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05")
	s := `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>application/pdf</dc:format><dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + Escape(m.Title) + `</rdf:li></rdf:Alt></dc:title><dc:creator><rdf:Seq><rdf:li>` + Escape(m.Author) + `</rdf:li></rdf:Seq></dc:creator></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>` + Producer + `</pdf:Producer></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>` + Creator + `</xmp:CreatorTool><xmp:CreateDate>` + date + `</xmp:CreateDate><xmp:ModifyDate>` + date + `</xmp:ModifyDate></rdf:Description>
` + m.ExtraXMP + `
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
	return []byte(s)
}

// File is an associated file to attach.
type File struct {
	Name, Desc string
	// MIME is the media type ("text/xml").
	MIME string
	// Relationship is the AFRelationship ("Data", "Source", "Alternative").
	Relationship string
	Data         []byte
	ModDate      time.Time
}

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reTrailer   = regexp.MustCompile(`trailer\s*<<\s*/Size (\d+)\s*/Root (\d+) 0 R\s*/Info (\d+) 0 R\s*>>`)
	reEmbedded  = regexp.MustCompile(`/EmbeddedFiles << /Names \[\s*\] >>`)
	reInfo      = regexp.MustCompile(`\n(\d+) 0 obj\n<<\n/Producer `)
)

func pdfName(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "#%02x", c)
		}
	}
	return b.String()
}

func pdfString(s string) string {
	return "(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s) + ")"
}

// Finish renders f and appends an incremental update that attaches files
// (embedded file streams with their MIME type, file specifications with
// AFRelationship, the catalog's EmbeddedFiles and /AF) and a trailer naming
// the real Info dictionary (fpdf names object n-1, the ICC stream when
// there is an output intent) and a file /ID. Anything unexpected in fpdf's
// output is an error, never a PDF missing its attachments.
func Finish(f *fpdf.Fpdf, files ...File) ([]byte, error) {
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	pdf := buf.Bytes()
	sx := reStartXref.FindSubmatch(pdf)
	tr := reTrailer.FindAllSubmatch(pdf, -1)
	infos := reInfo.FindAllSubmatch(pdf, -1)
	if sx == nil || len(tr) != 1 || len(infos) != 1 {
		return nil, fmt.Errorf("pdf: unexpected structure from fpdf (trailer)")
	}
	size, _ := strconv.Atoi(string(tr[0][1]))
	root, _ := strconv.Atoi(string(tr[0][2]))
	info, _ := strconv.Atoi(string(infos[0][1]))
	out := bytes.NewBuffer(append([]byte(nil), pdf...))
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	type entry struct{ num, off int }
	var entries []entry
	next := size
	if len(files) > 0 {
		head := fmt.Sprintf("\n%d 0 obj\n", root)
		i := bytes.LastIndex(pdf, []byte(head))
		if i < 0 {
			return nil, fmt.Errorf("pdf: unexpected structure from fpdf (catalog)")
		}
		body := pdf[i+len(head):]
		j := bytes.Index(body, []byte("\nendobj"))
		if j < 0 {
			return nil, fmt.Errorf("pdf: unexpected structure from fpdf (catalog end)")
		}
		catalog := strings.TrimSpace(string(body[:j]))
		if !reEmbedded.MatchString(catalog) || !strings.HasSuffix(catalog, ">>") {
			return nil, fmt.Errorf("pdf: unexpected structure from fpdf (catalog names)")
		}
		var names, af []string
		for _, file := range files {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			_, _ = zw.Write(file.Data)
			if err := zw.Close(); err != nil {
				return nil, err
			}
			sum := md5.Sum(file.Data)
			date := "D:" + file.ModDate.UTC().Format("20060102150405") + "Z"
			fileObj, specObj := next, next+1
			next += 2
			entries = append(entries, entry{fileObj, out.Len()})
			fmt.Fprintf(out, "%d 0 obj\n<< /Type /EmbeddedFile /Subtype /%s /Filter /FlateDecode /Length %d /Params << /Size %d /CheckSum <%s> /ModDate (%s) >> >>\nstream\n",
				fileObj, pdfName(file.MIME), z.Len(), len(file.Data), hex.EncodeToString(sum[:]), date)
			out.Write(z.Bytes())
			out.WriteString("\nendstream\nendobj\n")
			entries = append(entries, entry{specObj, out.Len()})
			fmt.Fprintf(out, "%d 0 obj\n<< /Type /Filespec /F %s /UF %s /Desc %s /AFRelationship /%s /EF << /F %d 0 R /UF %d 0 R >> >>\nendobj\n",
				specObj, pdfString(file.Name), pdfString(file.Name), pdfString(file.Desc), pdfName(file.Relationship), fileObj, fileObj)
			names = append(names, fmt.Sprintf("%s %d 0 R", pdfString(file.Name), specObj))
			af = append(af, fmt.Sprintf("%d 0 R", specObj))
		}
		catalog = reEmbedded.ReplaceAllLiteralString(catalog, "/EmbeddedFiles << /Names ["+strings.Join(names, " ")+"] >>")
		catalog = strings.TrimSuffix(catalog, ">>") + "/AF [" + strings.Join(af, " ") + "]\n>>"
		entries = append(entries, entry{root, out.Len()})
		fmt.Fprintf(out, "%d 0 obj\n%s\nendobj\n", root, catalog)
	}
	xref := out.Len()
	out.WriteString("xref\n0 1\n0000000000 65535 f \n")
	// entries are consecutive except the catalog: one subsection each.
	for _, e := range entries {
		fmt.Fprintf(out, "%d 1\n%010d 00000 n \n", e.num, e.off)
	}
	id := md5.Sum(pdf)
	fmt.Fprintf(out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %s /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n",
		next, root, info, sx[1], id, id, xref)
	return out.Bytes(), nil
}
