package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// InterestTaxType is where late-payment interest is posted: its own tax
// type, on which no further interest runs (Art. 206. § (6)).
const InterestTaxType = "kesedelmi_potlek"

// noInterest are the tax types that bear no late-payment interest.
var noInterest = map[string]bool{InterestTaxType: true, "onellenorzesi_potlek": true}

// InterestRunResult counts what a run posted.
type InterestRunResult struct {
	Taxpayers int
	Postings  int
	Charged   hu.Forint // new interest debits
	Reduced   hu.Forint // interest taken back (a debit was reversed or paid earlier than booked)
}

// PostInterest charges the late-payment interest accrued up to on, without
// a separate decision (Art. 207. § (1)): for every debit of every
// taxpayer it compares the interest accrued with what was already posted
// for that debit and posts the difference on the késedelmi pótlék tax
// type, referring to the debit. Running it again on the same day posts
// nothing; a later run posts only what accrued since.
//
// A run recomputes only the taxpayers whose interest may have changed
// since the last run (interestCandidates), and of those who only owed
// then, with nothing posted since, carries the interest of each open
// debit on from the last run's day (interestCarry) instead of settling
// the account again; the first run, and a run for a day before the last
// one, recompute everyone who may owe interest (interestMayAccrue).
func (s *Service) PostInterest(ctx context.Context, tx bun.Tx, on hu.Date, by string) (InterestRunResult, error) {
	return s.postInterest(ctx, tx, nil, on, by, false)
}

// RunInterest is PostInterest in a transaction of its own, committed,
// with the accounts read beside it (PostInterestBeside): the nightly
// job's run.
func (s *Service) RunInterest(ctx context.Context, d TenantDB, t db.TenantID, on hu.Date, by string) (InterestRunResult, error) {
	var res InterestRunResult
	err := d.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = s.PostInterestBeside(ctx, tx, d, on, by)
		return err
	})
	return res, err
}

// PostInterestBeside is PostInterest with the accounts read in a
// read-only transaction of their own on another connection, so that the
// reads need not wait for the writes (on PostgreSQL a first run is a
// fifth faster). That transaction does not see what tx wrote: tx must
// not have written postings before the run.
func (s *Service) PostInterestBeside(ctx context.Context, tx bun.Tx, r Reader, on hu.Date, by string) (InterestRunResult, error) {
	return s.postInterest(ctx, tx, r, on, by, false)
}

