package httpjson

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portkit/portkit/httpapi"
)

// checkText refuses, before decoding, what encoding/json would accept
// but a port request must not hold:
//   - bytes that are not UTF-8, which the decoder would silently turn
//     into U+FFFD, and escaped lone surrogates (\ud800), likewise;
//   - an escaped NUL (\u0000), which truncates strings in C libraries,
//     PDFs and databases downstream;
//   - a number too large for a 64-bit float: kept among Kazoo's unknown
//     keys, it would make the request unreadable to most JSON clients;
//   - nesting deeper than httpapi.MaxJSONDepth.
//
// The error says what and at which byte.
func checkText(b []byte) error {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return &SyntaxError{Msg: fmt.Sprintf("request body is not valid UTF-8 at byte %d", i)}
			}
			i += size - 1
			continue
		}
		if inString {
			switch c {
			case '"':
				inString = false
			case '\\':
				if i+1 < len(b) && b[i+1] == 'u' {
					n, err := checkUnicodeEscape(b, i)
					if err != nil {
						return err
					}
					i += n - 1
				} else if i+1 < len(b) && b[i+1] < utf8.RuneSelf {
					i++ // the escaped character; anything else the decoder refuses
				}
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
				return &SyntaxError{Msg: fmt.Sprintf("request body has a number out of range at byte %d: JSON numbers must fit a 64-bit float", i)}
			}
			i = end - 1
		case '{', '[':
			if depth++; depth > httpapi.MaxJSONDepth {
				return &SyntaxError{Msg: fmt.Sprintf("request body nests deeper than %d levels at byte %d", httpapi.MaxJSONDepth, i)}
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// checkUnicodeEscape checks the \uXXXX escape at b[i:] and returns its
// length: 6, or 12 for a surrogate pair. NUL is refused, and so is a lone
// surrogate, which encoding/json would silently turn into U+FFFD. A
// malformed escape is left to the decoder.
func checkUnicodeEscape(b []byte, i int) (int, error) {
	r, ok := hex4(b, i+2)
	switch {
	case !ok:
		return 2, nil
	case r == 0:
		return 0, &SyntaxError{Msg: fmt.Sprintf("request body has a NUL character (\\u0000) in a string at byte %d", i)}
	case r >= 0xdc00 && r <= 0xdfff:
		return 0, &SyntaxError{Msg: fmt.Sprintf("request body has a lone surrogate (\\u%04x) in a string at byte %d", r, i)}
	case r >= 0xd800 && r <= 0xdbff:
		if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
			if lo, ok := hex4(b, i+8); ok && lo >= 0xdc00 && lo <= 0xdfff {
				return 12, nil
			}
		}
		return 0, &SyntaxError{Msg: fmt.Sprintf("request body has a lone surrogate (\\u%04x) in a string at byte %d", r, i)}
	}
	return 6, nil
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
