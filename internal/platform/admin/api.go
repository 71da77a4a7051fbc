package admin

import (
	"errors"
	"net/http"
	"slices"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

type meUser struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Kind        string `json:"kind"`
}

type meTenant struct {
	ID   db.TenantID `json:"id"`
	Name string      `json:"name"`
}

type meGrant struct {
	TenantID   db.TenantID `json:"tenant_id"`
	TenantName string      `json:"tenant_name"`
	Roles      []string    `json:"roles"`
}

type me struct {
	User        meUser              `json:"user"`
	Tenant      *meTenant           `json:"tenant"`
	Grants      []meGrant           `json:"grants"`
	Permissions []access.Permission `json:"permissions"`
}

// apiMe answers who the caller is: user, current tenant, grants and
// effective permissions. A token sees only its own tenant's grant.
func (a *Admin) apiMe(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	ids := p.TenantIDs()
	ts, err := a.Tenants.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	names := map[db.TenantID]string{}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	out := me{User: meUser{ID: p.UserID.String(), Username: p.Username, DisplayName: p.Name, Kind: p.Kind},
		Grants: []meGrant{}, Permissions: p.PermissionList()}
	if out.Permissions == nil {
		out.Permissions = []access.Permission{}
	}
	if p.Tenant != "" {
		out.Tenant = &meTenant{ID: p.Tenant, Name: names[p.Tenant]}
	}
	for _, id := range ids {
		out.Grants = append(out.Grants, meGrant{TenantID: id, TenantName: names[id], Roles: p.Grants[id]})
	}
	api.Write(w, http.StatusOK, out)
	return nil
}

// apiTenants lists tenants: all of them for the operating centre, the
// caller's own otherwise.
func (a *Admin) apiTenants(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	limit, cursor, err := api.PageParams(r, 1)
	if err != nil {
		return err
	}
	f := tenancy.Filter{Query: r.URL.Query().Get("q"), County: r.URL.Query().Get("county"), Limit: limit}
	if cursor != nil {
		f.After = db.TenantID(cursor[0])
	}
	var ts []tenancy.Tenant
	if p.Can(access.TenantsRead) {
		ts, err = a.Tenants.List(ctx, f)
	} else {
		ts, err = a.ownTenants(r, p, f)
	}
	if err != nil {
		return err
	}
	out := api.List[tenancy.Tenant]{Items: ts}
	if len(ts) == limit {
		out.NextCursor = api.EncodeCursor(string(ts[len(ts)-1].ID))
	}
	api.Write(w, http.StatusOK, out)
	return nil
}

func (a *Admin) ownTenants(r *http.Request, p *access.Principal, f tenancy.Filter) ([]tenancy.Tenant, error) {
	all, err := a.Tenants.GetMany(r.Context(), p.TenantIDs())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(x, y tenancy.Tenant) int {
		if x.ID < y.ID {
			return -1
		}
		return 1
	})
	var out []tenancy.Tenant
	for _, t := range all {
		if t.ID > f.After && (f.County == "" || t.County == f.County) && len(out) < f.Limit {
			out = append(out, t)
		}
	}
	return out, nil
}

// visibleTenant returns a tenant the caller may see, or 404.
func (a *Admin) visibleTenant(r *http.Request) (tenancy.Tenant, error) {
	p := access.PrincipalFrom(r.Context())
	id := db.TenantID(r.PathValue("ksh"))
	if _, granted := p.Grants[id]; !granted && !p.Can(access.TenantsRead) {
		return tenancy.Tenant{}, web.NotFound()
	}
	t, err := a.Tenants.Get(r.Context(), id)
	if errors.Is(err, tenancy.ErrNotFound) {
		return t, web.NotFound()
	}
	return t, err
}

func (a *Admin) apiTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := a.visibleTenant(r)
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, t)
	return nil
}

type userSummary struct {
	ID          string   `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Email       string   `json:"email"`
	Kind        string   `json:"kind"`
	OfficeID    *string  `json:"office_id"`
	Disabled    bool     `json:"disabled"`
	Roles       []string `json:"roles"`
}

// apiTenantUsers lists a tenant's users: for its key user and local IT
// acting for it, and for the operating centre's key-user administrators.
func (a *Admin) apiTenantUsers(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	t, err := a.visibleTenant(r)
	if err != nil {
		return err
	}
	ownTenantReader := p.Tenant == t.ID && p.Can(access.UsersRead)
	if !ownTenantReader && !p.Can(access.KeyUsersManage) {
		if _, granted := p.Grants[t.ID]; granted || p.IsOperator() {
			return web.Forbidden()
		}
		return web.NotFound()
	}
	rows, err := a.tenantUsers(r.Context(), t)
	if err != nil {
		return err
	}
	items := make([]userSummary, 0, len(rows))
	for _, row := range rows {
		u := row.User
		s := userSummary{ID: u.ID.String(), Username: u.Username, DisplayName: u.DisplayName, Email: u.Email,
			Kind: string(u.Kind), Disabled: u.Disabled(), Roles: row.Roles}
		if s.Roles == nil {
			s.Roles = []string{}
		}
		if u.OfficeID != "" {
			office := u.OfficeID
			s.OfficeID = &office
		}
		items = append(items, s)
	}
	api.Write(w, http.StatusOK, api.List[userSummary]{Items: items})
	return nil
}
