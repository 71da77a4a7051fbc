package records

import (
	"embed"
	"io/fs"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/module"
)

//go:embed migrations
var migrationFiles embed.FS

//go:embed i18n
var catalogFiles embed.FS

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

// Module plugs IRAT into the service. This first slice has the numbering
// core and the Registrar; its pages come next.
func Module() module.Module {
	mig, _ := fs.Sub(migrationFiles, "migrations")
	return module.Module{
		Name: "records", Code: "IRAT", Title: "records.title",
		Migrations:  mig,
		Catalog:     catalogFiles,
		Permissions: []access.Permission{DocumentsRead, DocumentsRegister, DocumentsVoid, BooksManage},
		Roles:       roles,
	}
}
