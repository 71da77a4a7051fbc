package finance

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// The tax revenue transfer (adóbevételek átvezetése, spec Appendix 1
// "ADÓ → GAZD"): the money ADÓ collected in a month is booked, as totals
// by B3 rovat, in the municipality's books. The taxpayers' accounts stay
// ADÓ's sub-ledger; GAZD sees only the totals.
//
// Posting choice: each rovat's amount goes through the existing rules,
// revenue_assessed then revenue_collected, rather than a dedicated rule.
// The receivable and its collection live in the tax sub-ledger; posting
// both here leaves 351x and 0523 at nil for the amount, while the budget
// report shows the rovat's előírás and teljesítés as it does for any other
// revenue. A later correction that lowers a month (a payment reversed in
// ADÓ) posts the same two entries with their pairs swapped.

// TaxRevenueSource is ADÓ's collected revenue, as GAZD needs it; the app
// implements it over the tax module (finance does not import tax).
type TaxRevenueSource interface {
	// TaxRevenueByRovat is the money collected between from and to (both
	// included, by value date), summed by budget revenue rovat.
	TaxRevenueByRovat(ctx context.Context, tx bun.IDB, from, to hu.Date) ([]TaxRevenueAmount, error)
}

// TaxRevenueAmount is what was collected in one rovat.
type TaxRevenueAmount struct {
	Rovat     string    `json:"rovat"`
	Collected hu.Forint `json:"collected"`
	Uncertain bool      `json:"uncertain"` // the tax type's rovat is not confirmed
}

// taxrevRun is one run of a month's transfer.
type taxrevRun struct {
	bun.BaseModel `bun:"table:finance_taxrev_runs,alias:trr"`
	db.TenantScoped

	EntityID  uuid.UUID `bun:"entity_id,pk,type:uuid"`
	Year      int       `bun:"year,pk"`
	Month     int       `bun:"month,pk"`
	RunNo     int       `bun:"run_no,pk"`
	Funkcio   string    `bun:"funkcio"`
	CreatedAt time.Time `bun:"created_at"`
	CreatedBy string    `bun:"created_by"`
}

// taxrevLine is one rovat of a run.
type taxrevLine struct {
	bun.BaseModel `bun:"table:finance_taxrev_lines,alias:trl"`
	db.TenantScoped

	EntityID  uuid.UUID `bun:"entity_id,pk,type:uuid"`
	Year      int       `bun:"year,pk"`
	Month     int       `bun:"month,pk"`
	RunNo     int       `bun:"run_no,pk"`
	Rovat     string    `bun:"rovat,pk"`
	Collected hu.Forint `bun:"collected"`
	Posted    hu.Forint `bun:"posted"`
	EntryIDs  string    `bun:"entry_ids"`
}

// TaxRevenueRow is one rovat of a month's transfer.
type TaxRevenueRow struct {
	Rovat       string    `json:"rovat"`
	Name        string    `json:"rovat_name"`
	Uncertain   bool      `json:"uncertain"`
	Collected   hu.Forint `json:"collected"`   // what ADÓ shows now
	Transferred hu.Forint `json:"transferred"` // posted by earlier runs
	Difference  hu.Forint `json:"difference"`  // what this run posts
}

// TaxRevenueTransfer is a month's transfer: the preview, or what a run
// posted.
type TaxRevenueTransfer struct {
	EntityID uuid.UUID       `json:"entity_id"`
	Year     int             `json:"year"`
	Month    int             `json:"month"`
	On       hu.Date         `json:"on"`
	Funkcio  string          `json:"funkcio"`
	Document string          `json:"document"`
	Rows     []TaxRevenueRow `json:"rows"`
	Total    hu.Forint       `json:"total"`      // collected
	ToPost   hu.Forint       `json:"difference"` // net of this run
	Runs     int             `json:"runs"`       // earlier runs of the month
	Posted   bool            `json:"posted"`     // this call posted entries
	RunNo    int             `json:"run_no,omitempty"`
	Entries  []uuid.UUID     `json:"entries"`
}

// Nothing says there is no difference to post.
func (t TaxRevenueTransfer) Nothing() bool {
	for _, r := range t.Rows {
		if r.Difference != 0 {
			return false
		}
	}
	return true
}

var errNoTaxSource = problem("no_tax_source", "", "Az adóbevételek nem érhetők el: az ADÓ modul nincs bekapcsolva.", "Tax revenue is not available: the tax module is not plugged in.")

// ParseTaxRevenueMonth reads a month as 2026-03.
func ParseTaxRevenueMonth(s string) (int, int, *Problem) {
	s = strings.TrimSpace(s)
	var y, m int
	if len(s) != 7 || s[4] != '-' || strings.Trim(s[:4]+s[5:], "0123456789") != "" {
		return 0, 0, problem("bad_month", "month", "A hónapot ÉÉÉÉ-HH alakban adja meg (például 2026-03).", "Give the month as YYYY-MM (e.g. 2026-03).")
	}
	fmt.Sscanf(s[:4], "%d", &y)
	fmt.Sscanf(s[5:], "%d", &m)
	if y < 2000 || y > 2100 || m < 1 || m > 12 {
		return 0, 0, problem("bad_month", "month", "A hónapot ÉÉÉÉ-HH alakban adja meg (például 2026-03).", "Give the month as YYYY-MM (e.g. 2026-03).")
	}
	return y, m, nil
}

