package loa_test

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"github.com/nyaruka/phonenumbers/v2"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/loa"
	"github.com/portkit/portkit/porting"
)

// BenchmarkLOA compares loa.Render with a bare-fpdf baseline that prints
// the same letter: the same fonts, text, table, cells and pages, with every
// string prepared in advance. The difference is what loa adds: resolving
// the request, formatting the numbers and laying out the letter.
func BenchmarkLOA(b *testing.B) {
	for _, n := range []int{10, 1000} {
		r := oneCarrier(n)
		opt := options()
		opt.Deterministic = false
		base := newBaseline(r, opt.Branding)
		b.Run(fmt.Sprintf("numbers=%d/loa", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := loa.Render(io.Discard, r, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("numbers=%d/fpdf", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := base.render(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFonts measures what the two font faces cost a document: an
// fpdf document with one line in each face, set in the full DejaVu files
// as shipped and in the faces cut to the package's repertoire.
func BenchmarkFonts(b *testing.B) {
	cutRegular, cutBold := loa.Fonts()
	fullRegular, fullBold := loa.FullFonts()
	for _, f := range []struct {
		name          string
		regular, bold []byte
	}{{"full", fullRegular, fullBold}, {"cut", cutRegular, cutBold}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				pdf := fpdf.New("P", "mm", "Letter", "")
				pdf.AddUTF8FontFromBytes("DejaVu", "", f.regular)
				pdf.AddUTF8FontFromBytes("DejaVu", "B", f.bold)
				pdf.AddPage()
				pdf.SetFont("DejaVu", "", 10)
				pdf.Cell(100, 5, "Zoë Müller-Łukasiewicz")
				pdf.SetFont("DejaVu", "B", 10)
				pdf.Cell(100, 5, "Nguyễn Thị Minh Khai")
				if err := pdf.Output(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNationalFormat formats 1,000 NANP numbers with the package's
// formatter and with phonenumbers.Parse and Format.
func BenchmarkNationalFormat(b *testing.B) {
	nums := numbers("202555", 1000, 1000)
	b.Run("loa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, n := range nums {
				loa.NationalFormat(n)
			}
		}
	})
	b.Run("phonenumbers.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, n := range nums {
				pn, err := phonenumbers.Parse(n, "")
				if err != nil {
					b.Fatal(err)
				}
				phonenumbers.Format(pn, phonenumbers.NATIONAL)
			}
		}
	})
}

// TestBaselineMatchesLOA checks that the baseline prints as many pages as
// loa and the same text, so that the benchmark compares like with like.
func TestBaselineMatchesLOA(t *testing.T) {
	for _, n := range []int{10, 1000} {
		r := oneCarrier(n)
		opt := options()
		var base bytes.Buffer
		require.NoError(t, newBaseline(r, opt.Branding).render(&base))
		got := render(t, r, opt)
		require.Equal(t, pageCount(got), pageCount(base.Bytes()), "pages for %d numbers", n)
		text := pdfText(t, base.Bytes())
		for _, e164 := range r.E164s() {
			require.Contains(t, text, e164)
		}
		require.Contains(t, text, "Page 1 of "+strconv.Itoa(pageCount(got)))
	}
}

// baseline is a letter prepared for bare fpdf: every string computed
// beforehand.
type baseline struct {
	brand                        loa.Branding
	ref, request                 string
	left, right, port            [][2]string
	paragraphs                   []string
	signee, signedOn, footerText string
	summary                      string
	rows                         [][5]string
}

func newBaseline(r *porting.PortRequest, brand loa.Branding) *baseline {
	sr := r.Effective(r.SubRequests[0])
	btn := loa.NationalFormat(sr.BillingPhoneNumber) + "  (" + sr.BillingPhoneNumber + ")"
	b := &baseline{
		brand:   brand,
		ref:     "Reference " + sr.SupportKey,
		request: "Port request “" + r.Name + "”",
		left: [][2]string{
			{"Customer or company name", sr.PersonOrCompanyName},
			{"Service address", sr.StreetAddress + "\n" + sr.ExtendedAddress + "\n" +
				sr.Locality + ", " + sr.AdministrativeArea + " " + sr.PostalCode + "\n" + sr.CountryCode},
			{"Authorized contact", sr.AuthPersonName},
			{"Email", r.Notifications.EmailSendTo[0]},
		},
		right: [][2]string{
			{"Losing carrier", sr.Carrier},
			{"Account number", sr.AccountNumber},
			{"Billing telephone number (BTN)", btn},
			{"Account PIN / passcode (written in by the account holder)", ""},
		},
		port: [][2]string{
			{"Gaining provider (agent)", brand.Name},
			{"Numbers to port", strconv.Itoa(len(r.Numbers)) + " numbers, listed in Attachment A"},
			{"Type of port", "Full: all numbers on the account move"},
			{"Requested port date (FOC)", sr.FOCDateRequested.Format("January 2, 2006")},
		},
		paragraphs: loa.AuthorizationParagraphs(brand.Name, sr.Carrier, false),
		signee:     r.SigneeName,
		signedOn:   r.SigningDate.Format("January 2, 2006"),
		footerText: brand.Name + " · LOA " + sr.SupportKey + " · " + sr.PersonOrCompanyName,
		summary: "Customer: " + sr.PersonOrCompanyName + " · Losing carrier: " + sr.Carrier +
			" · BTN: " + btn + " · Reference " + sr.SupportKey,
	}
	for i, n := range r.Numbers {
		b.rows = append(b.rows, [5]string{strconv.Itoa(i + 1), loa.NationalFormat(n.E164), n.E164, n.Carrier, "Fixed line"})
	}
	return b
}

// render prints the letter with fpdf alone, in the layout of package loa.
func (b *baseline) render(w io.Writer) error {
	const (
		family      = "DejaVu"
		left, right = 20.0, 20.0
		bottom      = 20.0
	)
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.SetMargins(left, 16, right)
	pdf.SetAutoPageBreak(true, bottom)
	pdf.SetCompression(true)
	regular, bold := loa.Fonts()
	pdf.AddUTF8FontFromBytes(family, "", regular)
	pdf.AddUTF8FontFromBytes(family, "B", bold)
	pdf.SetTitle("Letter of Authorization", true)
	pdf.SetAuthor(b.brand.Name, true)
	pdf.AliasNbPages("{nb}")
	pageW, pageH := pdf.GetPageSize()
	width := pageW - left - right
	line := func(y float64) { pdf.Line(left, y, left+width, y) }
	pdf.SetFooterFunc(func() {
		y := pageH - 13
		line(y)
		pdf.SetFont(family, "", 7.5)
		pdf.SetXY(left, y+1.2)
		pdf.CellFormat(width-25, 4, b.footerText, "", 0, "L", false, 0, "")
		pdf.SetXY(pageW-right-21, y+1.2)
		pdf.CellFormat(21, 4, "Page "+strconv.Itoa(pdf.PageNo())+" of {nb}", "", 0, "L", false, 0, "")
	})

	// The letter.
	pdf.AddPage()
	pdf.SetFont(family, "B", 12)
	pdf.CellFormat(width, 5.5, b.brand.Name, "", 1, "L", false, 0, "")
	pdf.SetFont(family, "", 8)
	for _, s := range append(b.brand.Address, b.brand.Phone+" · "+b.brand.Email+" · "+b.brand.Website) {
		pdf.CellFormat(width, 3.6, s, "", 1, "L", false, 0, "")
	}
	line(pdf.GetY() + 2.5)
	pdf.SetY(pdf.GetY() + 6.5)
	y := pdf.GetY()
	pdf.SetFont(family, "B", 17)
	pdf.CellFormat(width, 8, "Letter of Authorization", "", 0, "L", false, 0, "")
	pdf.SetFont(family, "", 8)
	pdf.SetXY(left+80, y)
	pdf.CellFormat(width-80, 3.8, b.ref, "", 2, "R", false, 0, "")
	pdf.CellFormat(width-80, 3.8, b.request, "", 2, "R", false, 0, "")
	pdf.SetY(y + 12)

	colW := (width - 8) / 2
	y = pdf.GetY()
	pdf.SetFont(family, "B", 10.5)
	pdf.CellFormat(colW, 5.5, "Customer, as on the account", "", 0, "L", false, 0, "")
	pdf.SetX(left + colW + 8)
	pdf.CellFormat(colW, 5.5, "Account with the losing carrier", "", 0, "L", false, 0, "")
	line(y + 5.5)
	column := func(x float64, fields [][2]string) float64 {
		pdf.SetY(y + 6.7)
		for _, f := range fields {
			pdf.SetFont(family, "", 7.5)
			pdf.SetX(x)
			pdf.CellFormat(colW, 3.6, f[0], "", 2, "L", false, 0, "")
			pdf.SetFont(family, "", 9.5)
			if f[1] == "" {
				pdf.Line(x+1, pdf.GetY()+5.2, x+colW-1, pdf.GetY()+5.2)
				pdf.SetY(pdf.GetY() + 7.8)
				continue
			}
			for _, s := range pdf.SplitText(f[1], colW) {
				pdf.SetX(x)
				pdf.CellFormat(colW, 4.4, s, "", 2, "L", false, 0, "")
			}
			pdf.SetY(pdf.GetY() + 1.8)
		}
		return pdf.GetY()
	}
	yLeft := column(left, b.left)
	pdf.SetY(max(yLeft, column(left+colW+8, b.right)))

	section := func(title string) {
		pdf.Ln(2)
		pdf.SetFont(family, "B", 10.5)
		pdf.SetX(left)
		pdf.CellFormat(width, 5.5, title, "", 1, "L", false, 0, "")
		line(pdf.GetY())
		pdf.Ln(1.2)
	}
	section("Port")
	for _, f := range b.port {
		pdf.SetFont(family, "", 8)
		pdf.SetX(left)
		pdf.CellFormat(48, 4.4, f[0], "", 0, "L", false, 0, "")
		pdf.SetFont(family, "", 9.5)
		pdf.MultiCell(width-48, 4.4, f[1], "", "L", false)
		pdf.Ln(0.5)
	}
	section("Authorization")
	pdf.SetFont(family, "", 9)
	last := len(b.paragraphs) - 1
	for i, p := range b.paragraphs {
		pdf.SetX(left)
		if i > 0 && i < last {
			pdf.CellFormat(6, 4.1, strconv.Itoa(i)+".", "", 0, "R", false, 0, "")
			pdf.MultiCell(width-6, 4.1, p, "", "L", false)
		} else {
			pdf.MultiCell(width, 4.1, p, "", "L", false)
		}
		pdf.Ln(0.7)
	}
	y = pdf.GetY() + 10
	for i, s := range [][2]string{
		{"Signature of the account holder or authorized person", ""}, {"Date", b.signedOn},
		{"Printed name", b.signee}, {"Title", ""},
	} {
		x, lw := left, width*0.6
		if i%2 == 1 {
			x, lw = left+width*0.6+10, width*0.4-10
		}
		if s[1] != "" {
			pdf.SetFont(family, "", 10.5)
			pdf.SetXY(x+1, y-5.5)
			pdf.CellFormat(lw-2, 5, s[1], "", 0, "L", false, 0, "")
		}
		pdf.Line(x, y, x+lw, y)
		pdf.SetFont(family, "", 7.5)
		pdf.SetXY(x, y+0.6)
		pdf.CellFormat(lw, 3.4, s[0], "", 0, "L", false, 0, "")
		if i%2 == 1 {
			y += 12
		}
	}

	// Attachment A.
	pdf.AddPage()
	pdf.SetFont(family, "B", 14)
	pdf.CellFormat(width, 8, "Attachment A: Numbers to be ported", "", 1, "L", false, 0, "")
	pdf.SetFont(family, "", 8)
	pdf.MultiCell(width, 4, b.summary, "", "L", false)
	pdf.Ln(3)
	cols := []float64{12, 38, 34, width - 12 - 38 - 34 - 26, 26}
	aligns := []string{"R", "L", "L", "L", "L"}
	header := [5]string{"#", "Telephone number", "E.164", "Losing carrier", "Type"}
	tableHeader := func() {
		pdf.SetFont(family, "B", 8)
		pdf.SetFillColor(223, 228, 235)
		for c, s := range header {
			pdf.CellFormat(cols[c], 6, s, "", c/4, aligns[c], true, 0, "")
		}
		pdf.SetFont(family, "", 9)
		pdf.SetFillColor(244, 245, 247)
	}
	tableHeader()
	for i, row := range b.rows {
		if pdf.GetY()+5.2 > pageH-bottom {
			pdf.AddPage()
			pdf.SetFont(family, "B", 10)
			pdf.CellFormat(width, 6, "Attachment A (continued): numbers to be ported", "", 1, "L", false, 0, "")
			pdf.Ln(1)
			tableHeader()
		}
		for c, s := range row {
			pdf.CellFormat(cols[c], 5.2, s, "", c/4, aligns[c], i%2 == 1, 0, "")
		}
	}
	return pdf.Output(w)
}
