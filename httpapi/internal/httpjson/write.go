package httpjson

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// Write writes v as the JSON response with the given status.
func Write(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"encoding response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// List renders every item of a list to its wire form. The result
// is never nil, so that an empty list is [] in JSON, not null.
func List[S, T any](items []S, render func(S) T) []T {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = render(it)
	}
	return out
}
