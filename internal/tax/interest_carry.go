package tax

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax/interest"
)

// InterestOpenDebit is a debit still open when a run was made, with the
// interest accrued on it exactly. A taxpayer who owed at the last run and
// has no posting since (none added, none dated after its day) has the
// same open debits, the same amounts open: each debit's interest goes on
// from the run's day on that amount alone (interest.Carry), so the next
// run need not read and settle the account (docs/performance.md).
type InterestOpenDebit struct {
	bun.BaseModel `bun:"table:tax_interest_open_debits,alias:iod"`
	db.TenantScoped

	RunID      uuid.UUID `bun:"run_id,pk,type:uuid"`
	DebitID    uuid.UUID `bun:"debit_id,pk,type:uuid"`
	TaxpayerID uuid.UUID `bun:"taxpayer_id,type:uuid"`
	TaxType    string    `bun:"tax_type"`
	TaxYear    int       `bun:"tax_year"`
	DueOn      hu.Date   `bun:"due_on"`
	Open       hu.Forint `bun:"open_amount"`
	// Accrued is the interest up to the run's day before rounding, times
	// 100 000, in decimal; Interest is it rounded, what is posted for the
	// debit after the run.
	Accrued  string    `bun:"accrued"`
	Interest hu.Forint `bun:"interest"`
}

// interestOpenDebits returns, for a taxpayer settled by a run on on, the
// state of their open debits that the next run carries on, or false when
// some debit's interest cannot be carried (the next run then reads the
// account again). Debits due after on need none: they make the taxpayer a
// candidate of the next run anyway ("dated after").
func interestOpenDebits(run uuid.UUID, tp uuid.UUID, accounts []Account, on hu.Date) ([]InterestOpenDebit, bool) {
	var out []InterestOpenDebit
	for _, a := range accounts {
		if noInterest[a.TaxType] {
			continue
		}
		for _, d := range a.Debits {
			if d.Open <= 0 || d.On.After(on) {
				continue
			}
			acc := interest.Accrual{Num: new(big.Int)}
			if d.On.Before(on) {
				// As computeAccount: what was paid by the due date is not
				// late; the rest ran until paid.
				base := d.Amount
				var late []interest.Payment
				for _, al := range a.Allocations {
					if al.Debit != d.ID {
						continue
					}
					if al.On.After(d.On) {
						late = append(late, interest.Payment{On: al.On, Amount: al.Amount})
					} else {
						base -= al.Amount
					}
				}
				var err error
				if acc, err = interest.LateAccrual(base, d.On, on, late); err != nil {
					return nil, false
				}
			}
			if acc.Total != d.Interest {
				return nil, false // never so; if it were, settle it again next time
			}
			out = append(out, InterestOpenDebit{RunID: run, DebitID: d.ID, TaxpayerID: tp, TaxType: a.TaxType, TaxYear: d.TaxYear,
				DueOn: d.On, Open: d.Open, Accrued: acc.Num.String(), Interest: acc.Total})
		}
	}
	return out, true
}

// interestCarry carries on the interest of the taxpayers who owed at the
// last run and have nothing changed since, to on: by taxpayer, each open
// debit's state on on. Taxpayers the last run recorded no state for, and
// those whose interest cannot be carried (a debit past the 15 years), are
// left to be settled.
// previous is, by debit, the interest the last run left posted.
func interestCarry(ctx context.Context, tx bun.IDB, last *InterestRun, changed map[uuid.UUID]bool, runID uuid.UUID, on hu.Date) (carried map[uuid.UUID][]InterestOpenDebit, previous map[uuid.UUID]hu.Forint, err error) {
	var rows []InterestOpenDebit
	if err := tx.NewSelect().Model(&rows).Where("run_id = ?", last.ID).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("debits open at the last run: %w", err)
	}
	previous = make(map[uuid.UUID]hu.Forint, len(rows))
	out := map[uuid.UUID][]InterestOpenDebit{}
	failed := map[uuid.UUID]bool{}
	for _, r := range rows {
		if changed[r.TaxpayerID] || failed[r.TaxpayerID] {
			continue
		}
		num, ok := new(big.Int).SetString(r.Accrued, 10)
		if !ok {
			return nil, nil, fmt.Errorf("debit %s open at the last run: accrued %q", r.DebitID, r.Accrued)
		}
		acc, err := interest.Carry(interest.Accrual{Num: num}, r.Open, r.DueOn, last.On, on)
		var p *interest.Problem
		if errors.As(err, &p) {
			failed[r.TaxpayerID] = true
			delete(out, r.TaxpayerID)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		previous[r.DebitID] = r.Interest
		r.RunID, r.Accrued, r.Interest = runID, acc.Num.String(), acc.Total
		out[r.TaxpayerID] = append(out[r.TaxpayerID], r)
	}
	return out, previous, nil
}

// postCarried posts, for the taxpayers whose interest was carried on, the
// difference between the interest now and what is posted for each debit
// (what the last run computed), as the run does for a settled account.
func (s *Service) postCarried(ctx context.Context, tx bun.Tx, batch *postingBatch, carried map[uuid.UUID][]InterestOpenDebit, previous map[uuid.UUID]hu.Forint, on hu.Date, res *InterestRunResult) error {
	ids := make([]uuid.UUID, 0, len(carried))
	for id := range carried {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
	taxIDs := map[uuid.UUID]string{}
	for start := 0; start < len(ids); start += batchSize {
		var tps []Taxpayer
		if err := tx.NewSelect().Model(&tps).Column("id", "tax_id").Where("id IN (?)", bun.In(ids[start:min(start+batchSize, len(ids))])).Scan(ctx); err != nil {
			return fmt.Errorf("taxpayers: %w", err)
		}
		for _, tp := range tps {
			taxIDs[tp.ID] = tp.TaxID
		}
	}
	for _, id := range ids {
		touched := false
		for _, d := range carried[id] {
			diff := d.Interest - previous[d.DebitID]
			if diff == 0 {
				continue
			}
			side := Debit
			if diff < 0 {
				side, diff = Credit, -diff
			}
			_, err := batch.add(ctx, tx, PostingInput{TaxpayerID: id, TaxType: InterestTaxType, Side: side, Amount: diff, On: on,
				TaxYear: d.TaxYear, Kind: "kesedelmi_potlek", Reference: d.DebitID.String(),
				Note: fmt.Sprintf("%s, esedékes %s, %s-ig", TaxTypeName(d.TaxType), d.DueOn, on)}, taxIDs[id])
			if err != nil {
				return err
			}
			res.Postings++
			if side == Debit {
				res.Charged += diff
			} else {
				res.Reduced += diff
			}
			touched = true
		}
		if touched {
			res.Taxpayers++
		}
	}
	return nil
}
