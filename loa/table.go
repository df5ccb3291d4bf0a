package loa

import (
	"strconv"

	"github.com/portkit/portkit/porting"
)

// Table layout, in millimetres and points.
const (
	headerRowHeight = 6.0
	rowHeight       = 5.2
	sizeTable       = 9.0
	sizeTableHead   = 8.0
)

// column is one column of a table.
type column struct {
	title string
	width float64
	// align is "L" or "R".
	align string
	// fit shortens values that are too wide for the column; columns of
	// numbers never need it.
	fit bool
}

// numberColumns are the columns of the Attachment A table, spread over
// width.
func numberColumns(width float64) []column {
	const num, national, e164, kind = 12.0, 38.0, 34.0, 26.0
	return []column{
		{title: "#", width: num, align: "R"},
		{title: "Telephone number", width: national, align: "L"},
		{title: "E.164", width: e164, align: "L"},
		{title: "Losing carrier", width: width - num - national - e164 - kind, align: "L", fit: true},
		{title: "Type", width: kind, align: "L", fit: true},
	}
}

// writeAttachmentA prints Attachment A on a new page: the numbers to be
// ported and, for a partial port, the numbers that stay.
func (d *document) writeAttachmentA(l *letter) {
	pdf := d.pdf
	d.addPage(l.pageSize)
	width := d.contentWidth()
	pdf.SetFont(fontFamily, "B", 14)
	pdf.SetX(marginLeft)
	pdf.CellFormat(width, 8, "Attachment A: Numbers to be ported", "", 1, "L", false, 0, "")
	pdf.SetFont(fontFamily, "", sizeSmall)
	d.setText(colorLabel)
	pdf.SetX(marginLeft)
	pdf.MultiCell(width, 4, joinNonEmpty(" · ",
		"Customer: "+orUnknown(l.customer),
		"Losing carrier: "+orUnknown(l.carrier),
		"BTN: "+orUnknown(l.btn),
		"Reference "+l.ref,
	), "", "L", false)
	d.setText(colorText)
	pdf.Ln(3)

	rows := l.numbers
	d.table("Attachment A (continued): numbers to be ported", numberColumns(width), len(rows), func(i, c int) string {
		switch c {
		case 0:
			return strconv.Itoa(i + 1)
		case 1:
			return rows[i].national
		case 2:
			return rows[i].e164
		case 3:
			return rows[i].carrier
		}
		return rows[i].kind
	})
	if l.partial != nil {
		d.writeRemaining(l)
	}
}

// writeRemaining prints the numbers of a partial port that stay with the
// losing carrier and the new billing number of the account they stay on.
func (d *document) writeRemaining(l *letter) {
	pdf := d.pdf
	p := l.partial
	carrier := l.carrier
	if carrier == "" {
		carrier = "the losing carrier"
	}
	width := d.contentWidth()
	pdf.Ln(6)
	d.ensureSpace(30)
	pdf.SetFont(fontFamily, "B", 11)
	pdf.SetX(marginLeft)
	pdf.CellFormat(width, 6, d.fit("Numbers staying with "+carrier+" (partial port)", width-2), "", 1, "L", false, 0, "")
	pdf.SetFont(fontFamily, "", sizeBody)
	var text string
	switch p.action {
	case porting.RemainingKeep:
		text = "These numbers are not ported: they stay in service on the customer's account with " + carrier + "."
	case porting.RemainingDrop:
		text = "These numbers are not ported: the customer asks " + carrier + " to disconnect them when the port completes."
	default:
		text = "These numbers are not ported and stay with " + carrier + "."
	}
	pdf.SetX(marginLeft)
	pdf.MultiCell(width, lineBody, text, "", "L", false)
	pdf.Ln(1)
	if p.newBTN != "" {
		d.row("New billing telephone number", p.newBTN)
	}
	pdf.Ln(2)
	if len(p.remaining) == 0 {
		pdf.SetX(marginLeft)
		pdf.CellFormat(width, lineBody, "The remaining numbers are not listed.", "", 1, "L", false, 0, "")
		return
	}
	rows := p.remaining
	cols := numberColumns(width)[:3]
	d.table("Attachment A (continued): numbers staying with "+carrier, cols, len(rows), func(i, c int) string {
		switch c {
		case 0:
			return strconv.Itoa(i + 1)
		case 1:
			return rows[i].national
		}
		return rows[i].e164
	})
}

// orUnknown returns s, or "not given" when s is empty.
func orUnknown(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}

// table prints rows rows of cols, the text of each cell given by cell.
// The table flows over as many pages as it needs; each new page starts
// with the continued title and the header row again.
func (d *document) table(continued string, cols []column, rows int, cell func(row, col int) string) {
	pdf := d.pdf
	d.ensureSpace(headerRowHeight + 3*rowHeight)
	d.tableHeader(cols)
	// fitted caches shortened values: a column such as the carrier repeats
	// the same few values on every row.
	var fitted map[string]string
	for i := range rows {
		if pdf.GetY()+rowHeight > d.pageBottom() {
			d.addPage(d.cur.pageSize)
			pdf.SetFont(fontFamily, "B", 10)
			pdf.SetX(marginLeft)
			pdf.CellFormat(d.contentWidth(), 6, continued, "", 1, "L", false, 0, "")
			pdf.Ln(1)
			d.tableHeader(cols)
		}
		fill := i%2 == 1
		pdf.SetX(marginLeft)
		for c, col := range cols {
			text := cell(i, c)
			if col.fit && text != "" {
				if fitted == nil {
					fitted = make(map[string]string)
				}
				short, ok := fitted[text]
				if !ok {
					short = d.fit(text, col.width-2)
					fitted[text] = short
				}
				text = short
			}
			ln := 0
			if c == len(cols)-1 {
				ln = 1
			}
			pdf.CellFormat(col.width, rowHeight, text, "", ln, col.align, fill, 0, "")
		}
	}
}

// tableHeader prints the header row of a table and sets the body font.
func (d *document) tableHeader(cols []column) {
	pdf := d.pdf
	pdf.SetFont(fontFamily, "B", sizeTableHead)
	d.setFill(colorHead)
	pdf.SetX(marginLeft)
	for c, col := range cols {
		ln := 0
		if c == len(cols)-1 {
			ln = 1
		}
		pdf.CellFormat(col.width, headerRowHeight, col.title, "", ln, col.align, true, 0, "")
	}
	pdf.SetFont(fontFamily, "", sizeTable)
	d.setFill(colorZebra)
}
