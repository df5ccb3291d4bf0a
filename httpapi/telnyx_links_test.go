package httpapi_test

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
	"github.com/portkit/portkit/porting"
)

// link asks for a download link of a document and returns its URL.
func (e *telnyxEnv) link(t testing.TB, id, docID string) string {
	t.Helper()
	rec := e.must(t, http.StatusOK, "POST", "/port_requests/"+id+"/supporting_documents/"+docID+"/download_links", customerToken, nil)
	telnyxRequireShape(t, telnyxDocDownloadLink, rec.Body.Bytes())
	return telnyxDecode[telnyxObj](t, rec)["url"].(string)
}

// fetch GETs a URL through the handler, with no credentials.
func (e *telnyxEnv) fetch(url string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	return rec
}

func TestTelnyxDownloadLinks(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550101")
	up := func(name string, data []byte) string {
		rec := e.upload(r.ID, customerToken, telnyxDocType("invoice"), telnyxPart{name: "file", filename: name, contentType: "application/pdf", data: data})
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		return telnyxDecode[telnyxObj](t, rec)["id"].(string)
	}
	docA := up("Facture été.pdf", telnyxPDF)
	docB := up("b.pdf", []byte("%PDF-1.4 other"))

	rec := e.must(t, http.StatusOK, "POST", "/port_requests/"+r.ID+"/supporting_documents/"+docA+"/download_links", customerToken, nil)
	out := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "2026-03-02T15:00:00Z", out["expires_at"])
	url := out["url"].(string)
	require.True(t, strings.HasPrefix(url, "http://example.com/origination/porting/downloads/"), url)

	// It works without credentials.
	rec = e.fetch(url)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, telnyxPDF, rec.Body.Bytes())
	require.Equal(t, "application/pdf", rec.Header().Get("Content-Type"))
	require.Equal(t, `attachment; filename*=utf-8''Facture%20%C3%A9t%C3%A9.pdf`, rec.Header().Get("Content-Disposition"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))

	// For one hour by the Service's clock, and never after.
	e.f.Clock.Advance(59*time.Minute + 59*time.Second)
	require.Equal(t, http.StatusOK, e.fetch(url).Code)
	e.f.Clock.Advance(time.Second)
	telnyxRequireError(t, e.fetch(url), http.StatusForbidden)
	e.f.Clock.Advance(24 * time.Hour)
	telnyxRequireError(t, e.fetch(url), http.StatusForbidden)

	// Tampering: a flipped byte in the payload or the MAC, another
	// document's ID, another document's MAC, garbage.
	url = e.link(t, r.ID, docA)
	urlB := e.link(t, r.ID, docB)
	require.Equal(t, http.StatusOK, e.fetch(urlB).Code)
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
		rec := e.fetch(base + "/downloads/" + tok)
		require.Equal(t, http.StatusForbidden, rec.Code, name)
		telnyxRequireError(t, rec, http.StatusForbidden)
	}
	require.Equal(t, http.StatusOK, e.fetch(url).Code, "the genuine link still works")

	// Replaced content (a Kazoo upsert keeps the document's ID): the old
	// link is gone, a new one works.
	_, _, err = e.f.Service.PutAttachment(e.f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "b.pdf", ContentType: "application/pdf", Body: bytes.NewReader([]byte("%PDF-1.4 v2")), Mode: porting.AttachReplace,
	})
	require.NoError(t, err)
	telnyxRequireError(t, e.fetch(urlB), http.StatusNotFound)
	rec = e.fetch(e.link(t, r.ID, docB))
	require.Equal(t, "%PDF-1.4 v2", rec.Body.String())

	// Deleted with its request.
	c := e.submitted(t, "+14155550101")
	rec = e.upload(c.ID, customerToken, telnyxDocType("other"), telnyxPart{name: "file", filename: "x.pdf", data: telnyxPDF})
	require.Equal(t, http.StatusCreated, rec.Code)
	urlC := e.link(t, c.ID, telnyxDecode[telnyxObj](t, rec)["id"].(string))
	e.f.Move(t, c.ID, porting.StateCanceled)
	_, err = e.f.Service.Delete(e.f.AsCustomer(), c.ID, 0)
	require.NoError(t, err)
	telnyxRequireError(t, e.fetch(urlC), http.StatusNotFound)

	// Links are for the request's own account, and for documents it has.
	telnyxRequireError(t, e.do("POST", "/port_requests/"+r.ID+"/supporting_documents/"+docA+"/download_links", otherToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("POST", "/port_requests/"+r.ID+"/supporting_documents/nope/download_links", customerToken, nil), http.StatusNotFound)
}

func TestTelnyxDownloadLinkBase(t *testing.T) {
	// A configured base URL and key: another handler with the same key
	// honours the link (replicas), one with another key does not.
	e := telnyxSetup(t, func(o *httpapi.TelnyxOptions) {
		o.BaseURL = "https://porting.example.net/api/"
		o.LinkTTL = 10 * time.Minute
	})
	r := e.submitted(t, "+12025550101")
	rec := e.upload(r.ID, customerToken, telnyxDocType("other"), telnyxPart{name: "file", filename: "x.pdf", data: telnyxPDF})
	doc := telnyxDecode[telnyxObj](t, rec)["id"].(string)
	url := e.link(t, r.ID, doc)
	require.True(t, strings.HasPrefix(url, "https://porting.example.net/api/origination/porting/downloads/"), url)
	path := strings.TrimPrefix(url, "https://porting.example.net/api")
	require.Equal(t, http.StatusOK, e.fetch(path).Code)
	replica := httpapi.NewTelnyx(e.f.Service, &httpapi.Tokens{}, httpapi.TelnyxOptions{LinkKey: []byte("telnyx test link key")})
	rec = httptest.NewRecorder()
	replica.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	require.Equal(t, http.StatusOK, rec.Code)
	stranger := httpapi.NewTelnyx(e.f.Service, &httpapi.Tokens{}, httpapi.TelnyxOptions{})
	rec = httptest.NewRecorder()
	stranger.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	require.Equal(t, http.StatusForbidden, rec.Code)
	e.f.Clock.Advance(10 * time.Minute)
	require.Equal(t, http.StatusForbidden, e.fetch(path).Code, "LinkTTL")

	// Without a base URL: the forwarded scheme and host, else the request's.
	e2 := telnyxSetup(t)
	r2 := e2.submitted(t, "+12025550101")
	rec = e2.upload(r2.ID, customerToken, telnyxDocType("other"), telnyxPart{name: "file", filename: "x.pdf", data: telnyxPDF})
	doc = telnyxDecode[telnyxObj](t, rec)["id"].(string)
	req := httptest.NewRequest("POST", e2.prefix+"/port_requests/"+r2.ID+"/supporting_documents/"+doc+"/download_links", nil)
	req.Header.Set("Authorization", "Token "+customerToken)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-Host", "api.example.org, proxy.internal")
	rec = httptest.NewRecorder()
	e2.h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	require.True(t, strings.HasPrefix(telnyxDecode[telnyxObj](t, rec)["url"].(string), "https://api.example.org/origination/porting/downloads/"))
}
