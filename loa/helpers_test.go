package loa_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/loa"
	"github.com/portkit/portkit/porting"
)

// pin is stored on the request and must never appear in a letter.
const pin = "8675309"

// signingDate is when the test requests are signed.
var signingDate = time.Date(2026, time.March, 2, 15, 4, 0, 0, time.UTC)

// carrierSpec describes one sub request of a test request.
type carrierSpec struct {
	id, key, carrier, btn, account string
	numbers                        []string
}

// numbers returns n NANP numbers "+1" + area + exchange + a 4-digit line
// counting from first.
func numbers(areaExchange string, first, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+1%s%04d", areaExchange, first+i)
	}
	return out
}

// newRequest builds a signed port request with one sub request per spec.
// The customer's PIN is stored on the bill and on every sub request.
func newRequest(specs ...carrierSpec) *porting.PortRequest {
	r := &porting.PortRequest{
		ID:         "pr_test",
		Name:       "Head office move",
		SupportKey: "pr_00c0de",
		Bill: porting.Bill{
			Name:            "Zoë Müller-Łukasiewicz",
			StreetNumber:    "1600",
			StreetAddress:   "Pennsylvania",
			StreetType:      "Ave",
			StreetPostDir:   "NW",
			ExtendedAddress: "Suite 200",
			Locality:        "Washington",
			Region:          "DC",
			PostalCode:      "20500",
			Country:         "US",
			PIN:             pin,
		},
		SigneeName:    "Nguyễn Thị Minh Khai",
		SigningDate:   signingDate,
		TransferDate:  time.Date(2026, time.March, 16, 0, 0, 0, 0, time.UTC),
		Notifications: porting.Notifications{EmailSendTo: []string{"zoe@example.com", "it@example.com"}},
	}
	for _, s := range specs {
		r.SubRequests = append(r.SubRequests, porting.SubRequest{
			ID:                 s.id,
			SupportKey:         s.key,
			Carrier:            s.carrier,
			BillingPhoneNumber: s.btn,
			AccountNumber:      s.account,
			PIN:                pin,
		})
		for _, e164 := range s.numbers {
			r.Numbers = append(r.Numbers, porting.PortNumber{
				Number:       porting.Number{E164: e164, Valid: true, Region: "US", Type: porting.NumberTypeFixedLine},
				Carrier:      s.carrier,
				SubRequestID: s.id,
			})
		}
	}
	return r
}

// oneCarrier is a request with a single sub request of n numbers.
func oneCarrier(n int) *porting.PortRequest {
	return newRequest(carrierSpec{
		id: "sr1", key: "sr_0a1b2c", carrier: "Verizon Wireless", btn: "+12025550100",
		account: "ACC-4455-6677", numbers: numbers("202555", 1000, n),
	})
}

// options are the options of the tests: a branded, deterministic render.
func options() loa.Options {
	return loa.Options{
		Branding: loa.Branding{
			Name:    "Acme Telecom Inc.",
			Address: []string{"100 Main Street", "Springfield, IL 62701"},
			Phone:   "+1 217 555 0100",
			Email:   "porting@acme.example",
			Website: "acme.example",
		},
		Deterministic: true,
		CreationDate:  time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC),
	}
}

// render renders the request-level LOA of r.
func render(t testing.TB, r *porting.PortRequest, opt loa.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, loa.Render(&buf, r, opt))
	return buf.Bytes()
}

// poppler runs a poppler-utils tool on pdf and returns its output.
func poppler(t testing.TB, tool string, pdf []byte, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s not found: the loa tests read the PDFs back with poppler-utils; install it (apt-get install poppler-utils)", tool)
	}
	file := filepath.Join(t.TempDir(), "loa.pdf")
	require.NoError(t, os.WriteFile(file, pdf, 0o600))
	out, err := exec.Command(path, append(args, file, "-")...).CombinedOutput()
	require.NoError(t, err, "%s: %s", tool, out)
	return string(out)
}

// pdfText extracts the text of pdf with pdftotext -layout.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	return poppler(t, "pdftotext", pdf, "-layout", "-enc", "UTF-8")
}

// pageSizes lists the size of every page of pdf, as pdfinfo names it
// ("letter", "A4").
func pageSizes(t testing.TB, pdf []byte) []string {
	t.Helper()
	path, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Fatal("pdfinfo not found: the loa tests read the PDFs back with poppler-utils; install it (apt-get install poppler-utils)")
	}
	file := filepath.Join(t.TempDir(), "loa.pdf")
	require.NoError(t, os.WriteFile(file, pdf, 0o600))
	out, err := exec.Command(path, "-f", "1", "-l", "9999", file).CombinedOutput()
	require.NoError(t, err, "pdfinfo: %s", out)
	var sizes []string
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, "Page ") || !strings.Contains(line, " size:") {
			continue
		}
		open, end := strings.LastIndex(line, "("), strings.LastIndex(line, ")")
		require.True(t, open >= 0 && end > open, "pdfinfo line %q", line)
		sizes = append(sizes, line[open+1:end])
	}
	return sizes
}

// pageCount counts the pages of pdf.
func pageCount(pdf []byte) int {
	return bytes.Count(pdf, []byte("<</Type /Page\n"))
}
