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
// and due, when no account that bears interest has a late day on or
// before on (interest_accounts.go): until its late day every debit was
// covered by credits dated up to its due date, credits pay the open
// debits oldest first, so every debit was then fully paid on or before
// its due date, and interest runs only on what was paid late
// (computeAccount). That reasoning fails where a write-off settles a
// named debit first, or a reversal takes postings out of the settling:
// taxpayers with either are kept, and so are those with any interest
// posted (it may have to be taken back).
//
// Two index reads: the accounts late by on, and the few taxpayers with
// such postings.
func interestMayAccrue(ctx context.Context, tx bun.IDB, on hu.Date) (map[uuid.UUID]bool, error) {
	t, ok := db.TenantFrom(ctx)
	if !ok {
		return nil, db.ErrNoTenant
	}
	var ids []uuid.UUID
	err := tx.NewRaw(`SELECT taxpayer_id FROM tax_interest_accounts WHERE tenant_id = ? AND late_from <= ?
		UNION
		SELECT taxpayer_id FROM tax_postings
		WHERE tenant_id = ? AND (`+interestSpecial+`)`,
		string(t), on, string(t)).Scan(ctx, &ids)
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
