// Package httpjson reads JSON request bodies and writes JSON responses for
// both dialects: the size bound, the accepted Content-Types, the guard
// against what encoding/json would accept but a port request must not
// hold (see Decode), and error messages that say what is wrong and where.
package httpjson
