package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/platform/web"
)

func TestOIDCConfigFromEnv(t *testing.T) {
	for _, k := range []string{"ASP_OIDC_ISSUER", "ASP_OIDC_CLIENT_ID", "ASP_OIDC_CLIENT_SECRET", "ASP_OIDC_REDIRECT_URL"} {
		t.Setenv(k, "")
	}
	if _, ok := OIDCConfigFromEnv("https://asp.example"); ok {
		t.Fatal("no issuer, yet OIDC is on")
	}
	t.Setenv("ASP_OIDC_ISSUER", "https://kau.example/")
	t.Setenv("ASP_OIDC_CLIENT_ID", "asp")
	t.Setenv("ASP_OIDC_CLIENT_SECRET", "s3cret")
	cfg, ok := OIDCConfigFromEnv("https://asp.example/")
	if !ok {
		t.Fatal("issuer set, yet OIDC is off")
	}
	want := OIDCConfig{Issuer: "https://kau.example/", ClientID: "asp", ClientSecret: "s3cret",
		RedirectURL: "https://asp.example/login/oidc/callback", Scopes: []string{"openid", "profile", "email"}, ProviderName: "kau"}
	if fmt.Sprint(cfg) != fmt.Sprint(want) {
		t.Errorf("config = %+v\nwant %+v", cfg, want)
	}
	if err := cfg.check(); err != nil {
		t.Errorf("check: %v", err)
	}
	t.Setenv("ASP_OIDC_REDIRECT_URL", "https://ugyfel.asp.example/login/oidc/callback")
	if cfg, _ := OIDCConfigFromEnv("https://asp.example"); cfg.RedirectURL != "https://ugyfel.asp.example/login/oidc/callback" {
		t.Errorf("explicit redirect URL ignored: %s", cfg.RedirectURL)
	}
}

