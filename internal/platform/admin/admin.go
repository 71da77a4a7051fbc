// Package admin is the administration of access: a municipality's key
// user manages the users and grants of that municipality (and of no
// other); the operating centre manages tenants, offices and key users and
// reads the audit logs it is allowed to. It serves both the pages and the
// JSON API for these.
package admin

import (
	"context"
	"embed"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n/*.json
var catalog embed.FS

// Admin holds what the administration pages need.
type Admin struct {
	DB       *db.DB
	Tenants  tenancy.Store
	Grants   access.Store
	Access   *access.Service
	Registry *access.Registry
	Identity *identity.Service
	Audit    *audit.Log
	Render   *web.Renderer
	// Modules lists the modules a tenant can have enabled (name → catalog key).
	Modules []ModuleChoice
	// Invalidate tells the frame that a tenant's settings changed.
	Invalidate func(db.TenantID)
}

// ModuleChoice is a module the operating centre can enable for a tenant.
type ModuleChoice struct {
	Name, Label string
}

// UserRow is a user as the administration lists it.
type UserRow struct {
	User  identity.User
	Roles []string // roles on the tenant in view
}

// tenantUsers returns the users a key user of tenant t administers: the
// staff of the office that serves t, and anyone holding a grant on t,
// sorted by name the Hungarian way.
func (a *Admin) tenantUsers(ctx context.Context, t tenancy.Tenant) ([]UserRow, error) {
	grants, err := a.Grants.TenantGrants(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	roles := map[uuid.UUID][]string{}
	var ids []uuid.UUID
	for _, g := range grants {
		if _, seen := roles[g.UserID]; !seen {
			ids = append(ids, g.UserID)
		}
		roles[g.UserID] = append(roles[g.UserID], g.Role)
	}
	users, err := a.Identity.Users.InOffices(ctx, []string{t.OfficeID})
	if err != nil {
		return nil, err
	}
	have := map[uuid.UUID]bool{}
	for _, u := range users {
		have[u.ID] = true
	}
	var missing []uuid.UUID
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	more, err := a.Identity.Users.ByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	users = append(users, more...)
	rows := make([]UserRow, 0, len(users))
	for _, u := range users {
		if u.Kind != identity.Staff && len(roles[u.ID]) == 0 {
			continue
		}
		rows = append(rows, UserRow{User: u, Roles: roles[u.ID]})
	}
	hu.SortBy(rows, func(r UserRow) string { return r.User.DisplayName })
	return rows, nil
}

// userInTenant returns one user of tenant t's scope, or web.NotFound: a
// user of another municipality does not exist for this key user.
func (a *Admin) userInTenant(ctx context.Context, t tenancy.Tenant, rawID string) (UserRow, error) {
	id, err := uuid.Parse(rawID)
	if err != nil {
		return UserRow{}, web.NotFound()
	}
	u, err := a.Identity.Users.ByID(ctx, id)
	if errors.Is(err, identity.ErrUserNotFound) {
		return UserRow{}, web.NotFound()
	}
	if err != nil {
		return UserRow{}, err
	}
	grants, err := a.Grants.UserGrants(ctx, u.ID)
	if err != nil {
		return UserRow{}, err
	}
	var here []string
	for _, g := range grants {
		if g.TenantID == t.ID {
			here = append(here, g.Role)
		}
	}
	if u.OfficeID != t.OfficeID && len(here) == 0 {
		return UserRow{}, web.NotFound()
	}
	return UserRow{User: u, Roles: here}, nil
}

// mayManageAccount reports whether actor may reset the password of u:
// only if u works for the office of the actor's tenant and every grant u
// holds is on a tenant where the actor is key user — a key user of one
// municipality must not lock out a colleague's work for another.
func (a *Admin) mayManageAccount(ctx context.Context, actor *access.Principal, t tenancy.Tenant, u identity.User) (bool, error) {
	if !actor.Can(access.UsersManage) || u.OfficeID != t.OfficeID || u.Kind != identity.Staff {
		return false, nil
	}
	grants, err := a.Grants.UserGrants(ctx, u.ID)
	if err != nil {
		return false, err
	}
	for _, g := range grants {
		if !actor.HasRoleOn(g.TenantID, access.RoleKeyUser) {
			return false, nil
		}
	}
	return true, nil
}

// grantable lists the tenant roles that g gives.
func (a *Admin) grantable(g access.Granter) []access.Role {
	var out []access.Role
	for _, r := range a.Registry.Roles(access.TenantScope) {
		if r.GrantedBy == g {
			out = append(out, r)
		}
	}
	return out
}

func roleNames(rs []access.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

func hasAny(have []string, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}
