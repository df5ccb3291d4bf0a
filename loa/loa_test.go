package loa_test

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/loa"
	"github.com/portkit/portkit/porting"
)

var update = flag.Bool("update", false, "rewrite testdata/letter.golden.pdf from the current output")

// heading is the title each letter carries once.
const heading = "Letter of Authorization"

func TestRenderPrintsEveryField(t *testing.T) {
	r := oneCarrier(10)
	text := pdfText(t, render(t, r, options()))

	for _, want := range []string{
		// The gaining provider, named as agent.
		"Acme Telecom Inc.", "100 Main Street", "Springfield, IL 62701",
		"porting@acme.example", "Gaining provider (agent)",
		// The customer, from the request's bill.
		"Zoë Müller-Łukasiewicz", "1600 Pennsylvania Ave NW", "Suite 200", "Washington, DC 20500",
		"zoe@example.com", "Nguyễn Thị Minh Khai",
		// The account.
		"Verizon Wireless", "ACC-4455-6677", "(202) 555-0100", "+12025550100",
		"Account PIN / passcode",
		// The port.
		"10 numbers, listed in Attachment A", "Requested port date (FOC)", "March 16, 2026",
		// The authorization and the signature.
		"Authorization", "I, the undersigned, authorize Acme Telecom Inc.", "Printed name", "Title",
		"March 2, 2026",
		"Attachment A", "Reference sr_0a1b2c", "Page 1 of 2", "Page 2 of 2",
	} {
		require.Contains(t, text, want)
	}
	require.Equal(t, 1, strings.Count(text, heading))
	require.NotContains(t, text, pin, "the PIN must never be printed")
	for _, e164 := range r.E164s() {
		require.Contains(t, text, e164)
		require.Contains(t, text, loa.NationalFormat(e164))
	}
	// Only the first address of the notifications is the contact email.
	require.NotContains(t, text, "it@example.com")
}

func TestRenderUnsignedLeavesNameAndDateBlank(t *testing.T) {
	r := oneCarrier(3)
	r.SigningDate = time.Time{}
	r.SubRequests[0].AuthPersonName = "Jane Roe"
	text := pdfText(t, render(t, r, options()))
	require.Contains(t, text, "Jane Roe")
	require.NotContains(t, text, "Nguyễn Thị Minh Khai", "an unsigned request prints no signee")
	require.NotContains(t, text, "March 2, 2026", "an unsigned request prints no signing date")
}

func TestRenderMissingFieldsPrintBlankLines(t *testing.T) {
	r := newRequest(carrierSpec{id: "sr1", numbers: numbers("202555", 1000, 2)})
	r.Bill = porting.Bill{}
	r.SigneeName, r.SigningDate, r.TransferDate = "", time.Time{}, time.Time{}
	r.Notifications = porting.Notifications{}
	text := pdfText(t, render(t, r, options()))
	require.Contains(t, text, "Customer or company name")
	require.Contains(t, text, "Losing carrier: not given")
	require.NotContains(t, text, "Requested port date")
}

func TestRenderThousandNumbers(t *testing.T) {
	r := oneCarrier(1000)
	out := render(t, r, options())
	text := pdfText(t, out)
	pages := pageCount(out)
	require.Greater(t, pages, 20)
	require.Equal(t, pages, strings.Count(text, "\f"), "pdftotext ends every page with a form feed")

	for _, e164 := range r.E164s() {
		require.Contains(t, text, e164)
	}
	require.Contains(t, text, "1000 numbers, listed in Attachment A")
	require.NotContains(t, text, pin)
	require.Equal(t, 1, strings.Count(text, heading))
	total := strconv.Itoa(pages)
	require.Contains(t, text, "Page 1 of "+total)
	require.Contains(t, text, "Page "+total+" of "+total)
	// The table's header row is repeated on every page of Attachment A:
	// every page but the letter's first.
	require.Equal(t, pages-1, strings.Count(text, "Telephone number"))
	require.Equal(t, pages-2, strings.Count(text, "Attachment A (continued)"))
}

