package kazoo_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting/portingtest"
)

// A replay of 2600hz/kazoo-php-sdk working on port requests, call by
// call, as its generic resources send them (src/Kazoo/SDK.php,
// HttpClient/HttpClient.php, Api/AbstractResource.php,
// Api/Entity/AbstractEntity.php, Api/Collection/AbstractCollection.php):
// an entity PortRequest under an Account entity and a collection
// PortRequests. Written from reading those files; no code of theirs is
// here.
//
// What the SDK sends: base_url + "/v{api_version}" + the chain's URI
// snippets, /accounts/{account_id}/port_requests/{port_request_id}, where
// an entity without an ID (a new one) leaves its ID empty, so that it
// creates with PUT .../port_requests/ (a trailing slash); headers Accept
// and Content-Type application/json and its User-Agent on every call,
// GET and DELETE included, and X-Auth-Token; bodies {"data": entity} for
// save() (PUT when new, POST with the whole entity as it read it
// otherwise); a collection's fetch is a GET with its filter as query
// parameters. What it reads: data, the entity (its id above all).

// phpSDK is the SDK, logged in with a token of one account.
type phpSDK struct {
	t       *testing.T
	h       http.Handler
	token   string
	account string
}

// phpBase is base_url with api_version "2".
const phpBase = "/v2"

// call sends one request as HttpClient does, and reads the answer as
// Response::getData does: the envelope's data.
func (s *phpSDK) call(method, uri string, query url.Values, body any) (int, any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		rd = strings.NewReader(string(b))
	}
	if len(query) > 0 {
		uri += "?" + query.Encode()
	}
	req := httptest.NewRequest(method, uri, rd)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kazoo-php-sdk (http://github.com/2600hz/kazoo-php-sdk)")
	req.Header.Set("X-Auth-Token", s.token)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	require.Less(s.t, rec.Code, 300, "%s %s: %s", method, uri, rec.Body)
	require.Equal(s.t, "application/json", rec.Header().Get("Content-Type"))
	var env struct {
		Data   any    `json:"data"`
		Status string `json:"status"`
	}
	require.NoError(s.t, json.Unmarshal(rec.Body.Bytes(), &env), "%s", rec.Body)
	require.Equal(s.t, "success", env.Status)
	return rec.Code, env.Data
}

// entityURI is the PortRequest entity's URI: the Account entity's
// snippet, then /port_requests/{port_request_id} with the entity's ID
// ("" for a new one).
func (s *phpSDK) entityURI(id string) string {
	return phpBase + "/accounts/" + s.account + "/port_requests/" + id
}

// save is AbstractEntity::save: PUT {"data": entity} when the entity has
// no ID, else POST; the entity becomes the answer's data.
func (s *phpSDK) save(entity map[string]any) map[string]any {
	s.t.Helper()
	id, _ := entity["id"].(string)
	method, want := "POST", http.StatusOK
	if id == "" {
		method, want = "PUT", http.StatusCreated
	}
	code, data := s.call(method, s.entityURI(id), nil, map[string]any{"data": entity})
	require.Equal(s.t, want, code)
	return data.(map[string]any)
}

// fetch is AbstractEntity::fetch: GET the entity's URI.
func (s *phpSDK) fetch(id string) map[string]any {
	s.t.Helper()
	_, data := s.call("GET", s.entityURI(id), nil, nil)
	return data.(map[string]any)
}

func TestKazooPHPSDK(t *testing.T) {
	f := portingtest.New(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, apitest.Tokens(f), kazoo.Options{Logger: quiet}))
	sdk := &phpSDK{t: t, h: httpapi.CleanPaths(mux), token: apitest.CustomerToken, account: "customer"}

	// $pr = $sdk->Account()->PortRequest(); $pr->name = ...; $pr->save();
	created := sdk.save(map[string]any{"name": "Porting 202.555.9000", "numbers": map[string]any{kazootest.Phone: map[string]any{}},
		"bill": map[string]any{"name": "John Doe", "btn": kazootest.Phone}})
	id, _ := created["id"].(string)
	require.Regexp(t, kazootest.Hex32, id, "the SDK takes the entity's ID from data.id")
	require.Equal(t, "unconfirmed", created["port_state"])

	// $sdk->Account()->PortRequest($id) reads lazily: fetch.
	entity := sdk.fetch(id)
	require.Equal(t, created, entity)
	require.Equal(t, "John Doe", entity["bill"].(map[string]any)["name"])

	// Update: set a field, save() POSTs the whole entity as it was read:
	// id, port_state, created, _read_only and all.
	entity["name"] = "Main lines"
	entity["carrier"] = "PACIFIC BELL"
	updated := sdk.save(entity)
	require.Equal(t, id, updated["id"])
	require.Equal(t, "Main lines", updated["name"])
	require.Equal(t, "PACIFIC BELL", updated["carrier"])
	require.Equal(t, entity["created"], updated["created"])
	require.Equal(t, entity["_read_only"], updated["_read_only"])

	// A partial update, then the partial update to submitted: PATCH
	// through SDK::patch, the body {"data": {...}} as given.
	_, data := sdk.call("PATCH", sdk.entityURI(id), nil, map[string]any{"data": map[string]any{"signee_name": "John Doe"}})
	require.Equal(t, "John Doe", data.(map[string]any)["signee_name"])
	require.Equal(t, "Main lines", data.(map[string]any)["name"], "the rest as it was")
	_, data = sdk.call("PATCH", sdk.entityURI(id)+"/submitted", nil, map[string]any{"data": map[string]any{"reason": "ready"}})
	require.Equal(t, "submitted", data.(map[string]any)["port_state"])

	// A second one, to list and to delete.
	other := sdk.save(map[string]any{"name": "Fax line", "numbers": map[string]any{"+12025559001": map[string]any{}}})["id"].(string)

	// $sdk->Account()->PortRequests(['by_types' => 'all']): the
	// collection's fetch, each element of data in turn.
	_, data = sdk.call("GET", phpBase+"/accounts/customer/port_requests", url.Values{"by_types": {"all"}}, nil)
	groups := data.([]any)
	require.Len(t, groups, 1)
	group := groups[0].(map[string]any)
	require.Equal(t, "customer", group["account_id"])
	var listed []string
	for _, r := range group["port_requests"].([]any) {
		listed = append(listed, r.(map[string]any)["id"].(string))
	}
	require.ElementsMatch(t, []string{id, other}, listed)

	// $pr->remove(): DELETE the entity's URI, no body, Content-Type as
	// ever; then the entity is gone.
	_, data = sdk.call("DELETE", sdk.entityURI(other), nil, nil)
	require.Equal(t, other, data.(map[string]any)["id"])
	req := httptest.NewRequest("GET", sdk.entityURI(other), nil)
	req.Header.Set("X-Auth-Token", sdk.token)
	rec := httptest.NewRecorder()
	sdk.h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusNotFound, rec.Code)
}
