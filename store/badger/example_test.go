package badger_test

import (
	"context"
	"fmt"
	"os"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
)

// A Service on a Badger store in a directory: what it acknowledged is
// still there when the store is opened again.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "portkit-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := porting.AsSystem(context.Background())

	s, err := badgerstore.Open(badgerstore.Options{Dir: dir})
	if err != nil {
		panic(err)
	}
	svc := porting.NewService(s, porting.Options{})
	if err := svc.PutAccount(ctx, porting.Account{ID: "acme", Name: "Acme"}); err != nil {
		panic(err)
	}
	r, err := svc.Create(ctx, "acme", porting.RequestInput{
		Name: "Main lines", Numbers: []porting.NumberInput{{Raw: "(202) 555-0100"}},
	})
	if err != nil {
		panic(err)
	}
	if err := s.Close(); err != nil {
		panic(err)
	}

	s, err = badgerstore.Open(badgerstore.Options{Dir: dir})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	got, err := porting.NewService(s, porting.Options{}).Get(ctx, r.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Name, got.State, got.E164s(), got.Revision)
	// Output:
	// Main lines unconfirmed [+12025550100] 1
}
