// Package finance is GAZD, budget and public-sector accounting: the
// budgetary entities, the budget (original and modified appropriations
// by rovat and kormányzati funkció), and the dual ledger (financial
// classes 1–9 and budget class 0) driven by a posting-rule table, with
// the reports derived from it.
package finance

import (
	"embed"
	"io/fs"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/shell"
	"github.com/openasp-hu/asp/internal/platform/web"
)

//go:embed migrations
var migrationFiles embed.FS

//go:embed i18n
var catalogFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed openapi.json
var openapiFragment []byte

// Permissions of GAZD.
const (
	// Read is reading entities, the budget, the ledger and its reports.
	Read access.Permission = "finance.books.read"
	// Post is recording budget changes and posting events.
	Post access.Permission = "finance.books.post"
	// Manage is recording entities and their funkciók, and closing
	// periods.
	Manage access.Permission = "finance.books.manage"
)

var roles = []access.Role{
	{Name: "finance_clerk", Scope: access.TenantScope, Label: "role.finance_clerk", Permissions: []access.Permission{Read, Post}},
	{Name: "finance_manager", Scope: access.TenantScope, Label: "role.finance_manager", Permissions: []access.Permission{Read, Post, Manage}},
}

// Module plugs GAZD into the service without IRAT (invoices cannot be
// registered).
func Module() module.Module { return ModuleWith(nil) }

// ModuleWith plugs GAZD in with IRAT's registration for incoming
// invoices.
func ModuleWith(reg Registrar) module.Module { return ModuleWithTax(reg, nil) }

// ModuleWithTax plugs GAZD in with IRAT's registration and ADÓ's
// collected revenue (the tax revenue transfer).
func ModuleWithTax(reg Registrar, taxrev TaxRevenueSource) module.Module {
	mig, _ := fs.Sub(migrationFiles, "migrations")
	return module.Module{
		Name: "finance", Code: "GAZD", Title: "finance.title",
		Migrations:  mig,
		Catalog:     catalogFiles,
		Templates:   templateFiles,
		Permissions: []access.Permission{Read, Post, Manage},
		Roles:       roles,
		Menu:        []shell.MenuEntry{{Label: "finance.title", Href: "/finance", Permission: Read, Module: "finance"}},
		Routes: func(rt *web.Router, d module.Deps) error {
			h := &handlers{deps: d, svc: &Service{}, reg: reg, taxrev: taxrev}
			h.routes(rt, d)
			return nil
		},
		OpenAPI:          openapiFragment,
		SeparationRoutes: SeparationRoutes,
	}
}
