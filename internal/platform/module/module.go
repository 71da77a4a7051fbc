// Package module is how a specialised system (IRAT, ADÓ, GAZD, …) plugs
// into the service. Each module's module.go returns a Module; the app
// collects them (internal/app/modules.go) and wires each part: schema,
// permissions and roles, translations, pages and API, menu, and its routes
// for the cross-tenant harness.
package module

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/shell"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Module describes one module.
type Module struct {
	// Name is the module's package name and the prefix of its permissions,
	// tables and routes ("records").
	Name string
	// Code is its name in the ASP ("IRAT"); Title a catalog key.
	Code, Title string
	// Migrations has sqlite/ and postgres/ folders; every tenant table
	// keys on tenant_id first and has FORCEd row-level security.
	Migrations fs.FS
	// Catalog has i18n/hu.json and i18n/en.json; Templates the module's
	// pages (templates/*.html), registered as "<Name>/<file>".
	Catalog, Templates fs.FS
	// Permissions are named "<Name>.resource.action"; Roles bundle them.
	Permissions []access.Permission
	Roles       []access.Role
	// Menu entries; each should name the module (Module) and a permission.
	Menu []shell.MenuEntry
	// Routes registers the pages and API.
	Routes func(rt *web.Router, deps Deps) error
	// OpenAPI is the module's part of /api/v1/openapi.json: a JSON object
	// with "paths" and "components": {"schemas"}; it may refer to the
	// platform's schemas (#/components/schemas/Problem).
	OpenAPI []byte
	// SeparationRoutes lists every route that takes an identifier, with
	// the form a POST sends, for the cross-tenant harness.
	SeparationRoutes []separation.Route
}

// Deps is what the platform gives a module's routes.
type Deps struct {
	DB     *db.DB
	Render *web.Renderer
	Audit  *audit.Log

	// TenantName returns a tenant's name as its printed documents show it
	// (the municipality's name); modules do not read the platform's
	// tenant table themselves.
	TenantName func(ctx context.Context, t db.TenantID) (string, error)
	// Files keeps the tenants' files; a file may be at most MaxFileBytes.
	Files        files.Store
	MaxFileBytes int64

	// Login requires a signed-in user. Tenant requires a current tenant
	// that has this module enabled (404 otherwise). Guard a tenant page
	// with Tenant, then identity.Require(permission).
	Login, Tenant web.Middleware
	// People finds the staff who may act in a module (an assignee must
	// hold the permission on the tenant); modules never read the platform's
	// user tables themselves.
	People People
}

// Person is someone a module can name: an assignee, a signer.
type Person struct {
	ID       uuid.UUID
	Username string
	Name     string
}

// People is the platform's directory as modules see it.
type People interface {
	// With lists the people holding perm on tenant, sorted by name.
	With(ctx context.Context, tenant db.TenantID, perm access.Permission) ([]Person, error)
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// Check validates a module's declaration: names, and that every
// permission carries the module's prefix.
func (m Module) Check() error {
	if !namePattern.MatchString(m.Name) {
		return fmt.Errorf("module name %q", m.Name)
	}
	for _, p := range m.Permissions {
		if len(p) <= len(m.Name)+1 || string(p[:len(m.Name)+1]) != m.Name+"." {
			return fmt.Errorf("module %s: permission %q must start with %q", m.Name, p, m.Name+".")
		}
	}
	for _, e := range m.Menu {
		if e.Module != m.Name {
			return fmt.Errorf("module %s: menu entry %q must name the module", m.Name, e.Href)
		}
	}
	return nil
}