func TestRenderOneLetterPerCarrier(t *testing.T) {
	specs := []carrierSpec{
		{id: "sr1", key: "sr_aaaaaa", carrier: "Verizon", btn: "+12025550100", account: "VZ-1", numbers: numbers("202555", 1000, 12)},
		{id: "sr2", key: "sr_bbbbbb", carrier: "AT&T Mobility", btn: "+13125550100", account: "ATT-2", numbers: numbers("312555", 2000, 7)},
		{id: "sr3", key: "sr_cccccc", carrier: "Lumen (CenturyLink)", btn: "+14155550100", account: "LUM-3", numbers: numbers("415555", 3000, 25)},
	}
	text := pdfText(t, render(t, newRequest(specs...), options()))
	require.Equal(t, 3, strings.Count(text, heading))

	letters := strings.Split(text, heading)[1:]
	require.Len(t, letters, 3)
	for i, s := range specs {
		l := letters[i]
		require.Contains(t, l, "Reference "+s.key)
		require.Contains(t, l, s.carrier)
		require.Contains(t, l, s.account)
		require.Contains(t, l, s.btn)
		require.Contains(t, l, strconv.Itoa(len(s.numbers))+" numbers, listed in Attachment A")
		for _, e164 := range s.numbers {
			require.Contains(t, l, e164)
		}
		for j, other := range specs {
			if j == i {
				continue
			}
			require.NotContains(t, l, other.carrier)
			for _, e164 := range other.numbers {
				require.NotContains(t, l, e164)
			}
		}
	}
	// Pages are numbered within each letter: every letter has two pages.
	require.Equal(t, 3, strings.Count(text, "Page 1 of 2"))
	require.Equal(t, 3, strings.Count(text, "Page 2 of 2"))
	require.NotContains(t, text, "Page 3 of")
	require.NotContains(t, text, pin)
}

func TestRenderSubRequest(t *testing.T) {
	r := newRequest(
		carrierSpec{id: "sr1", key: "sr_aaaaaa", carrier: "Verizon", numbers: numbers("202555", 1000, 3)},
		carrierSpec{id: "sr2", key: "sr_bbbbbb", carrier: "T-Mobile USA", numbers: numbers("312555", 2000, 4)},
	)
	var buf bytes.Buffer
	require.NoError(t, loa.RenderSubRequest(&buf, r, "sr2", options()))
	text := pdfText(t, buf.Bytes())
	require.Equal(t, 1, strings.Count(text, heading))
	require.Contains(t, text, "T-Mobile USA")
	require.NotContains(t, text, "Verizon")
	for _, e164 := range numbers("312555", 2000, 4) {
		require.Contains(t, text, e164)
	}
	require.Contains(t, text, "Page 1 of 2")

	buf.Reset()
	err := loa.RenderSubRequest(&buf, r, "sr9", options())
	require.ErrorIs(t, err, porting.ErrNotFound)
	require.Zero(t, buf.Len())
}

func TestRenderPartialPort(t *testing.T) {
	r := oneCarrier(4)
	r.SubRequests[0].PortingOption = &porting.PortingOption{
		Type:                   porting.PortPartial,
		RemainingNumbersAction: porting.RemainingKeep,
		NewBillingPhoneNumber:  "+12025559901",
		RemainingNumbers:       []string{"+12025559901", "+12025559902", "+12025559903"},
	}
	text := pdfText(t, render(t, r, options()))
	require.Contains(t, text, "Partial: some numbers stay with the losing carrier")
	require.Contains(t, text, "Numbers staying with Verizon Wireless (partial port)")
	require.Contains(t, text, "stay in service on the customer's account")
	require.Contains(t, text, "New billing telephone number")
	require.Contains(t, text, "(202) 555-9901")
	for _, e164 := range r.SubRequests[0].PortingOption.RemainingNumbers {
		require.Contains(t, text, e164)
	}

	r.SubRequests[0].PortingOption.Type = porting.PortFull
	text = pdfText(t, render(t, r, options()))
	require.NotContains(t, text, "Numbers staying with")
	require.NotContains(t, text, "+12025559902")
}

func TestRenderUTF8(t *testing.T) {
	r := oneCarrier(2)
	r.Bill.Name = "Ελληνική Εταιρεία Τηλεπικοινωνιών"
	r.SubRequests[0].AuthPersonName = "Жанна Щербакова"
	r.Bill.Locality = "Łódź"
	r.SigneeName = "Nguyễn Thị Minh Khai"
	text := pdfText(t, render(t, r, options()))
	for _, want := range []string{"Ελληνική Εταιρεία Τηλεπικοινωνιών", "Жанна Щербакова", "Łódź", "Nguyễn Thị Minh Khai"} {
		require.Contains(t, text, want)
	}
}

