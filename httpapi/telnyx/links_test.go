package telnyx_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
)

// link asks for a download link of a document as the customer and
// returns its URL.
func link(t testing.TB, e *telnyxtest.Env, id, docID string) string {
	t.Helper()
	rec := e.Must(t, http.StatusOK, "POST", "/port_requests/"+id+"/supporting_documents/"+docID+"/download_links", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocDownloadLink, rec.Body.Bytes())
	return telnyxtest.Decode[telnyxtest.Obj](t, rec)["url"].(string)
}

// fetch GETs a URL through the handler, with no credentials.
func fetch(e *telnyxtest.Env, url string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.H.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	return rec
}

func TestDownloadLinks(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550101")
	up := func(name string, data []byte) string {
		rec := e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: name, ContentType: "application/pdf", Data: data})
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		return telnyxtest.Decode[telnyxtest.Obj](t, rec)["id"].(string)
	}
	docA := up("Facture été.pdf", telnyxtest.PDF)
	docB := up("b.pdf", []byte("%PDF-1.4 other"))

	rec := e.Must(t, http.StatusOK, "POST", "/port_requests/"+r.ID+"/supporting_documents/"+docA+"/download_links", apitest.CustomerToken, nil)
	out := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "2026-03-02T15:00:00Z", out["expires_at"])
	url := out["url"].(string)
	require.True(t, strings.HasPrefix(url, "http://example.com/origination/porting/downloads/"), url)

	// It works without credentials.
	rec = fetch(e, url)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, telnyxtest.PDF, rec.Body.Bytes())
	require.Equal(t, "application/pdf", rec.Header().Get("Content-Type"))
	require.Equal(t, `attachment; filename*=utf-8''Facture%20%C3%A9t%C3%A9.pdf`, rec.Header().Get("Content-Disposition"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))

	// For one hour by the Service's clock, and never after.
	e.F.Clock.Advance(59*time.Minute + 59*time.Second)
	require.Equal(t, http.StatusOK, fetch(e, url).Code)
	e.F.Clock.Advance(time.Second)
	telnyxtest.RequireError(t, fetch(e, url), http.StatusForbidden)
	e.F.Clock.Advance(24 * time.Hour)
	telnyxtest.RequireError(t, fetch(e, url), http.StatusForbidden)

	// Tampering: a flipped byte in the payload or the MAC, another
	// document's ID, another document's MAC, garbage.
	url = link(t, e, r.ID, docA)
	urlB := link(t, e, r.ID, docB)
	require.Equal(t, http.StatusOK, fetch(e, urlB).Code)
	base, token, _ := strings.Cut(url, "/downloads/")
	payload, mac, _ := strings.Cut(token, ".")
	_, tokenB, _ := strings.Cut(urlB, "/downloads/")
	payloadB, macB, _ := strings.Cut(tokenB, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(raw, &fields))
	fields["d"] = docB
	swapped, err := json.Marshal(fields)
	require.NoError(t, err)
	fields["d"], fields["e"] = docA, fields["e"].(float64)+86400
	extended, err := json.Marshal(fields)
	require.NoError(t, err)
	for name, tok := range map[string]string{
		"payload byte":    flip(payload, 3) + "." + mac,
		"last mac byte":   payload + "." + flip(mac, len(mac)-1),
		"first mac byte":  payload + "." + flip(mac, 0),
		"other doc id":    base64.RawURLEncoding.EncodeToString(swapped) + "." + mac,
		"longer expiry":   base64.RawURLEncoding.EncodeToString(extended) + "." + mac,
		"mixed":           payload + "." + macB,
		"mixed the other": payloadB + "." + mac,
		"no mac":          payload,
		"empty mac":       payload + ".",
		"not base64":      "!!!." + mac,
		"long":            strings.Repeat("A", 5000) + "." + mac,
	} {
		rec := fetch(e, base+"/downloads/"+tok)
		require.Equal(t, http.StatusForbidden, rec.Code, name)
		telnyxtest.RequireError(t, rec, http.StatusForbidden)
	}
	require.Equal(t, http.StatusOK, fetch(e, url).Code, "the genuine link still works")

	// Replaced content (a Kazoo upsert keeps the document's ID): the old
	// link is gone, a new one works.
	_, _, err = e.F.Service.PutAttachment(e.F.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "b.pdf", ContentType: "application/pdf", Body: bytes.NewReader([]byte("%PDF-1.4 v2")), Mode: porting.AttachReplace,
	})
	require.NoError(t, err)
	telnyxtest.RequireError(t, fetch(e, urlB), http.StatusNotFound)
	rec = fetch(e, link(t, e, r.ID, docB))
	require.Equal(t, "%PDF-1.4 v2", rec.Body.String())

	// Deleted with its request.
	c := e.Submitted(t, "+14155550101")
	rec = e.Upload(c.ID, apitest.CustomerToken, telnyxtest.DocType("other"), telnyxtest.Part{Name: "file", Filename: "x.pdf", Data: telnyxtest.PDF})
	require.Equal(t, http.StatusCreated, rec.Code)
	urlC := link(t, e, c.ID, telnyxtest.Decode[telnyxtest.Obj](t, rec)["id"].(string))
	e.F.Move(t, c.ID, porting.StateCanceled)
	_, err = e.F.Service.Delete(e.F.AsCustomer(), c.ID, 0)
	require.NoError(t, err)
	telnyxtest.RequireError(t, fetch(e, urlC), http.StatusNotFound)

	// Links are for the request's own account, and for documents it has.
	telnyxtest.RequireError(t, e.Do("POST", "/port_requests/"+r.ID+"/supporting_documents/"+docA+"/download_links", apitest.OtherToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("POST", "/port_requests/"+r.ID+"/supporting_documents/nope/download_links", apitest.CustomerToken, nil), http.StatusNotFound)
}

