package admin

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

type tenantsData struct {
	Tenants    []tenancy.Tenant
	Query      string
	County     string
	Phase      string
	NextCursor string
	Counties   []string
}

// tenantsPage lists tenants for the operating centre, 50 at a time.
func (a *Admin) tenantsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := tenancy.Filter{Query: q.Get("q"), County: q.Get("county"), Phase: tenancy.Phase(q.Get("phase")), After: db.TenantID(q.Get("after")), Limit: 50}
	if f.Phase != "" && !f.Phase.Valid() {
		return web.BadRequest("tenants.bad_phase")
	}
	ts, err := a.Tenants.List(r.Context(), f)
	if err != nil {
		return err
	}
	d := tenantsData{Tenants: ts, Query: f.Query, County: f.County, Phase: string(f.Phase), Counties: counties}
	if len(ts) == f.Limit {
		d.NextCursor = string(ts[len(ts)-1].ID)
	}
	return a.Render.Page(w, r, "admin/tenants", "tenants.title", d)
}

// counties are the 19 counties and the capital, as the gazetteer names them.
var counties = []string{"Bács-Kiskun", "Baranya", "Békés", "Borsod-Abaúj-Zemplén", "Csongrád", "Fejér",
	"Győr-Moson-Sopron", "Hajdú-Bihar", "Heves", "Jász-Nagykun-Szolnok", "Komárom-Esztergom", "Nógrád",
	"Pest", "Somogy", "Szabolcs-Szatmár-Bereg", "Tolna", "Vas", "Veszprém", "Zala", "főváros"}

type tenantData struct {
	Tenant     tenancy.Tenant
	Office     tenancy.Office
	Members    []tenancy.Tenant
	Modules    []ModuleChoice
	Enabled    []string
	Holders    []UserRow // users holding a role the operating centre gives
	Roles      []string
	CanManage  bool
	CanKeyUser bool
	Created    *identity.User
	Password   string
	Done       string
}

func (a *Admin) tenantData(ctx context.Context, p *access.Principal, id db.TenantID) (tenantData, error) {
	t, err := a.Tenants.Get(ctx, id)
	if errors.Is(err, tenancy.ErrNotFound) {
		return tenantData{}, web.NotFound()
	}
	if err != nil {
		return tenantData{}, err
	}
	office, err := a.Tenants.Office(ctx, t.OfficeID)
	if err != nil {
		return tenantData{}, err
	}
	members, err := a.Tenants.OfficeTenants(ctx, t.OfficeID)
	if err != nil {
		return tenantData{}, err
	}
	enabled, err := a.Tenants.Modules(ctx, id)
	if err != nil {
		return tenantData{}, err
	}
	rows, err := a.tenantUsers(ctx, t)
	if err != nil {
		return tenantData{}, err
	}
	opRoles := roleNames(a.grantable(access.GrantedByOperator))
	var holders []UserRow
	for _, row := range rows {
		var mine []string
		for _, r := range row.Roles {
			if slices.Contains(opRoles, r) {
				mine = append(mine, r)
			}
		}
		if len(mine) > 0 {
			holders = append(holders, UserRow{User: row.User, Roles: mine})
		}
	}
	return tenantData{Tenant: t, Office: office, Members: members, Modules: a.Modules, Enabled: enabled,
		Holders: holders, Roles: opRoles, CanManage: p.Can(access.TenantsManage), CanKeyUser: p.Can(access.KeyUsersManage)}, nil
}

func (a *Admin) tenantPage(w http.ResponseWriter, r *http.Request) error {
	return a.renderTenant(w, r, http.StatusOK, r.URL.Query().Get("done"), nil, "", nil)
}

func (a *Admin) renderTenant(w http.ResponseWriter, r *http.Request, status int, done string, created *identity.User, pw string, form *web.Form) error {
	p := access.PrincipalFrom(r.Context())
	d, err := a.tenantData(r.Context(), p, db.TenantID(r.PathValue("ksh")))
	if err != nil {
		return err
	}
	d.Created, d.Password = created, pw
	page := a.Render.NewPage(r, "tenant.title", d)
	switch done {
	case "settings", "granted", "revoked", "created":
		page.Flash = page.T("tenant.done." + done)
	}
	page.Form = form
	return a.Render.Render(w, r, status, "admin/tenant", page)
}

