package app

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/admin"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/separation"
)

// separationRoutes collects every module's harness list. A module adds
// its SeparationRoutes here when it arrives.
func separationRoutes(a *App) []separation.Route {
	routes := slices.Concat(admin.SeparationRoutes, identity.SeparationRoutes)
	for _, m := range a.Modules {
		routes = append(routes, m.SeparationRoutes...)
	}
	return routes
}

// tenantB sets up Aba (17376), a municipality with its own office, with a
// key user whose name is the secret the harness looks for.
func tenantB(t *testing.T, a *App) identity.User {
	t.Helper()
	ctx := cliContext(context.Background())
	var u identity.User
	err := a.DB.InTenant(ctx, "17376", func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, err = a.Identity.Create(ctx, tx, identity.NewUser{Username: "titkos.bela", DisplayName: "Titkos Béla",
			Email: "titkos.bela@aba.example", Kind: identity.Staff, OfficeID: "h17376", Password: "Aba-Titkos-Jelszo-1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.accessService().Grant(ctx, nil, access.GrantRequest{Tenant: "17376", User: u.ID, Role: access.RoleKeyUser}); err != nil {
		t.Fatal(err)
	}
	err = a.DB.InTenant(ctx, "17376", func(ctx context.Context, tx bun.Tx) error {
		_, tok, err := a.Identity.CreateToken(ctx, tx, u.ID, "17376", "Titkos Béla tokenje", 0)
		tokenOfB = tok.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// tokenOfB is the id of a token tenant B's key user holds.
var tokenOfB string

func TestTenantSeparationHarness(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	b := tenantB(t, a)
	entityOfB, journalOfB := financeOfB(t, a)
	commitmentOfB, performanceOfB := spendingOfB(t, a)
	deskOfB, voucherOfB := cashDeskOfB(t, a)
	invoiceOfB, bankEntryOfB := outgoingOfB(t, a)

	// Tenant A's people: Orfű's key user, the joint-office clerk (acting
	// for Abaliget), and a token of the clerk for Orfű.
	ku := demoLogin(t, "kulcs.orfu")
	keyUser := newBrowser(t, srv)
	keyUser.login(ku.Username, ku.Password, ku.TOTPSecret)
	clerkL := demoLogin(t, "ugyintezo")
	clerk := newBrowser(t, srv)
	clerk.login(clerkL.Username, clerkL.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"12548"}})
	clerkUser, _ := a.Identity.Users.ByUsername(context.Background(), clerkL.Username)
	var token string
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		var err error
		token, _, err = a.Identity.CreateToken(ctx, tx, clerkUser.ID, "11730", "harness", 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	separation.Check(t, separation.Case{
		BaseURL: srv.URL,
		Actors: []separation.Actor{
			{Name: "key user of Orfű", Client: keyUser.c},
			{Name: "clerk for Abaliget", Client: clerk.c},
			{Name: "token for Orfű", Client: separation.NewClient(), Token: token},
		},
		IDsOfB: map[string]string{
			"id":          b.ID.String(),
			"aid":         b.ID.String(),
			"task":        b.ID.String(),
			"draft":       b.ID.String(),
			"review":      b.ID.String(),
			"dispatch":    b.ID.String(),
			"case":        b.ID.String(),
			"taxpayer":    b.ID.String(),
			"reminder":    b.ID.String(),
			"posting":     b.ID.String(),
			"entry":       b.ID.String(),
			"decree":      b.ID.String(),
			"declaration": b.ID.String(),
			"valuecert":   b.ID.String(),
			"object":      b.ID.String(),
			"decision":    b.ID.String(),
			"run":         b.ID.String(),
			"ksh":         "17376",
			"role":        access.RoleKeyUser,
			"token":       tokenOfB,
			"office":      "h17376",
			"entity":      entityOfB,
			"journal":     journalOfB,
			"commitment":  commitmentOfB,
			"performance": performanceOfB,
			"designation": designationOfB(t, a, entityOfB),
			"desk":        deskOfB,
			"voucher":     voucherOfB,
			"outgoing":    invoiceOfB,
			"bankentry":   bankEntryOfB,
			"asset":       assetOfB(t, a, entityOfB),
		},
		// Not the identifiers themselves: A sent them, and an error page may
		// echo the path it was asked for.
		SecretsOfB: []string{"Titkos Béla", "titkos.bela@aba.example"},
		Routes:     separationRoutes(a),
	})

	// Nothing the harness sent changed tenant B.
	grants, err := a.Grants.UserGrants(context.Background(), b.ID)
	if err != nil || len(grants) != 1 || grants[0].Role != access.RoleKeyUser {
		t.Errorf("tenant B's grants after the harness: %+v, %v", grants, err)
	}
	aba, _ := a.Tenants.Get(context.Background(), "17376")
	if aba.ConnectionMode != "system" || aba.Phase != "preparation" {
		t.Errorf("tenant B's settings changed: %+v", aba)
	}
}

// TestEveryRouteWithIdentifiersIsInTheHarness keeps the harness honest: a
// new route that takes an identifier must be added to a module's
// SeparationRoutes, or this test fails.
func TestEveryRouteWithIdentifiersIsInTheHarness(t *testing.T) {
	a := testApp(t)
	if _, err := a.Handler(); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, r := range separationRoutes(a) {
		listed[r.Pattern] = true
	}
	// Routes whose parameter is not another tenant's object.
	exempt := map[string]string{}
	n := 0
	for _, p := range a.patterns {
		if !separation.Parameterised(p) {
			continue
		}
		n++
		if !listed[p] && exempt[p] == "" {
			t.Errorf("route %q takes an identifier but is not in any SeparationRoutes list", p)
		}
	}
	if n < len(separationRoutes(a)) {
		t.Errorf("only %d parameterised routes registered; the router's pattern list is incomplete", n)
	}
	for p := range listed {
		if !slices.Contains(a.patterns, p) && !strings.HasPrefix(p, "#") {
			t.Errorf("harness lists %q, which is not registered", p)
		}
	}
}
