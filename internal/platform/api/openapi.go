package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// openapi.json describes every endpoint under /api/v1/. It is written by
// hand and kept honest by tests: openapitest checks real responses
// against it. Add each endpoint here as it lands.
//
//go:embed openapi.json
var document []byte

// Document returns the OpenAPI 3.0 document of the API, as JSON. The
// slice is a copy; change it freely.
func Document() []byte { return bytes.Clone(document) }

// Handler serves the platform's document, for GET /api/v1/openapi.json.
func Handler() http.Handler { return HandlerFor(document) }

// HandlerFor serves doc (the platform's document merged with the
// modules'). no-cache rather than a max-age, because the document changes
// with every release and a stale one misleads client generators.
func HandlerFor(doc []byte) http.Handler {
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", etag)
		// ServeContent answers If-None-Match with 304 and HEAD without a
		// body; the zero time leaves Last-Modified out.
		http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(doc))
	})
}

// Merge adds the paths and component schemas of each module's fragment
// (a JSON object with "paths" and "components": {"schemas"}) to the
// platform's document. A path or schema defined twice is an error, so
// modules cannot silently replace each other's.
func Merge(base []byte, fragments ...[]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi: base document: %w", err)
	}
	section := func(m map[string]any, keys ...string) map[string]any {
		for _, k := range keys {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		return m
	}
	for i, f := range fragments {
		var frag map[string]any
		if err := json.Unmarshal(f, &frag); err != nil {
			return nil, fmt.Errorf("openapi: fragment %d: %w", i, err)
		}
		for _, keys := range [][]string{{"paths"}, {"components", "schemas"}} {
			dst, src := section(doc, keys...), section(frag, keys...)
			for k, v := range src {
				if _, dup := dst[k]; dup {
					return nil, fmt.Errorf("openapi: fragment %d defines %s %q again", i, strings.Join(keys, "."), k)
				}
				dst[k] = v
			}
		}
	}
	return json.Marshal(doc)
}
