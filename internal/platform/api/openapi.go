package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// openapi.json describes every endpoint under /api/v1/. It is written by
// hand and kept honest by tests: openapitest checks real responses
// against it. Add each endpoint here as it lands.
//
//go:embed openapi.json
var document []byte

// documentETag lets clients revalidate the document cheaply: it is served
// with no-cache, so every use asks, and the answer is usually 304.
var documentETag = func() string {
	sum := sha256.Sum256(document)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// Document returns the OpenAPI 3.0 document of the API, as JSON. The
// slice is a copy; change it freely.
func Document() []byte { return bytes.Clone(document) }

// Handler serves the document, for GET /api/v1/openapi.json. no-cache
// rather than a max-age, because the document changes with every release
// and a stale one misleads client generators.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", documentETag)
		// ServeContent answers If-None-Match with 304 and HEAD without a
		// body; the zero time leaves Last-Modified out.
		http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(document))
	})
}
