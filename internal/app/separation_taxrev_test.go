package app

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// designationOfB records a designation on tenant B's entity for the
// harness: the id of a real object of the other tenant.
func designationOfB(t *testing.T, a *App, entity string) string {
	t.Helper()
	id, err := uuid.Parse(entity)
	if err != nil {
		t.Fatal(err)
	}
	var g finance.Designation
	err = a.DB.InTenant(cliContext(context.Background()), "17376", func(ctx context.Context, tx bun.Tx) error {
		var err error
		g, err = (&finance.Service{Now: a.Now}).Designate(ctx, tx, id, finance.DesignationInput{Username: "b.utalvanyozo", Role: finance.RoleOrder,
			ValidFrom: hu.Date{Year: hu.DateOf(a.Now()).Year, Month: 1, Day: 1}, Decision: "harness"}, "harness")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return g.ID.String()
}
