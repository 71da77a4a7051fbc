package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/openasp-hu/asp/internal/platform/web"
)

// Handler builds the HTTP handler of the whole service.
func (a *App) Handler() (http.Handler, error) {
	cat, err := web.NewCatalog()
	if err != nil {
		return nil, err
	}
	rend, err := web.NewRenderer(cat, a.Log)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := web.NewMetrics(reg)

	// The outer mux serves what needs no session: assets and operations
	// endpoints. Everything else goes through the authenticator.
	outer := http.NewServeMux()
	outer.Handle("GET /static/", web.Static())
	outer.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	outer.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Ping(ctx); err != nil {
			a.Log.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "database unavailable\n")
			return
		}
		io.WriteString(w, "ready\n")
	})
	outer.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	mux := http.NewServeMux()
	rt := &web.Router{Mux: mux, Renderer: rend}
	rt.Handle("POST /lang", handleLanguage)
	rt.Handle("/", func(w http.ResponseWriter, r *http.Request) error { return web.NotFound() })
	authn, err := a.routes(rt, cat, rend)
	if err != nil {
		return nil, err
	}
	outer.Handle("/", authn.Middleware(mux))
	a.patterns = rt.Patterns

	cop := http.NewCrossOriginProtection()
	return web.Outer(cop.Handler(outer), a.Log, metrics, rend), nil
}

// handleLanguage remembers the chosen language and goes back to the page.
func handleLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	if lang != web.Hungarian && lang != web.English {
		return web.BadRequest("error.bad_language")
	}
	http.SetCookie(w, &http.Cookie{Name: web.LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, localPath(r.PostFormValue("back")), http.StatusSeeOther)
	return nil
}

// localPath keeps a redirect target on this site: anything that is not a
// plain absolute path becomes "/".
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	return u.RequestURI()
}

// Serve runs the HTTP server until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
