package tax_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// BenchmarkRatesFor is the lookup assessment makes per tax year: a
// municipality with ten years of decrees, each of 12 lines (3 zones × 4
// categories of building tax), every year lowering the rates by 10 Ft.
func BenchmarkRatesFor(b *testing.B) {
	d := openTax(b)
	for y := 2016; y <= 2025; y++ {
		n := tax.NewDecree{Number: fmt.Sprintf("1/%d", y-1), Title: "a helyi adókról", AdoptedOn: day(y-1, 11, 2),
			EffectiveFrom: day(y, 1, 1), TaxYear: y, By: "bench", Levier: caps.Municipality}
		for z := 0; z < 3; z++ {
			for c := 0; c < 4; c++ {
				n.Rates = append(n.Rates, tax.DecreeRate{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre,
					Rate: caps.Rate(1000-(y-2016)*10) * caps.RateUnit, Zone: fmt.Sprint("zóna ", z), Category: fmt.Sprint("kategória ", c)})
			}
		}
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := tax.RecordDecree(ctx, tx, n, time.Now())
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		var rs []tax.RateInForce
		err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			rs, err = tax.RatesFor(ctx, tx, 2025)
			return err
		})
		if err != nil || len(rs) != 12 || rs[0].Rate != 910*caps.RateUnit {
			b.Fatalf("%d rates, %v", len(rs), err)
		}
	}
}