func TestPageSize(t *testing.T) {
	r := newRequest(
		carrierSpec{id: "sr1", carrier: "Verizon", numbers: numbers("202555", 1000, 2)},
		carrierSpec{id: "sr2", carrier: "Deutsche Telekom", numbers: numbers("312555", 2000, 2)},
	)
	r.SubRequests[1].CountryCode = "DE"
	opt := options()

	// Automatic: Letter for the US customer, A4 for the German one.
	require.Equal(t, []string{"letter", "letter", "A4", "A4"}, pageSizes(t, render(t, r, opt)))

	r.Bill.Country = ""
	r.SubRequests[1].CountryCode = "PR"
	require.Equal(t, []string{"letter", "letter", "letter", "letter"}, pageSizes(t, render(t, r, opt)),
		"NANP countries and an unknown country get Letter")

	opt.PageSize = loa.A4
	require.Equal(t, []string{"A4", "A4", "A4", "A4"}, pageSizes(t, render(t, r, opt)))

	opt.PageSize = "Legal"
	require.Error(t, loa.Render(&bytes.Buffer{}, r, opt))
}

func TestGermanDatesOnA4(t *testing.T) {
	r := oneCarrier(2)
	r.SubRequests[0].CountryCode = "DE"
	text := pdfText(t, render(t, r, options()))
	require.Contains(t, text, "16 March 2026")
	require.Contains(t, text, "2 March 2026")
}

func TestLogo(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := range 120 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{R: uint8(x * 2), G: 80, B: uint8(y * 6), A: 255})
		}
	}
	var pngLogo, jpgLogo bytes.Buffer
	require.NoError(t, png.Encode(&pngLogo, img))
	require.NoError(t, jpeg.Encode(&jpgLogo, img, nil))

	for name, b := range map[string]loa.Branding{
		"png":          {Logo: pngLogo.Bytes(), LogoType: "PNG"},
		"jpeg":         {Logo: jpgLogo.Bytes(), LogoType: "jpeg"},
		"png sniffed":  {Logo: pngLogo.Bytes()},
		"jpeg sniffed": {Logo: jpgLogo.Bytes()},
	} {
		t.Run(name, func(t *testing.T) {
			opt := options()
			b.Name = opt.Branding.Name
			opt.Branding = b
			out := render(t, oneCarrier(2), opt)
			require.Contains(t, string(out), "/Subtype /Image")
			require.Contains(t, pdfText(t, out), "Acme Telecom Inc.")
		})
	}

	opt := options()
	opt.Branding.Logo = []byte("GIF89a...")
	require.Error(t, loa.Render(&bytes.Buffer{}, oneCarrier(1), opt))
	opt.Branding.Logo, opt.Branding.LogoType = []byte("not a png"), "PNG"
	require.Error(t, loa.Render(&bytes.Buffer{}, oneCarrier(1), opt))
}

func TestRenderErrors(t *testing.T) {
	var buf bytes.Buffer
	opt := options()
	require.Error(t, loa.Render(&buf, nil, opt))
	require.Error(t, loa.Render(&buf, &porting.PortRequest{ID: "empty"}, opt), "no sub requests, no letter")

	opt.Branding.Name = ""
	require.Error(t, loa.Render(&buf, oneCarrier(1), opt), "the gaining provider must be named")
	require.Zero(t, buf.Len())
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderReportsWriteErrors(t *testing.T) {
	require.ErrorContains(t, loa.Render(failingWriter{}, oneCarrier(1), options()), "disk full")
}

func TestDeterministic(t *testing.T) {
	r := oneCarrier(50)
	r.SubRequests[0].PortingOption = &porting.PortingOption{Type: porting.PortPartial, RemainingNumbers: []string{"+12025559901"}}
	want := render(t, r, options())

	// Concurrent renders share the embedded fonts: run them under -race.
	outs := make([][]byte, 4)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := loa.Render(&buf, r, options()); err == nil {
				outs[i] = buf.Bytes()
			}
		}()
	}
	wg.Wait()
	for _, out := range outs {
		require.True(t, bytes.Equal(want, out), "deterministic renders differ")
	}

	// Without Deterministic the dates are those of the render.
	opt := options()
	opt.Deterministic, opt.CreationDate = false, time.Time{}
	require.NotContains(t, string(render(t, r, opt)), "D:20260301090000")
	require.Contains(t, string(want), "D:20260301090000")
}

