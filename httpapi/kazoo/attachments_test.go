package kazoo_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
)

// put sends an attachment as the customer, with its content type.
func put(e *kazootest.Env, method, path, contentType string, body io.Reader) *kazootest.Resp {
	return e.Send(kazootest.Req{Method: method, Path: path, Token: apitest.CustomerToken, Body: body,
		Header: map[string]string{"Content-Type": contentType}})
}

// The document's attachment routes: add, list, get, replace, delete.
func TestAttachments(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	base := kazootest.URL("customer", "port_requests/"+id+"/attachments")
	pdf := []byte("%PDF-1.4 a bill")

	r := put(e, "PUT", base+"?filename=file", "application/pdf", bytes.NewReader(pdf))
	r.OK(http.StatusCreated, apitest.CustomerToken)
	require.JSONEq(t, `{}`, string(r.Env.Data))
	require.Regexp(t, `^2-[0-9a-f]{32}$`, r.Revision())

	r = put(e, "PUT", base+"?filename="+url.QueryEscape(`my "other" file.pdf`), "application/x-pdf", strings.NewReader("%PDF-1.4 other"))
	r.OK(http.StatusCreated, apitest.CustomerToken)

	r = e.Do("GET", apitest.CustomerToken, base, nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, map[string]map[string]any{
		"file.pdf":            {"content_type": "application/pdf", "length": float64(len(pdf))},
		`my "other" file.pdf`: {"content_type": "application/x-pdf", "length": float64(14)},
	}, objects(r.Obj()))
	require.Regexp(t, `^3-`, r.Revision())

	got := e.Send(kazootest.Req{Method: "GET", Path: base + "/file.pdf", Token: apitest.CustomerToken,
		Header: map[string]string{"Accept": "application/pdf"}})
	require.Equal(t, http.StatusOK, got.Code)
	require.Equal(t, pdf, got.Body)
	require.Equal(t, "application/pdf", got.Header.Get("Content-Type"))
	require.Equal(t, strconv.Itoa(len(pdf)), got.Header.Get("Content-Length"))
	require.Equal(t, "attachment; filename=file.pdf", got.Header.Get("Content-Disposition"))

	got = e.Send(kazootest.Req{Method: "GET", Path: base + "/" + url.PathEscape(`my "other" file.pdf`), Token: apitest.CustomerToken})
	require.Equal(t, http.StatusOK, got.Code)
	require.Equal(t, `attachment; filename="my \"other\" file.pdf"`, got.Header.Get("Content-Disposition"))
	_, params, err := mime.ParseMediaType(got.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, `my "other" file.pdf`, params["filename"])

	r = put(e, "PUT", base+"?filename="+url.QueryEscape("café"), "application/pdf", strings.NewReader("%PDF"))
	r.OK(http.StatusCreated, apitest.CustomerToken)
	got = e.Send(kazootest.Req{Method: "GET", Path: base + "/" + url.PathEscape("café.pdf"), Token: apitest.CustomerToken})
	_, params, err = mime.ParseMediaType(got.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, "café.pdf", params["filename"])

	r = put(e, "POST", base+"/file.pdf", "application/pdf", strings.NewReader("%PDF-1.5 replaced"))
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.JSONEq(t, `{}`, string(r.Env.Data))
	got = e.Send(kazootest.Req{Method: "GET", Path: base + "/file.pdf", Token: apitest.CustomerToken})
	require.Equal(t, "%PDF-1.5 replaced", string(got.Body))

	put(e, "POST", base+"/missing.pdf", "application/pdf", strings.NewReader("%PDF")).Failed(http.StatusNotFound, "bad identifier")
	e.Do("GET", apitest.CustomerToken, base+"/missing.pdf", nil).Failed(http.StatusNotFound, "bad identifier")

	r = e.Do("DELETE", apitest.CustomerToken, base+"/file.pdf", nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.JSONEq(t, `{}`, string(r.Env.Data))
	require.Equal(t, "undefined", r.Revision())
	e.Do("GET", apitest.CustomerToken, base+"/file.pdf", nil).Failed(http.StatusNotFound, "bad identifier")

	// The request shows its uploads.
	r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id), nil)
	require.ElementsMatch(t, []string{`my "other" file.pdf`, "café.pdf"}, slices.Collect(maps.Keys(r.Obj()["uploads"].(map[string]any))))

	t.Run("delete refused once submitted", func(t *testing.T) {
		e.Do("PATCH", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/submitted"), nil).OK(http.StatusOK, apitest.CustomerToken)
		r := e.Do("DELETE", apitest.CustomerToken, base+"/café.pdf", nil)
		r.Failed(http.StatusMethodNotAllowed, "")
		require.Contains(t, r.Env.Message, "submitted")
	})
}

