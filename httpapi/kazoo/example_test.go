package kazoo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/portkit/portkit/store/memory"
)

// Mount the Kazoo dialect on a mux and create a port request through it.
func ExampleNew() {
	svc := porting.NewService(memory.New(), porting.Options{
		Clock: portingtest.NewClock(portingtest.Epoch), IDs: &portingtest.IDs{},
	})
	if err := svc.PutAccount(porting.AsSystem(context.Background()), porting.Account{ID: "acme", Name: "Acme"}); err != nil {
		panic(err)
	}
	tokens := &httpapi.Tokens{}
	tokens.Add("secret", porting.Actor{AccountID: "acme", UserID: "jane", Name: "Jane Doe"})

	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(svc, tokens, kazoo.Options{}))

	body := `{"data":{"numbers":{"(202) 555-9000":{}}, "name":"Porting 202.555.9000"}}`
	req := httptest.NewRequest("PUT", "/v2/accounts/acme/port_requests", strings.NewReader(body))
	req.Header.Set("X-Auth-Token", "secret")
	req.Header.Set("X-Request-ID", "54672607e9884437069abb7e5a891a5c")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)

	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	var out bytes.Buffer
	if err := json.Indent(&out, rec.Body.Bytes(), "", "    "); err != nil {
		panic(err)
	}
	fmt.Print(out.String())
	// Output:
	// 201 application/json
	// {
	//     "auth_token": "secret",
	//     "data": {
	//         "account_id": "acme",
	//         "created": 63939679200,
	//         "id": "00000000000000000000000000000001",
	//         "name": "Porting 202.555.9000",
	//         "numbers": {
	//             "+12025559000": {}
	//         },
	//         "port_state": "unconfirmed",
	//         "sent": false,
	//         "updated": 63939679200,
	//         "uploads": {}
	//     },
	//     "request_id": "54672607e9884437069abb7e5a891a5c",
	//     "revision": "1-32c550a67c4556a5e83fe6b00e6b39e9",
	//     "status": "success"
	// }
}
