package telnyx_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/portkit/portkit/store/memory"
)

// Serve the Telnyx dialect on a mux and create a draft port request.
func ExampleNew() {
	store := memory.New()
	defer store.Close()
	svc := porting.NewService(store, porting.Options{
		Clock: portingtest.NewClock(portingtest.Epoch), // a real program leaves Clock and IDs unset
		IDs:   &portingtest.IDs{},
	})
	if err := svc.PutAccount(porting.AsSystem(context.Background()), porting.Account{ID: "acme", Name: "Acme"}); err != nil {
		panic(err)
	}
	tokens := &httpapi.Tokens{}
	tokens.Add("secret-token", porting.Actor{AccountID: "acme", UserID: "jane"})

	mux := http.NewServeMux()
	mux.Handle("/origination/porting/", telnyx.New(svc, tokens, telnyx.Options{
		LinkKey: []byte("a long random secret shared by every replica"),
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	body := `{"phone_numbers": [{"phone_number": "+13125354200"}, {"phone_number": "+13125354500"}]}`
	req, _ := http.NewRequest("POST", srv.URL+"/origination/porting/draft_port_requests", strings.NewReader(body))
	req.Header.Set("Authorization", "Token secret-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var draft struct {
		ID               string `json:"id"`
		Status           string `json:"status"`
		PhoneNumberCount int    `json:"phone_number_count"`
		SubRequests      []struct {
			Complete bool `json:"complete"`
		} `json:"sub_requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&draft); err != nil {
		panic(err)
	}
	fmt.Println(resp.Status)
	fmt.Println(draft.ID, draft.Status, draft.PhoneNumberCount, "numbers")
	fmt.Println(len(draft.SubRequests), "sub request, complete:", draft.SubRequests[0].Complete)
	// Output:
	// 201 Created
	// 00000000000000000000000000000001 pending 2 numbers
	// 1 sub request, complete: false
}
