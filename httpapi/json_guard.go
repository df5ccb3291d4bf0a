package httpapi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxJSONDepth caps how deeply a JSON request body may nest objects and
// arrays. Port requests nest three levels; Kazoo keeps keys it does not
// know, so the cap is what bounds what a client can make the store keep.
const MaxJSONDepth = 32

// checkJSONText refuses, before decoding, what encoding/json would accept
// but a port request must not hold: bytes that are not UTF-8 (the decoder
// would silently turn them into U+FFFD), an escaped NUL in a string
// (\u0000, which truncates strings in C libraries, PDFs and databases
// downstream), a number too large for a 64-bit float (kept among Kazoo's
// unknown keys, it would make the request unreadable to most JSON
// clients), and nesting deeper than MaxJSONDepth. The error says what and
// at which byte.
func checkJSONText(b []byte) error {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return &syntaxError{fmt.Sprintf("request body is not valid UTF-8 at byte %d", i)}
			}
			i += size - 1
			continue
		}
		if inString {
			switch c {
			case '"':
				inString = false
			case '\\':
				if i+5 < len(b) && b[i+1] == 'u' && string(b[i+2:i+6]) == "0000" {
					return &syntaxError{fmt.Sprintf("request body has a NUL character (\\u0000) in a string at byte %d", i)}
				}
				i++ // the escaped character
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			end := i + 1
			for end < len(b) && strings.IndexByte("0123456789+-.eE", b[end]) >= 0 {
				end++
			}
			if _, err := strconv.ParseFloat(string(b[i:end]), 64); errors.Is(err, strconv.ErrRange) {
				return &syntaxError{fmt.Sprintf("request body has a number out of range at byte %d: JSON numbers must fit a 64-bit float", i)}
			}
			i = end - 1
		case '{', '[':
			if depth++; depth > MaxJSONDepth {
				return &syntaxError{fmt.Sprintf("request body nests deeper than %d levels at byte %d", MaxJSONDepth, i)}
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
