// Package migrations holds the platform's own schema: tenants, offices,
// users, grants, API tokens, sessions and the audit log. Modules keep their
// migrations in their own folders.
package migrations

import (
	"embed"

	"github.com/openasp-hu/asp/internal/platform/db"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Platform is the platform's migration set; it runs before every module's.
var Platform = db.Migrations{Module: "platform", FS: files}
