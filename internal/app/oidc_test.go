package app

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
)

// The tests here run the real login through an OpenID provider: zitadel's
// example provider (in-memory users, its own login form) on a loopback
// port, talking real OIDC to the service.

const (
	testOIDCClient = "asp-test"
	testOIDCSecret = "asp-test-secret"
	// The example provider's first user; its username ends with the host
	// of the issuer.
	testOIDCUser     = "test-user@127.0.0.1"
	testOIDCPassword = "verysecure"
	testOIDCSubject  = "id1"
)

// lateHandler is an httptest server's handler that is set after the server
// started: the provider needs its own URL (the issuer) to be built, and the
// service needs its URL for the redirect URL.
type lateHandler struct{ h atomic.Pointer[http.Handler] }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*l.h.Load()).ServeHTTP(w, r)
}

func (l *lateHandler) set(h http.Handler) { l.h.Store(&h) }

func lateServer(t *testing.T) (*httptest.Server, *lateHandler) {
	t.Helper()
	lh := &lateHandler{}
	lh.set(http.NotFoundHandler())
	srv := httptest.NewServer(lh)
	t.Cleanup(srv.Close)
	return srv, lh
}

// testProvider is a running OpenID provider. While down is set it answers
// every request with 503, as a provider in maintenance would.
type testProvider struct {
	srv  *httptest.Server
	down atomic.Bool
}

func startProvider(t *testing.T, redirectURL string) *testProvider {
	t.Helper()
	srv, lh := lateServer(t)
	issuer := srv.URL
	clients := map[string]*storage.Client{
		testOIDCClient: storage.WebClient(testOIDCClient, testOIDCSecret, redirectURL),
	}
	st := storage.NewStorageWithClients(storage.NewUserStore(issuer), clients)
	// SetupServer makes the logger the process's default; keep the
	// provider's per-request info lines out of the test output.
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	op := exampleop.SetupServer(issuer, st, quiet, false)
	tp := &testProvider{srv: srv}
	lh.set(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tp.down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		op.ServeHTTP(w, r)
	}))
	return tp
}

