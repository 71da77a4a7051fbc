package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/uptrace/bun"
)

func TestJointOfficeClerkSeesOnlyHerMunicipalities(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	b := newBrowser(t, srv)
	clerk := demoLogin(t, "ugyintezo")

	if p := b.get("/"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
		t.Fatalf("anonymous home = %d %s", p.Status, p.Location)
	}
	p := b.login(clerk.Username, clerk.Password, "")
	if p.Location != "/tenants/switch" {
		t.Fatalf("a clerk of three municipalities goes to the switcher, got %s", p.Location)
	}
	sw := b.get("/tenants/switch")
	for _, want := range []string{"Orfű", "Abaliget", "Husztót"} {
		if !strings.Contains(sw.Body, want) {
			t.Errorf("switcher lacks %s", want)
		}
	}
	if strings.Contains(sw.Body, "Kovácsszénája") {
		t.Error("switcher lists a member of the office she holds no grant on")
	}
	// A tenant she has no grant on does not exist for her.
	if p := b.post("/tenants/switch", url.Values{"tenant": {"17376"}}); p.Status != http.StatusNotFound {
		t.Errorf("switch to a foreign tenant = %d", p.Status)
	}
	if p := b.post("/tenants/switch", url.Values{"tenant": {"12548"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("switch = %d", p.Status)
	}
	home := b.get("/")
	if home.Status != 200 || !strings.Contains(home.Body, `data-testid="current-tenant">Abaliget<`) {
		t.Fatalf("home after switch: %d", home.Status)
	}
	// local_it may read users but the menu has no audit log or tenants.
	if !strings.Contains(home.Body, `href="/users"`) || strings.Contains(home.Body, `href="/audit"`) || strings.Contains(home.Body, `href="/admin/tenants"`) {
		t.Errorf("menu does not follow the roles:\n%s", home.Body)
	}
	// The switch is in Abaliget's audit chain.
	var entries []audit.Entry
	err := a.DB.InTenantRead(context.Background(), "12548", func(ctx context.Context, tx bun.Tx) error {
		var err error
		entries, err = audit.List(ctx, tx, "12548", audit.Filter{Action: "tenant.switch"})
		return err
	})
	if err != nil || len(entries) != 1 || entries[0].ActorName != clerk.Username {
		t.Errorf("switch audit = %+v, %v", entries, err)
	}
}

func TestLoginFailuresAreClearAndLogged(t *testing.T) {
	a := demoApp(t)
	b := newBrowser(t, newServer(t, a))
	p := b.post("/login", url.Values{"username": {"ugyintezo"}, "password": {"wrong-password-1"}})
	if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "Hibás felhasználónév vagy jelszó.") {
		t.Fatalf("wrong password: %d", p.Status)
	}
	p = b.post("/login", url.Values{"username": {"nincs.ilyen"}, "password": {"whatever-123456"}})
	if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "Hibás felhasználónév vagy jelszó.") {
		t.Fatalf("unknown user: %d", p.Status)
	}
	b.lang = "en"
	p = b.post("/login", url.Values{"username": {""}, "password": {""}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Enter your username and password.") {
		t.Fatalf("empty form: %d", p.Status)
	}
	// After five failures the account is throttled, with a clear message.
	for range 4 {
		b.post("/login", url.Values{"username": {"ugyintezo"}, "password": {"wrong-password-1"}})
	}
	p = b.post("/login", url.Values{"username": {"ugyintezo"}, "password": {"Tavaszi-Szel-2026"}})
	if p.Status != http.StatusTooManyRequests || !strings.Contains(p.Body, "Too many failed sign-in attempts") || p.Header.Get("Retry-After") == "" {
		t.Fatalf("throttled login: %d %s", p.Status, p.Header.Get("Retry-After"))
	}
	var failed []audit.Entry
	err := a.DB.InTenantRead(context.Background(), db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		var err error
		failed, err = audit.List(ctx, tx, db.OperatingCentre, audit.Filter{Action: "user.login"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var nFailed, nDenied int
	for _, e := range failed {
		switch e.Result {
		case audit.ResultFailed:
			nFailed++
		case audit.ResultDenied:
			nDenied++
		}
	}
	if nFailed != 6 || nDenied != 1 {
		t.Errorf("audit: %d failed, %d denied logins; want 6 and 1", nFailed, nDenied)
	}
}

func TestKeyUserMustUseSecondFactor(t *testing.T) {
	a := demoApp(t)
	b := newBrowser(t, newServer(t, a))
	ku := demoLogin(t, "kulcs.orfu")
	p := b.post("/login", url.Values{"username": {ku.Username}, "password": {ku.Password}})
	if !strings.HasPrefix(p.Location, "/login/totp") {
		t.Fatalf("key user after password: %s", p.Location)
	}
	// Half-logged-in is not logged in.
	if p := b.get("/account"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
		t.Errorf("account before the second factor = %d %s", p.Status, p.Location)
	}
	if p := b.post("/login/totp", url.Values{"code": {"000000"}}); p.Status != http.StatusUnauthorized {
		t.Errorf("wrong code = %d", p.Status)
	}
	b2 := newBrowser(t, b.srv)
	if p := b2.login(ku.Username, ku.Password, ku.TOTPSecret); p.Location != "/" {
		t.Fatalf("key user of one tenant lands on %s", p.Location)
	}
	if p := b2.get("/"); p.Status != 200 || !strings.Contains(p.Body, `href="/audit"`) {
		t.Errorf("key user menu lacks the audit log")
	}
}

func TestLogoutEverywhereEndsOtherSessions(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	clerk := demoLogin(t, "ugyintezo")
	b1, b2 := newBrowser(t, srv), newBrowser(t, srv)
	b1.login(clerk.Username, clerk.Password, "")
	b2.login(clerk.Username, clerk.Password, "")
	if p := b2.get("/account"); p.Status != 200 {
		t.Fatalf("second session: %d %s", p.Status, p.Body)
	}
	if p := b1.post("/account/logout-everywhere", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("logout everywhere = %d", p.Status)
	}
	if p := b2.get("/account"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
		t.Errorf("the other session survived logout everywhere: %d %s", p.Status, p.Location)
	}
}

func TestSessionTokenChangesAtLogin(t *testing.T) {
	a := demoApp(t)
	b := newBrowser(t, newServer(t, a))
	// An attacker plants a session token; login must not keep it.
	u, _ := url.Parse(b.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "asp_session", Value: "planted-token-0123456789abcdefghijklmn"}})
	p := b.post("/login", url.Values{"username": {"ugyintezo"}, "password": {"Tavaszi-Szel-2026"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("login = %d", p.Status)
	}
	set := p.Header.Get("Set-Cookie")
	if !strings.Contains(set, "asp_session=") || strings.Contains(set, "planted-token") || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") {
		t.Errorf("login cookie = %q", set)
	}
}

func TestIdleSessionEnds(t *testing.T) {
	a := demoApp(t)
	now := time.Now()
	a.Identity.Now = func() time.Time { return now }
	b := newBrowser(t, newServer(t, a))
	c := demoLogin(t, "ugyintezo")
	b.login(c.Username, c.Password, "")
	now = now.Add(25 * time.Minute)
	if p := b.get("/account"); p.Status != 200 {
		t.Fatalf("after 25 idle minutes: %d", p.Status)
	}
	// That request counted as activity: 25 more minutes are fine too.
	now = now.Add(25 * time.Minute)
	if p := b.get("/account"); p.Status != 200 {
		t.Fatalf("25 minutes after the last request: %d", p.Status)
	}
	now = now.Add(31 * time.Minute)
	if p := b.get("/account"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
		t.Errorf("after 31 idle minutes: %d %s", p.Status, p.Location)
	}
}
