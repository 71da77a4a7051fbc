package api_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

func TestDocumentIsValidOpenAPI(t *testing.T) {
	openapitest.Load(t) // fails the test if the document is invalid
}

// The paths are the contract the lead extends; a path lost in an edit
// should not go unnoticed.
func TestDocumentPaths(t *testing.T) {
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(api.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	var got []string
	for p, item := range doc.Paths {
		for m := range item {
			if m != "parameters" {
				got = append(got, m+" "+p)
			}
		}
	}
	slices.Sort(got)
	want := []string{"get /api/v1/me", "get /api/v1/tenants", "get /api/v1/tenants/{id}", "get /api/v1/tenants/{id}/users"}
	if !slices.Equal(got, want) {
		t.Errorf("operations %q, want %q", got, want)
	}
}

func TestHandler(t *testing.T) {
	h := api.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if ct, cc := rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"); ct != "application/json" || cc != "no-cache" {
		t.Errorf("Content-Type %q, Cache-Control %q", ct, cc)
	}
	if !bytes.Equal(rec.Body.Bytes(), api.Document()) {
		t.Error("served body differs from Document()")
	}

	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if etag == "" || rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("revalidation with ETag %q: %d, %d bytes", etag, rec.Code, rec.Body.Len())
	}
}

func TestDocumentIsACopy(t *testing.T) {
	d := api.Document()
	d[0] = 'X'
	if api.Document()[0] == 'X' {
		t.Error("Document shares its bytes")
	}
}
