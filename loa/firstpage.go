package loa

import (
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Layout of the first page, in millimetres.
const (
	logoHeight   = 16.0
	logoMaxWidth = 60.0
	// columnGap separates the customer and account columns.
	columnGap = 8.0
	// labelWidth is the label column of the port details.
	labelWidth = 48.0
	// labelHeight is the height of a label above its value.
	labelHeight = 3.6
	// blankHeight is the height of a line left for the customer to fill.
	blankHeight = 6.0
	// fieldGap separates the fields of a column.
	fieldGap = 1.8
	// signatureHeight is the room the signature block needs.
	signatureHeight = 30.0
)

// heading is the title of every letter. It appears once per letter and
// nowhere else, so a reader (or a test) can count letters by it.
const heading = "Letter of Authorization"

// field is a label and its value, printed one under the other. An empty
// value prints as a blank line to write on.
type field struct {
	label, value string
}

// writeFirstPage prints the letter itself: letterhead, heading, the
// customer's and the account's details side by side, the port details,
// the authorization and the signature block. Long content flows onto
// further pages.
func (d *document) writeFirstPage(l *letter) {
	d.letterhead()
	d.title(l)

	d.columns(
		"Customer, as on the account", []field{
			{"Customer or company name", l.customer},
			{"Service address", strings.Join(l.address, "\n")},
			{"Authorized contact", l.contact},
			{"Email", l.email},
		},
		"Account with the losing carrier", []field{
			{"Losing carrier", l.carrier},
			{"Account number", l.account},
			{"Billing telephone number (BTN)", l.btn},
			// The PIN is a secret of the customer: always a blank line,
			// written in by hand, never printed from stored data.
			{"Account PIN / passcode (written in by the account holder)", ""},
		},
	)

	d.section("Port")
	d.row("Gaining provider (agent)", l.provider)
	d.row("Numbers to port", numbersSummary(len(l.numbers)))
	if l.partial != nil {
		d.row("Type of port", "Partial: some numbers stay with the losing carrier (see Attachment A)")
	} else {
		d.row("Type of port", "Full: all numbers on the account move")
	}
	if l.portDate != "" {
		d.row("Requested port date (FOC)", l.portDate)
	}

	d.writeAuthorization(authorizationText(l.provider, l.carrier, l.partial != nil))
	d.signatureBlock(l)
}

// numbersSummary says how many numbers the letter ports.
func numbersSummary(n int) string {
	if n == 1 {
		return "1 number, listed in Attachment A"
	}
	return strconv.Itoa(n) + " numbers, listed in Attachment A"
}

// letterhead prints the gaining provider's logo, name, address and
// contacts, and a rule under them. With a logo, the text is set on the
// right.
func (d *document) letterhead() {
	pdf := d.pdf
	b := d.brand
	top := pdf.GetY()
	bottom := top
	align := "L"
	if d.hasLogo {
		info := pdf.GetImageInfo(logoName)
		w, h := logoHeight*info.Width()/info.Height(), logoHeight
		if w > logoMaxWidth {
			w, h = logoMaxWidth, logoMaxWidth*info.Height()/info.Width()
		}
		pdf.ImageOptions(logoName, marginLeft, top, w, h, false, fpdf.ImageOptions{}, 0, "")
		bottom = top + h
		align = "R"
	}
	width := d.contentWidth()
	pdf.SetFont(fontFamily, "B", 12)
	pdf.SetX(marginLeft)
	pdf.CellFormat(width, 5.5, b.Name, "", 1, align, false, 0, "")
	pdf.SetFont(fontFamily, "", sizeSmall)
	d.setText(colorLabel)
	lines := append([]string(nil), b.Address...)
	if contact := joinNonEmpty(" · ", b.Phone, b.Email, b.Website); contact != "" {
		lines = append(lines, contact)
	}
	for _, line := range lines {
		pdf.SetX(marginLeft)
		pdf.CellFormat(width, 3.6, line, "", 1, align, false, 0, "")
	}
	d.setText(colorText)
	y := max(pdf.GetY(), bottom) + 2.5
	d.rule(y)
	pdf.SetY(y + 4)
}

// title prints the heading, and the letter's reference on its right.
func (d *document) title(l *letter) {
	pdf := d.pdf
	width := d.contentWidth()
	y := pdf.GetY()
	pdf.SetFont(fontFamily, "B", 17)
	pdf.SetX(marginLeft)
	pdf.CellFormat(width, 8, heading, "", 0, "L", false, 0, "")
	headingWidth := pdf.GetStringWidth(heading) + 6

	pdf.SetFont(fontFamily, "", sizeSmall)
	d.setText(colorLabel)
	refWidth := width - headingWidth
	pdf.SetXY(marginLeft+headingWidth, y+0.2)
	pdf.CellFormat(refWidth, 3.8, "Reference "+l.ref, "", 2, "R", false, 0, "")
	if l.requestName != "" {
		pdf.CellFormat(refWidth, 3.8, d.fit("Port request “"+l.requestName+"”", refWidth-2), "", 2, "R", false, 0, "")
	}
	d.setText(colorText)
	pdf.SetXY(marginLeft, y+10)
}

// section prints the title of a group of fields, with a rule under it.
func (d *document) section(title string) {
	pdf := d.pdf
	d.ensureSpace(5 * lineBody)
	pdf.Ln(2)
	d.sectionTitle(marginLeft, pdf.GetY(), d.contentWidth(), title)
	y := pdf.GetY() + 5.5
	d.rule(y)
	pdf.SetY(y + 1.2)
}

// sectionTitle prints a section title in a box of the given width.
func (d *document) sectionTitle(x, y, width float64, title string) {
	d.pdf.SetFont(fontFamily, "B", 10.5)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(width, 5.5, d.fit(title, width-2), "", 0, "L", false, 0, "")
}

// columns prints two titled columns of fields side by side. When they
// would not fit on what is left of the page, they are printed one after
// the other instead, and flow onto the next page.
func (d *document) columns(leftTitle string, left []field, rightTitle string, right []field) {
	pdf := d.pdf
	width := (d.contentWidth() - columnGap) / 2
	height := max(d.columnHeight(left, width), d.columnHeight(right, width))
	pdf.Ln(2)
	if pdf.GetY()+7+height > d.pageBottom() {
		d.section(leftTitle)
		d.column(marginLeft, d.contentWidth(), left)
		d.section(rightTitle)
		d.column(marginLeft, d.contentWidth(), right)
		return
	}
	y := pdf.GetY()
	x2 := marginLeft + width + columnGap
	d.sectionTitle(marginLeft, y, width, leftTitle)
	d.sectionTitle(x2, y, width, rightTitle)
	d.rule(y + 5.5)
	y += 6.7
	pdf.SetY(y)
	d.column(marginLeft, width, left)
	yLeft := pdf.GetY()
	pdf.SetY(y)
	d.column(x2, width, right)
	pdf.SetY(max(yLeft, pdf.GetY()))
}

// columnHeight is the height column would print fields in.
func (d *document) columnHeight(fields []field, width float64) float64 {
	d.pdf.SetFont(fontFamily, "", sizeBody)
	h := 0.0
	for _, f := range fields {
		h += d.fieldHeight(f, width)
	}
	return h
}

// fieldHeight is the height of a field in a column of the given width;
// the body font must be set.
func (d *document) fieldHeight(f field, width float64) float64 {
	if f.value == "" {
		return labelHeight + blankHeight + fieldGap
	}
	return labelHeight + float64(len(d.pdf.SplitText(f.value, width)))*lineBody + fieldGap
}

// column prints fields one under the other, at x, starting at the current
// height.
func (d *document) column(x, width float64, fields []field) {
	pdf := d.pdf
	for _, f := range fields {
		pdf.SetFont(fontFamily, "", sizeBody)
		d.ensureSpace(d.fieldHeight(f, width))
		y := pdf.GetY()
		pdf.SetFont(fontFamily, "", sizeTiny)
		d.setText(colorLabel)
		pdf.SetXY(x, y)
		pdf.CellFormat(width, labelHeight, d.fit(f.label, width-2), "", 2, "L", false, 0, "")
		d.setText(colorText)
		pdf.SetFont(fontFamily, "", sizeBody)
		if f.value == "" {
			d.blank(x+1, y+labelHeight+blankHeight-0.8, width-2)
			pdf.SetY(y + labelHeight + blankHeight + fieldGap)
			continue
		}
		for _, line := range pdf.SplitText(f.value, width) {
			pdf.SetX(x)
			pdf.CellFormat(width, lineBody, line, "", 2, "L", false, 0, "")
		}
		pdf.SetY(pdf.GetY() + fieldGap)
	}
}

// row prints a label and its value on one row, the value wrapping in its
// own column.
func (d *document) row(label, value string) {
	pdf := d.pdf
	d.ensureSpace(lineBody + 1)
	y := pdf.GetY()
	pdf.SetFont(fontFamily, "", sizeSmall)
	d.setText(colorLabel)
	pdf.SetXY(marginLeft, y)
	pdf.CellFormat(labelWidth, lineBody, label, "", 0, "L", false, 0, "")
	d.setText(colorText)
	pdf.SetFont(fontFamily, "", sizeBody)
	pdf.SetXY(marginLeft+labelWidth, y)
	pdf.MultiCell(d.contentWidth()-labelWidth, lineBody, value, "", "L", false)
	pdf.SetY(pdf.GetY() + 0.5)
}

// blank draws a line of the given width to write on, at height y.
func (d *document) blank(x, y, width float64) {
	d.pdf.SetDrawColor(colorText.r, colorText.g, colorText.b)
	d.pdf.SetLineWidth(0.25)
	d.pdf.Line(x, y, x+width, y)
}

// writeAuthorization prints the authorization text: the opening, the
// numbered statements with a hanging indent, and the closing.
func (d *document) writeAuthorization(a authorization) {
	pdf := d.pdf
	width := d.contentWidth()
	d.section("Authorization")
	pdf.SetFont(fontFamily, "", sizeText)
	pdf.SetX(marginLeft)
	pdf.MultiCell(width, lineText, a.opening, "", "L", false)
	pdf.Ln(0.8)
	const indent = 6.0
	for i, s := range a.statements {
		d.ensureSpace(2 * lineText)
		y := pdf.GetY()
		pdf.SetXY(marginLeft, y)
		pdf.CellFormat(indent, lineText, strconv.Itoa(i+1)+".", "", 0, "R", false, 0, "")
		pdf.SetXY(marginLeft+indent, y)
		pdf.MultiCell(width-indent, lineText, s, "", "L", false)
		pdf.Ln(0.6)
	}
	pdf.Ln(0.2)
	pdf.SetX(marginLeft)
	pdf.MultiCell(width, lineText, a.closing, "", "L", false)
}

// signatureBlock prints the lines for signature, date, printed name and
// title. A signed request fills the printed name and the date.
func (d *document) signatureBlock(l *letter) {
	pdf := d.pdf
	d.ensureSpace(signatureHeight)
	width := d.contentWidth()
	const gap = 10.0
	left := width * 0.6
	right := width - left - gap
	x2 := marginLeft + left + gap
	y := pdf.GetY() + 10
	d.signatureLine(marginLeft, y, left, "Signature of the account holder or authorized person", "")
	d.signatureLine(x2, y, right, "Date", l.signedOn)
	y += 12
	d.signatureLine(marginLeft, y, left, "Printed name", l.signee)
	d.signatureLine(x2, y, right, "Title", "")
	pdf.SetXY(marginLeft, y+5)
}

// signatureLine draws one line of the signature block with its label under
// it and, when given, a value printed on it. y is the line's height on the
// page.
func (d *document) signatureLine(x, y, width float64, label, value string) {
	pdf := d.pdf
	if value != "" {
		pdf.SetFont(fontFamily, "", 10.5)
		pdf.SetXY(x+1, y-5.5)
		pdf.CellFormat(width-2, 5, d.fit(value, width-4), "", 0, "L", false, 0, "")
	}
	d.blank(x, y, width)
	pdf.SetFont(fontFamily, "", sizeTiny)
	d.setText(colorLabel)
	pdf.SetXY(x, y+0.6)
	pdf.CellFormat(width, 3.4, label, "", 0, "L", false, 0, "")
	d.setText(colorText)
}
