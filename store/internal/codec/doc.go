// Package codec is the binary form of port request documents that
// portkit's durable stores keep: store/badger under a request's key,
// store/postgres in a bytea column. It is versioned and tagged, so that a
// document written by any build is read by every later one (see the
// comment at the top of codec.go for the format and how to add a field),
// and golden samples of every version live in testdata.
//
// Documents written before comments and transitions were kept apart from
// the request held them inline; DecodeDocument returns them, and
// NeedsMigration tells a store which documents to rewrite.
package codec
