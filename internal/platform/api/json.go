// Package api holds the conventions every JSON endpoint under /api/v1/
// follows: how request bodies are read, how answers and lists are written,
// how pages are cursored, and the OpenAPI document that describes it all.
//
// Errors are *web.Error values with a catalog key from this package's
// i18n/*.json; web.Renderer.Error turns them into problem documents in
// the caller's language, so nothing here needs to know the language.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/openasp-hu/asp/internal/platform/web"
)

// MaxBodyBytes is the largest request body Decode reads. API requests are
// small records; anything bigger (documents, imports) has its own upload
// endpoint with its own limit.
const MaxBodyBytes = 1 << 20

// Decode reads the JSON request body into dst, strictly: the body must be
// declared as JSON, at most MaxBodyBytes long, hold exactly one value, and
// name no field dst does not have (a misspelt field silently ignored would
// be data silently lost). Every refusal is a *web.Error:
//
//	415 api.error.content_type   Content-Type is not application/json
//	413 api.error.too_large      body longer than MaxBodyBytes
//	400 api.error.empty_body     no body at all
//	400 api.error.bad_json       not JSON, or the wrong kind of value
//	400 api.error.bad_field      a field has the wrong type (arg: its path)
//	400 api.error.unknown_field  a field dst does not have (arg: its name)
//	400 api.error.trailing_data  something after the JSON value
//
// A dst that is not a non-nil pointer is a programming error and comes
// back as a plain error (a 500).
func Decode(r *http.Request, dst any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != "application/json" {
		return &web.Error{Status: http.StatusUnsupportedMediaType, Key: "api.error.content_type"}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return web.BadRequest("api.error.empty_body")
	}
	// MaxBytesReader rather than io.LimitReader, because it reports
	// *http.MaxBytesError, which tells "too long" from "cut short". The
	// ResponseWriter argument only lets the server close the connection
	// early; Decode has none, and nil is allowed.
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// A second Decode must find the end of the body, else the client sent
	// more than one value ("{}{}") or garbage after the first.
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case isTooLarge(err):
		return tooLarge()
	default:
		return web.BadRequest("api.error.trailing_data")
	}
}

func decodeError(err error) error {
	var (
		syntaxErr  *json.SyntaxError
		typeErr    *json.UnmarshalTypeError
		invalidErr *json.InvalidUnmarshalError
	)
	switch {
	case isTooLarge(err):
		return tooLarge()
	case errors.Is(err, io.EOF):
		return web.BadRequest("api.error.empty_body")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return web.BadRequest("api.error.bad_json")
	case errors.As(err, &typeErr):
		// Field is the dotted path of JSON names from the root
		// ("address.zip"); it is empty when the whole value has the
		// wrong kind (an array where an object belongs).
		if typeErr.Field == "" {
			return web.BadRequest("api.error.bad_json")
		}
		return web.BadRequest("api.error.bad_field", typeErr.Field)
	case errors.As(err, &invalidErr):
		return fmt.Errorf("api.Decode: %w", err)
	}
	// encoding/json has no error type for unknown fields, only this text
	// (stable since Go 1.10): `json: unknown field "name"`.
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := strconv.Unquote(rest)
		if uerr != nil {
			name = rest
		}
		return web.BadRequest("api.error.unknown_field", name)
	}
	// Anything else is a failed read (the client went away, a broken
	// chunked encoding): still the client's side, but worth a log line.
	return &web.Error{Status: http.StatusBadRequest, Key: "api.error.bad_json", Err: err}
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func tooLarge() *web.Error {
	return &web.Error{Status: http.StatusRequestEntityTooLarge, Key: "api.error.too_large"}
}

// Write answers with v as JSON. The charset is spelled out for clients
// that would otherwise guess Latin-2 for Hungarian text.
func Write(w http.ResponseWriter, status int, v any) {
	web.WriteJSON(w, status, v, "application/json; charset=utf-8")
}

// List is the envelope of every list answer: one page of items and, when
// there is a next page, the opaque cursor that fetches it.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// MarshalJSON writes an empty page as "items": [] rather than null, so
// clients can always iterate without a nil check.
func (l List[T]) MarshalJSON() ([]byte, error) {
	type wire List[T] // same fields, without this method
	if l.Items == nil {
		l.Items = []T{}
	}
	return json.Marshal(wire(l))
}