// updateTenant changes a tenant's connection mode, phase and modules, and
// records the change in the operating centre's chain and the tenant's.
func (a *Admin) updateTenant(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := db.TenantID(r.PathValue("ksh"))
	t, err := a.Tenants.Get(ctx, id)
	if errors.Is(err, tenancy.ErrNotFound) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return web.BadRequest("error.bad_request")
	}
	set := tenancy.Settings{ConnectionMode: tenancy.ConnectionMode(r.PostFormValue("connection_mode")), Phase: tenancy.Phase(r.PostFormValue("phase"))}
	if !set.ConnectionMode.Valid() || !set.Phase.Valid() {
		return web.BadRequest("tenant.bad_settings")
	}
	var mods []string
	for _, m := range r.PostForm["modules"] {
		if !slices.ContainsFunc(a.Modules, func(c ModuleChoice) bool { return c.Name == m }) {
			return web.BadRequest("tenant.bad_module")
		}
		mods = append(mods, m)
	}
	now := a.Identity.Now()
	detail := map[string]any{"connection_mode": string(set.ConnectionMode), "phase": string(set.Phase), "modules": mods,
		"was": map[string]any{"connection_mode": string(t.ConnectionMode), "phase": string(t.Phase)}}
	err = a.changeTenant(ctx, id, "tenant.update", detail, func(ctx context.Context, tx bun.Tx) error {
		if err := a.Tenants.UpdateSettings(ctx, tx, id, set, now.UTC()); err != nil {
			return err
		}
		return a.Tenants.SetModules(ctx, tx, id, mods, now.UTC())
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tenants/"+string(id)+"?done=settings", http.StatusSeeOther)
	return nil
}

// changeTenant runs the operating centre's change of a tenant: the change
// and its entry in the tenant's chain in one transaction, then the entry
// in the operating centre's chain, then the frame's cache is told.
func (a *Admin) changeTenant(ctx context.Context, id db.TenantID, action string, detail map[string]any, change func(context.Context, bun.Tx) error) error {
	ev := audit.Event{Action: action, ObjectType: "tenant", ObjectID: string(id), Result: audit.ResultOK, Detail: detail}
	err := a.DB.InTenant(ctx, id, func(ctx context.Context, tx bun.Tx) error {
		if err := change(ctx, tx); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, id, ev, a.Identity.Now())
		return err
	})
	if err != nil {
		return err
	}
	if err := a.Audit.Record(ctx, db.OperatingCentre, ev); err != nil {
		return err
	}
	if a.Invalidate != nil {
		a.Invalidate(id)
	}
	return nil
}

// grantOperatorRole gives a role of the operating model (key user,
// official representative, contact person) to a staff user of the
// tenant's office, named by username.
func (a *Admin) changeOperatorRole(grant bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := access.PrincipalFrom(ctx)
		id := db.TenantID(r.PathValue("ksh"))
		if _, err := a.Tenants.Get(ctx, id); err != nil {
			return web.NotFound()
		}
		u, err := a.Identity.Users.ByUsername(ctx, r.PostFormValue("username"))
		if errors.Is(err, identity.ErrUserNotFound) {
			form := &web.Form{Values: map[string]string{"username": r.PostFormValue("username")},
				Errors: []web.FieldError{{Field: "username", Message: a.Render.Catalog.T(web.RequestLang(r), "grant.unknown_user")}}}
			return a.renderTenant(w, r, http.StatusUnprocessableEntity, "", nil, "", form)
		}
		if err != nil {
			return err
		}
		req := access.GrantRequest{Tenant: id, User: u.ID, Role: r.PostFormValue("role")}
		done := "granted"
		if grant {
			err = a.Access.Grant(ctx, p, req)
		} else {
			err = a.Access.Revoke(ctx, p, req)
			done = "revoked"
		}
		if form, ok := a.deniedForm(r, err); ok {
			return a.renderTenant(w, r, http.StatusUnprocessableEntity, "", nil, "", form)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/admin/tenants/"+string(id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
}

// createKeyUser makes a staff account in the tenant's office and gives it
// the key user role, in two audited steps.
func (a *Admin) createKeyUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	t, err := a.Tenants.Get(ctx, db.TenantID(r.PathValue("ksh")))
	if err != nil {
		return web.NotFound()
	}
	u, pw, err := a.createStaff(ctx, t, r.PostFormValue("username"), r.PostFormValue("display_name"), r.PostFormValue("email"))
	var ps identity.ProblemList
	if errors.As(err, &ps) {
		return a.renderTenant(w, r, http.StatusUnprocessableEntity, "", nil, "", problemsForm(web.RequestLang(r), ps, r, "username", "display_name", "email"))
	}
	if err != nil {
		return err
	}
	if err := a.Access.Grant(ctx, p, access.GrantRequest{Tenant: t.ID, User: u.ID, Role: access.RoleKeyUser}); err != nil {
		return err
	}
	return a.renderTenant(w, r, http.StatusCreated, "created", &u, pw, nil)
}
