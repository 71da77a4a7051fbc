package app

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
)

// financeTaxRevenue gives GAZD ADÓ's collected revenue by rovat, through
// the interface finance declares (finance does not import tax). The tax
// report's "ebből" lines of B34 are one rovat for the books, so they are
// passed on as they are and summed by finance; a tax type without a
// rovat comes through as "?", which finance refuses to post.
type financeTaxRevenue struct{ svc *tax.Service }

func (s financeTaxRevenue) TaxRevenueByRovat(ctx context.Context, tx bun.IDB, from, to hu.Date) ([]finance.TaxRevenueAmount, error) {
	rep, err := s.svc.Revenue(ctx, tx, from, to, tax.PeriodYear)
	if err != nil {
		return nil, err
	}
	out := make([]finance.TaxRevenueAmount, 0, len(rep.ByRovat))
	for _, r := range rep.ByRovat {
		out = append(out, finance.TaxRevenueAmount{Rovat: r.Code, Collected: r.Collected, Uncertain: r.Uncertain})
	}
	return out, nil
}

var _ finance.TaxRevenueSource = financeTaxRevenue{}
