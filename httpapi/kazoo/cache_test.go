package kazoo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
)

// Two handlers over one store, as two portd over one database, each with
// its own representation cache: a GET through one right after a write
// through the other answers the new version, never a body it cached
// before. That holds for a request deleted and made again under its ID,
// whose revision starts over.
func TestRepresentationCacheNeverServesAnotherVersion(t *testing.T) {
	e := kazootest.Setup(t)
	other := kazoo.New(e.F.Service, apitest.Tokens(e.F), kazoo.Options{})
	get := func(h http.Handler, id string) (name, revision string) {
		t.Helper()
		req := httptest.NewRequest("GET", kazootest.URL("customer", "port_requests/"+id), nil)
		req.Header.Set("X-Auth-Token", apitest.CustomerToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var env struct {
			Data     struct{ Name string }
			Revision string
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env))
		return env.Data.Name, env.Revision
	}
	id := e.Create("first", kazootest.Phone)
	name, rev1 := get(other, id) // cached by the other handler
	require.Equal(t, "first", name)

	r := e.Do("PATCH", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id), map[string]any{"data": map[string]any{"name": "second"}})
	r.OK(http.StatusOK, apitest.CustomerToken)
	name, rev2 := get(other, id)
	require.Equal(t, "second", name, "a write through one handler, read through the other")
	require.NotEqual(t, rev1, rev2)

	// Made again under its ID, at the revision cached (1), named otherwise.
	id = e.Create("fourth", "+12025559001")
	name, _ = get(other, id)
	require.Equal(t, "fourth", name)
	ctx := context.Background()
	old, err := e.F.Store.Request(ctx, id)
	require.NoError(t, err)
	require.NoError(t, e.F.Store.DeleteRequest(ctx, old, porting.Write{}))
	again := old.Clone()
	again.Name, again.Created = "fifth", old.Created.Add(1)
	require.NoError(t, e.F.Store.CreateRequest(ctx, again, porting.Write{}))
	require.Equal(t, old.Revision, again.Revision)
	name, _ = get(other, id)
	require.Equal(t, "fifth", name, "a request made again under its ID, read where its first version was cached")
}
