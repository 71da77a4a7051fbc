package records

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// DeliveredOn returns, for the registered documents numbered numbers, the
// day each counts as delivered to its addressee: picked up, or delivered
// by presumption (after the second notice, or a public notice). Where a
// document went out more than once, the earliest delivery counts; a
// document not (yet) delivered, voided or unknown is left out. Other
// modules use it for the deadlines that run from communication (ADÓ: the
// appeal deadline of a decision).
func (s *Service) DeliveredOn(ctx context.Context, tx bun.IDB, numbers []string) (map[string]hu.Date, error) {
	out := map[string]hu.Date{}
	if len(numbers) == 0 {
		return out, nil
	}
	var items []DispatchItem
	if err := tx.NewSelect().Model(&items).ColumnExpr("dp.*, d.number, d.subject").
		Join("JOIN records_documents AS d ON d.tenant_id = dp.tenant_id AND d.id = dp.document_id").
		Where("d.number IN (?)", bun.In(numbers)).Where("d.voided_at IS NULL").Where("d.direction = ?", Outgoing).
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	today := hu.DateOf(s.now())
	for _, it := range items {
		dl := it.Delivery(today)
		if dl.DeliveredOn == nil {
			continue
		}
		if cur, ok := out[it.Number]; !ok || dl.DeliveredOn.Before(cur) {
			out[it.Number] = *dl.DeliveredOn
		}
	}
	return out, nil
}
