package tax

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Which accounts may bear interest, kept as postings are written, so that
// an interest run recomputing everyone (the first one, or one for a day
// before the last) reads only those instead of passing over the whole
// ledger (interestMayAccrue, docs/performance.md).
//
// An account's late day is the first due date of a debit on which the
// account owed something: the running balance of all its postings dated
// up to and including that day is above zero. Before it, every debit was
// covered by credits dated no later than its due date, and those credits
// settle the open debits oldest first (computeAccount): no interest can
// have accrued before the late day. An account with no late day owes no
// interest at all.
//
// Keeping it costs little: a posting dated after the late day changes
// neither the late day nor the balance before it, and a credit to an
// account with no late day only lowers its balance. Only a posting dated
// on or before the late day (a payment before the due date, a debit of an
// account never late) makes the writer read the account's postings from
// that date on, usually the current year's few.

// interestAccount is the kept state of one account.
type interestAccount struct {
	bun.BaseModel `bun:"table:tax_interest_accounts,alias:ia"`
	db.TenantScoped

	TaxpayerID uuid.UUID `bun:"taxpayer_id,pk,type:uuid"`
	TaxType    string    `bun:"tax_type,pk"`
	// LateFrom is the late day; zero (NULL) when the account never owed
	// on a due date.
	LateFrom hu.Date `bun:"late_from,nullzero"`
	// Before is the balance (debits less credits) of the postings dated
	// before LateFrom, or of all postings when there is no late day.
	Before int64 `bun:"balance_before"`
}

type accountKey struct {
	taxpayer uuid.UUID
	taxType  string
}

func signed(p Posting) int64 {
	if p.Side == Debit {
		return int64(p.Amount)
	}
	return -int64(p.Amount)
}

// InsertPostings writes postings as they are and keeps the accounts'
// late days. It checks nothing and audits nothing: every writer of
// postings checks and audits its own and then writes them through here,
// so that no posting escapes the late days an interest run relies on.
func InsertPostings(ctx context.Context, tx bun.Tx, ps []Posting) error {
	write, err := prepareInsertPostings(ctx, tx, ps)
	if err != nil {
		return err
	}
	return write()
}