// TaxRevenuePreview says, by rovat, what ADÓ collected in the month, what
// was transferred already and what a run would post. Nothing is written.
func (s *Service) TaxRevenuePreview(ctx context.Context, tx bun.IDB, src TaxRevenueSource, entity uuid.UUID, year, month int) (TaxRevenueTransfer, error) {
	if src == nil {
		return TaxRevenueTransfer{}, errNoTaxSource
	}
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return TaxRevenueTransfer{}, err
	}
	if e.Kind != Municipality {
		return TaxRevenueTransfer{}, problem("not_municipality", "entity", "Az adóbevételt az önkormányzat könyveli; %s nem önkormányzat, hanem %s.",
			"Tax revenue is booked by the municipality; %s is not one but a(n) %s.", e.Name, strings.ToLower(KindName(e.Kind)))
	}
	if month < 1 || month > 12 || year < 2000 || year > 2100 {
		return TaxRevenueTransfer{}, problem("bad_month", "month", "A hónapot ÉÉÉÉ-HH alakban adja meg (például 2026-03).", "Give the month as YYYY-MM (e.g. 2026-03).")
	}
	from := hu.Date{Year: year, Month: time.Month(month), Day: 1}
	to := hu.DateOf(time.Date(year, time.Month(month)+1, 0, 12, 0, 0, 0, time.UTC))
	today := hu.DateOf(s.now())
	if today.Before(from) {
		return TaxRevenueTransfer{}, problem("future_month", "month", "%d. %02d. még nem kezdődött el; bevételt csak eltelt vagy folyó hónapra lehet átvezetni.",
			"%d-%02d has not begun; revenue can only be transferred for a past or the current month.", year, month)
	}
	set, err := ControlSettingsOf(ctx, tx)
	if err != nil {
		return TaxRevenueTransfer{}, err
	}
	t := TaxRevenueTransfer{EntityID: e.ID, Year: year, Month: month, On: to, Funkcio: set.TaxRevenueFunkcio,
		Document: fmt.Sprintf("ADÓ %04d-%02d", year, month), Rows: []TaxRevenueRow{}, Entries: []uuid.UUID{}}
	// Another entity of the tenant taking the same month would book the
	// same money twice.
	var other []taxrevRun
	if err := tx.NewSelect().Model(&other).Where("year = ? AND month = ? AND entity_id <> ?", year, month, e.ID).Limit(1).Scan(ctx); err != nil {
		return TaxRevenueTransfer{}, fmt.Errorf("tax revenue runs: %w", err)
	}
	if len(other) > 0 {
		o, err := EntityByID(ctx, tx, other[0].EntityID)
		if err != nil {
			return TaxRevenueTransfer{}, err
		}
		return TaxRevenueTransfer{}, problem("transferred_elsewhere", "entity", "%d. %02d. adóbevételét már %s könyveli; ugyanazt a bevételt két szervezet nem könyvelheti.",
			"The tax revenue of %d-%02d is already booked by %s; two entities cannot book the same revenue.", year, month, o.Name)
	}
	collected, err := src.TaxRevenueByRovat(ctx, tx, from, to)
	if err != nil {
		return TaxRevenueTransfer{}, err
	}
	var lines []taxrevLine
	if err := tx.NewSelect().Model(&lines).Where("entity_id = ? AND year = ? AND month = ?", e.ID, year, month).Scan(ctx); err != nil {
		return TaxRevenueTransfer{}, fmt.Errorf("tax revenue lines: %w", err)
	}
	if t.Runs, err = taxrevRuns(ctx, tx, e.ID, year, month); err != nil {
		return TaxRevenueTransfer{}, err
	}
	rows := map[string]*TaxRevenueRow{}
	row := func(code string) *TaxRevenueRow {
		r := rows[code]
		if r == nil {
			r = &TaxRevenueRow{Rovat: code}
			if rv, ok := mustCodes().Rovat(code); ok {
				r.Name = rv.Name
			}
			rows[code] = r
		}
		return r
	}
	for _, c := range collected {
		code := strings.ToUpper(strings.TrimSpace(c.Rovat))
		if _, ok := mustCodes().Rovat(code); !ok || !strings.HasPrefix(code, "B") {
			return TaxRevenueTransfer{}, problem("unmapped_tax", "month", "Az ADÓ %s Ft bevételt olyan adónemen mutat, amelynek nincs bevételi rovata (%q); rendezze az adónem besorolását, mielőtt átvezeti.",
				"ADÓ shows %s Ft collected on a tax type without a revenue rovat (%q); settle the tax type's rovat before the transfer.", c.Collected.Grouped(), c.Rovat)
		}
		r := row(code)
		r.Collected += c.Collected
		r.Uncertain = r.Uncertain || c.Uncertain
	}
	for _, l := range lines {
		row(l.Rovat).Transferred += l.Posted
	}
	for _, r := range rows {
		r.Difference = r.Collected - r.Transferred
		t.Total += r.Collected
		t.ToPost += r.Difference
		t.Rows = append(t.Rows, *r)
	}
	sort.Slice(t.Rows, func(i, j int) bool { return t.Rows[i].Rovat < t.Rows[j].Rovat })
	return t, nil
}

