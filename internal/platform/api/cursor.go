package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/openasp-hu/asp/internal/platform/web"
)

// Lists are paged by keyset, not by offset: a cursor carries the sort key
// of the last item of a page (say its name and id), and the next page
// starts after it. That stays correct while rows are added, and costs the
// same on page 1 and page 1000.
//
// To the client a cursor is an opaque string to send back unchanged. It is
// base64url (no padding, so it needs no escaping in a query string) of
// the JSON object {"v":1,"k":["key",...]}. The version lets the format
// change later while old cursors are refused cleanly. A cursor is not
// signed: it only says where to resume, and every query still applies the
// caller's permissions and tenant, so a forged cursor can only skip rows
// the caller may see anyway.

const (
	cursorVersion = 1
	// MaxCursorLen bounds the cursors DecodeCursor accepts, so a hostile
	// one cannot make us decode megabytes. Sort keys are ids, names and
	// timestamps; 4 KiB holds a great many of them.
	MaxCursorLen = 4096

	// DefaultLimit and MaxLimit are the page sizes of every list.
	DefaultLimit = 50
	MaxLimit     = 200
)

type cursorWire struct {
	V    int      `json:"v"`
	Keys []string `json:"k"`
}

// EncodeCursor makes the cursor that resumes after the item whose sort
// key is values. Values must be valid UTF-8 (JSON would replace invalid
// bytes), as database text is.
func EncodeCursor(values ...string) string {
	if values == nil {
		values = []string{}
	}
	b, err := json.Marshal(cursorWire{V: cursorVersion, Keys: values})
	if err != nil {
		// A struct of an int and strings always marshals.
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor returns the n values of a cursor made by EncodeCursor.
// Anything else (bad base64, bad JSON, another version, another number
// of values, too long) is a *web.Error 400 "api.error.bad_cursor".
func DecodeCursor(s string, n int) ([]string, error) {
	bad := web.BadRequest("api.error.bad_cursor")
	if s == "" || len(s) > MaxCursorLen {
		return nil, bad
	}
	// Strict: one spelling per cursor, no stray padding bits.
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursorWire
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, bad
	}
	if c.V != cursorVersion || len(c.Keys) != n {
		return nil, bad
	}
	return c.Keys, nil
}

// PageParams reads the paging parameters of a list request: ?limit=
// (DefaultLimit when absent, else 1..MaxLimit; 400 "api.error.bad_limit")
// and ?cursor= (nil when absent, else the values it carries; 400
// "api.error.bad_cursor"). keys is how many sort-key values this list's
// cursors carry, so a cursor of another list is refused here rather than
// reaching a query.
func PageParams(r *http.Request, keys int) (limit int, cursor []string, err error) {
	q := r.URL.Query()
	limit = DefaultLimit
	if s := q.Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 || limit > MaxLimit {
			return 0, nil, web.BadRequest("api.error.bad_limit", MaxLimit)
		}
	}
	if s := q.Get("cursor"); s != "" {
		cursor, err = DecodeCursor(s, keys)
		if err != nil {
			return 0, nil, err
		}
	}
	return limit, cursor, nil
}
