package loa

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/portkit/portkit/porting"
)

// Page geometry, in millimetres, and type sizes, in points.
const (
	marginLeft   = 20.0
	marginRight  = 20.0
	marginTop    = 16.0
	marginBottom = 20.0
	// footerRule is the distance of the footer's rule from the bottom
	// edge of the page.
	footerRule = 13.0

	sizeBody  = 9.5
	sizeText  = 9.0
	sizeSmall = 8.0
	sizeTiny  = 7.5
	// lineBody is the line height of field values, lineText that of the
	// authorization text.
	lineBody = 4.4
	lineText = 4.1
)

// rgb is a colour.
type rgb struct{ r, g, b int }

// Colours of the letters.
var (
	colorText  = rgb{25, 25, 25}
	colorLabel = rgb{95, 95, 95}
	colorRule  = rgb{150, 150, 150}
	colorHead  = rgb{223, 228, 235}
	colorZebra = rgb{244, 245, 247}
)

// logoName is the name the logo image is registered under.
const logoName = "logo"

// document is a PDF being printed: one or more letters.
type document struct {
	pdf   *fpdf.Fpdf
	brand Branding
	// hasLogo reports whether a logo image is registered.
	hasLogo bool
	// cur is the letter being printed, number curNo (from 1), whose first
	// page is firstPage; the footer numbers pages within it.
	cur       *letter
	curNo     int
	firstPage int
	// footerText is the left part of the current letter's footer.
	footerText string
	// pageLabelWidth is the width reserved for "Page N of M".
	pageLabelWidth float64
}

// newDocument prepares an empty PDF: fonts, metadata, dates, logo.
func newDocument(r *porting.PortRequest, opt Options) (*document, error) {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	// Compression is always on, so that Deterministic mode only fixes
	// what varies and prints the same bytes as a normal render would.
	pdf.SetCompression(true)
	addFonts(pdf)

	title := opt.Title
	if title == "" {
		title = joinNonEmpty(": ", "Letter of Authorization", r.Name)
	}
	pdf.SetTitle(printable(title), true)
	pdf.SetAuthor(printable(opt.Branding.Name), true)
	pdf.SetCreator("portkit", true)

	date := opt.CreationDate
	if opt.Deterministic {
		pdf.SetCatalogSort(true)
		if date.IsZero() {
			date = time.Unix(0, 0)
		}
	}
	if !date.IsZero() {
		// The PDF date is written without a zone: use UTC so that the
		// bytes do not depend on the time's location.
		pdf.SetCreationDate(date.UTC())
		pdf.SetModificationDate(date.UTC())
	}

	d := &document{pdf: pdf, brand: printableBranding(opt.Branding)}
	if err := d.registerLogo(opt.Branding); err != nil {
		return nil, err
	}
	pdf.SetFont(fontFamily, "", sizeTiny)
	d.pageLabelWidth = pdf.GetStringWidth("Page 999 of 999")
	pdf.SetFooterFunc(d.footer)
	return d, pdf.Error()
}

// printableBranding returns b with its text made printable in the
// letters' fonts.
func printableBranding(b Branding) Branding {
	address := make([]string, len(b.Address))
	for i, line := range b.Address {
		address[i] = printable(line)
	}
	b.Address = address
	b.Name, b.Phone, b.Email, b.Website = printable(b.Name), printable(b.Phone), printable(b.Email), printable(b.Website)
	return b
}

// registerLogo registers the branding's logo, if any.
func (d *document) registerLogo(b Branding) error {
	if len(b.Logo) == 0 {
		return nil
	}
	typ := strings.ToUpper(b.LogoType)
	switch {
	case typ == "JPEG":
		typ = "JPG"
	case typ == "" && bytes.HasPrefix(b.Logo, []byte("\x89PNG\r\n\x1a\n")):
		typ = "PNG"
	case typ == "" && bytes.HasPrefix(b.Logo, []byte{0xFF, 0xD8, 0xFF}):
		typ = "JPG"
	}
	switch {
	case typ == "":
		return errors.New("loa: logo is neither PNG nor JPG")
	case typ != "PNG" && typ != "JPG":
		return fmt.Errorf("loa: logo type %q not supported (want PNG or JPG)", b.LogoType)
	}
	d.pdf.RegisterImageOptionsReader(logoName, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(b.Logo))
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("loa: logo: %w", err)
	}
	d.hasLogo = true
	return nil
}

