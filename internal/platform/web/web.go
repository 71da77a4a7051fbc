// Package web is the platform's web layer: routing conventions, the page
// layout, rendering, translations, static assets, security headers and the
// one place where errors become pages or RFC 9457 problem documents. It
// knows no module and no business rule.
package web

import (
	"net/http"
	"strings"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing
// one; Handle turns the error into a page or a problem document.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Router registers routes on a ServeMux, adapting error-returning handlers
// and wrapping them with route middleware (login and permission checks).
type Router struct {
	Mux      *http.ServeMux
	Renderer *Renderer
	// Patterns lists every route registered through Handle, for the
	// tenant-separation coverage test.
	Patterns []string
}

// Handle registers h for pattern ("GET /tenants/{id}"), wrapped by mws in
// order (the first one runs first).
func (rt *Router) Handle(pattern string, h HandlerFunc, mws ...Middleware) {
	var handler http.Handler = rt.adapt(h)
	for i := len(mws) - 1; i >= 0; i-- {
		handler = mws[i](handler)
	}
	rt.Mux.Handle(pattern, handler)
	rt.Patterns = append(rt.Patterns, pattern)
}

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

func (rt *Router) adapt(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			rt.Renderer.Error(w, r, err)
		}
	})
}

// IsAPI reports whether a request is for the JSON API, whose errors are
// problem documents rather than pages.
func IsAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}
