package app

import "github.com/openasp-hu/asp/internal/platform/web"

// routes registers the pages and API of the platform and of every module.
func (a *App) routes(rt *web.Router) error {
	return nil
}
