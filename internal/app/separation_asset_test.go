package app

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// assetOfB records a fixed asset of tenant B's entity, for the harness's
// asset routes.
func assetOfB(t *testing.T, a *App, entity string) string {
	t.Helper()
	s := &finance.Service{}
	var id string
	err := a.DB.InTenant(cliContext(context.Background()), "17376", func(ctx context.Context, tx bun.Tx) error {
		as, err := s.RegisterAsset(ctx, tx, finance.AssetInput{Entity: uuid.MustParse(entity), InventoryNo: "B-1", Name: "Titkos traktor", Class: "gep",
			Funkcio: "011130", InUseOn: hu.Date{Year: 2026, Month: 1, Day: 5}, Gross: 5_000_000}, "harness")
		id = as.ID.String()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
