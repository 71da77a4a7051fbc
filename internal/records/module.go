package records

import (
	"embed"
	"io/fs"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/shell"
)

//go:embed migrations
var migrationFiles embed.FS

//go:embed i18n
var catalogFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed openapi.json
var openapiFragment []byte

// Permissions of IRAT.
const (
	DocumentsRead     access.Permission = "records.documents.read"
	DocumentsRegister access.Permission = "records.documents.register"
	DocumentsVoid     access.Permission = "records.documents.void"
	BooksManage       access.Permission = "records.books.manage"
)

// Roles of IRAT: the registry clerk (iktató) registers and reads; the head
// of records management (iratkezelés felügyeletét ellátó vezető, §7.4)
// also opens books and voids wrong registrations.
var roles = []access.Role{
	{Name: "records_clerk", Scope: access.TenantScope, Label: "role.records_clerk",
		Permissions: []access.Permission{DocumentsRead, DocumentsRegister}},
	{Name: "records_manager", Scope: access.TenantScope, Label: "role.records_manager",
		Permissions: []access.Permission{DocumentsRead, DocumentsRegister, DocumentsVoid, BooksManage}},
}

// Module plugs IRAT into the service.
func Module() module.Module {
	mig, _ := fs.Sub(migrationFiles, "migrations")
	svc := &Service{}
	return module.Module{
		Name: "records", Code: "IRAT", Title: "records.title",
		Migrations:       mig,
		Catalog:          catalogFiles,
		Templates:        templateFiles,
		Permissions:      []access.Permission{DocumentsRead, DocumentsRegister, DocumentsVoid, BooksManage},
		Roles:            roles,
		Menu:             []shell.MenuEntry{{Label: "records.title", Href: "/records", Permission: DocumentsRead, Module: "records"}},
		Routes:           routes(svc),
		OpenAPI:          openapiFragment,
		SeparationRoutes: SeparationRoutes,
	}
}
