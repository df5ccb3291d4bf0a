package httpjson

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The guard reads a body once before encoding/json decodes it: its cost,
// beside the decode's own, on a Kazoo create of 1,000 numbers.
func BenchmarkJSONGuard(b *testing.B) {
	nums := make([]string, 1000)
	for i := range nums {
		nums[i] = fmt.Sprintf(`"+1202555%04d":{"state":"NY"}`, i)
	}
	body := []byte(`{"data":{"name":"Porting \u00e9 1,000 numbers","bill":{"name":"Acme","btn":"+12025550100"},"numbers":{` +
		strings.Join(nums, ",") + `}}}`)
	b.Run("guard", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := checkText(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var v struct {
				Data json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
