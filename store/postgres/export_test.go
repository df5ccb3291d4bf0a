package postgres

import "github.com/portkit/portkit/porting"

// What the tests and benchmarks of package postgres_test take from the
// store's insides: its statements, run by raw pgx beside the store.

// Statements of a create, as the store sends them.
var (
	SQLEventWriter   = sqlEventWriter
	SQLLock          = sqlLock
	SQLInsertRequest = sqlInsertRequest
	SQLAddNumbers    = sqlAddNumbers
	SQLAddKeys       = sqlAddKeys
	SQLSetAncestors  = sqlSetAncestors
	SQLAppendEvents  = sqlAppendEvents
)

// Layout is what a create writes besides the document.
type Layout struct{ Numbers, Holds, Keys, Path, Locks []string }

// LayoutOf returns the rows a request puts in the tables.
func LayoutOf(r *porting.PortRequest) Layout {
	l, err := layoutOf(r)
	if err != nil {
		panic(err)
	}
	return Layout{Numbers: l.numbers, Holds: l.holds, Keys: l.keys, Path: l.path, Locks: l.locks}
}

// FindSQL returns the SQL and arguments of the first page of q, and of
// its count.
func FindSQL(q porting.Query) (page string, pageArgs []any, count string, countArgs []any) {
	l := newListing(q)
	page, pageArgs = l.page(nil)
	count, countArgs = l.count()
	return page, pageArgs, count, countArgs
}

// FindSQLAfter returns the SQL and arguments of a page of q after a
// cursor.
func FindSQLAfter(q porting.Query, cursor string) (string, []any) {
	p, ok := parsePosition(cursor)
	if !ok {
		panic("not a cursor: " + cursor)
	}
	return newListing(q).page(&p)
}