func TestGolden(t *testing.T) {
	r := newRequest(carrierSpec{
		id: "sr1", key: "sr_901d3n", carrier: "Verizon", btn: "+12025550100",
		account: "ACC-1", numbers: numbers("202555", 1000, 5),
	})
	got := render(t, r, options())
	golden := filepath.Join("testdata", "letter.golden.pdf")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./loa -run TestGolden -update to create it")
	require.True(t, bytes.Equal(want, got),
		"the letter differs from %s; if the change is intended, run go test ./loa -run TestGolden -update and review the PDF", golden)
}

// TestNationalFormat checks the NANP fast path of the number formatter
// against phonenumbers.Parse and Format, over every area code.
func TestNationalFormat(t *testing.T) {
	want := func(e164 string) string {
		pn, err := phonenumbers.Parse(e164, "")
		require.NoError(t, err)
		return phonenumbers.Format(pn, phonenumbers.NATIONAL)
	}
	for npa := 200; npa <= 999; npa++ {
		for _, rest := range []string{"2000000", "5550100", "9999999", "0000000", "1234567"} {
			e164 := "+1" + strconv.Itoa(npa) + rest
			require.Equal(t, want(e164), loa.NationalFormat(e164), e164)
		}
	}
	for _, e164 := range []string{
		"+12025550100", "+442071838750", "+390612345678", "+61291234567", "+33123456789",
		"+84912345678", "+4930123456", "+5491123456789", "+11234567890", "+1202555010",
	} {
		require.Equal(t, want(e164), loa.NationalFormat(e164), e164)
	}
	require.Empty(t, loa.NationalFormat("not a number"))
}

func TestRenderCharactersOutsideTheFont(t *testing.T) {
	r := oneCarrier(2)
	r.Bill.Name = "東京 Trading 😀 שלום Ltd"
	r.Bill.Locality = "Zürich"
	text := pdfText(t, render(t, r, options()))
	require.Contains(t, text, "?? Trading ? ???? Ltd", "characters the fonts lack print as ?")
	require.Contains(t, text, "Zürich")
}

func TestRenderLongFieldsFlowOntoMorePages(t *testing.T) {
	r := oneCarrier(3)
	long := strings.Repeat("Building 7 Industrial Estate Unit 12 ", 40)
	r.SubRequests[0].StreetAddress = long
	r.SubRequests[0].PersonOrCompanyName = strings.Repeat("Müller ", 30) + "GmbH"
	out := render(t, r, options())
	text := pdfText(t, out)
	require.Equal(t, 1, strings.Count(text, heading))
	require.Equal(t, 40, strings.Count(text, "Industrial Estate"), "the whole address is printed")
	require.Contains(t, text, "Müller GmbH")
	pages := strconv.Itoa(pageCount(out))
	require.Contains(t, text, "Page "+pages+" of "+pages)
	for _, e164 := range r.E164s() {
		require.Contains(t, text, e164)
	}
}

// A canceled sub request gets no letter; a request canceled whole gets
// none at all.
func TestRenderSkipsCanceledSubRequests(t *testing.T) {
	r := newRequest(
		carrierSpec{id: "sr1", key: "sr_000001", carrier: "Carrier One", btn: "+12025550100", account: "A-1", numbers: numbers("202555", 100, 2)},
		carrierSpec{id: "sr2", key: "sr_000002", carrier: "Carrier Two", btn: "+13125550100", account: "A-2", numbers: numbers("312555", 100, 2)},
	)
	r.SubRequests[1].State = porting.StateCanceled
	text := pdfText(t, render(t, r, options()))
	require.Equal(t, 1, strings.Count(text, "Letter of Authorization"))
	require.Contains(t, text, "Carrier One")
	require.NotContains(t, text, "Carrier Two")

	r.SubRequests[0].State = porting.StateCanceled
	var buf bytes.Buffer
	err := loa.Render(&buf, r, options())
	require.ErrorIs(t, err, porting.ErrNotAllowedInState)
	require.Zero(t, buf.Len())
}
