package app

import (
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// seedTaxDemo gives Orfű what the README's things to try need: a tax
// decree for this year (building, land, communal and tourist tax and
// HIPA, below the caps), a collection account and four taxpayers, so that
// a clerk can record a flat and run the assessment, file an IFA return and
// read a statement at once. Nothing is registered in IRAT: the demo's
// books stay empty for the clerk's own first numbers. It runs once.
func (a *App) seedTaxDemo(ctx context.Context) error {
	if !slices.Contains(a.moduleNames(), "tax") {
		return nil
	}
	year := hu.DateOf(a.Now()).Year
	ctx = audit.WithActor(ctx, audit.Actor{Name: "asp serve --demo"})
	return a.DB.InTenant(ctx, demoOrfu, func(ctx context.Context, tx bun.Tx) error {
		n, err := db.Count(ctx, tx.NewSelect().Model((*tax.Taxpayer)(nil)))
		if err != nil || n > 0 {
			return err
		}
		_, err = tax.RecordDecree(ctx, tx, tax.NewDecree{
			Number: "14/" + strconv.Itoa(year-1) + ". (XI. 20.)", Title: "A helyi adókról",
			AdoptedOn: hu.Date{Year: year - 1, Month: 11, Day: 20}, EffectiveFrom: hu.Date{Year: year, Month: 1, Day: 1}, TaxYear: year,
			Levier: tax.LevierFor(demoOrfu), By: "demo",
			Rates: []tax.DecreeRate{
				{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre, Rate: 1_200_000},
				{TaxType: caps.LandTax, Basis: caps.PerSquareMetre, Rate: 150_000},
				{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: 12_000_000},
				{TaxType: caps.TouristTax, Basis: caps.PerGuestNight, Rate: 400_000},
				{TaxType: caps.BusinessTax, Basis: caps.PercentBusinessBase, Rate: 2_000},
			},
			Reliefs: []tax.DecreeRelief{{TaxType: caps.BuildingTax, Kind: tax.Exemption, Description: "A szükséglakás mentes."}},
		}, a.Now())
		if err != nil {
			return err
		}
		s := &tax.Service{Now: a.Now}
		if err := s.SetCollectionAccount(ctx, tx, "11773016-00204000-00000008", string(caps.BuildingTax), "demo"); err != nil {
			return err
		}
		for _, tp := range []tax.TaxpayerInput{
			{TaxID: "8123456786", Name: "Kovács Ödön", Address: "7677 Orfű, Széchenyi tér 1."},
			{TaxID: "8390164280", Name: "Kovács Éva", Address: "7677 Orfű, Széchenyi tér 1."},
			{TaxID: "8345678904", Name: "Tóth Gergő", Address: "7677 Orfű, Petőfi utca 12."},
			{TaxID: "12345676-2-02", Name: "Pihenő Vendégház Kft.", Address: "7677 Orfű, Tó utca 3."},
		} {
			if _, err := s.RegisterTaxpayer(ctx, tx, tp, "demo"); err != nil {
				return err
			}
		}
		return nil
	})
}
