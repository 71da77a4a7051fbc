package app

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// financeOfB records a GAZD entity and a journal entry of tenant B for
// the harness: the ids of real objects of the other tenant.
func financeOfB(t *testing.T, a *App) (entity, journal string) {
	t.Helper()
	s := &finance.Service{}
	err := a.DB.InTenant(cliContext(context.Background()), "17376", func(ctx context.Context, tx bun.Tx) error {
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Aba Város Önkormányzata", Functions: []string{"011130"}}, "harness")
		if err != nil {
			return err
		}
		en, err := s.Post(ctx, tx, finance.Event{Entity: e.ID, Kind: finance.EvCommitment, On: hu.Date{Year: 2026, Month: 3, Day: 2}, Rovat: "K1101", Funkcio: "011130", Amount: 1000}, "harness")
		entity, journal = e.ID.String(), en.ID.String()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return entity, journal
}
