package app

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// spendingOfB records a commitment of tenant B with one certified
// performance for the harness: the ids of real objects of the other
// tenant (its own entity, so it does not depend on financeOfB).
func spendingOfB(t *testing.T, a *App) (commitment, performance string) {
	t.Helper()
	s := &finance.Service{Now: a.Now}
	today := hu.DateOf(a.Now())
	err := a.DB.InTenant(cliContext(context.Background()), "17376", func(ctx context.Context, tx bun.Tx) error {
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Institution, Name: "Abai Óvoda", Functions: []string{"011130"}}, "harness")
		if err != nil {
			return err
		}
		if _, err := s.RecordBudget(ctx, tx, finance.BudgetChange{Entity: e.ID, Year: today.Year, Kind: finance.Original, Decision: "harness",
			Lines: []finance.AppropriationInput{{LineKey: finance.LineKey{Rovat: "K334", Funkcio: "011130"}, Amount: 100_000}}}, "harness"); err != nil {
			return err
		}
		for _, g := range []struct{ who, role string }{{"b.ellenjegyzo", finance.RoleCountersign}, {"b.vezeto", finance.RoleCommit}, {"b.vezeto", finance.RoleCertify}} {
			if _, err := s.Designate(ctx, tx, e.ID, finance.DesignationInput{Username: g.who, Role: g.role, ValidFrom: hu.Date{Year: today.Year, Month: 1, Day: 1}, Decision: "harness"}, "harness"); err != nil {
				return err
			}
		}
		c, err := s.DraftCommitment(ctx, tx, e.ID, finance.CommitmentInput{On: today, Rovat: "K334", Funkcio: "011130", Partner: "Titkos Béla", Subject: "harness",
			Years: []finance.CommitmentYear{{Year: today.Year, Amount: 10_000}}}, finance.Actor{Username: "harness"})
		if err != nil {
			return err
		}
		if _, err := s.Countersign(ctx, tx, c.ID, finance.Actor{Username: "b.ellenjegyzo"}); err != nil {
			return err
		}
		if _, err := s.Commit(ctx, tx, c.ID, finance.Actor{Username: "b.vezeto"}); err != nil {
			return err
		}
		p, err := s.Certify(ctx, tx, c.ID, finance.PerformanceInput{On: today, Amount: 10_000, Document: "harness"}, finance.Actor{Username: "b.vezeto"})
		commitment, performance = c.ID.String(), p.ID.String()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return commitment, performance
}