// prepareInsertPostings is InsertPostings in two steps: the statements
// are made now, and written (after the late days are kept) when the
// returned function runs, which may be on serialDB's goroutine.
func prepareInsertPostings(ctx context.Context, tx bun.Tx, ps []Posting) (func() error, error) {
	if len(ps) == 0 {
		return func() error { return nil }, nil
	}
	if tx.Dialect().Name() == dialect.PG && len(ps) > 1 {
		var stmts []string
		for start := 0; start < len(ps); start += pgPostingChunk {
			q, err := postingsInsertPG(ctx, tx, ps[start:min(start+pgPostingChunk, len(ps))])
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, q)
		}
		return func() error {
			if err := keepLateDays(ctx, tx, ps); err != nil {
				return err
			}
			for _, q := range stmts {
				if err := execText(ctx, tx, "tax_postings", q); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	return func() error {
		if err := keepLateDays(ctx, tx, ps); err != nil {
			return err
		}
		if err := insertAll(ctx, tx, ps); err != nil {
			return fmt.Errorf("insert postings: %w", err)
		}
		return nil
	}, nil
}

// pgPostingChunk is how many postings one statement takes on PostgreSQL.
const pgPostingChunk = 5000

// postingsInsertPG is the statement writing postings on PostgreSQL a
// column at a time (columnsInsertPG).
func postingsInsertPG(ctx context.Context, tx bun.Tx, part []Posting) (string, error) {
	n := len(part)
	ids, payers, types, sides := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	amounts, years := make([]int64, n), make([]int64, n)
	dates, kinds, refs, notes, reverses, ats, bys := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, p := range part {
		ids[i], payers[i], types[i], sides[i] = p.ID.String(), p.TaxpayerID.String(), p.TaxType, p.Side
		amounts[i], years[i], dates[i] = int64(p.Amount), int64(p.TaxYear), p.On.String()
		kinds[i], refs[i], notes[i], bys[i] = p.Kind, p.Reference, p.Note, p.PostedBy
		if p.Reverses != nil {
			reverses[i] = p.Reverses.String()
		}
		// Cut to microseconds as bun writes a time: PostgreSQL would round
		// nanoseconds, and a posting could come out later than the
		// decision written in the same instant.
		ats[i] = p.PostedAt.UTC().Format("2006-01-02 15:04:05.999999Z07:00")
	}
	return columnsInsertPG(ctx, tx, "tax_postings", []column{
		{"id", "text", ids}, {"taxpayer_id", "text", payers}, {"tax_type", "text", types}, {"side", "text", sides},
		{"amount", "bigint", amounts}, {"on_date", "date", dates}, {"tax_year", "integer", years}, {"kind", "text", kinds},
		{"reference", "text", refs}, {"note", "text", notes}, {"reverses", "text", reverses}, {"posted_at", "timestamptz", ats},
		{"posted_by", "text", bys}}, "reverses")
}

// keepLateDays updates the late days of the accounts ps go to, before ps
// are written.
func keepLateDays(ctx context.Context, tx bun.Tx, ps []Posting) error {
	added := map[accountKey][]Posting{}
	var keys []accountKey
	for _, p := range ps {
		if noInterest[p.TaxType] {
			continue
		}
		k := accountKey{p.TaxpayerID, p.TaxType}
		if added[k] == nil {
			keys = append(keys, k)
		}
		added[k] = append(added[k], p)
	}
	for start := 0; start < len(keys); start += lateDayChunk {
		if err := keepLateDaysOf(ctx, tx, keys[start:min(start+lateDayChunk, len(keys))], added); err != nil {
			return err
		}
	}
	return nil
}

// lateDayChunk is how many accounts one read covers: each adds four
// bound values to the query.
const lateDayChunk = 200

func keepLateDaysOf(ctx context.Context, tx bun.Tx, keys []accountKey, added map[accountKey][]Posting) error {
	ids := make([]uuid.UUID, 0, len(keys))
	for _, k := range keys {
		ids = append(ids, k.taxpayer)
	}
	// Writers of the tenant's postings wait for each other here: each
	// reads the kept state and the postings and writes the state back,
	// and two at once (PostgreSQL) would each miss the other's postings.
	// The lock is the audit chain's, which each of them takes at its
	// audit entry anyway; taken first, it adds no order to deadlock on.
	if err := audit.Serialize(ctx, tx, tenantOf(ctx)); err != nil {
		return err
	}
	var rows []interestAccount
	if err := tx.NewSelect().Model(&rows).Where("taxpayer_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return fmt.Errorf("late days: %w", err)
	}
	state := make(map[accountKey]interestAccount, len(rows))
	for _, r := range rows {
		state[accountKey{r.TaxpayerID, r.TaxType}] = r
	}
	var changed []interestAccount
	from := map[accountKey]hu.Date{} // accounts to read from a day on
	for _, k := range keys {
		st, ok := state[k]
		if !ok {
			// No posting yet: no late day, nothing before it.
			st = interestAccount{TaxpayerID: k.taxpayer, TaxType: k.taxType}
		}
		first := added[k][0].On
		credits := int64(0)
		onlyCredits := true
		for _, p := range added[k] {
			if p.On.Before(first) {
				first = p.On
			}
			credits += signed(p)
			onlyCredits = onlyCredits && p.Side == Credit
		}
		switch {
		case !st.LateFrom.IsZero() && first.After(st.LateFrom):
			// All after the late day: it stands, and so does the balance
			// before it.
		case st.LateFrom.IsZero() && onlyCredits:
			st.Before += credits
			changed = append(changed, st)
		case !ok:
			// An account without a row has no postings yet (every writer
			// keeps one, migration 00015 made them for the ledger before):
			// nothing to read.
			st.LateFrom, st.Before = lateDay(0, added[k])
			changed = append(changed, st)
		default:
			from[k] = first
			state[k] = st
		}
	}
	if len(from) > 0 {
		recomputed, err := recomputeLateDays(ctx, tx, from, state, added)
		if err != nil {
			return err
		}
		changed = append(changed, recomputed...)
	}
	if len(changed) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&changed).
		On("CONFLICT (tenant_id, taxpayer_id, tax_type) DO UPDATE").
		Set("late_from = EXCLUDED.late_from, balance_before = EXCLUDED.balance_before").Exec(ctx)
	if err != nil {
		return fmt.Errorf("keep late days: %w", err)
	}
	return nil
}

// recomputeLateDays finds the late day of each account of from again: its
// postings dated on or after from[k], written ones and added ones, walked
// in date order from the balance before that day.
func recomputeLateDays(ctx context.Context, tx bun.Tx, from map[accountKey]hu.Date, state map[accountKey]interestAccount, added map[accountKey][]Posting) ([]interestAccount, error) {
	// Each term names the tenant too: the account index leads with it,
	// and the planners use an index for an OR only when every term can
	// seek it on its own.
	tenant, _ := db.TenantFrom(ctx)
	var written []Posting
	q := tx.NewSelect().Model(&written).Column("taxpayer_id", "tax_type", "side", "amount", "on_date")
	q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		for k, day := range from {
			q.WhereOr("(tenant_id = ? AND taxpayer_id = ? AND tax_type = ? AND on_date >= ?)", string(tenant), k.taxpayer, k.taxType, day)
		}
		return q
	})
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("postings for late days: %w", err)
	}
	byAccount := map[accountKey][]Posting{}
	for _, p := range written {
		k := accountKey{p.TaxpayerID, p.TaxType}
		byAccount[k] = append(byAccount[k], p)
	}
	out := make([]interestAccount, 0, len(from))
	for k := range from {
		st := state[k]
		// The balance before day: the kept balance less the written
		// postings from day up to the late day (all of them, with none).
		before := st.Before
		for _, p := range byAccount[k] {
			if st.LateFrom.IsZero() || p.On.Before(st.LateFrom) {
				before -= signed(p)
			}
		}
		st.LateFrom, st.Before = lateDay(before, append(byAccount[k], added[k]...))
		out = append(out, st)
	}
	return out, nil
}