// writeLetter prints letter number no (from 1): its first page, then
// Attachment A.
func (d *document) writeLetter(no int, l *letter) {
	// The footer of the previous letter's last page is drawn here, while
	// cur still points at that letter.
	d.addPage(l.pageSize)
	d.cur, d.curNo, d.firstPage = l, no, d.pdf.PageNo()
	d.footerText = joinNonEmpty(" · ", l.provider, "LOA "+l.ref, l.customer)

	d.writeFirstPage(l)
	d.writeAttachmentA(l)

	d.pdf.RegisterAlias(pagesAlias(no), strconv.Itoa(d.pdf.PageNo()-d.firstPage+1))
}

// pagesAlias is the placeholder for the page count of letter no, replaced
// when the document is written. The closing brace keeps "{loa-pages-1}"
// from matching inside "{loa-pages-12}".
func pagesAlias(no int) string { return "{loa-pages-" + strconv.Itoa(no) + "}" }

// addPage starts a page of the given size.
func (d *document) addPage(size PageSize) {
	d.pdf.AddPageFormat("P", d.pdf.GetPageSizeStr(string(size)))
	d.setText(colorText)
}

// footer draws the current page's footer: a rule, the letter's reference
// and "Page N of M", numbered within the letter.
func (d *document) footer() {
	pdf := d.pdf
	w, h := pdf.GetPageSize()
	y := h - footerRule
	d.rule(y)
	pdf.SetFont(fontFamily, "", sizeTiny)
	d.setText(colorLabel)
	textWidth := w - marginLeft - marginRight - d.pageLabelWidth - 4
	pdf.SetXY(marginLeft, y+1.2)
	pdf.CellFormat(textWidth, 4, d.fit(d.footerText, textWidth), "", 0, "L", false, 0, "")
	pdf.SetXY(w-marginRight-d.pageLabelWidth, y+1.2)
	label := "Page " + strconv.Itoa(pdf.PageNo()-d.firstPage+1) + " of " + pagesAlias(d.curNo)
	pdf.CellFormat(d.pageLabelWidth, 4, label, "", 0, "L", false, 0, "")
	d.setText(colorText)
}

// output finishes the document and writes it to w.
func (d *document) output(w io.Writer) error {
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("loa: %w", err)
	}
	return nil
}

// contentWidth is the width between the margins.
func (d *document) contentWidth() float64 {
	w, _ := d.pdf.GetPageSize()
	return w - marginLeft - marginRight
}

// pageBottom is the lowest y content may reach on the current page.
func (d *document) pageBottom() float64 {
	_, h := d.pdf.GetPageSize()
	return h - marginBottom
}

// ensureSpace starts a new page of the letter when less than height is
// left on the current one.
func (d *document) ensureSpace(height float64) {
	if d.pdf.GetY()+height > d.pageBottom() {
		d.addPage(d.cur.pageSize)
	}
}

// rule draws a thin horizontal line across the content width at y.
func (d *document) rule(y float64) {
	d.pdf.SetDrawColor(colorRule.r, colorRule.g, colorRule.b)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(marginLeft, y, marginLeft+d.contentWidth(), y)
}

func (d *document) setText(c rgb) { d.pdf.SetTextColor(c.r, c.g, c.b) }
func (d *document) setFill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }

// fit shortens s with an ellipsis so that it fits width in the current
// font.
func (d *document) fit(s string, width float64) string {
	if d.pdf.GetStringWidth(s) <= width {
		return s
	}
	runes := []rune(s)
	for n := len(runes) - 1; n > 0; n-- {
		t := strings.TrimRight(string(runes[:n]), " ") + "…"
		if d.pdf.GetStringWidth(t) <= width {
			return t
		}
	}
	return ""
}
