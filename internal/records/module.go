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
	// DocumentsAssign is szignálás: giving registered documents to case
	// officers (the head of a unit, Iratkr. 51. §).
	DocumentsAssign access.Permission = "records.documents.assign"
	// CasesHandle makes one a case officer (ügyintéző): assignable, and
	// able to close one's own tasks.
	CasesHandle access.Permission = "records.cases.handle"
	// SettingsManage is the module's configuration: case types.
	SettingsManage access.Permission = "records.settings.manage"
	// DocumentsSign is signing authority (kiadmányozási jog, Iratkr. 52. §),
	// given by the jegyző's rules.
	DocumentsSign access.Permission = "records.documents.sign"
	// DocumentsDispatch is expediálás: sending signed documents and
	// recording their delivery.
	DocumentsDispatch access.Permission = "records.documents.dispatch"
	// ArchiveManage is the irattár's work: the file plan, archiving,
	// disposal lists and archive transfers (fileplan.go).
	ArchiveManage access.Permission = "records.archive.manage"
)

// Roles of IRAT: the registry clerk (iktató) registers and reads, files
// cases under a tételszám and closes them; the head of records management
// (iratkezelés felügyeletét ellátó vezető, §7.4) also opens books, voids
// wrong registrations and keeps the irattár: the file plan, archiving,
// disposal and transfer (ArchiveManage, a permission of its own so that an
// archivist's role can have it without voiding rights).
var roles = []access.Role{
	{Name: "records_clerk", Scope: access.TenantScope, Label: "role.records_clerk",
		Permissions: []access.Permission{DocumentsRead, DocumentsRegister, DocumentsDispatch}},
	{Name: "records_officer", Scope: access.TenantScope, Label: "role.records_officer",
		Permissions: []access.Permission{DocumentsRead, CasesHandle}},
	{Name: "records_unit_head", Scope: access.TenantScope, Label: "role.records_unit_head",
		Permissions: []access.Permission{DocumentsRead, DocumentsAssign, CasesHandle}},
	{Name: "records_signer", Scope: access.TenantScope, Label: "role.records_signer",
		Permissions: []access.Permission{DocumentsRead, DocumentsSign}},
	{Name: "records_manager", Scope: access.TenantScope, Label: "role.records_manager",
		Permissions: []access.Permission{DocumentsRead, DocumentsRegister, DocumentsVoid, BooksManage, DocumentsAssign, CasesHandle, SettingsManage, DocumentsDispatch, ArchiveManage}},
}

// Module plugs IRAT into the service.
func Module() module.Module {
	mig, _ := fs.Sub(migrationFiles, "migrations")
	svc := NewService(nil)
	return module.Module{
		Name: "records", Code: "IRAT", Title: "records.title",
		Migrations:  mig,
		Catalog:     catalogFiles,
		Templates:   templateFiles,
		Permissions: []access.Permission{DocumentsRead, DocumentsRegister, DocumentsVoid, BooksManage, DocumentsAssign, CasesHandle, SettingsManage, DocumentsSign, DocumentsDispatch, ArchiveManage},
		Roles:       roles,
		Menu: []shell.MenuEntry{
			{Label: "records.title", Href: "/records", Permission: DocumentsRead, Module: "records"},
			{Label: "records.inbox.menu", Href: "/records/inbox", Permission: DocumentsRead, Module: "records"},
		},
		Routes:           routes(svc),
		OpenAPI:          openapiFragment,
		SeparationRoutes: SeparationRoutes,
	}
}