// objects converts a decoded object of objects.
func objects(m map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, v := range m {
		out[k] = v.(map[string]any)
	}
	return out
}

func TestAttachmentLimits(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	base := kazootest.URL("customer", "port_requests/"+id+"/attachments")
	big := bytes.Repeat([]byte("x"), porting.DefaultMaxAttachmentSize+1)

	t.Run("declared length over the limit", func(t *testing.T) {
		r := put(e, "PUT", base+"?filename=big.pdf", "application/pdf", bytes.NewReader(big))
		r.Failed(http.StatusRequestEntityTooLarge, "")
		require.Contains(t, r.Env.Message, "8000000")
	})
	t.Run("undeclared length over the limit", func(t *testing.T) {
		body := io.MultiReader(bytes.NewReader(big)) // no Content-Length
		r := put(e, "PUT", base+"?filename=big.pdf", "application/pdf", body)
		r.Failed(http.StatusRequestEntityTooLarge, "")
	})
	t.Run("exactly the limit", func(t *testing.T) {
		r := put(e, "PUT", base+"?filename=max.pdf", "application/pdf", bytes.NewReader(big[:len(big)-1]))
		r.OK(http.StatusCreated, apitest.CustomerToken)
	})
	t.Run("type not accepted", func(t *testing.T) {
		r := put(e, "PUT", base+"?filename=x.svg", "image/svg+xml", strings.NewReader("<svg/>"))
		r.Failed(http.StatusUnsupportedMediaType, "")
		require.Contains(t, r.Env.Message, "image/svg+xml")
	})
	t.Run("no file name", func(t *testing.T) {
		r := put(e, "PUT", base, "application/pdf", strings.NewReader("%PDF"))
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.Obj(), "filename")
	})
	t.Run("empty file", func(t *testing.T) {
		r := put(e, "PUT", base+"?filename=empty.pdf", "application/pdf", strings.NewReader(""))
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.Obj(), "filename")
	})
}

// The document's "Build an LOA PDF from a port request".
func TestLOA(t *testing.T) {
	t.Run("not configured", func(t *testing.T) {
		e := kazootest.Setup(t)
		id := e.Create("Porting 202.555.9000", kazootest.Phone)
		r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/loa"), nil)
		r.Failed(http.StatusNotImplemented, "LOA rendering is not configured")
	})
	var logs bytes.Buffer
	fail := false
	e := kazootest.Setup(t, func(o *kazoo.Options) {
		o.LOA = func(w io.Writer, r *porting.PortRequest) error {
			if fail {
				return errors.New("font cache at /secret/path is corrupt")
			}
			_, err := io.WriteString(w, "%PDF-1.7 LOA for "+r.Name)
			return err
		}
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	path := kazootest.URL("customer", "port_requests/"+id+"/loa")
	for _, tc := range []struct{ accept, want string }{
		{"application/x-pdf", "application/x-pdf"},
		{"application/pdf", "application/pdf"},
		{"", "application/pdf"},
		{"application/x-pdf, application/pdf;q=0.5", "application/pdf"},
		{"application/x-pdf, application/pdf;q=0", "application/x-pdf"},
	} {
		r := e.Send(kazootest.Req{Method: "GET", Path: path, Token: apitest.CustomerToken, Header: map[string]string{"Accept": tc.accept}})
		require.Equal(t, http.StatusOK, r.Code, tc.accept)
		require.Equal(t, tc.want, r.Header.Get("Content-Type"), tc.accept)
		require.Equal(t, "%PDF-1.7 LOA for Porting 202.555.9000", string(r.Body))
		require.Equal(t, "attachment; filename="+id+"-loa.pdf", r.Header.Get("Content-Disposition"))
	}
	fail = true
	r := e.Do("GET", apitest.CustomerToken, path, nil)
	r.Failed(http.StatusInternalServerError, "internal error")
	require.NotContains(t, string(r.Body), "secret")
	require.Contains(t, logs.String(), "font cache")
	require.Contains(t, logs.String(), r.Env.RequestID)
}
