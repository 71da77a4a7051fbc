package app

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/identity"
)

// benchHandler is the whole service with a logged-in clerk's cookie, for
// the hot-path benchmarks. docs/performance.md has the figures, and the
// load-tool measurement of the same pages.
func benchHandler(b *testing.B) (http.Handler, string) {
	b.Helper()
	a := benchApp(b)
	h, err := a.Handler()
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(srv.URL+"/login", url.Values{"username": {"ugyintezo"}, "password": {"Tavaszi-Szel-2026"}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	res, err = c.PostForm(srv.URL+"/tenants/switch", url.Values{"tenant": {"12548"}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(srv.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "asp_session" {
			return h, ck.Value
		}
	}
	b.Fatal("no session cookie")
	return nil, ""
}

func benchGet(b *testing.B, h http.Handler, path, cookie string, want int) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			if cookie != "" {
				req.Header.Set("Cookie", "asp_session="+cookie)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != want {
				b.Fatalf("%s: %d", path, w.Code)
			}
			io.Discard.Write(w.Body.Bytes())
		}
	})
}

func BenchmarkHealthz(b *testing.B) {
	h, _ := benchHandler(b)
	benchGet(b, h, "/healthz", "", 200)
}

func BenchmarkDashboard(b *testing.B) {
	h, cookie := benchHandler(b)
	benchGet(b, h, "/", cookie, 200)
}

func BenchmarkAPIMe(b *testing.B) {
	h, cookie := benchHandler(b)
	benchGet(b, h, "/api/v1/me", cookie, 200)
}

// benchApp is testApp for benchmarks: a fresh database with the demo.
func benchApp(b *testing.B) *App {
	b.Helper()
	d := dbtest.Open(b, (&App{}).migrations()...)
	a := &App{Cfg: Config{Addr: "127.0.0.1:0"}, Log: newLogger("text", io.Discard), DB: d,
		PasswordParams: identity.InsecureTestPasswordParams()}
	if err := a.init(); err != nil {
		b.Fatal(err)
	}
	if err := a.EnsureTenants(context.Background()); err != nil {
		b.Fatal(err)
	}
	if _, err := a.SeedDemo(context.Background()); err != nil {
		b.Fatal(err)
	}
	return a
}
