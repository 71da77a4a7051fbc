package app

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/identity"
)

// browser is a test client with a cookie jar that does not follow
// redirects, so tests see each step.
type browser struct {
	t    *testing.T
	srv  *httptest.Server
	c    *http.Client
	lang string
}

func newServer(t *testing.T, a *App) *httptest.Server {
	t.Helper()
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, lang: "hu", c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("Accept-Language", b.lang)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{Status: res.StatusCode, Location: res.Header.Get("Location"), Body: string(body), Header: res.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login signs in with a password and, when asked, the TOTP code.
func (b *browser) login(user, pw, totpSecret string) page {
	b.t.Helper()
	p := b.post("/login", url.Values{"username": {user}, "password": {pw}})
	if p.Status != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d\n%s", user, p.Status, p.Body)
	}
	if strings.HasPrefix(p.Location, "/login/totp") {
		code, err := identity.TOTPCode(totpSecret, time.Now())
		if err != nil {
			b.t.Fatal(err)
		}
		p = b.post("/login/totp", url.Values{"code": {code}})
		if p.Status != http.StatusSeeOther {
			b.t.Fatalf("totp %s: %d\n%s", user, p.Status, p.Body)
		}
	}
	return p
}

// demoApp is a test app with the demo users.
func demoApp(t *testing.T) *App {
	t.Helper()
	a := testApp(t)
	if _, err := a.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

func demoLogin(t *testing.T, name string) DemoLogin {
	for _, d := range demoUsers {
		if d.login.Username == name {
			l := d.login
			l.TOTPSecret = d.totpSeed
			return l
		}
	}
	t.Fatalf("no demo user %s", name)
	return DemoLogin{}
}
