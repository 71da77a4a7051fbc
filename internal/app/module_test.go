package app

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/shell"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// A module as small as a module can be, shaped as the real ones are: a
// tenant table, a permission, a clerk role, a menu entry and two pages.
// It proves the plumbing every module relies on.

//go:embed testdata/notesmodule
var notesFiles embed.FS

type noteRow struct {
	bun.BaseModel `bun:"table:notes_notes"`
	db.TenantScoped
	ID    string `bun:"id,pk"`
	Title string `bun:"title"`
}

const notesRead access.Permission = "notes.notes.read"

func notesModule() module.Module {
	sub := func(dir string) fs.FS {
		f, err := fs.Sub(notesFiles, path.Join("testdata/notesmodule", dir))
		if err != nil {
			panic(err)
		}
		return f
	}
	root := sub(".")
	return module.Module{
		Name: "notes", Code: "NOTES", Title: "notes.title",
		Migrations: sub("migrations"), Catalog: root, Templates: root,
		Permissions: []access.Permission{notesRead},
		Roles:       []access.Role{{Name: "notes_clerk", Scope: access.TenantScope, Label: "role.notes_clerk", Permissions: []access.Permission{notesRead}}},
		Menu:        []shell.MenuEntry{{Label: "notes.title", Href: "/notes", Permission: notesRead, Module: "notes"}},
		Routes: func(rt *web.Router, d module.Deps) error {
			guard := []web.Middleware{d.Tenant, identity.Require(notesRead)}
			rt.Handle("GET /notes", func(w http.ResponseWriter, r *http.Request) error {
				var rows []noteRow
				err := d.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
					return tx.NewSelect().Model(&rows).OrderExpr("id").Scan(ctx)
				})
				if err != nil {
					return err
				}
				return d.Render.Page(w, r, "notes/list", "notes.title", rows)
			}, guard...)
			rt.Handle("GET /notes/{note}", func(w http.ResponseWriter, r *http.Request) error {
				var row noteRow
				err := d.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
					return tx.NewSelect().Model(&row).Where("id = ?", r.PathValue("note")).Scan(ctx)
				})
				if errors.Is(err, sql.ErrNoRows) {
					return web.NotFound()
				}
				if err != nil {
					return err
				}
				return d.Render.Page(w, r, "notes/note", "notes.title", row)
			}, guard...)
			return nil
		},
		SeparationRoutes: []separation.Route{{Pattern: "GET /notes/{note}"}},
	}
}

func TestAModulePlugsIn(t *testing.T) {
	mods := []module.Module{notesModule()}
	d := dbtest.Open(t, (&App{Modules: mods}).migrations()...)
	a := &App{Cfg: Config{Addr: "127.0.0.1:0"}, Log: newLogger("text", testLog{t}), DB: d,
		PasswordParams: identity.InsecureTestPasswordParams(), Modules: mods}
	if err := a.init(); err != nil {
		t.Fatal(err)
	}
	ctx := cliContext(context.Background())
	if err := a.EnsureTenants(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	for tenant, title := range map[db.TenantID]string{"11730": "Orfűi jegyzet", "17376": "Abai titok"} {
		err := a.DB.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&noteRow{ID: "n-" + string(tenant), Title: title}).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	srv := newServer(t, a)

	// The operating centre enables the module for Orfű and for Aba.
	op := newBrowser(t, srv)
	o := demoLogin(t, "uzemelteto")
	op.login(o.Username, o.Password, o.TOTPSecret)
	for _, tenant := range []string{"11730", "17376"} {
		if p := op.post("/admin/tenants/"+tenant+"/settings", url.Values{"connection_mode": {"system"}, "phase": {"live"}, "modules": {"notes"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("enable notes for %s: %d", tenant, p.Status)
		}
	}
	// The demo enables every module for its municipalities; take notes
	// away from Abaliget.
	if p := op.post("/admin/tenants/12548/settings", url.Values{"connection_mode": {"system"}, "phase": {"live"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("disable notes for Abaliget: %d", p.Status)
	}
	if p := op.get("/notes"); p.Status != http.StatusForbidden {
		t.Errorf("the operator opened a module's page: %d", p.Status)
	}

	// Orfű's key user gives the clerk the module's role.
	clerk, _ := a.Identity.Users.ByUsername(ctx, "ugyintezo")
	kb := newBrowser(t, srv)
	k := demoLogin(t, "kulcs.orfu")
	kb.login(k.Username, k.Password, k.TOTPSecret)
	if p := kb.post("/users/"+clerk.ID.String()+"/grants", url.Values{"role": {"notes_clerk"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("grant notes_clerk: %d", p.Status)
	}

	cb := newBrowser(t, srv)
	c := demoLogin(t, "ugyintezo")
	cb.login(c.Username, c.Password, "")
	cb.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	home := cb.get("/")
	if !strings.Contains(home.Body, `href="/notes"`) || !strings.Contains(home.Body, "Jegyzetek") {
		t.Errorf("the menu lacks the module the clerk may use")
	}
	list := cb.get("/notes")
	if list.Status != 200 || !strings.Contains(list.Body, "Orfűi jegyzet") || strings.Contains(list.Body, "Abai titok") {
		t.Fatalf("notes of Orfű: %d", list.Status)
	}
	// Abaliget has not enabled the module: no menu entry, no page.
	cb.post("/tenants/switch", url.Values{"tenant": {"12548"}})
	if p := cb.get("/"); strings.Contains(p.Body, `href="/notes"`) {
		t.Error("the menu shows a module the tenant has not enabled")
	}
	if p := cb.get("/notes"); p.Status != http.StatusNotFound {
		t.Errorf("module page on a tenant without it: %d", p.Status)
	}
	cb.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	// The harness: Orfű's clerk with Aba's note id.
	separation.Check(t, separation.Case{
		BaseURL:    srv.URL,
		Actors:     []separation.Actor{{Name: "notes clerk of Orfű", Client: cb.c}},
		IDsOfB:     map[string]string{"note": "n-17376"},
		SecretsOfB: []string{"Abai titok"},
		Routes:     mods[0].SeparationRoutes,
	})
	if p := cb.get("/notes/n-11730"); p.Status != 200 || !strings.Contains(p.Body, "Orfűi jegyzet") {
		t.Errorf("own note: %d", p.Status)
	}
}