func TestOIDCConfigCheck(t *testing.T) {
	good := OIDCConfig{Issuer: "https://kau.example", ClientID: "asp", RedirectURL: "https://asp.example/login/oidc/callback"}.withDefaults()
	if err := good.check(); err != nil {
		t.Fatalf("good config refused: %v", err)
	}
	tests := []struct {
		name string
		edit func(*OIDCConfig)
		want string
	}{
		{"plain http issuer", func(c *OIDCConfig) { c.Issuer = "http://kau.example" }, "ASP_OIDC_ISSUER"},
		{"relative issuer", func(c *OIDCConfig) { c.Issuer = "kau.example" }, "ASP_OIDC_ISSUER"},
		{"no client", func(c *OIDCConfig) { c.ClientID = "" }, "ASP_OIDC_CLIENT_ID"},
		{"no redirect", func(c *OIDCConfig) { c.RedirectURL = "" }, "ASP_OIDC_REDIRECT_URL"},
		{"http redirect", func(c *OIDCConfig) { c.RedirectURL = "http://asp.example/login/oidc/callback" }, "ASP_OIDC_REDIRECT_URL"},
		{"odd provider name", func(c *OIDCConfig) { c.ProviderName = "KAÜ" }, "provider name"},
	}
	for _, tt := range tests {
		c := good
		tt.edit(&c)
		if err := c.check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	// A provider on the developer's machine may use plain http.
	local := good
	local.Issuer, local.RedirectURL = "http://127.0.0.1:9998", "http://localhost:8080/login/oidc/callback"
	if err := local.check(); err != nil {
		t.Errorf("loopback http refused: %v", err)
	}
	// openid is always asked for: without it there is no ID token.
	if c := (OIDCConfig{Scopes: []string{"profile"}}).withDefaults(); !slices.Equal(c.Scopes, []string{"openid", "profile"}) {
		t.Errorf("scopes = %v", c.Scopes)
	}
}

func TestFederatedUsername(t *testing.T) {
	a := federatedUsername("kau", "subject-1", 12)
	if !regexp.MustCompile(`^kau-[0-9a-f]{12}$`).MatchString(a) || !validUsername(a) {
		t.Errorf("username %q", a)
	}
	if a != federatedUsername("kau", "subject-1", 12) {
		t.Error("not stable")
	}
	hash := func(name string) string { return name[strings.LastIndex(name, "-")+1:] }
	if hash(a) == hash(federatedUsername("kau", "subject-2", 12)) || hash(a) == hash(federatedUsername("other", "subject-1", 12)) {
		t.Error("does not depend on the subject and the provider")
	}
	// The provider name and the subject cannot trade characters.
	if hash(federatedUsername("ka", "usub", 12)) == hash(federatedUsername("kau", "sub", 12)) {
		t.Error("ambiguous hash input")
	}
	if long := federatedUsername("kau", "subject-1", 16); !strings.HasPrefix(long, a) {
		t.Errorf("the longer name %q does not extend %q", long, a)
	}
}

func TestFederatedIdentityNameAndEmail(t *testing.T) {
	tests := []struct {
		fi          FederatedIdentity
		name, email string
	}{
		{FederatedIdentity{Name: "  Kovács\tAnna ", Email: "anna@example.hu", EmailVerified: true}, "Kovács Anna", "anna@example.hu"},
		{FederatedIdentity{GivenName: "Anna", FamilyName: "Kovács", Email: "anna@example.hu"}, "Kovács Anna", ""},
		{FederatedIdentity{FamilyName: "Kovács"}, "Kovács", ""},
		{FederatedIdentity{Name: "\x00\n", Email: "not an address", EmailVerified: true}, DefaultClientName, ""},
		{FederatedIdentity{Name: strings.Repeat("é", 300)}, strings.Repeat("é", 200), ""},
	}
	for _, tt := range tests {
		if got := tt.fi.DisplayName(); got != tt.name {
			t.Errorf("%+v: name %q, want %q", tt.fi, got, tt.name)
		}
		if got := tt.fi.VerifiedEmail(); got != tt.email {
			t.Errorf("%+v: email %q, want %q", tt.fi, got, tt.email)
		}
	}
}

func TestClaimSetReadsStringBooleansAndFillsGaps(t *testing.T) {
	var c claimSet
	if err := json.Unmarshal([]byte(`{"sub":"x","email":"a@b.hu","email_verified":"true"}`), &c); err != nil || !c.EmailVerified {
		t.Fatalf("string boolean: %+v, %v", c, err)
	}
	if err := json.Unmarshal([]byte(`{"sub":"x","email_verified":1}`), &c); err != nil || c.EmailVerified {
		t.Fatalf("odd boolean: %+v, %v", c, err)
	}
	// Only the subject in the ID token: the rest comes from userinfo, and
	// the address with its own verified flag.
	id := claimSet{Subject: "x"}
	id.fill(claimSet{Subject: "x", GivenName: "Anna", FamilyName: "Kovács", Email: "a@b.hu", EmailVerified: false})
	fi := id.identity("kau")
	if fi.DisplayName() != "Kovács Anna" || fi.Email != "a@b.hu" || fi.VerifiedEmail() != "" {
		t.Errorf("filled = %+v", fi)
	}
	// A name the ID token gave is kept.
	id = claimSet{Subject: "x", Name: "Kovács Anna"}
	id.fill(claimSet{Name: "Someone Else"})
	if id.Name != "Kovács Anna" {
		t.Errorf("name overwritten: %q", id.Name)
	}
}

func newTestService(t *testing.T) *Service {
	t.Helper()
	d := dbtest.Open(t, migrations.Platform)
	h, err := NewPasswordHasher(InsecureTestPasswordParams(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return NewService(d, h, &audit.Log{DB: d})
}

func centreEntries(t *testing.T, s *Service, action string) []audit.Entry {
	t.Helper()
	var es []audit.Entry
	err := s.DB.InTenantRead(context.Background(), db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		var err error
		es, err = audit.List(ctx, tx, db.OperatingCentre, audit.Filter{Action: action})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestCreateFederatedUser(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	fi := FederatedIdentity{Provider: "kau", Subject: "AAA-111", Name: "Kovács Anna", Email: "anna@example.hu", EmailVerified: true}
	if _, err := s.UserByIdentity(ctx, "kau", "AAA-111"); err != ErrUserNotFound {
		t.Fatalf("before: %v", err)
	}
	u, err := s.CreateFederatedUser(ctx, fi)
	if err != nil {
		t.Fatal(err)
	}
	if u.Kind != Client || u.Username != federatedUsername("kau", "AAA-111", 12) || u.DisplayName != "Kovács Anna" ||
		u.Email != "anna@example.hu" || u.PasswordHash != "" || u.PasswordChangedAt != nil {
		t.Errorf("created %+v", u)
	}
	got, err := s.UserByIdentity(ctx, "kau", "AAA-111")
	if err != nil || got.ID != u.ID {
		t.Errorf("lookup = %v, %v", got.ID, err)
	}
	// Another provider's subject of the same value is another person.
	if _, err := s.UserByIdentity(ctx, "other", "AAA-111"); err != ErrUserNotFound {
		t.Errorf("other provider: %v", err)
	}
	es := centreEntries(t, s, "user.federated_create")
	if len(es) != 1 || es[0].ObjectID != u.ID.String() || es[0].Result != audit.ResultOK {
		t.Errorf("audit = %+v", es)
	}
}

func TestCreateFederatedUserRacesAndClashes(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()

	// Several first logins of one person at once make one account.
	fi := FederatedIdentity{Provider: "kau", Subject: "racer"}
	var wg sync.WaitGroup
	ids := make([]string, 4)
	errs := make([]error, 4)
	for i := range ids {
		wg.Go(func() {
			u, err := s.CreateFederatedUser(ctx, fi)
			ids[i], errs[i] = u.ID.String(), err
		})
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("racing creations: %v %v", ids, errs)
		}
	}
	if n := len(centreEntries(t, s, "user.federated_create")); n != 1 {
		t.Errorf("%d creations audited, want 1", n)
	}

	// Someone already holds the short name: the newcomer gets a longer one.
	taken := federatedUsername("kau", "clash", 12)
	err := s.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.Create(ctx, tx, NewUser{Username: taken, DisplayName: "Elöl Járó", Kind: Client})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateFederatedUser(ctx, FederatedIdentity{Provider: "kau", Subject: "clash"})
	if err != nil || u.Username != federatedUsername("kau", "clash", 16) || u.DisplayName != DefaultClientName {
		t.Errorf("after a clash: %q %q, %v", u.Username, u.DisplayName, err)
	}
}

// discoveryDoc serves a minimal discovery document for the test server.
func discoveryDoc(w http.ResponseWriter, r *http.Request, issuer string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"issuer": issuer, "authorization_endpoint": issuer + "/auth", "token_endpoint": issuer + "/token",
		"jwks_uri": issuer + "/keys", "userinfo_endpoint": issuer + "/userinfo",
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func TestDiscoveryIsLazyAndRetried(t *testing.T) {
	var up atomic.Bool
	var calls atomic.Int32
	var issuer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !up.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		discoveryDoc(w, r, issuer)
	}))
	defer srv.Close()
	issuer = srv.URL

	f := newFederation(OIDCConfig{Issuer: issuer, ClientID: "asp", RedirectURL: "http://localhost/cb"}.withDefaults(), nil)
	if calls.Load() != 0 {
		t.Fatal("discovery before first use")
	}
	if _, err := f.provider(); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("provider down: %v", err)
	}
	up.Store(true)
	p, err := f.provider()
	if err != nil || p.oauth.Endpoint.TokenURL != issuer+"/token" {
		t.Fatalf("after the provider came back: %v", err)
	}
	before := calls.Load()
	if again, _ := f.provider(); again != p || calls.Load() != before {
		t.Error("discovery repeated after it succeeded")
	}
}

func TestDiscoveryOfAHangingProviderIsShared(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-release
		http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
	}))
	defer srv.Close()
	f := newFederation(OIDCConfig{Issuer: srv.URL, ClientID: "asp", RedirectURL: "http://localhost/cb"}.withDefaults(), nil)
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := f.provider(); err == nil {
				t.Error("discovery of a failing provider succeeded")
			}
		})
	}
	// Let every caller queue up behind the first attempt, then end it.
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := calls.Load(); n > 2 {
		t.Errorf("%d discovery requests for 5 simultaneous logins", n)
	}
}