// lateDay walks postings (any order) from a balance: the first due date
// of a debit on which the balance of everything dated up to it is above
// zero, and the balance before that day; or no day and the final balance.
func lateDay(before int64, ps []Posting) (hu.Date, int64) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].On.Before(ps[j].On) })
	for i := 0; i < len(ps); {
		day, owed, debit := ps[i].On, before, false
		for ; i < len(ps) && ps[i].On == day; i++ {
			owed += signed(ps[i])
			debit = debit || ps[i].Side == Debit
		}
		if debit && owed > 0 {
			return day, before
		}
		before = owed
	}
	return hu.Date{}, before
}

// rebuildLateDaysSQL computes every account's late day from the ledger
// in one pass, as migration 00015 fills the table: what the kept state is
// compared with in the tests, and the repair should the two ever differ.
// Keep equal to the SELECT of migrations/*/00015_interest_accounts.sql.
const rebuildLateDaysSQL = `SELECT l.tenant_id, l.taxpayer_id, l.tax_type, l.late_from,
	(SELECT COALESCE(SUM(CASE WHEN p.side = 'debit' THEN p.amount ELSE -p.amount END), 0)
	 FROM tax_postings p WHERE p.tenant_id = l.tenant_id AND p.taxpayer_id = l.taxpayer_id AND p.tax_type = l.tax_type
	   AND (l.late_from IS NULL OR p.on_date < l.late_from)) AS balance_before
FROM (
	SELECT tenant_id, taxpayer_id, tax_type, MIN(CASE WHEN side = 'debit' AND owed > 0 THEN on_date END) AS late_from
	FROM (
		SELECT tenant_id, taxpayer_id, tax_type, side, on_date,
			SUM(CASE WHEN side = 'debit' THEN amount ELSE -amount END)
				OVER (PARTITION BY tenant_id, taxpayer_id, tax_type ORDER BY on_date) AS owed
		FROM tax_postings WHERE tax_type NOT IN ('kesedelmi_potlek', 'onellenorzesi_potlek')
	) acc GROUP BY tenant_id, taxpayer_id, tax_type
) l`
