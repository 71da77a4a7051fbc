package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/admin"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/shell"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// menu is the platform's part of the menu; modules add theirs.
var menu = []shell.MenuEntry{
	{Label: "menu.dashboard", Href: "/"},
	{Label: "menu.users", Href: "/users", Permission: access.UsersRead},
	{Label: "menu.audit", Href: "/audit", Permission: access.AuditRead},
	{Label: "menu.tenants", Href: "/admin/tenants", Permission: access.TenantsRead},
	{Label: "menu.centre_audit", Href: "/admin/audit", Permission: access.CentreAudit},
	{Label: "menu.account", Href: "/account"},
}

// routes registers the pages and API of the platform and of every module,
// and returns the authenticator that must wrap them.
func (a *App) routes(rt *web.Router, cat *web.Catalog, rend *web.Renderer) (*identity.Authenticator, error) {
	if err := cat.Load(access.Catalog, "i18n"); err != nil {
		return nil, err
	}
	secure := strings.HasPrefix(a.Cfg.BaseURL, "https://")
	authn := &identity.Authenticator{
		Sessions: identity.NewSessionManager(a.DB, secure),
		Service:  a.Identity,
		Grants:   a.Grants,
		Registry: a.Registry,
	}
	login := authn.RequireLogin
	idWeb := &identity.Web{Auth: authn, Render: rend, Issuer: "Önkormányzati ASP"}
	if err := idWeb.Register(rt, cat); err != nil {
		return nil, err
	}
	if a.OIDC != nil {
		if err := idWeb.RegisterOIDC(rt, *a.OIDC); err != nil {
			return nil, err
		}
	}
	fullMenu := append([]shell.MenuEntry{}, menu[:1]...)
	var choices []admin.ModuleChoice
	for _, m := range a.Modules {
		fullMenu = append(fullMenu, m.Menu...)
		choices = append(choices, admin.ModuleChoice{Name: m.Name, Label: m.Title})
	}
	fullMenu = append(fullMenu, menu[1:]...)
	sh := &shell.Shell{
		Tenants: a.Tenants, Render: rend, Menu: fullMenu,
		SetTenant: authn.SetTenant,
		Audit: func(ctx context.Context, to, from db.TenantID) error {
			return a.Audit.Record(ctx, to, audit.Event{Action: "tenant.switch", ObjectType: "tenant",
				ObjectID: string(to), Result: audit.ResultOK, Detail: map[string]any{"from": string(from)}})
		},
	}
	if err := sh.Register(rt, cat, login); err != nil {
		return nil, err
	}
	adm := &admin.Admin{
		DB: a.DB, Tenants: a.Tenants, Grants: a.Grants, Access: a.accessService(), Registry: a.Registry,
		Identity: a.Identity, Audit: a.Audit, Render: rend, Invalidate: sh.Invalidate, Modules: choices,
	}
	if err := adm.Register(rt, cat, login); err != nil {
		return nil, err
	}
	if err := cat.Load(api.Catalog, "i18n"); err != nil {
		return nil, err
	}
	for _, m := range a.Modules {
		enabled := sh.RequireModule(m.Name)
		deps := module.Deps{DB: a.DB, Render: rend, Audit: a.Audit, Login: login, People: people{a}, Files: a.Files, MaxFileBytes: a.Cfg.MaxFileBytes(),
			Tenant: func(next http.Handler) http.Handler { return login(identity.RequireTenant(enabled(next))) }}
		deps.TenantName = a.tenantName
		if m.Catalog != nil {
			if err := cat.Load(m.Catalog, "i18n"); err != nil {
				return nil, fmt.Errorf("module %s: %w", m.Name, err)
			}
		}
		if m.Templates != nil {
			if err := rend.Register(m.Name, m.Templates, "templates"); err != nil {
				return nil, fmt.Errorf("module %s: %w", m.Name, err)
			}
		}
		if m.Routes != nil {
			if err := m.Routes(rt, deps); err != nil {
				return nil, fmt.Errorf("module %s: %w", m.Name, err)
			}
		}
	}
	doc, err := a.OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	rt.Mux.Handle("GET /api/v1/openapi.json", api.HandlerFor(doc))
	return authn, nil
}

// OpenAPIDocument is the API's description: the platform's document with
// every module's fragment merged in.
func (a *App) OpenAPIDocument() ([]byte, error) {
	var frags [][]byte
	for _, m := range a.Modules {
		if len(m.OpenAPI) > 0 {
			frags = append(frags, m.OpenAPI)
		}
	}
	return api.Merge(api.Document(), frags...)
}
