package httpjson_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// Bytes that are not one JSON value are a *SyntaxError; JSON of the
// wrong shape a *TypeError naming the field. Both are validation
// failures.
func TestDecodeErrors(t *testing.T) {
	type body struct {
		PhoneNumbers []struct {
			PhoneNumber string `json:"phone_number"`
		} `json:"phone_numbers"`
	}
	for in, want := range map[string]struct{ field, msg, pointer string }{
		`{"phone_numbers":"oops"}`:                      {"phone_numbers", "phone_numbers must be an array, not string", "/phone_numbers"},
		`["+12025550100"]`:                              {"", "the body must be an object, not array", ""},
		`{"phone_numbers":[{"phone_number":12025550}]}`: {"phone_numbers.phone_number", "phone_numbers.phone_number must be a string, not number", "/phone_numbers/phone_number"},
	} {
		var v body
		err := httpjson.Decode([]byte(in), &v)
		var te *httpjson.TypeError
		require.True(t, errors.As(err, &te), "%s: %v", in, err)
		require.Equal(t, want.field, te.Field, in)
		require.Equal(t, want.msg, te.Error(), in)
		require.Equal(t, want.pointer, te.Pointer(), in)
		require.ErrorIs(t, err, porting.ErrValidation)
	}
	for _, in := range []string{``, `{"phone_numbers":`, `{"phone_numbers":"oops"} x`, `{"phone_numbers":"oops"}}`, "\x00"} {
		var v body
		err := httpjson.Decode([]byte(in), &v)
		var se *httpjson.SyntaxError
		require.True(t, errors.As(err, &se), "%q: %v", in, err)
		require.ErrorIs(t, err, porting.ErrValidation)
	}
}
