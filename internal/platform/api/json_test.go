package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/web"
)

type address struct {
	Zip  int    `json:"zip"`
	City string `json:"city"`
}

type person struct {
	Name    string   `json:"name"`
	Tags    []string `json:"tags"`
	Address address  `json:"address"`
}

func jsonRequest(contentType, body string) *http.Request {
	r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func TestDecodeAccepts(t *testing.T) {
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON"} {
		var p person
		body := `{"name":"Kovács Éva","tags":["a"],"address":{"zip":8000,"city":"Székesfehérvár"}}` + " \n\t"
		if err := Decode(jsonRequest(ct, body), &p); err != nil {
			t.Fatalf("%s: %v", ct, err)
		}
		want := person{Name: "Kovács Éva", Tags: []string{"a"}, Address: address{Zip: 8000, City: "Székesfehérvár"}}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("%s: got %+v", ct, p)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	huge := `{"name":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		key                     string
		args                    []any
	}{
		{"no content type", "", `{}`, 415, "api.error.content_type", nil},
		{"form", "application/x-www-form-urlencoded", `name=x`, 415, "api.error.content_type", nil},
		{"json lookalike", "application/jsonx", `{}`, 415, "api.error.content_type", nil},
		{"malformed content type", "application/json; =", `{}`, 415, "api.error.content_type", nil},
		{"too large", "application/json", huge, 413, "api.error.too_large", nil},
		{"too large after the value", "application/json", `{}` + strings.Repeat(" ", MaxBodyBytes), 413, "api.error.too_large", nil},
		{"empty", "application/json", ``, 400, "api.error.empty_body", nil},
		{"only spaces", "application/json", `   `, 400, "api.error.empty_body", nil},
		{"syntax", "application/json", `{"name": }`, 400, "api.error.bad_json", nil},
		{"cut short", "application/json", `{"name": "x"`, 400, "api.error.bad_json", nil},
		{"array for object", "application/json", `[1]`, 400, "api.error.bad_json", nil},
		{"wrong type", "application/json", `{"name": 5}`, 400, "api.error.bad_field", []any{"name"}},
		{"wrong nested type", "application/json", `{"address": {"zip": "8000"}}`, 400, "api.error.bad_field", []any{"address.zip"}},
		{"wrong item type", "application/json", `{"tags": [1]}`, 400, "api.error.bad_field", []any{"tags"}},
		{"unknown field", "application/json", `{"nmae": "x"}`, 400, "api.error.unknown_field", []any{"nmae"}},
		{"unknown nested field", "application/json", `{"address": {"town": "x"}}`, 400, "api.error.unknown_field", []any{"town"}},
		{"two values", "application/json", `{}{}`, 400, "api.error.trailing_data", nil},
		{"garbage after", "application/json", `{} x`, 400, "api.error.trailing_data", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p person
			err := Decode(jsonRequest(tc.contentType, tc.body), &p)
			var e *web.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *web.Error", err)
			}
			if e.Status != tc.status || e.Key != tc.key || !reflect.DeepEqual(e.Args, tc.args) {
				t.Errorf("got %d %s %v, want %d %s %v", e.Status, e.Key, e.Args, tc.status, tc.key, tc.args)
			}
		})
	}
}

func TestDecodeNonPointerIsInternal(t *testing.T) {
	err := Decode(jsonRequest("application/json", `{}`), person{})
	var e *web.Error
	if err == nil || errors.As(err, &e) {
		t.Fatalf("got %v, want a plain error", err)
	}
}

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, http.StatusCreated, map[string]string{"name": "Aba"})
	if rec.Code != 201 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if got := rec.Body.String(); got != `{"name":"Aba"}` {
		t.Errorf("body %s", got)
	}
}

func TestListJSON(t *testing.T) {
	for _, tc := range []struct {
		list List[int]
		want string
	}{
		{List[int]{}, `{"items":[]}`},
		{List[int]{Items: []int{1, 2}}, `{"items":[1,2]}`},
		{List[int]{Items: []int{1}, NextCursor: "abc"}, `{"items":[1],"next_cursor":"abc"}`},
	} {
		b, err := json.Marshal(tc.list)
		if err != nil || string(b) != tc.want {
			t.Errorf("%+v: %s %v, want %s", tc.list, b, err, tc.want)
		}
		// A pointer marshals the same (the method has a value receiver).
		if b, _ := json.Marshal(&tc.list); string(b) != tc.want {
			t.Errorf("pointer: %s", b)
		}
	}
}
