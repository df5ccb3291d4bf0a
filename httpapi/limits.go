package httpapi

// Limits on what a client may send, which both dialects apply before a
// body reaches porting.
const (
	// MaxJSONBody caps a JSON request body: 1 MiB. A larger body is 413,
	// refused unread when its Content-Length says so.
	MaxJSONBody = 1 << 20
	// MaxJSONDepth caps how deeply a JSON request body may nest objects and
	// arrays. Port requests nest three levels; Kazoo keeps keys it does not
	// know, so the cap is what bounds what a client can make the store keep.
	MaxJSONDepth = 32
)
