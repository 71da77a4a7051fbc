package app

import (
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// seedFinanceDemo gives Orfű a municipality in GAZD with its usual
// kormányzati funkciók and this year's original budget, so the finance
// pages have something to show (idempotent: skipped once it exists).
func (a *App) seedFinanceDemo(ctx context.Context) error {
	if !slices.Contains(a.moduleNames(), "finance") {
		return nil
	}
	year := hu.DateOf(a.Now()).Year
	ctx = audit.WithActor(ctx, audit.Actor{Name: "asp serve --demo"})
	return a.DB.InTenant(ctx, demoOrfu, func(ctx context.Context, tx bun.Tx) error {
		n, err := db.Count(ctx, tx.NewSelect().Model((*finance.Entity)(nil)))
		if err != nil || n > 0 {
			return err
		}
		s := &finance.Service{Now: a.Now}
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Orfű Község Önkormányzata",
			Functions: []string{"011130", "013320", "045160", "064010", "066020", "082044", "107055", "900020"}}, "demo")
		if err != nil {
			return err
		}
		line := func(rovat, funkcio string, amount hu.Forint) finance.AppropriationInput {
			return finance.AppropriationInput{LineKey: finance.LineKey{Rovat: rovat, Funkcio: funkcio}, Amount: amount}
		}
		_, err = s.RecordBudget(ctx, tx, finance.BudgetChange{Entity: e.ID, Year: year, Kind: finance.Original, Decision: strconv.Itoa(year) + ". évi költségvetési rendelet (1/" + strconv.Itoa(year) + ".)",
			Lines: []finance.AppropriationInput{
				line("K1101", "011130", 18_500_000), line("K2", "011130", 2_400_000), line("K331", "064010", 3_600_000),
				line("K334", "045160", 2_000_000), line("K334", "066020", 1_500_000), line("K337", "013320", 800_000),
				line("K1101", "107055", 4_200_000), line("K64", "082044", 600_000),
				line("B34", "900020", 21_000_000), line("B351", "900020", 9_500_000), line("B111", "900020", 12_000_000),
			}}, "demo")
		return err
	})
}
