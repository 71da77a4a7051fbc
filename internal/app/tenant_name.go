package app

import (
	"context"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// tenantName is module.Deps.TenantName: the municipality's name, as the
// gazetteer gives it, for the heading of printed documents.
func (a *App) tenantName(ctx context.Context, id db.TenantID) (string, error) {
	t, err := a.Tenants.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return t.Name, nil
}
