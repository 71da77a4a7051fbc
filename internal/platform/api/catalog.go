package api

import "embed"

// Catalog holds this package's messages, i18n/hu.json and i18n/en.json,
// for the app to add to its catalog: cat.Load(api.Catalog, "i18n").
//
//go:embed i18n/*.json
var Catalog embed.FS
