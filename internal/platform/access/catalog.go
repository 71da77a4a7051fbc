package access

import "embed"

// Catalog holds the names of the platform's roles (dir "i18n").
//
//go:embed i18n/*.json
var Catalog embed.FS
