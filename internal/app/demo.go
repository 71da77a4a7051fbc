package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/records"
)

// DemoLogin is one demo account, printed at start-up.
type DemoLogin struct {
	Username, Password, TOTPSecret, Who string
}

// The demo lives in the joint office seated in Orfű (Baranya), which
// serves Orfű, Abaliget, Husztót, Kovácsszénája and Kővágótöttös.
const (
	demoOffice             = "h11730"
	demoOrfu   db.TenantID = "11730"
	demoAbal   db.TenantID = "12548"
	demoHuszt  db.TenantID = "31431"
)

// demoUsers are fixed so the README can name them; they are for a laptop
// only (serve --demo), never for a real deployment.
var demoUsers = []struct {
	login    DemoLogin
	kind     identity.Kind
	office   string
	grants   map[db.TenantID][]string
	operator []string
	totp     bool
	totpSeed string
}{
	{login: DemoLogin{Username: "ugyintezo", Password: "Tavaszi-Szel-2026", Who: "clerk of the Orfű joint office: registry clerk and case officer of Orfű and Abaliget, contact of Husztót"},
		kind: identity.Staff, office: demoOffice,
		grants: map[db.TenantID][]string{demoOrfu: {access.RoleLocalIT, "records_clerk", "records_officer", "tax_clerk"}, demoAbal: {access.RoleLocalIT, "records_clerk", "records_officer", "tax_clerk"}, demoHuszt: {access.RoleContactPerson}}},
	{login: DemoLogin{Username: "kulcs.orfu", Password: "Mecsek-Hegy-2026", Who: "key user and head of records of Orfű (two-step sign-in)"},
		kind: identity.Staff, office: demoOffice, totp: true, totpSeed: "JBSWY3DPEHPK3PXPORFUDEMOKULCS234",
		grants: map[db.TenantID][]string{demoOrfu: {access.RoleKeyUser, "records_manager", "records_signer", "tax_decrees_manager", "finance_manager"}}},
	{login: DemoLogin{Username: "uzemelteto", Password: "Kozpont-Demo-2026", Who: "operating-centre administrator (two-step sign-in)"},
		kind: identity.Operator, totp: true, totpSeed: "JBSWY3DPEHPK3PXPUZEMELTETODEMO23",
		operator: []string{access.RoleOperatorAdmin}},
}

// SeedDemo creates the demo users (idempotent) and returns their logins.
// The demo municipalities are put in the live phase so they look used.
func (a *App) SeedDemo(ctx context.Context) ([]DemoLogin, error) {
	var out []DemoLogin
	err := a.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, t := range []db.TenantID{demoOrfu, demoAbal, demoHuszt} {
			if err := a.Tenants.UpdateSettings(ctx, tx, t, tenancy.Settings{ConnectionMode: tenancy.System, Phase: tenancy.Live}, a.Now().UTC()); err != nil {
				return err
			}
			if err := a.Tenants.SetModules(ctx, tx, t, a.moduleNames(), a.Now().UTC()); err != nil {
				return err
			}
		}
		for _, d := range demoUsers {
			login := d.login
			if d.totp {
				login.TOTPSecret = d.totpSeed
			}
			out = append(out, login)
			if _, err := a.Identity.Users.ByUsername(ctx, d.login.Username); err == nil {
				continue
			} else if !errors.Is(err, identity.ErrUserNotFound) {
				return err
			}
			u, err := a.Identity.Create(ctx, tx, identity.NewUser{Username: d.login.Username, DisplayName: displayName(d.login.Username),
				Kind: d.kind, OfficeID: d.office, Password: d.login.Password})
			if err != nil {
				return fmt.Errorf("demo user %s: %w", d.login.Username, err)
			}
			if d.totp {
				u.TOTPSecret, u.TOTPEnabled = d.totpSeed, true
				if err := a.Identity.Users.Update(ctx, tx, &u, "totp_secret", "totp_enabled"); err != nil {
					return err
				}
			}
			for t, roles := range d.grants {
				for _, r := range roles {
					if err := a.Grants.Add(ctx, tx, access.Grant{TenantID: t, UserID: u.ID, Role: r, GrantedBy: "demo", GrantedAt: a.Now().UTC()}); err != nil {
						return err
					}
				}
			}
			for _, r := range d.operator {
				if err := a.Grants.AddOperatorRole(ctx, tx, access.OperatorRole{UserID: u.ID, Role: r, GrantedBy: "demo", GrantedAt: a.Now().UTC()}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The grants above are changes to municipal access: each tenant's
	// chain records that the demo seeding made them. Each demo
	// municipality gets a general registration book for this year.
	year := hu.DateOf(a.Now()).Year
	for _, t := range []db.TenantID{demoOrfu, demoAbal, demoHuszt} {
		if err := a.Audit.Record(ctx, t, audit.Event{ActorName: "asp serve --demo", Action: "demo.seed", ObjectType: "tenant", ObjectID: string(t), Result: audit.ResultOK}); err != nil {
			return nil, err
		}
		if !slices.Contains(a.moduleNames(), "records") {
			continue
		}
		err := a.DB.InTenant(audit.WithActor(ctx, audit.Actor{Name: "asp serve --demo"}), t, func(ctx context.Context, tx bun.Tx) error {
			var n int
			if err := tx.NewRaw("SELECT count(*) FROM records_books WHERE tenant_id = ? AND year = ?", t, year).Scan(ctx, &n); err != nil || n > 0 {
				return err
			}
			_, err := (&records.Service{Now: a.Now}).OpenBook(ctx, tx, "KOZ", "Általános iktatókönyv", "", year)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if err := a.seedFinanceDemo(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

func displayName(username string) string {
	switch username {
	case "ugyintezo":
		return "Kovács Anna"
	case "kulcs.orfu":
		return "Szabó Péter"
	default:
		return "Nagy Eszter"
	}
}

func printDemoLogins(out io.Writer, logins []DemoLogin) {
	if len(logins) == 0 {
		return
	}
	fmt.Fprintln(out, "Demo belépések / demo logins (csak kipróbálásra / for trying it out only):")
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  USER\tPASSWORD\tTOTP SECRET\tWHO")
	for _, l := range logins {
		secret := "-"
		if l.TOTPSecret != "" {
			secret = l.TOTPSecret
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", l.Username, l.Password, secret, l.Who)
	}
	w.Flush()
	fmt.Fprintln(out, "  (TOTP: add the secret to an authenticator app, or: oathtool --totp -b SECRET)")
}

// moduleNames lists the names of the modules this build serves.
func (a *App) moduleNames() []string {
	names := make([]string, len(a.Modules))
	for i, m := range a.Modules {
		names[i] = m.Name
	}
	return names
}
