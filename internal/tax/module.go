// Package tax is ADÓ, the local tax module. This first part is the
// late-payment interest calculator on the same code the postings will use
// (package interest); decrees, taxpayers, assessment and accounts follow.
package tax

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

// Permissions of ADÓ.
const (
	// InterestUse is the interest calculator: anyone in the tax office.
	InterestUse access.Permission = "tax.interest.use"
	// TaxpayersRead is reading taxpayers and their accounts (tax secret:
	// every view is logged).
	TaxpayersRead access.Permission = "tax.taxpayers.read"
	// AccountsPost is recording taxpayers and posting on their accounts.
	AccountsPost access.Permission = "tax.accounts.post"
	// DecreesRead shows the tax decrees and the rates in force.
	DecreesRead access.Permission = "tax.decrees.read"
	// DecreesManage records tax decrees (adórendeletek).
	DecreesManage access.Permission = "tax.decrees.manage"
	// AssessRun runs the mass assessment (kivetés) and issues its decisions.
	AssessRun access.Permission = "tax.assess.run"
)

var roles = []access.Role{
	{Name: "tax_clerk", Scope: access.TenantScope, Label: "role.tax_clerk", Permissions: []access.Permission{InterestUse, TaxpayersRead, AccountsPost, DecreesRead}},
	{Name: "tax_decrees_manager", Scope: access.TenantScope, Label: "role.tax_decrees_manager", Permissions: []access.Permission{DecreesRead, DecreesManage}},
	CollectionRole,
}

// Module plugs ADÓ into the service, without the records module:
// certificates cannot be issued.
func Module() module.Module { return ModuleWith(nil) }

// ModuleWith plugs ADÓ in with the records module's registrar, through
// which its certificates and decisions are registered.
func ModuleWith(reg Registrar) module.Module {
	mig, _ := fs.Sub(migrationFiles, "migrations")
	return module.Module{
		Name: "tax", Code: "ADÓ", Title: "tax.title",
		Migrations:  mig,
		Catalog:     catalogFiles,
		Templates:   templateFiles,
		Permissions: append([]access.Permission{InterestUse, TaxpayersRead, AccountsPost, DecreesRead, DecreesManage, SettingsManage}, objectPermissions...),
		Roles:       roles,
		Menu: []shell.MenuEntry{{Label: "tax.title", Href: "/tax/taxpayers", Permission: TaxpayersRead, Module: "tax", Section: "/tax"},
			{Label: "tax.decrees.menu", Href: "/tax/decrees", Permission: DecreesRead, Module: "tax"},
			{Label: "tax.collection.menu", Href: "/tax/collection", Permission: SettingsManage, Module: "tax"},
			{Label: "tax.decl.menu", Href: "/tax/declarations", Permission: TaxpayersRead, Module: "tax"},
		},
		Routes:           func(rt *web.Router, d module.Deps) error { return routes(rt, d, reg) },
		OpenAPI:          openapiFragment,
		SeparationRoutes: SeparationRoutes,
	}
}
