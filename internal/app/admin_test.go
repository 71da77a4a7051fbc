package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/access"
)

var tempPassword = regexp.MustCompile(`data-testid="temporary-password">([^<]+)<`)

func TestKeyUserManagesHerMunicipalitysUsers(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	ku := demoLogin(t, "kulcs.orfu")
	b := newBrowser(t, srv)
	b.login(ku.Username, ku.Password, ku.TOTPSecret)

	list := b.get("/users")
	if list.Status != 200 || !strings.Contains(list.Body, "Kovács Anna") {
		t.Fatalf("users page: %d", list.Status)
	}
	// A bad form is refused with messages at the fields, nothing created.
	p := b.post("/users", url.Values{"username": {"X"}, "display_name": {""}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Adja meg a nevet.") {
		t.Fatalf("bad new user: %d", p.Status)
	}
	p = b.post("/users", url.Values{"username": {"nagy.gabor"}, "display_name": {"Nagy Gábor"}, "email": {"nagy.gabor@orfu.example"}})
	m := tempPassword.FindStringSubmatch(p.Body)
	if p.Status != http.StatusCreated || m == nil {
		t.Fatalf("create user: %d", p.Status)
	}
	u, err := a.Identity.Users.ByUsername(context.Background(), "nagy.gabor")
	if err != nil || u.OfficeID != "h11730" || !u.MustChangePassword {
		t.Fatalf("created user = %+v, %v", u, err)
	}
	// A key user gives clerk-level roles, not the operating model's.
	p = b.post("/users/"+u.ID.String()+"/grants", url.Values{"role": {access.RoleKeyUser}})
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "csak az üzemeltetés adhatja") {
		t.Errorf("key user granted key_user: %d", p.Status)
	}
	p = b.post("/users/"+u.ID.String()+"/grants", url.Values{"role": {access.RoleLocalIT}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("grant local_it: %d %s", p.Status, p.Body)
	}
	if page := b.get(p.Location); !strings.Contains(page.Body, "Helyi informatikai üzemeltető") || !strings.Contains(page.Body, "A szerepkört megadtuk.") {
		t.Errorf("user page after grant lacks the role")
	}
	p = b.post("/users/"+u.ID.String()+"/grants/"+access.RoleLocalIT+"/revoke", nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	gs, _ := a.Grants.UserGrants(context.Background(), u.ID)
	if len(gs) != 0 {
		t.Errorf("grants after revoke: %+v", gs)
	}
	// The new user can log in with the temporary password.
	nb := newBrowser(t, srv)
	if p := nb.post("/login", url.Values{"username": {"nagy.gabor"}, "password": {strings.TrimSpace(m[1])}}); p.Status != http.StatusSeeOther {
		t.Errorf("login with the temporary password: %d", p.Status)
	}
	// Reset the password: a new one, and the old session ends.
	p = b.post("/users/"+u.ID.String()+"/reset-password", nil)
	if p.Status != 200 || tempPassword.FindStringSubmatch(p.Body) == nil {
		t.Fatalf("reset: %d", p.Status)
	}
	if p := nb.get("/account"); p.Status != http.StatusSeeOther {
		t.Errorf("session survived the reset: %d", p.Status)
	}
	// Everything is in Orfű's audit chain.
	audit := b.get("/audit")
	for _, action := range []string{"user.create", "grant.create", "grant.revoke", "user.reset_password"} {
		if !strings.Contains(audit.Body, action) {
			t.Errorf("audit page lacks %s", action)
		}
	}
}

func TestOperatorManagesTenantsButNotMunicipalData(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	op := demoLogin(t, "uzemelteto")
	b := newBrowser(t, srv)
	b.login(op.Username, op.Password, op.TOTPSecret)

	list := b.get("/admin/tenants?q=abal")
	if list.Status != 200 || !strings.Contains(list.Body, "Abaliget") {
		t.Fatalf("tenant search: %d", list.Status)
	}
	if p := b.get("/admin/tenants?phase=nonsense"); p.Status != http.StatusBadRequest {
		t.Errorf("bad phase filter: %d", p.Status)
	}
	p := b.post("/admin/tenants/17376/settings", url.Values{"connection_mode": {"interface"}, "phase": {"connection"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", p.Status, p.Body)
	}
	aba, _ := a.Tenants.Get(context.Background(), "17376")
	if aba.ConnectionMode != "interface" || aba.Phase != "connection" {
		t.Errorf("settings not saved: %+v", aba)
	}
	p = b.post("/admin/tenants/17376/key-users", url.Values{"username": {"kulcs.aba"}, "display_name": {"Aba Kulcs"}})
	if p.Status != http.StatusCreated || tempPassword.FindStringSubmatch(p.Body) == nil {
		t.Fatalf("create key user: %d", p.Status)
	}
	ku, _ := a.Identity.Users.ByUsername(context.Background(), "kulcs.aba")
	grants, _ := a.Grants.GrantMap(context.Background(), ku.ID)
	if len(grants) != 1 || grants["17376"][0] != access.RoleKeyUser {
		t.Errorf("key user grants = %v", grants)
	}
	// The operator has no municipality: tenant pages are closed to her.
	for _, path := range []string{"/users", "/audit"} {
		if p := b.get(path); p.Status != http.StatusForbidden {
			t.Errorf("operator GET %s = %d, want 403", path, p.Status)
		}
	}
	// The operator gives no clerk roles.
	p = b.post("/admin/tenants/17376/roles", url.Values{"username": {"kulcs.aba"}, "role": {access.RoleLocalIT}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Errorf("operator granted a clerk role: %d", p.Status)
	}
	// Offices: rename one, move a municipality to another office.
	if p := b.get("/admin/offices/h11730"); p.Status != 200 || !strings.Contains(p.Body, "Abaliget") || !strings.Contains(p.Body, "Kovács Anna") {
		t.Errorf("office page: %d", p.Status)
	}
	if p := b.post("/admin/offices/h11730", url.Values{"name": {"Orfűi Közös Önkormányzati Hivatal"}}); p.Status != http.StatusSeeOther {
		t.Errorf("rename office: %d", p.Status)
	}
	if o, _ := a.Tenants.Office(context.Background(), "h11730"); o.Name != "Orfűi Közös Önkormányzati Hivatal" {
		t.Errorf("office name = %q", o.Name)
	}
	if p := b.post("/admin/tenants/14517/office", url.Values{"office": {"h99999"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("move to an unknown office: %d", p.Status)
	}
	if p := b.post("/admin/tenants/14517/office", url.Values{"office": {"h17376"}}); p.Status != http.StatusSeeOther {
		t.Errorf("move tenant: %d", p.Status)
	}
	if k, _ := a.Tenants.Get(context.Background(), "14517"); k.OfficeID != "h17376" {
		t.Errorf("Kovácsszénája's office = %s", k.OfficeID)
	}
	if p := b.get("/admin/audit"); p.Status != 200 || !strings.Contains(p.Body, "tenant.update") || !strings.Contains(p.Body, "office.rename") {
		t.Errorf("centre audit page: %d", p.Status)
	}
}

func TestClerkCannotReachAdministration(t *testing.T) {
	a := demoApp(t)
	b := newBrowser(t, newServer(t, a))
	c := demoLogin(t, "ugyintezo")
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	for path, want := range map[string]int{
		"/users":               200, // local IT may read the users
		"/users/new":           403,
		"/audit":               403,
		"/admin/tenants":       403,
		"/admin/audit":         403,
		"/admin/tenants/11730": 403,
	} {
		if p := b.get(path); p.Status != want {
			t.Errorf("clerk GET %s = %d, want %d", path, p.Status, want)
		}
	}
}

func TestTemporaryPasswordMustBeChanged(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	ku := demoLogin(t, "kulcs.orfu")
	admin := newBrowser(t, srv)
	admin.login(ku.Username, ku.Password, ku.TOTPSecret)
	p := admin.post("/users", url.Values{"username": {"uj.kolléga"}, "display_name": {"Új Kolléga"}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a username with an accent was accepted: %d", p.Status)
	}
	p = admin.post("/users", url.Values{"username": {"uj.kollega"}, "display_name": {"Új Kolléga"}})
	temp := strings.TrimSpace(tempPassword.FindStringSubmatch(p.Body)[1])

	b := newBrowser(t, srv)
	b.login("uj.kollega", temp, "")
	if p := b.get("/"); p.Status != http.StatusSeeOther || p.Location != "/account" {
		t.Fatalf("with a temporary password / = %d %s, want the account page", p.Status, p.Location)
	}
	if p := b.get("/account"); !strings.Contains(p.Body, `data-testid="must-change"`) {
		t.Error("the account page does not say why")
	}
	if p := b.post("/account/password", url.Values{"current": {temp}, "password": {temp}, "password_again": {temp}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("keeping the temporary password: %d", p.Status)
	}
	np := "Sajat-Uj-Jelszo-2026"
	if p := b.post("/account/password", url.Values{"current": {temp}, "password": {np}, "password_again": {np}}); p.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", p.Status, p.Body)
	}
	if p := b.get("/"); p.Status != 200 {
		t.Errorf("after the change / = %d", p.Status)
	}
	u, _ := a.Identity.Users.ByUsername(context.Background(), "uj.kollega")
	if u.MustChangePassword {
		t.Error("must_change_password still set")
	}
}