func TestDownloadLinkBase(t *testing.T) {
	// A configured base URL and key: another handler with the same key
	// honours the link (replicas), one with another key does not.
	e := telnyxtest.Setup(t, func(o *telnyx.Options) {
		o.BaseURL = "https://porting.example.net/api/"
		o.LinkTTL = 10 * time.Minute
	})
	r := e.Submitted(t, "+12025550101")
	rec := e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("other"), telnyxtest.Part{Name: "file", Filename: "x.pdf", Data: telnyxtest.PDF})
	doc := telnyxtest.Decode[telnyxtest.Obj](t, rec)["id"].(string)
	url := link(t, e, r.ID, doc)
	require.True(t, strings.HasPrefix(url, "https://porting.example.net/api/origination/porting/downloads/"), url)
	path := strings.TrimPrefix(url, "https://porting.example.net/api")
	require.Equal(t, http.StatusOK, fetch(e, path).Code)
	replica := telnyx.New(e.F.Service, &httpapi.Tokens{}, telnyx.Options{LinkKey: []byte(telnyxtest.LinkKey)})
	rec = httptest.NewRecorder()
	replica.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	require.Equal(t, http.StatusOK, rec.Code)
	stranger := telnyx.New(e.F.Service, &httpapi.Tokens{}, telnyx.Options{})
	rec = httptest.NewRecorder()
	stranger.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	require.Equal(t, http.StatusForbidden, rec.Code)
	e.F.Clock.Advance(10 * time.Minute)
	require.Equal(t, http.StatusForbidden, fetch(e, path).Code, "LinkTTL")

	// Without a base URL: the forwarded scheme and host, else the request's.
	e2 := telnyxtest.Setup(t)
	r2 := e2.Submitted(t, "+12025550101")
	rec = e2.Upload(r2.ID, apitest.CustomerToken, telnyxtest.DocType("other"), telnyxtest.Part{Name: "file", Filename: "x.pdf", Data: telnyxtest.PDF})
	doc = telnyxtest.Decode[telnyxtest.Obj](t, rec)["id"].(string)
	req := httptest.NewRequest("POST", e2.Prefix+"/port_requests/"+r2.ID+"/supporting_documents/"+doc+"/download_links", nil)
	req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-Host", "api.example.org, proxy.internal")
	rec = httptest.NewRecorder()
	e2.H.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	require.True(t, strings.HasPrefix(telnyxtest.Decode[telnyxtest.Obj](t, rec)["url"].(string), "https://api.example.org/origination/porting/downloads/"))
}
