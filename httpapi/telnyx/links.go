package telnyx

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// A download link is {base}{prefix}/downloads/{token}, where token is
// base64url(payload) "." base64url(HMAC-SHA256(LinkKey, context+payload))
// and payload the JSON of link. The MAC covers the request, the
// document, the version of its content and the expiry, so a link reaches
// one version of one document until it expires, and cannot be altered to
// reach anything else.
//
// A link that is malformed, altered or expired is 403: it grants nothing.
// A genuine link whose document was deleted, or whose content has been
// replaced since, is 404: what it named is gone.

// linkContext separates these MACs from any other use of the key.
const linkContext = "portkit/httpapi/telnyx/download-link/v1\x00"

// maxToken bounds a token's length before any work is done on it.
const maxToken = 1024

// link is what a download link names.
type link struct {
	RequestID string `json:"r"`
	DocID     string `json:"d"`
	ContentID string `json:"c"`
	Expires   int64  `json:"e"` // Unix seconds
}

// errLink is a link that is not genuine or not valid any more.
var errLink = fmt.Errorf("download link is invalid or has expired: %w", porting.ErrForbidden)

// linkMAC returns the MAC of a link's payload.
func (h *handler) linkMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, h.opt.LinkKey)
	m.Write([]byte(linkContext))
	m.Write(payload)
	return m.Sum(nil)
}

// signLink returns the token of a link.
func (h *handler) signLink(l link) string {
	payload, _ := json.Marshal(l)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(h.linkMAC(payload))
}

// openLink checks a token and returns its link if genuine and unexpired.
func (h *handler) openLink(token string, now time.Time) (link, error) {
	var l link
	if len(token) > maxToken {
		return l, errLink
	}
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return l, errLink
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, h.linkMAC(payload)) {
		return l, errLink
	}
	if err := json.Unmarshal(payload, &l); err != nil || !now.Before(time.Unix(l.Expires, 0)) {
		return l, errLink
	}
	return l, nil
}

// linkResponse is the answer to download_links. expires_at is a
// portkit extension.
type linkResponse struct {
	URL       string `json:"url"`
	ExpiresAt string `json:"expires_at"`
}

// createDownloadLink serves POST port_requests/{id}/supporting_documents/{doc}/download_links:
// 200 with {"url": ...}, a link that works without credentials for
// LinkTTL by the Service's clock. Nothing is stored, hence 200 rather
// than 201.
func (h *handler) createDownloadLink(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	att, err := documentOf(r, req)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	exp := h.svc.Options().Clock.Now().Add(h.opt.LinkTTL)
	token := h.signLink(link{RequestID: req.ID, DocID: att.ID, ContentID: att.ContentID, Expires: exp.Unix()})
	httpjson.Write(w, http.StatusOK, linkResponse{
		URL:       h.baseURL(r) + h.linkPrefix() + "/downloads/" + token,
		ExpiresAt: isoTime(time.Unix(exp.Unix(), 0)),
	})
}

// linkPrefix is the path of the API in a link: Prefix, empty at the root.
func (h *handler) linkPrefix() string {
	if h.opt.Prefix == "/" {
		return ""
	}
	return h.opt.Prefix
}

// baseURL is BaseURL, or scheme://host of the request.
func (h *handler) baseURL(r *http.Request) string {
	if h.opt.BaseURL != "" {
		return h.opt.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if fh := firstValue(r.Header.Get("X-Forwarded-Host")); fh != "" && !strings.ContainsAny(fh, "/?#@\\ \t") {
		host = fh
	}
	return scheme + "://" + host
}

// firstValue is the first of a comma-separated header's values.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// download serves GET downloads/{token}: the document's bytes, with no
// credentials but the link's.
func (h *handler) download(w http.ResponseWriter, r *http.Request) {
	l, err := h.openLink(r.PathValue("token"), h.svc.Options().Clock.Now())
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	ctx := porting.WithActor(r.Context(), porting.Actor{Admin: true, Name: "telnyx download link"})
	att, body, err := h.svc.OpenAttachment(ctx, l.RequestID, l.DocID)
	if err == nil {
		defer body.Close()
		if att.ID != l.DocID || att.ContentID != l.ContentID {
			err = fmt.Errorf("supporting document %s has changed since the link was made: %w", l.DocID, porting.ErrNotFound)
		}
	}
	if err != nil {
		if errors.Is(err, porting.ErrNotFound) {
			err = fmt.Errorf("supporting document %s: %w", l.DocID, porting.ErrNotFound)
		}
		h.fail(w, r, err, nil)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", att.ContentType)
	hd.Set("Content-Length", strconv.FormatInt(att.Length, 10))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": att.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	hd.Set("Content-Disposition", disposition)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, body) // cut short of its length if the bytes go meanwhile
}
