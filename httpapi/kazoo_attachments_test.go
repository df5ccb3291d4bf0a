package httpapi_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
)

// kazooPut uploads an attachment.
func (e *kazooEnv) kazooPut(method, path, contentType string, body io.Reader) *kazooResp {
	e.t.Helper()
	return e.send(kazooReq{method: method, path: path, token: customerToken, body: body,
		header: map[string]string{"Content-Type": contentType}})
}

// The document's attachment routes: add, list, get, replace, delete.
func TestKazooAttachments(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	base := kazooURL("customer", "port_requests/"+id+"/attachments")
	pdf := []byte("%PDF-1.4 a bill")

	r := e.kazooPut("PUT", base+"?filename=file", "application/pdf", bytes.NewReader(pdf))
	r.ok(http.StatusCreated, customerToken)
	require.JSONEq(t, `{}`, string(r.Env.Data))
	require.Regexp(t, `^2-[0-9a-f]{32}$`, r.revision())

	r = e.kazooPut("PUT", base+"?filename="+url.QueryEscape(`my "other" file.pdf`), "application/x-pdf", strings.NewReader("%PDF-1.4 other"))
	r.ok(http.StatusCreated, customerToken)

	r = e.do("GET", customerToken, base, nil)
	r.ok(http.StatusOK, customerToken)
	require.Equal(t, map[string]map[string]any{
		"file.pdf":            {"content_type": "application/pdf", "length": float64(len(pdf))},
		`my "other" file.pdf`: {"content_type": "application/x-pdf", "length": float64(14)},
	}, kazooAnyMap(r.obj()))
	require.Regexp(t, `^3-`, r.revision())

	got := e.send(kazooReq{method: "GET", path: base + "/file.pdf", token: customerToken,
		header: map[string]string{"Accept": "application/pdf"}})
	require.Equal(t, http.StatusOK, got.Code)
	require.Equal(t, pdf, got.Body)
	require.Equal(t, "application/pdf", got.Header.Get("Content-Type"))
	require.Equal(t, strconv.Itoa(len(pdf)), got.Header.Get("Content-Length"))
	require.Equal(t, "attachment; filename=file.pdf", got.Header.Get("Content-Disposition"))

	got = e.send(kazooReq{method: "GET", path: base + "/" + url.PathEscape(`my "other" file.pdf`), token: customerToken})
	require.Equal(t, http.StatusOK, got.Code)
	require.Equal(t, `attachment; filename="my \"other\" file.pdf"`, got.Header.Get("Content-Disposition"))
	_, params, err := mime.ParseMediaType(got.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, `my "other" file.pdf`, params["filename"])

	r = e.kazooPut("PUT", base+"?filename="+url.QueryEscape("café"), "application/pdf", strings.NewReader("%PDF"))
	r.ok(http.StatusCreated, customerToken)
	got = e.send(kazooReq{method: "GET", path: base + "/" + url.PathEscape("café.pdf"), token: customerToken})
	_, params, err = mime.ParseMediaType(got.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, "café.pdf", params["filename"])

	r = e.kazooPut("POST", base+"/file.pdf", "application/pdf", strings.NewReader("%PDF-1.5 replaced"))
	r.ok(http.StatusOK, customerToken)
	require.JSONEq(t, `{}`, string(r.Env.Data))
	got = e.send(kazooReq{method: "GET", path: base + "/file.pdf", token: customerToken})
	require.Equal(t, "%PDF-1.5 replaced", string(got.Body))

	e.kazooPut("POST", base+"/missing.pdf", "application/pdf", strings.NewReader("%PDF")).failed(http.StatusNotFound, "bad identifier")
	e.do("GET", customerToken, base+"/missing.pdf", nil).failed(http.StatusNotFound, "bad identifier")

	r = e.do("DELETE", customerToken, base+"/file.pdf", nil)
	r.ok(http.StatusOK, customerToken)
	require.JSONEq(t, `{}`, string(r.Env.Data))
	require.Equal(t, "undefined", r.revision())
	e.do("GET", customerToken, base+"/file.pdf", nil).failed(http.StatusNotFound, "bad identifier")

	// The request shows its uploads.
	r = e.do("GET", customerToken, kazooURL("customer", "port_requests/"+id), nil)
	require.ElementsMatch(t, []string{`my "other" file.pdf`, "café.pdf"}, kazooKeys(r.obj()["uploads"].(map[string]any)))

	t.Run("delete refused once submitted", func(t *testing.T) {
		e.do("PATCH", customerToken, kazooURL("customer", "port_requests/"+id+"/submitted"), nil).ok(http.StatusOK, customerToken)
		r := e.do("DELETE", customerToken, base+"/café.pdf", nil)
		r.failed(http.StatusMethodNotAllowed, "")
		require.Contains(t, r.Env.Message, "submitted")
	})
}

