package shell

import (
	"net/http"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Register adds the dashboard and the switcher. login guards them.
func (s *Shell) Register(rt *web.Router, cat *web.Catalog, login web.Middleware) error {
	if err := cat.Load(catalog, "i18n"); err != nil {
		return err
	}
	if err := s.Render.Register("shell", templates, "templates"); err != nil {
		return err
	}
	s.Render.ShellFunc = s.Frame
	rt.Handle("GET /{$}", s.dashboard, login)
	rt.Handle("GET /tenants/switch", s.switchPage, login)
	rt.Handle("POST /tenants/switch", s.switchTenant, login)
	rt.Handle("GET /accessibility", func(w http.ResponseWriter, r *http.Request) error {
		return s.Render.Page(w, r, "shell/accessibility", "accessibility.title", nil)
	})
	return nil
}

type dashboardData struct {
	Tenant    *tenancy.Tenant
	Office    *tenancy.Office
	Roles     []string
	Links     []web.MenuItem
	NoGrants  bool
	Operator  bool
	Phases    map[string]int
	Total     int
	RoleNames map[string]string
}

func (s *Shell) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := dashboardData{Roles: p.Roles(), NoGrants: len(p.Grants) == 0, Operator: p.IsOperator()}
	if p.Tenant != "" {
		// From the frame's cache: the page view costs no tenant query.
		info, ok := s.tenantInfo(ctx, []db.TenantID{p.Tenant})[p.Tenant]
		if !ok {
			return web.NotFound()
		}
		d.Tenant, d.Office = &info.tenant, &info.office
	} else if len(p.Grants) > 1 {
		http.Redirect(w, r, "/tenants/switch", http.StatusSeeOther)
		return nil
	}
	if d.Operator && p.Can(access.TenantsRead) {
		counts, total, err := s.Tenants.PhaseCounts(ctx)
		if err != nil {
			return err
		}
		d.Phases, d.Total = map[string]int{}, total
		for ph, n := range counts {
			d.Phases[string(ph)] = n
		}
	}
	page := s.Render.NewPage(r, "dashboard.title", nil)
	for _, m := range page.Shell.Menu {
		if m.Href != "/" {
			d.Links = append(d.Links, m)
		}
	}
	page.Data = d
	return s.Render.Render(w, r, http.StatusOK, "shell/dashboard", page)
}

type switchData struct {
	Next string
}

func (s *Shell) switchPage(w http.ResponseWriter, r *http.Request) error {
	return s.Render.Page(w, r, "shell/switch", "switch.title", switchData{Next: r.URL.Query().Get("next")})
}

// switchTenant changes the tenant the session acts for. Only a tenant she
// holds a grant on is accepted; anything else is "not found", so the
// switcher cannot be used to probe which tenants exist.
func (s *Shell) switchTenant(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	to := db.TenantID(r.PostFormValue("tenant"))
	if to == "" {
		page := s.Render.NewPage(r, "switch.title", switchData{Next: r.PostFormValue("next")})
		page.Form = &web.Form{Errors: []web.FieldError{{Field: "tenant", Message: page.T("switch.choose")}}}
		return s.Render.Render(w, r, http.StatusUnprocessableEntity, "shell/switch", page)
	}
	if _, ok := p.Grants[to]; !ok {
		return web.NotFound()
	}
	if to != p.Tenant {
		if err := s.Audit(ctx, to, p.Tenant); err != nil {
			return err
		}
		s.SetTenant(ctx, to)
	}
	next := r.PostFormValue("next")
	if next == "" || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
