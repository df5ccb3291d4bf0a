package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
)

func TestParseOrigins(t *testing.T) {
	for in, want := range map[string][]string{
		"":                      nil,
		" ":                     nil,
		"http://localhost:3000": {"http://localhost:3000"},
		"HTTPS://Monster.Example.com/, http://10.0.0.5:8080 ,": {"https://monster.example.com", "http://10.0.0.5:8080"},
		"*": {"*"},
	} {
		got, err := httpapi.ParseOrigins(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{
		"localhost:3000", "monster.example.com", "ftp://example.com", "https://example.com/ui",
		"https://example.com?x=1", "https://user@example.com", "https://", "*,https://example.com",
		"https://example.com#top",
	} {
		_, err := httpapi.ParseOrigins(bad)
		require.Error(t, err, bad)
	}
}

// corsSend serves one request through the policy in front of a handler
// that answers 401 (as both dialects answer a request without
// credentials), and reports whether the handler ran.
func corsSend(t *testing.T, c httpapi.CORS, method, origin string, header map[string]string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	ran := false
	h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran = true
		w.Header().Set("X-Request-Id", "abc")
		w.WriteHeader(http.StatusUnauthorized)
	}))
	req := httptest.NewRequest(method, "/v2/accounts/a/port_requests", nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, ran
}

func TestCORS(t *testing.T) {
	preflight := map[string]string{"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-auth-token"}
	list := httpapi.CORS{Origins: []string{"https://monster.example.com", "http://localhost:3000"}}

	t.Run("no origins: the handler as it is", func(t *testing.T) {
		rec, ran := corsSend(t, httpapi.CORS{}, "OPTIONS", "https://monster.example.com", preflight)
		require.True(t, ran, "a preflight reaches the handler, which refuses it")
		require.Equal(t, http.StatusUnauthorized, rec.Code)
		for k := range rec.Header() {
			require.NotContains(t, k, "Access-Control", k)
		}
		require.Empty(t, rec.Header().Values("Vary"))
	})
	t.Run("preflight of an allowed origin, before authentication", func(t *testing.T) {
		rec, ran := corsSend(t, list, "OPTIONS", "https://monster.example.com", preflight)
		require.False(t, ran)
		require.Equal(t, http.StatusNoContent, rec.Code)
		h := rec.Header()
		require.Equal(t, "https://monster.example.com", h.Get("Access-Control-Allow-Origin"))
		require.Equal(t, httpapi.CORSAllowMethods, h.Get("Access-Control-Allow-Methods"))
		for _, want := range []string{"X-Auth-Token", "Content-Type", "Authorization", "X-Api-User", "X-Api-Token", "If-Match"} {
			require.Contains(t, h.Get("Access-Control-Allow-Headers"), want)
		}
		for _, m := range []string{"GET", "PUT", "POST", "PATCH", "DELETE"} {
			require.Contains(t, h.Get("Access-Control-Allow-Methods"), m)
		}
		require.Equal(t, "86400", h.Get("Access-Control-Max-Age"))
		require.Equal(t, []string{"Origin"}, h.Values("Vary"))
		require.Empty(t, rec.Body.String())
	})
	t.Run("preflight of another origin: no CORS headers", func(t *testing.T) {
		for _, o := range []string{"https://evil.example.com", "https://monster.example.com.evil.com", "http://monster.example.com"} {
			rec, ran := corsSend(t, list, "OPTIONS", o, preflight)
			require.False(t, ran, o)
			require.Equal(t, http.StatusNoContent, rec.Code, o)
			require.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"), o)
			require.Empty(t, rec.Header().Get("Access-Control-Allow-Headers"), o)
			require.Equal(t, []string{"Origin"}, rec.Header().Values("Vary"), o)
		}
	})
	t.Run("an actual request of an allowed origin: headers on the error too", func(t *testing.T) {
		rec, ran := corsSend(t, list, "GET", "http://LOCALHOST:3000", nil)
		require.True(t, ran)
		require.Equal(t, http.StatusUnauthorized, rec.Code)
		require.Equal(t, "http://LOCALHOST:3000", rec.Header().Get("Access-Control-Allow-Origin"), "echoed as sent")
		for _, want := range []string{"Total", "Total-Pages", "Location", "ETag", "X-Request-Id", "Content-Disposition"} {
			require.Contains(t, rec.Header().Get("Access-Control-Expose-Headers"), want)
		}
		require.Equal(t, []string{"Origin"}, rec.Header().Values("Vary"))
	})
	t.Run("other requests pass without CORS headers", func(t *testing.T) {
		for _, tc := range []struct{ method, origin string }{
			{"GET", "https://evil.example.com"},
			{"GET", ""},
		} {
			rec, ran := corsSend(t, list, tc.method, tc.origin, nil)
			require.True(t, ran, "%+v", tc)
			require.Equal(t, http.StatusUnauthorized, rec.Code)
			require.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"), "%+v", tc)
			require.Equal(t, []string{"Origin"}, rec.Header().Values("Vary"), "%+v", tc)
		}
	})
	t.Run("an OPTIONS that is no preflight is an actual request", func(t *testing.T) {
		rec, ran := corsSend(t, list, "OPTIONS", "https://monster.example.com", nil)
		require.True(t, ran)
		require.Equal(t, http.StatusUnauthorized, rec.Code)
		require.Equal(t, "https://monster.example.com", rec.Header().Get("Access-Control-Allow-Origin"))
	})
	t.Run("* allows any origin, as *", func(t *testing.T) {
		star := httpapi.CORS{Origins: []string{"*"}}
		rec, ran := corsSend(t, star, "OPTIONS", "https://anywhere.example", preflight)
		require.False(t, ran)
		require.Equal(t, http.StatusNoContent, rec.Code)
		require.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
		require.Empty(t, rec.Header().Values("Vary"), "the answer is the same for every origin")
		for _, origin := range []string{"https://anywhere.example", ""} {
			rec, ran = corsSend(t, star, "DELETE", origin, nil)
			require.True(t, ran)
			require.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			require.Equal(t, httpapi.CORSExposeHeaders, rec.Header().Get("Access-Control-Expose-Headers"))
		}
	})
}