func TestLoginPageShowsTheOIDCButtonOnlyWhenRegistered(t *testing.T) {
	s := newTestService(t)
	cat, err := web.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rend, err := web.NewRenderer(cat, log)
	if err != nil {
		t.Fatal(err)
	}
	rt := &web.Router{Mux: http.NewServeMux(), Renderer: rend}
	h := &Web{Auth: &Authenticator{Service: s}, Render: rend}
	if err := h.Register(rt, cat); err != nil {
		t.Fatal(err)
	}
	srv := web.Outer(rt.Mux, log, web.NewMetrics(prometheus.NewRegistry()), rend)
	loginPage := func() string {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/login?next=/ugyek", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("login page: %d", rec.Code)
		}
		return rec.Body.String()
	}
	if strings.Contains(loginPage(), "/login/oidc") {
		t.Error("button shown before RegisterOIDC")
	}
	if err := h.RegisterOIDC(rt, OIDCConfig{Issuer: "https://kau.example", ClientID: "asp", RedirectURL: "https://asp.example/login/oidc/callback"}); err != nil {
		t.Fatal(err)
	}
	body := loginPage()
	if !strings.Contains(body, `href="/login/oidc?next=/ugyek"`) && !strings.Contains(body, `href="/login/oidc?next=%2fugyek"`) || !strings.Contains(body, "Belépés központi azonosítással") {
		t.Errorf("no OIDC button after RegisterOIDC:\n%s", body)
	}
	// A bad configuration stops the start-up instead of the first login.
	if err := (&Web{Auth: h.Auth, Render: rend}).RegisterOIDC(rt, OIDCConfig{Issuer: "https://kau.example"}); err == nil {
		t.Error("RegisterOIDC accepted a configuration without client ID")
	}
}