func kazooAnyMap(m map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, v := range m {
		out[k] = v.(map[string]any)
	}
	return out
}

func TestKazooAttachmentLimits(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	base := kazooURL("customer", "port_requests/"+id+"/attachments")
	big := bytes.Repeat([]byte("x"), porting.DefaultMaxAttachmentSize+1)

	t.Run("declared length over the limit", func(t *testing.T) {
		r := e.kazooPut("PUT", base+"?filename=big.pdf", "application/pdf", bytes.NewReader(big))
		r.failed(http.StatusRequestEntityTooLarge, "")
		require.Contains(t, r.Env.Message, "8000000")
	})
	t.Run("undeclared length over the limit", func(t *testing.T) {
		body := io.MultiReader(bytes.NewReader(big)) // no Content-Length
		r := e.kazooPut("PUT", base+"?filename=big.pdf", "application/pdf", body)
		r.failed(http.StatusRequestEntityTooLarge, "")
	})
	t.Run("exactly the limit", func(t *testing.T) {
		r := e.kazooPut("PUT", base+"?filename=max.pdf", "application/pdf", bytes.NewReader(big[:len(big)-1]))
		r.ok(http.StatusCreated, customerToken)
	})
	t.Run("type not accepted", func(t *testing.T) {
		r := e.kazooPut("PUT", base+"?filename=x.svg", "image/svg+xml", strings.NewReader("<svg/>"))
		r.failed(http.StatusUnsupportedMediaType, "")
		require.Contains(t, r.Env.Message, "image/svg+xml")
	})
	t.Run("no file name", func(t *testing.T) {
		r := e.kazooPut("PUT", base, "application/pdf", strings.NewReader("%PDF"))
		r.failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.obj(), "filename")
	})
	t.Run("empty file", func(t *testing.T) {
		r := e.kazooPut("PUT", base+"?filename=empty.pdf", "application/pdf", strings.NewReader(""))
		r.failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.obj(), "filename")
	})
}

// The document's "Build an LOA PDF from a port request".
func TestKazooLOA(t *testing.T) {
	t.Run("not configured", func(t *testing.T) {
		e := kazooSetup(t)
		id := e.create("Porting 202.555.9000", kazooPhone)
		r := e.do("GET", customerToken, kazooURL("customer", "port_requests/"+id+"/loa"), nil)
		r.failed(http.StatusNotImplemented, "LOA rendering is not configured")
	})
	var logs bytes.Buffer
	fail := false
	e := kazooSetup(t, func(o *httpapi.KazooOptions) {
		o.LOA = func(w io.Writer, r *porting.PortRequest) error {
			if fail {
				return errors.New("font cache at /secret/path is corrupt")
			}
			_, err := io.WriteString(w, "%PDF-1.7 LOA for "+r.Name)
			return err
		}
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	id := e.create("Porting 202.555.9000", kazooPhone)
	path := kazooURL("customer", "port_requests/"+id+"/loa")
	for _, tc := range []struct{ accept, want string }{
		{"application/x-pdf", "application/x-pdf"},
		{"application/pdf", "application/pdf"},
		{"", "application/pdf"},
		{"application/x-pdf, application/pdf;q=0.5", "application/pdf"},
		{"application/x-pdf, application/pdf;q=0", "application/x-pdf"},
	} {
		r := e.send(kazooReq{method: "GET", path: path, token: customerToken, header: map[string]string{"Accept": tc.accept}})
		require.Equal(t, http.StatusOK, r.Code, tc.accept)
		require.Equal(t, tc.want, r.Header.Get("Content-Type"), tc.accept)
		require.Equal(t, "%PDF-1.7 LOA for Porting 202.555.9000", string(r.Body))
		require.Equal(t, "attachment; filename="+id+"-loa.pdf", r.Header.Get("Content-Disposition"))
	}
	fail = true
	r := e.do("GET", customerToken, path, nil)
	r.failed(http.StatusInternalServerError, "internal error")
	require.NotContains(t, string(r.Body), "secret")
	require.Contains(t, logs.String(), "font cache")
	require.Contains(t, logs.String(), r.Env.RequestID)
}
