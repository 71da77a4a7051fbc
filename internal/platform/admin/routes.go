package admin

import (
	"net/url"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Register adds the administration pages and API. login is the
// authenticator's RequireLogin.
func (a *Admin) Register(rt *web.Router, cat *web.Catalog, login web.Middleware) error {
	if err := cat.Load(catalog, "i18n"); err != nil {
		return err
	}
	if err := a.Render.Register("admin", templates, "templates"); err != nil {
		return err
	}
	tenant := []web.Middleware{login, identity.RequireTenant}
	with := func(perm access.Permission, base []web.Middleware) []web.Middleware {
		return append(append([]web.Middleware{}, base...), identity.Require(perm))
	}
	// A key user's administration of her municipality.
	rt.Handle("GET /users", a.usersPage, with(access.UsersRead, tenant)...)
	rt.Handle("GET /users/new", a.newUserPage, with(access.UsersManage, tenant)...)
	rt.Handle("POST /users", a.createUser, with(access.UsersManage, tenant)...)
	rt.Handle("GET /users/{id}", a.userPageDone, with(access.UsersRead, tenant)...)
	rt.Handle("POST /users/{id}/grants", a.changeGrant(true), with(access.UsersManage, tenant)...)
	rt.Handle("POST /users/{id}/grants/{role}/revoke", a.changeGrant(false), with(access.UsersManage, tenant)...)
	rt.Handle("POST /users/{id}/reset-password", a.resetPassword, with(access.UsersManage, tenant)...)
	rt.Handle("GET /audit", a.auditPage(false), with(access.AuditRead, tenant)...)

	// The operating centre.
	op := []web.Middleware{login}
	rt.Handle("GET /admin/tenants", a.tenantsPage, with(access.TenantsRead, op)...)
	rt.Handle("GET /admin/tenants/{ksh}", a.tenantPage, with(access.TenantsRead, op)...)
	rt.Handle("POST /admin/tenants/{ksh}/settings", a.updateTenant, with(access.TenantsManage, op)...)
	rt.Handle("POST /admin/tenants/{ksh}/roles", a.changeOperatorRole(true), with(access.KeyUsersManage, op)...)
	rt.Handle("POST /admin/tenants/{ksh}/roles/revoke", a.changeOperatorRole(false), with(access.KeyUsersManage, op)...)
	rt.Handle("POST /admin/tenants/{ksh}/key-users", a.createKeyUser, with(access.KeyUsersManage, op)...)
	rt.Handle("POST /admin/tenants/{ksh}/office", a.moveTenant, with(access.OfficesManage, op)...)
	rt.Handle("GET /admin/offices/{office}", a.officePage, with(access.TenantsRead, op)...)
	rt.Handle("POST /admin/offices/{office}", a.renameOffice, with(access.OfficesManage, op)...)
	rt.Handle("GET /admin/audit", a.auditPage(true), with(access.CentreAudit, op)...)

	// JSON API.
	rt.Handle("GET /api/v1/me", a.apiMe, login)
	rt.Handle("GET /api/v1/tenants", a.apiTenants, login)
	rt.Handle("GET /api/v1/tenants/{ksh}", a.apiTenant, login)
	rt.Handle("GET /api/v1/tenants/{ksh}/users", a.apiTenantUsers, login)
	return nil
}

// SeparationRoutes are this package's routes that take identifiers, for
// the cross-tenant harness: called by a user of one tenant with another
// tenant's user id ({id}), tenant ({ksh}) and a role ({role}), each must
// answer 404 or 403.
var SeparationRoutes = []separation.Route{
	{Pattern: "GET /users/{id}"},
	{Pattern: "POST /users/{id}/grants", Form: url.Values{"role": {access.RoleLocalIT}}},
	{Pattern: "POST /users/{id}/grants/{role}/revoke"},
	{Pattern: "POST /users/{id}/reset-password"},
	{Pattern: "GET /admin/tenants/{ksh}"},
	{Pattern: "POST /admin/tenants/{ksh}/settings", Form: url.Values{"connection_mode": {"interface"}, "phase": {"live"}}},
	{Pattern: "POST /admin/tenants/{ksh}/roles", Form: url.Values{"username": {"titkos.bela"}, "role": {access.RoleKeyUser}}},
	{Pattern: "POST /admin/tenants/{ksh}/roles/revoke", Form: url.Values{"username": {"titkos.bela"}, "role": {access.RoleKeyUser}}},
	{Pattern: "POST /admin/tenants/{ksh}/key-users", Form: url.Values{"username": {"uj.kulcs"}, "display_name": {"Új Kulcs"}}},
	{Pattern: "POST /admin/tenants/{ksh}/office", Form: url.Values{"office": {"h11730"}}},
	{Pattern: "GET /admin/offices/{office}"},
	{Pattern: "POST /admin/offices/{office}", Form: url.Values{"name": {"Átnevezve"}}},
	{Pattern: "GET /api/v1/tenants/{ksh}"},
	{Pattern: "GET /api/v1/tenants/{ksh}/users"},
}