func taxrevRuns(ctx context.Context, tx bun.IDB, entity uuid.UUID, year, month int) (int, error) {
	n, err := db.Count(ctx, tx.NewSelect().Model((*taxrevRun)(nil)).Where("entity_id = ? AND year = ? AND month = ?", entity, year, month))
	return int(n), err
}

// TransferTaxRevenue posts the month's difference between what ADÓ
// collected and what was transferred before: a re-run posts nothing
// (Posted is false and no run is recorded), a correction in ADÓ posts
// only its difference. All of it or nothing.
func (s *Service) TransferTaxRevenue(ctx context.Context, tx bun.Tx, src TaxRevenueSource, entity uuid.UUID, year, month int, by string) (TaxRevenueTransfer, error) {
	// Two runs at once (PostgreSQL) would both find the work undone: the
	// second waits for the first, then finds it done (audit.Serialize).
	if err := audit.Serialize(ctx, tx, tenantOf(ctx)); err != nil {
		return TaxRevenueTransfer{}, err
	}
	t, err := s.TaxRevenuePreview(ctx, tx, src, entity, year, month)
	if err != nil {
		return t, err
	}
	if t.Nothing() {
		return t, nil
	}
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return t, err
	}
	if p := e.permitsFunkcio(t.Funkcio); p != nil {
		return t, p
	}
	if closed, err := periodClosed(ctx, tx, e.ID, year, month); err != nil {
		return t, err
	} else if closed {
		return t, problem("period_closed", "month", "%d. %02d. hónap könyvei (%s) már le vannak zárva; az adóbevétel nem vezethető át.",
			"The books of %d-%02d (%s) are closed; the tax revenue cannot be transferred.", year, month, e.Name)
	}
	now := s.now().UTC()
	run := taxrevRun{EntityID: e.ID, Year: year, Month: month, RunNo: t.Runs + 1, Funkcio: t.Funkcio, CreatedAt: now, CreatedBy: by}
	text := fmt.Sprintf("Adóbevételek átvezetése, %d. %02d.", year, month)
	if run.RunNo > 1 {
		text = fmt.Sprintf("Adóbevételek átvezetése, %d. %02d. (%d. helyesbítés)", year, month, run.RunNo-1)
	}
	var entries []Entry
	var allLines []Line
	var lines []taxrevLine
	for _, r := range t.Rows {
		tl := taxrevLine{EntityID: e.ID, Year: year, Month: month, RunNo: run.RunNo, Rovat: r.Rovat, Collected: r.Collected, Posted: r.Difference}
		if r.Difference != 0 {
			amount, swap := r.Difference, false
			if amount < 0 {
				amount, swap = -amount, true
			}
			var ids []string
			for _, kind := range []string{EvRevenueAssessed, EvRevenueCollected} {
				en, prob := s.build(e, Event{Entity: e.ID, Kind: kind, On: t.On, Rovat: r.Rovat, Funkcio: t.Funkcio, Task: "kotelezo",
					Amount: amount, Partner: "ADÓ", Document: t.Document, Text: text}, by, now)
				if prob != nil {
					return t, prob
				}
				if swap {
					for i := range en.Lines {
						en.Lines[i].Debit, en.Lines[i].Credit = en.Lines[i].Credit, en.Lines[i].Debit
					}
				}
				entries = append(entries, en)
				allLines = append(allLines, en.Lines...)
				ids = append(ids, en.ID.String())
				t.Entries = append(t.Entries, en.ID)
			}
			tl.EntryIDs = strings.Join(ids, " ")
		}
		lines = append(lines, tl)
	}
	// The run first: a second run racing this one fails on its key before
	// anything of it is written.
	if _, err := tx.NewInsert().Model(&run).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return t, problem("concurrent_run", "month", "Ezt a hónapot most vezeti át valaki más; nézze meg újra az előnézetet.", "Someone else is transferring this month now; look at the preview again.")
		}
		return t, fmt.Errorf("insert tax revenue run: %w", err)
	}
	if _, err := tx.NewInsert().Model(&lines).Exec(ctx); err != nil {
		return t, fmt.Errorf("insert tax revenue lines: %w", err)
	}
	if err := insertEntries(ctx, tx, entries, allLines); err != nil {
		return t, err
	}
	t.Posted, t.RunNo = true, run.RunNo
	byRovat := map[string]int64{}
	for _, r := range t.Rows {
		if r.Difference != 0 {
			byRovat[r.Rovat] = int64(r.Difference)
		}
	}
	return t, appendAudit(ctx, tx, "finance.tax_revenue_transfer", "entity", e.ID.String(), map[string]any{
		"year": year, "month": month, "run": run.RunNo, "funkcio": t.Funkcio, "by_rovat": byRovat, "entries": len(entries), "by": by}, now)
}
