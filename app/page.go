package app

// DefaultPageSize and MaxPageSize bound every list that pages.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// ClampLimit turns a requested page size into one the store serves: the one
// place a page's size is decided.
func ClampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	}
	return limit
}

// PageRequest asks for one page of a listing; every listing's filter embeds
// it. Cursor, from the previous page's NextCursor, seeks straight to the
// next page however deep it is; Offset skips that many items, for clients
// that count (InvokeAI's do); Limit is clamped by ClampLimit. A cursor is
// opaque: only the listing that gave it out reads it, and any other is
// EINVALID.
type PageRequest struct {
	Cursor string `json:"cursor"`
	Offset int    `json:"offset"`
	Limit  int    `json:"limit"`
}

// Clamped is r as the store serves it: the limit clamped, no negative offset.
func (r PageRequest) Clamped() PageRequest {
	r.Limit, r.Offset = ClampLimit(r.Limit), max(r.Offset, 0)
	return r
}

// Page is one page of a listing. Total counts the whole listing where the
// store keeps that count (or it is cheap), else it is -1. NextCursor asks
// for the page after this one; it is "" on the last page.
type Page[T any] struct {
	Items      []T    `json:"items"`
	Offset     int    `json:"offset"`
	Limit      int    `json:"limit"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor"`
}

// NewPage is an empty page answering r: no items yet (an empty list, never
// null, in JSON), r's offset and clamped limit.
func NewPage[T any](r PageRequest) *Page[T] {
	r = r.Clamped()
	return &Page[T]{Items: []T{}, Offset: r.Offset, Limit: r.Limit}
}

// HasMore reports whether a page follows this one.
func (p *Page[T]) HasMore() bool { return p.NextCursor != "" }

// ErrBadCursor is the answer to a cursor the listing did not give out.
func ErrBadCursor(cursor string) error {
	return Errorf(EINVALID, "The cursor %q is not one this list gave out.", cursor)
}

// All collects every item of a listing, page after page of the largest
// size, for the answers whose shape is the whole list (InvokeAI's arrays).
// Each page is read on its own: an item that exists throughout is listed
// exactly once, as the cursor says where the last page ended.
func All[T any](list func(PageRequest) (*Page[T], error)) ([]T, error) {
	out := []T{}
	req := PageRequest{Limit: MaxPageSize}
	for {
		p, err := list(req)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if !p.HasMore() {
			return out, nil
		}
		req.Cursor = p.NextCursor
	}
}