func (s *Service) postInterest(ctx context.Context, tx bun.Tx, reader Reader, on hu.Date, by string, full bool) (InterestRunResult, error) {
	var res InterestRunResult
	// Two runs at once (PostgreSQL) would both charge the same interest:
	// the second waits for the first, then finds it done.
	if err := audit.Serialize(ctx, tx, tenantOf(ctx)); err != nil {
		return res, err
	}
	run := InterestRun{ID: uuid.Must(uuid.NewV7()), On: on, RunAt: s.now().UTC(), RunBy: by}
	var only map[uuid.UUID]bool
	var carried map[uuid.UUID][]InterestOpenDebit
	var previous map[uuid.UUID]hu.Forint
	if !full {
		last, changed, owing, err := interestChanges(ctx, tx, on)
		if err != nil {
			return res, err
		}
		if last != nil {
			// Who owed and has nothing changed: their interest is carried
			// on; the others are settled again.
			if carried, previous, err = interestCarry(ctx, tx, last, changed, run.ID, on); err != nil {
				return res, err
			}
			only = changed
			for id := range owing {
				if carried[id] == nil {
					only[id] = true
				}
			}
		}
	}
	run.Full = only == nil
	if run.Full && !full {
		// Recomputing everyone: those who cannot owe interest need not be read.
		var err error
		if only, err = interestMayAccrue(ctx, tx, on); err != nil {
			return res, err
		}
	}
	batch := s.newBatch(by)
	batch.runAudited = true
	var open []InterestOpen
	var openDebits []InterestOpenDebit
	if err := s.postCarried(ctx, tx, batch, carried, previous, on, &res); err != nil {
		return res, err
	}
	for id, ds := range carried {
		run.Taxpayers++
		open = append(open, InterestOpen{RunID: run.ID, TaxpayerID: id})
		openDebits = append(openDebits, ds...)
	}
	// The postings are written on the queue while the next chunk is
	// settled.
	q := newSerialDB()
	batch.queue = q
	var rc *readConn
	if reader != nil {
		rc = openReadConn(ctx, reader)
	}
	err := eachTaxpayerVia(ctx, tx, q, rc, on, true, only, func(tp Taxpayer, accounts []Account) error {
		run.Taxpayers++
		// Who still owes: the next run recomputes them, their interest
		// goes on.
	owes:
		for _, a := range accounts {
			for _, d := range a.Debits {
				if d.Open > 0 && !noInterest[a.TaxType] {
					open = append(open, InterestOpen{RunID: run.ID, TaxpayerID: tp.ID})
					if ds, ok := interestOpenDebits(run.ID, tp.ID, accounts, on); ok {
						openDebits = append(openDebits, ds...)
					}
					break owes
				}
			}
		}
		id := tp.ID
		post := func(in PostingInput) error {
			_, err := batch.add(ctx, tx, in, tp.TaxID)
			return err
		}
		posted := map[string]hu.Forint{} // debit id → interest posted for it
		for _, a := range accounts {
			if a.TaxType != InterestTaxType {
				continue
			}
			for _, p := range a.Postings {
				if p.Kind != "kesedelmi_potlek" {
					continue
				}
				if p.Side == Debit {
					posted[p.Reference] += p.Amount
				} else {
					posted[p.Reference] -= p.Amount
				}
			}
		}
		touched := false
		current := map[string]bool{}
		for _, a := range accounts {
			for _, d := range a.Debits {
				current[d.ID.String()] = true
			}
		}
		// A debit reversed since: its interest is taken back in full.
		var gone []string
		for ref, amt := range posted {
			if !current[ref] && amt > 0 {
				gone = append(gone, ref)
			}
		}
		sort.Strings(gone)
		for _, ref := range gone {
			if err := post(PostingInput{TaxpayerID: id, TaxType: InterestTaxType, Side: Credit, Amount: posted[ref], On: on,
				TaxYear: on.Year, Kind: "kesedelmi_potlek", Reference: ref, Note: "az alapjául szolgáló tétel stornózva"}); err != nil {
				return err
			}
			res.Postings++
			res.Reduced += posted[ref]
			touched = true
		}
		for _, a := range accounts {
			if noInterest[a.TaxType] {
				continue
			}
			for _, d := range a.Debits {
				diff := d.Interest - posted[d.ID.String()]
				if diff == 0 {
					continue
				}
				side := Debit
				if diff < 0 {
					side, diff = Credit, -diff
				}
				err := post(PostingInput{TaxpayerID: id, TaxType: InterestTaxType, Side: side, Amount: diff, On: on,
					TaxYear: d.TaxYear, Kind: "kesedelmi_potlek", Reference: d.ID.String(),
					Note: fmt.Sprintf("%s, esedékes %s, %s-ig", TaxTypeName(a.TaxType), d.On, on)})
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
		}
		if touched {
			res.Taxpayers++
		}
		return nil
	})
	if err == nil {
		err = batch.flush(ctx, tx)
	}
	if werr := q.wait(); err == nil {
		err = werr
	}
	if rc != nil {
		if rerr := rc.close(); err == nil {
			err = rerr
		}
	}
	if err != nil {
		return res, err
	}
	run.Postings = res.Postings
	run.LastPosting = batch.last.String()
	if _, err := tx.NewInsert().Model(&run).Exec(ctx); err != nil {
		return res, fmt.Errorf("record interest run: %w", err)
	}
	if err := recordOpen(ctx, tx, open, openDebits); err != nil {
		return res, err
	}
	return res, appendAudit(ctx, tx, "tax.interest_run", "interest_run", on.String(), map[string]any{
		"on": on.String(), "taxpayers": res.Taxpayers, "postings": res.Postings, "charged": int64(res.Charged), "reduced": int64(res.Reduced),
		"recomputed": run.Taxpayers, "full": run.Full, "run": run.ID.String(), "last_posting": run.LastPosting, "by": by}, s.now())
}

// recordOpen writes who still owed at the run, and their open debits:
// tens of thousands of rows after a first run.
func recordOpen(ctx context.Context, tx bun.Tx, open []InterestOpen, openDebits []InterestOpenDebit) error {
	if tx.Dialect().Name() == dialect.PG {
		runs, payers := make([]string, len(open)), make([]string, len(open))
		for i, o := range open {
			runs[i], payers[i] = o.RunID.String(), o.TaxpayerID.String()
		}
		if err := insertColumnsPG(ctx, tx, "tax_interest_open", []column{{"run_id", "text", runs}, {"taxpayer_id", "text", payers}}); err != nil {
			return fmt.Errorf("record who owes: %w", err)
		}
		n := len(openDebits)
		runs, debits, payers, types, dues, accrued := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		years, amounts, interests := make([]int64, n), make([]int64, n), make([]int64, n)
		for i, d := range openDebits {
			runs[i], debits[i], payers[i], types[i], dues[i], accrued[i] = d.RunID.String(), d.DebitID.String(), d.TaxpayerID.String(), d.TaxType, d.DueOn.String(), d.Accrued
			years[i], amounts[i], interests[i] = int64(d.TaxYear), int64(d.Open), int64(d.Interest)
		}
		err := insertColumnsPG(ctx, tx, "tax_interest_open_debits", []column{{"run_id", "text", runs}, {"debit_id", "text", debits},
			{"taxpayer_id", "text", payers}, {"tax_type", "text", types}, {"tax_year", "integer", years}, {"due_on", "date", dues},
			{"open_amount", "bigint", amounts}, {"accrued", "text", accrued}, {"interest", "bigint", interests}})
		if err != nil {
			return fmt.Errorf("record open debits: %w", err)
		}
		return nil
	}
	if err := insertAll(ctx, tx, open); err != nil {
		return fmt.Errorf("record who owes: %w", err)
	}
	if err := insertAll(ctx, tx, openDebits); err != nil {
		return fmt.Errorf("record open debits: %w", err)
	}
	return nil
}

// InterestRun records a run: the next one starts from it.
type InterestRun struct {
	bun.BaseModel `bun:"table:tax_interest_runs,alias:ir"`
	db.TenantScoped

	ID        uuid.UUID `bun:"id,pk,type:uuid"` // UUIDv7: when the run started
	On        hu.Date   `bun:"on_date"`
	Full      bool      `bun:"full_run"`
	Taxpayers int       `bun:"taxpayers"`
	Postings  int       `bun:"postings"`
	// LastPosting is the last posting the run wrote: its own postings do
	// not make their taxpayers candidates of the next run.
	LastPosting string    `bun:"last_posting"`
	RunAt       time.Time `bun:"run_at"`
	RunBy       string    `bun:"run_by"`
}

// InterestOpen is a taxpayer who still owed when a run was made.
type InterestOpen struct {
	bun.BaseModel `bun:"table:tax_interest_open,alias:io"`
	db.TenantScoped

	RunID      uuid.UUID `bun:"run_id,pk,type:uuid"`
	TaxpayerID uuid.UUID `bun:"taxpayer_id,pk,type:uuid"`
}

// changeMargin is how long before the last run a posting still counts as
// possibly unseen by it (one committed while the run was reading).
var changeMargin = 24 * time.Hour

// interestCandidates returns the taxpayers whose interest may differ from
// what the last run (on day L) posted, or nil for everyone (no run yet, or
// on is before L). The interest of a taxpayer can change after L only if
//   - a posting was added since the run (a payment, a debit, a reversal),
//     other than the run's own: posting identifiers are UUIDv7, so "since"
//     is an identifier at least that of the run's start less
//     changeMargin, and the run's own are its interest postings between
//     its start and its last posting;
//   - a posting is dated after L (a debit falling due since, a credit the
//     run did not count yet);
//   - a debit was still open at L: interest accrues day by day. The run
//     recorded who owed (tax_interest_open); a taxpayer it did not
//     recompute owed nothing at the run before it, and nothing changed.
//
// Each is a range read on an index, never a pass over the whole ledger
// (no DISTINCT: it would lead the planner to walk the account index).
func interestCandidates(ctx context.Context, tx bun.IDB, on hu.Date) (map[uuid.UUID]bool, error) {
	last, changed, owing, err := interestChanges(ctx, tx, on)
	if last == nil || err != nil {
		return nil, err
	}
	for id := range owing {
		changed[id] = true
	}
	return changed, nil
}

// interestChanges is interestCandidates in its two parts: the taxpayers
// with a posting added since the last run or dated after its day, and
// those who owed at it; last is nil when everyone is to be recomputed.
func interestChanges(ctx context.Context, tx bun.IDB, on hu.Date) (last *InterestRun, changed, owing map[uuid.UUID]bool, err error) {
	last = new(InterestRun)
	err = tx.NewSelect().Model(last).OrderExpr("id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil, nil
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("last interest run: %w", err)
	}
	if on.Before(last.On) {
		return nil, nil, nil, nil
	}
	since := v7Floor(time.Unix(last.ID.Time().UnixTime()).Add(-changeMargin))
	changed, owing = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	for _, q := range []struct {
		what string
		q    *bun.SelectQuery
		into map[uuid.UUID]bool
	}{
		{"added since", tx.NewSelect().Model((*Posting)(nil)).Column("taxpayer_id").Where("id >= ?", since.String()).
			Where("NOT (kind = ? AND id >= ? AND id <= ?)", "kesedelmi_potlek", last.ID.String(), last.LastPosting), changed},
		{"dated after", tx.NewSelect().Model((*Posting)(nil)).Column("taxpayer_id").Where("on_date > ?", last.On), changed},
		{"owing at last run", tx.NewSelect().Model((*InterestOpen)(nil)).Column("taxpayer_id").Where("run_id = ?", last.ID), owing},
	} {
		var ids []uuid.UUID
		if err := q.q.Scan(ctx, &ids); err != nil {
			return nil, nil, nil, fmt.Errorf("interest candidates (%s): %w", q.what, err)
		}
		for _, id := range ids {
			q.into[id] = true
		}
	}
	return last, changed, owing, nil
}

// v7Floor is the smallest UUIDv7 of the millisecond t: as text it sorts
// before every identifier made from then on.
func v7Floor(t time.Time) uuid.UUID {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (8 * (5 - i)))
	}
	return u
}
