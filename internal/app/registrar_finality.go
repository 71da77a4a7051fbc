package app

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
)

// DeliveredOn gives ADÓ the day IRAT says each decision was delivered, so
// that its finality (and the due dates that hang on it) follow from the
// dispatch the registry records.
func (r recordsRegistrar) DeliveredOn(ctx context.Context, tx bun.Tx, numbers []string) (map[string]hu.Date, error) {
	return r.svc.DeliveredOn(ctx, tx, numbers)
}

var _ tax.FinalityDeliveries = recordsRegistrar{}
