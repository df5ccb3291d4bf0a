package kazoo

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/portkit/portkit/httpapi/internal/requestid"
	"github.com/portkit/portkit/porting"
)

// Every answer is wrapped in Kazoo's envelope:
//
//	{"auth_token": ..., "data": ..., "request_id": ..., "revision": ..., "status": "success"}
//
// with error, message and the paging keys where they apply, keys sorted.
// An answer is written as start (the keys before data), the data, then
// finish (the keys after it), into one pooled buffer.

// tail are the envelope keys that follow data.
type tail struct {
	// message is the error message (error answers only).
	message string
	// revision is the document's revision; "undefined" when empty.
	revision string
	// paged adds page_size.
	paged    bool
	pageSize int
	// startKey and nextStartKey are the paging keys, when set.
	startKey, nextStartKey string
}

// jsonType is the Content-Type header value of every JSON answer,
// shared (header values are not modified once set).
var jsonType = []string{"application/json"}

// maxRequestID bounds a client's X-Request-ID.
const maxRequestID = 128

// requestID returns the ID of this request: the client's X-Request-ID if
// it sent a reasonable one, else 32 random hex digits.
func (c *call) requestID() string {
	if c.reqID == "" {
		if v := c.r.Header["X-Request-Id"]; len(v) > 0 && v[0] != "" && len(v[0]) <= maxRequestID {
			c.reqID = v[0]
		} else {
			c.reqID = requestid.New()
		}
	}
	return c.reqID
}

// start returns a buffer holding the envelope up to the data.
func (c *call) start() *[]byte {
	bp := getBuffer()
	b := append(*bp, `{"auth_token":`...)
	b = appendString(b, c.token)
	*bp = append(b, `,"data":`...)
	return bp
}

// finish closes the envelope and writes the answer.
func (c *call) finish(bp *[]byte, status int, t tail) {
	b := *bp
	failed := status >= 400
	if failed {
		b = append(b, `,"error":"`...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, `","message":`...)
		b = appendString(b, t.message)
	}
	if t.nextStartKey != "" {
		b = append(b, `,"next_start_key":`...)
		b = appendString(b, t.nextStartKey)
	}
	if t.paged {
		b = append(b, `,"page_size":`...)
		b = strconv.AppendInt(b, int64(t.pageSize), 10)
	}
	b = append(b, `,"request_id":`...)
	b = appendString(b, c.requestID())
	if !failed {
		if t.revision == "" {
			t.revision = "undefined"
		}
		b = append(b, `,"revision":`...)
		b = appendString(b, t.revision)
	}
	if t.startKey != "" {
		b = append(b, `,"start_key":`...)
		b = appendString(b, t.startKey)
	}
	if failed {
		b = append(b, `,"status":"error"}`...)
	} else {
		b = append(b, `,"status":"success"}`...)
	}
	b = append(b, '\n')
	h := c.w.Header()
	h["Content-Type"] = jsonType
	h["X-Request-Id"] = []string{c.requestID()}
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
	*bp = b
	putBuffer(bp)
}

// tailOf is the tail of an answer about r: its revision.
func tailOf(r *porting.PortRequest) tail {
	return tail{revision: revisionOf(r.ID, r.Revision)}
}

// replyRequest answers one port request, with its _read_only.
func (c *call) replyRequest(status int, r *porting.PortRequest) {
	bp := c.start()
	at := len(*bp)
	b, err := c.withReadOnly(appendRequest(*bp, r), at, r.AccountID)
	*bp = b
	if err != nil {
		putBuffer(bp)
		c.fail(err)
		return
	}
	c.finish(bp, status, tailOf(r))
}

// replyRaw answers data already encoded.
func (c *call) replyRaw(status int, data []byte, t tail) {
	bp := c.start()
	*bp = append(*bp, data...)
	c.finish(bp, status, t)
}

// emptyObject is the data of an answer that has none to give.
var emptyObject = []byte("{}")

// replyData answers data encoded with encoding/json.
func (c *call) replyData(status int, data any, t tail) {
	bp := c.start()
	*bp = marshal(*bp, data)
	c.finish(bp, status, t)
}

// revisionOf renders a request's revision as Kazoo (CouchDB) does:
// "N-" and a hash of the document's ID and N.
func revisionOf(id string, rev int64) string {
	var buf [96]byte
	in := append(append(buf[:0], id...), '-')
	in = strconv.AppendInt(in, rev, 10)
	sum := md5.Sum(in)
	out := make([]byte, 0, 21+2*md5.Size)
	out = append(out, in[len(id)+1:]...)
	out = append(out, '-')
	out = hex.AppendEncode(out, sum[:])
	return string(out)
}

// ifMatch returns the revision the client read, from If-Match: "N-hash",
// "N", quoted or not ("*" or none: 0, any). A hash that is not the
// request's at N is a conflict.
func (c *call) ifMatch(id string) (int64, error) {
	v := strings.TrimSpace(c.r.Header.Get("If-Match"))
	v = strings.TrimPrefix(v, "W/")
	v = strings.Trim(v, `"`)
	if v == "" || v == "*" {
		return 0, nil
	}
	num, _, hashed := strings.Cut(v, "-")
	rev, err := strconv.ParseInt(num, 10, 64)
	if err != nil || rev < 1 {
		return 0, problem("If-Match", "format", v, fmt.Sprintf("If-Match %q is not a revision (N-hash or N)", v))
	}
	if hashed && revisionOf(id, rev) != v {
		return 0, fmt.Errorf("If-Match %q is not a revision of port request %s: %w", v, id, porting.ErrConflict)
	}
	return rev, nil
}