// oidcHandler is the service's handler with the login through cfg on.
func oidcHandler(t *testing.T, a *App, cfg identity.OIDCConfig) http.Handler {
	t.Helper()
	a.OIDC = &cfg
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// oidcSetup is a test app and a provider that know each other.
type oidcSetup struct {
	app      *App
	srv      *httptest.Server // the service
	provider *testProvider
}

func newOIDCSetup(t *testing.T) *oidcSetup {
	t.Helper()
	a := testApp(t)
	srv, lh := lateServer(t)
	redirect := srv.URL + "/login/oidc/callback"
	tp := startProvider(t, redirect)
	lh.set(oidcHandler(t, a, identity.OIDCConfig{
		Issuer: tp.srv.URL, ClientID: testOIDCClient, ClientSecret: testOIDCSecret, RedirectURL: redirect,
	}))
	return &oidcSetup{app: a, srv: srv, provider: tp}
}

// follow requests rawURL and follows redirects from server to server, as
// a browser does, returning the last page and its address.
func (b *browser) follow(method, rawURL string, form url.Values) (page, *url.URL) {
	b.t.Helper()
	at, err := url.Parse(rawURL)
	if err != nil {
		b.t.Fatal(err)
	}
	for range 12 {
		var req *http.Request
		if method == http.MethodPost {
			req, _ = http.NewRequest(method, at.String(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req, _ = http.NewRequest(method, at.String(), nil)
		}
		p := b.do(req)
		if p.Status < 300 || p.Status > 399 || p.Location == "" {
			return p, at
		}
		next, err := at.Parse(p.Location)
		if err != nil {
			b.t.Fatalf("redirect from %s to %q: %v", at, p.Location, err)
		}
		at, method, form = next, http.MethodGet, nil
	}
	b.t.Fatalf("too many redirects, last at %s", at)
	return page{}, nil
}

var (
	formActionRE  = regexp.MustCompile(`(?is)<form[^>]*\baction="([^"]*)"`)
	hiddenInputRE = regexp.MustCompile(`(?is)<input[^>]*\btype="hidden"[^>]*>`)
	nameAttrRE    = regexp.MustCompile(`(?is)\bname="([^"]*)"`)
	valueAttrRE   = regexp.MustCompile(`(?is)\bvalue="([^"]*)"`)
)

// loginAtProvider goes from the service's OIDC button to the provider's
// login form, fills it in as a person would and follows the redirects
// back. It returns the page the service ends on and its address.
func (b *browser) loginAtProvider(providerURL, next, user, password string) (page, *url.URL) {
	b.t.Helper()
	start := "/login/oidc"
	if next != "" {
		start += "?next=" + url.QueryEscape(next)
	}
	form, at := b.follow(http.MethodGet, b.srv.URL+start, nil)
	if form.Status != http.StatusOK || !strings.HasPrefix(at.String(), providerURL) {
		b.t.Fatalf("expected the provider's login form, got %d at %s:\n%s", form.Status, at, form.Body)
	}
	m := formActionRE.FindStringSubmatch(form.Body)
	if m == nil {
		b.t.Fatalf("no form on the provider's login page:\n%s", form.Body)
	}
	action, err := at.Parse(html.UnescapeString(m[1]))
	if err != nil {
		b.t.Fatal(err)
	}
	values := url.Values{"username": {user}, "password": {password}}
	for _, input := range hiddenInputRE.FindAllString(form.Body, -1) {
		name, value := nameAttrRE.FindStringSubmatch(input), valueAttrRE.FindStringSubmatch(input)
		if name != nil && value != nil {
			values.Set(html.UnescapeString(name[1]), html.UnescapeString(value[1]))
		}
	}
	return b.follow(http.MethodPost, action.String(), values)
}

// centreLog returns the operating centre's audit entries of action.
func centreLog(t *testing.T, a *App, action string) []audit.Entry {
	t.Helper()
	var es []audit.Entry
	err := a.DB.InTenantRead(context.Background(), db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		var err error
		es, err = audit.List(ctx, tx, db.OperatingCentre, audit.Filter{Action: action, Limit: 500})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func detailOf(t *testing.T, e audit.Entry) map[string]any {
	t.Helper()
	d, err := e.DetailMap()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// oidcLogins counts the user.login entries of the OIDC method by result
// and reason ("" for successes).
func oidcLogins(t *testing.T, a *App) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, e := range centreLog(t, a, "user.login") {
		d := detailOf(t, e)
		if d["method"] != "oidc" {
			continue
		}
		reason, _ := d["reason"].(string)
		n[string(e.Result)+" "+reason]++
	}
	return n
}

func TestOIDCLoginCreatesOneClientAndReusesIt(t *testing.T) {
	s := newOIDCSetup(t)
	ctx := context.Background()

	b := newBrowser(t, s.srv)
	p, at := b.loginAtProvider(s.provider.srv.URL, "/account", testOIDCUser, testOIDCPassword)
	if p.Status != http.StatusOK || !strings.HasPrefix(at.String(), s.srv.URL) || at.Path != "/account" {
		t.Fatalf("after the provider: %d at %s\n%s", p.Status, at, p.Body)
	}
	home := b.get("/")
	if home.Status != http.StatusOK || !strings.Contains(home.Body, "Test User") {
		t.Fatalf("home after OIDC login: %d\n%s", home.Status, home.Body)
	}

	u, err := s.app.Identity.UserByIdentity(ctx, identity.DefaultOIDCProvider, testOIDCSubject)
	if err != nil {
		t.Fatalf("no user for the provider's subject: %v", err)
	}
	if u.Kind != identity.Client || u.PasswordHash != "" || u.DisplayName != "Test User" ||
		u.Email != "test-user@zitadel.ch" || !regexp.MustCompile(`^kau-[0-9a-f]{12}$`).MatchString(u.Username) {
		t.Errorf("federated user = kind %s, name %q, email %q, username %q, has password %v",
			u.Kind, u.DisplayName, u.Email, u.Username, u.PasswordHash != "")
	}

	// The same person again, in another browser: the same account.
	b2 := newBrowser(t, s.srv)
	if p, at := b2.loginAtProvider(s.provider.srv.URL, "", testOIDCUser, testOIDCPassword); p.Status != http.StatusOK || at.Path != "/" {
		t.Fatalf("second login: %d at %s", p.Status, at)
	}
	var clients []identity.User
	if err := s.app.DB.Reader().NewSelect().Model(&clients).Where("kind = ?", identity.Client).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	links, err := s.app.DB.Reader().NewSelect().Table("user_identities").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(clients) != 1 || clients[0].ID != u.ID || links != 1 {
		t.Errorf("after two logins: %d clients, %d identities; want one of each", len(clients), links)
	}

	// Both logins and the one creation are in the operating centre's chain.
	if n := oidcLogins(t, s.app); n["ok "] != 2 || len(n) != 1 {
		t.Errorf("oidc logins in the audit log = %v, want 2 ok", n)
	}
	created := centreLog(t, s.app, "user.federated_create")
	if len(created) != 1 || created[0].ObjectID != u.ID.String() {
		t.Errorf("user.federated_create entries = %+v", created)
	}
	for _, e := range centreLog(t, s.app, "user.login") {
		if e.ActorID != u.ID.String() {
			t.Errorf("login entry of actor %q, want %s", e.ActorID, u.ID)
		}
	}
	if rep, err := audit.Verify(ctx, s.app.DB, db.OperatingCentre); err != nil || !rep.OK() {
		t.Errorf("centre chain after OIDC logins: %+v, %v", rep, err)
	}

	// A disabled account stays shut, whatever the provider says.
	now := s.app.Now().UTC()
	u.DisabledAt = &now
	if err := s.app.Identity.Users.Update(ctx, s.app.DB.Bun(), &u, "disabled_at"); err != nil {
		t.Fatal(err)
	}
	b3 := newBrowser(t, s.srv)
	p, at = b3.loginAtProvider(s.provider.srv.URL, "", testOIDCUser, testOIDCPassword)
	if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "le van tiltva") {
		t.Fatalf("disabled client: %d at %s\n%s", p.Status, at, p.Body)
	}
	if p := b3.get("/"); p.Status != http.StatusSeeOther {
		t.Errorf("disabled client reached home: %d", p.Status)
	}
	if n := oidcLogins(t, s.app); n["failed disabled"] != 1 {
		t.Errorf("disabled login not audited: %v", n)
	}
}

// startAt begins a login and returns the state the service sent to the
// provider, without going there.
func startAt(t *testing.T, b *browser, provider string) string {
	t.Helper()
	p := b.get("/login/oidc")
	if p.Status != http.StatusFound || !strings.HasPrefix(p.Location, provider) {
		t.Fatalf("start = %d %s", p.Status, p.Location)
	}
	to, err := url.Parse(p.Location)
	if err != nil {
		t.Fatal(err)
	}
	q := to.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", p.Location)
	}
	return q.Get("state")
}

func TestOIDCCallbackFailuresAreClearAndAudited(t *testing.T) {
	s := newOIDCSetup(t)
	b := newBrowser(t, s.srv)
	provider := s.provider.srv.URL

	// A forged state.
	state := startAt(t, b, provider)
	p := b.get("/login/oidc/callback?state=forged&code=whatever")
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "nem ebben a böngészőben indult") {
		t.Fatalf("wrong state: %d\n%s", p.Status, p.Body)
	}
	// The real state is spent too: a callback is good once.
	if p := b.get("/login/oidc/callback?code=whatever&state=" + url.QueryEscape(state)); p.Status != http.StatusBadRequest {
		t.Errorf("callback after a failed one = %d", p.Status)
	}

	// The person cancels at the provider.
	state = startAt(t, b, provider)
	p = b.get("/login/oidc/callback?error=access_denied&state=" + url.QueryEscape(state))
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "A belépés megszakadt") {
		t.Fatalf("access_denied: %d\n%s", p.Status, p.Body)
	}
	b.lang = "en"
	state = startAt(t, b, provider)
	p = b.get("/login/oidc/callback?error=access_denied&state=" + url.QueryEscape(state))
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Sign-in was cancelled") {
		t.Fatalf("access_denied in English: %d\n%s", p.Status, p.Body)
	}

	// A code the provider never issued: the exchange fails.
	state = startAt(t, b, provider)
	p = b.get("/login/oidc/callback?code=made-up&state=" + url.QueryEscape(state))
	if p.Status != http.StatusBadGateway || !strings.Contains(p.Body, "did not confirm your sign-in") {
		t.Fatalf("bad code: %d\n%s", p.Status, p.Body)
	}
	// No code at all.
	state = startAt(t, b, provider)
	if p := b.get("/login/oidc/callback?state=" + url.QueryEscape(state)); p.Status != http.StatusBadRequest {
		t.Errorf("no code = %d", p.Status)
	}

	// Still anonymous, and nobody was created.
	if p := b.get("/"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
		t.Errorf("home after failed logins = %d %s", p.Status, p.Location)
	}
	want := map[string]int{
		"failed state_mismatch": 2, "failed provider_error": 2,
		"failed exchange_failed": 1, "failed missing_code": 1,
	}
	got := oidcLogins(t, s.app)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("audit %q = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("unexpected audit entries: %v", got)
	}
	for _, e := range centreLog(t, s.app, "user.login") {
		if d := detailOf(t, e); d["reason"] == "provider_error" && d["error"] != "access_denied" {
			t.Errorf("provider error entry lacks the error code: %v", d)
		}
	}
}

