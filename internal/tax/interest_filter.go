package tax

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// interestMayAccrue returns the taxpayers whose interest on on may be
// other than nothing posted, so that a run recomputing everyone can leave
// out the others without reading their ledgers (most taxpayers always pay
// on time: reading them was most of a first run).
//
// A taxpayer's computed interest is zero, and nothing of theirs is open
// and due, when in every account that bears interest the credits dated up
// to each debit's due date cover all the debits due by then: credits pay
// the open debits oldest first, so every debit was then fully paid on or
// before its due date, and interest runs only on what was paid late
// (computeAccount). That reasoning fails where a write-off settles a
// named debit first, or a reversal takes postings out of the settling:
// taxpayers with either are kept, and so are those with any interest
// posted (it may have to be taken back).
//
// One pass of the database over the ledger, a running sum per account
// (a window function, in SQLite since 3.25), instead of every posting
// read into Go.
func interestMayAccrue(ctx context.Context, tx bun.IDB, on hu.Date) (map[uuid.UUID]bool, error) {
	t, ok := db.TenantFrom(ctx)
	if !ok {
		return nil, db.ErrNoTenant
	}
	var free []string
	for tt := range noInterest {
		free = append(free, tt)
	}
	var ids []uuid.UUID
	err := tx.NewRaw(`SELECT taxpayer_id FROM (
		SELECT taxpayer_id, side, on_date,
			SUM(CASE WHEN side = ? THEN amount ELSE -amount END)
				OVER (PARTITION BY taxpayer_id, tax_type ORDER BY on_date) AS owed
		FROM tax_postings WHERE tenant_id = ? AND tax_type NOT IN (?)) acc
		WHERE side = ? AND on_date <= ? AND owed > 0
		UNION
		SELECT taxpayer_id FROM tax_postings
		WHERE tenant_id = ? AND (`+interestSpecial+`)`,
		Debit, string(t), bun.In(free), Debit, on, string(t)).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("taxpayers who may owe interest: %w", err)
	}
	only := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		only[id] = true
	}
	return only, nil
}

// interestSpecial is the condition of the partial index
// tax_postings_interest_special (migration 00009), word for word: the
// planner uses a partial index only for a query that names its condition,
// and only with literals.
const interestSpecial = "reverses IS NOT NULL OR kind = '" + WriteOffKind + "' OR tax_type = '" + InterestTaxType + "'"
