package api

import (
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openasp-hu/asp/internal/platform/web"
)

func isBadRequest(err error, key string) bool {
	var e *web.Error
	return errors.As(err, &e) && e.Status == 400 && e.Key == key
}

func TestCursorRoundTrip(t *testing.T) {
	for _, values := range [][]string{
		{},
		{"Aba", "17376"},
		{"Őriszentpéter", ""},
		{"2026-01-02T03:04:05.123456Z", "0190f1e2-7b8c-7def-8123-456789abcdef"},
		{`quote " backslash \ slash / <&>`},
	} {
		c := EncodeCursor(values...)
		if strings.ContainsAny(c, "+/=?&% ") {
			t.Errorf("%q: cursor %q needs escaping in a URL", values, c)
		}
		got, err := DecodeCursor(c, len(values))
		if err != nil || !slices.Equal(got, values) {
			t.Errorf("%q: got %q, %v", values, got, err)
		}
	}
}

func TestDecodeCursorRefuses(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	two := EncodeCursor("a", "b")
	for name, tc := range map[string]struct {
		s string
		n int
	}{
		"empty":          {"", 0},
		"wrong count":    {two, 1},
		"not base64":     {"!!!", 2},
		"padded":         {two + "=", 2},
		"std alphabet":   {base64.StdEncoding.EncodeToString([]byte(`{"v":1,"k":["??>"]}`)), 1},
		"not json":       {enc("hello"), 0},
		"other version":  {enc(`{"v":2,"k":["a","b"]}`), 2},
		"no version":     {enc(`{"k":["a","b"]}`), 2},
		"keys not array": {enc(`{"v":1,"k":"a"}`), 1},
		"numbers":        {enc(`{"v":1,"k":[1,2]}`), 2},
		"trailing":       {enc(`{"v":1,"k":[]} x`), 0},
		"too long":       {EncodeCursor(strings.Repeat("x", MaxCursorLen)), 1},
	} {
		if _, err := DecodeCursor(tc.s, tc.n); !isBadRequest(err, "api.error.bad_cursor") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestPageParams(t *testing.T) {
	c := EncodeCursor("Aba", "17376")
	for _, tc := range []struct {
		query     string
		limit     int
		cursor    []string
		errorKey  string
		errorArgs []any
	}{
		{"", DefaultLimit, nil, "", nil},
		{"?limit=", DefaultLimit, nil, "", nil},
		{"?limit=1", 1, nil, "", nil},
		{"?limit=200&cursor=" + c, 200, []string{"Aba", "17376"}, "", nil},
		{"?cursor=" + c, DefaultLimit, []string{"Aba", "17376"}, "", nil},
		{"?limit=0", 0, nil, "api.error.bad_limit", []any{MaxLimit}},
		{"?limit=201", 0, nil, "api.error.bad_limit", []any{MaxLimit}},
		{"?limit=-5", 0, nil, "api.error.bad_limit", []any{MaxLimit}},
		{"?limit=ten", 0, nil, "api.error.bad_limit", []any{MaxLimit}},
		{"?limit=99999999999999999999", 0, nil, "api.error.bad_limit", []any{MaxLimit}},
		{"?cursor=nope", 0, nil, "api.error.bad_cursor", nil},
		{"?cursor=" + EncodeCursor("only one"), 0, nil, "api.error.bad_cursor", nil},
	} {
		limit, cursor, err := PageParams(httptest.NewRequest("GET", "/api/v1/tenants"+tc.query, nil), 2)
		if tc.errorKey != "" {
			var e *web.Error
			if !isBadRequest(err, tc.errorKey) || !errors.As(err, &e) || !slices.Equal(e.Args, tc.errorArgs) {
				t.Errorf("%s: got %v, want %s %v", tc.query, err, tc.errorKey, tc.errorArgs)
			}
			continue
		}
		if err != nil || limit != tc.limit || !slices.Equal(cursor, tc.cursor) {
			t.Errorf("%s: got %d %q %v", tc.query, limit, cursor, err)
		}
	}
}

// FuzzDecodeCursor: DecodeCursor never panics and refuses only with
// bad_cursor; whatever EncodeCursor makes (within MaxCursorLen) decodes to
// the same values; and whatever DecodeCursor accepts re-encodes to a
// cursor that decodes to the same values.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor("Aba", "17376"), "Aba", "17376")
	f.Add(EncodeCursor(), "", "")
	f.Add("eyJ2IjoxLCJrIjpbXX0", "Őr", "\x00")
	f.Add("!!", "a\"b", `\u00e9`)
	f.Fuzz(func(t *testing.T, s, a, b string) {
		for n := 0; n <= 2; n++ {
			got, err := DecodeCursor(s, n)
			if err != nil {
				if !isBadRequest(err, "api.error.bad_cursor") {
					t.Fatalf("DecodeCursor(%q, %d): unexpected error %v", s, n, err)
				}
				continue
			}
			if len(got) != n {
				t.Fatalf("DecodeCursor(%q, %d) = %q", s, n, got)
			}
			again, err := DecodeCursor(EncodeCursor(got...), n)
			if err != nil || !slices.Equal(again, got) {
				t.Fatalf("re-encoding %q: %q %v", got, again, err)
			}
		}
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return // EncodeCursor documents that values are UTF-8
		}
		c := EncodeCursor(a, b)
		if len(c) > MaxCursorLen {
			return
		}
		got, err := DecodeCursor(c, 2)
		if err != nil || !slices.Equal(got, []string{a, b}) {
			t.Fatalf("round trip of %q, %q: %q %v", a, b, got, err)
		}
	})
}