func TestOIDCProviderDownIsAClearPageAndRecovers(t *testing.T) {
	s := newOIDCSetup(t)
	// Down before the first login: the service started anyway (newOIDCSetup
	// built it), and the button explains.
	s.provider.down.Store(true)
	b := newBrowser(t, s.srv)
	p := b.get("/login/oidc")
	if p.Status != http.StatusBadGateway || !strings.Contains(p.Body, "központi azonosítás most nem érhető el") {
		t.Fatalf("provider down: %d\n%s", p.Status, p.Body)
	}
	b.lang = "en"
	if p := b.get("/login/oidc"); p.Status != http.StatusBadGateway || !strings.Contains(p.Body, "Central identification is unavailable right now") {
		t.Fatalf("provider down, English: %d\n%s", p.Status, p.Body)
	}
	if n := oidcLogins(t, s.app); n["failed provider_unavailable"] != 2 {
		t.Errorf("audit = %v", n)
	}
	// Back up: the next login discovers it, no restart needed.
	s.provider.down.Store(false)
	if p, at := b.loginAtProvider(s.provider.srv.URL, "", testOIDCUser, testOIDCPassword); p.Status != http.StatusOK || at.Path != "/" {
		t.Fatalf("login after the provider came back: %d at %s", p.Status, at)
	}
}

func TestLoginPageHasNoOIDCButtonWithoutIssuer(t *testing.T) {
	t.Setenv("ASP_OIDC_ISSUER", "")
	if _, ok := identity.OIDCConfigFromEnv("http://localhost:8080"); ok {
		t.Fatal("OIDC configured without an issuer")
	}
	b := newBrowser(t, newServer(t, testApp(t)))
	p := b.get("/login")
	if p.Status != http.StatusOK || strings.Contains(p.Body, "/login/oidc") || strings.Contains(p.Body, "Belépés központi azonosítással") {
		t.Errorf("login page without OIDC: %d, has the button: %v", p.Status, strings.Contains(p.Body, "/login/oidc"))
	}
	if p := b.get("/login/oidc"); p.Status != http.StatusNotFound {
		t.Errorf("/login/oidc without OIDC = %d", p.Status)
	}
}
