package postgres_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/postgres"
)

// A Service on PostgreSQL. Open migrates the schema (once, however many
// processes start together); every process that opens the same database
// sees the same requests, and the store keeps the rules across them. (It
// needs a server, so it is compiled, not run, by go test: the package's
// tests run the same on a throwaway cluster.)
func ExampleOpen() {
	ctx := porting.AsSystem(context.Background())
	s, err := postgres.Open(ctx, postgres.Options{URL: os.Getenv("PORTKIT_POSTGRES_URL")})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	svc := porting.NewService(s, porting.Options{})
	if err := svc.PutAccount(ctx, porting.Account{ID: "acme", Name: "Acme"}); err != nil {
		log.Fatal(err)
	}
	r, err := svc.Create(ctx, "acme", porting.RequestInput{
		Name: "Main lines", Numbers: []porting.NumberInput{{Raw: "(202) 555-0100"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Name, r.State, r.E164s(), r.Revision)
}
