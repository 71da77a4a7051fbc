package finance

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// The general ledger (főkönyv): one account's sheet (számlalap) for a
// period, and its analytics (analitika) by partner, commitment, rovat or
// funkció. Both read the journal lines directly; a line keeps both sides
// of its pair, so the account is either its debit or its credit side and
// the other side is the counter-account.

// LedgerFilter selects an account's lines: the entity, the year, months
// From..Through, and optionally one partner, commitment, rovat, funkció.
type LedgerFilter struct {
	Entity        uuid.UUID
	Account       string
	Year          int
	From, Through int
	Partner       string
	Commitment    string
	Rovat         string
	Funkcio       string
}

// ledgerPageSize is how many lines one page of an account sheet shows.
const ledgerPageSize = 200

// SheetLine is one line of an account sheet.
type SheetLine struct {
	On             hu.Date   `json:"on" bun:"on_date"`
	EntryID        uuid.UUID `json:"entry_id" bun:"entry_id"`
	LineNo         int       `json:"line_no" bun:"line_no"`
	Month          int       `json:"-" bun:"month"`
	Event          string    `json:"event" bun:"event"`
	Document       string    `json:"document" bun:"document"`
	Description    string    `json:"description" bun:"description"`
	Partner        string    `json:"partner" bun:"partner"`
	Commitment     string    `json:"commitment" bun:"commitment"`
	Rovat          string    `json:"rovat" bun:"rovat"`
	Funkcio        string    `json:"funkcio" bun:"funkcio"`
	DebitAccount   string    `json:"-" bun:"debit_account"`
	CreditAccount  string    `json:"-" bun:"credit_account"`
	Amount         hu.Forint `json:"-" bun:"amount"`
	CounterAccount string    `json:"counter_account" bun:"-"`
	Debit          hu.Forint `json:"debit" bun:"-"`
	Credit         hu.Forint `json:"credit" bun:"-"`
	Balance        hu.Forint `json:"balance" bun:"-"` // running, after this line
}

// AccountSheet is the számlalap: opening balance, the lines of one page
// with their running balance, the period's turnover and the closing
// balance. Balances are debit − credit.
type AccountSheet struct {
	Account     Account     `json:"account"`
	Year        int         `json:"year"`
	From        int         `json:"from_month"`
	Through     int         `json:"through_month"`
	Opening     hu.Forint   `json:"opening_balance"`
	Debit       hu.Forint   `json:"debit_turnover"`
	Credit      hu.Forint   `json:"credit_turnover"`
	Closing     hu.Forint   `json:"closing_balance"`
	LineCount   int         `json:"line_count"`
	Page        int         `json:"page"`
	Pages       int         `json:"pages"`
	PageOpening hu.Forint   `json:"page_opening_balance"`
	Lines       []SheetLine `json:"lines"`
}

func (f *LedgerFilter) check() *Problem {
	f.Account = strings.TrimSpace(f.Account)
	if _, ok := AccountByCode(f.Account); !ok {
		return problem("bad_account", "account", "Nincs %q főkönyvi számla a számlatükörben.", "There is no account %q in the chart of accounts.", f.Account)
	}
	if f.From == 0 {
		f.From = 1
	}
	if f.Through == 0 {
		f.Through = 12
	}
	if f.From < 1 || f.Through > 12 || f.From > f.Through {
		return problem("bad_period", "from", "Az időszak hónapjai 1 és 12 közé essenek, és a kezdő hónap ne legyen a záró után.", "The period's months must be 1–12, the first not after the last.")
	}
	return nil
}

// dims narrows a query of lines (alias jl) to the filter's entity, year
// and dimensions.
func (f LedgerFilter) dims(q *bun.SelectQuery) *bun.SelectQuery {
	q = q.Where("jl.entity_id = ?", f.Entity).Where("jl.year = ?", f.Year)
	for col, v := range map[string]string{"jl.partner": f.Partner, "jl.commitment": f.Commitment, "jl.rovat": f.Rovat, "jl.funkcio": f.Funkcio} {
		if v = strings.TrimSpace(v); v != "" {
			q = q.Where("? = ?", bun.Ident(col), v)
		}
	}
	return q
}

// ledgerSides are the two columns an account may stand in; the sums read
// each side on its own rather than an OR. (Indexes per side made these
// faster on SQLite but the trial balance three times slower on
// PostgreSQL, so there are none: each side scans finance_lines_report.)
var ledgerSides = []string{"debit_account", "credit_account"}

// monthly sums the account's lines of months 1..Through per month and
// side.
func (f LedgerFilter) monthly(ctx context.Context, tx bun.IDB) (debit, credit [13]hu.Forint, count [13]int, err error) {
	for _, side := range ledgerSides {
		var rows []struct {
			Month int       `bun:"month"`
			Sum   hu.Forint `bun:"sum"`
			N     int       `bun:"n"`
		}
		q := f.dims(tx.NewSelect().Model((*Line)(nil))).Where("? = ?", bun.Ident("jl."+side), f.Account).Where("jl.month <= ?", f.Through).
			ColumnExpr("jl.month, SUM(jl.amount) AS sum, COUNT(*) AS n").GroupExpr("jl.month")
		if err = q.Scan(ctx, &rows); err != nil {
			return debit, credit, count, fmt.Errorf("account turnover: %w", err)
		}
		for _, r := range rows {
			if side == "debit_account" {
				debit[r.Month] += r.Sum
			} else {
				credit[r.Month] += r.Sum
			}
			count[r.Month] += r.N
		}
	}
	return debit, credit, count, nil
}

// AccountSheetOf computes an account's sheet; page counts from 1.
func AccountSheetOf(ctx context.Context, tx bun.IDB, f LedgerFilter, page int) (AccountSheet, error) {
	if p := f.check(); p != nil {
		return AccountSheet{}, p
	}
	a, _ := AccountByCode(f.Account)
	sh := AccountSheet{Account: a, Year: f.Year, From: f.From, Through: f.Through, Lines: []SheetLine{}}
	// The months before the period make the opening balance; the
	// period's months show where each page falls, so that a page joins
	// and sorts only its own months' lines.
	debit, credit, count, err := f.monthly(ctx, tx)
	if err != nil {
		return sh, err
	}
	var signed [13]hu.Forint
	for m := 1; m <= f.Through; m++ {
		signed[m] = debit[m] - credit[m]
		if m < f.From {
			sh.Opening += signed[m]
			continue
		}
		sh.Debit += debit[m]
		sh.Credit += credit[m]
		sh.LineCount += count[m]
	}
	sh.Closing = sh.Opening + sh.Debit - sh.Credit
	sh.Pages = max(1, (sh.LineCount+ledgerPageSize-1)/ledgerPageSize)
	sh.Page = min(max(page, 1), sh.Pages)
	offset := (sh.Page - 1) * ledgerPageSize
	// The page starts in month first, after skip of its lines, and ends
	// by month last.
	first, skip, seen := f.Through, 0, 0
	sh.PageOpening = sh.Opening
	for m := f.From; m <= f.Through; m++ {
		if seen+count[m] > offset {
			first, skip = m, offset-seen
			break
		}
		seen += count[m]
		sh.PageOpening += signed[m]
	}
	last, upto := first, seen
	for m := first; m <= f.Through; m++ {
		last, upto = m, upto+count[m]
		if upto >= offset+ledgerPageSize {
			break
		}
	}
	// The page's months are read whole (each side on its own), their
	// entries' days and texts looked up by id, and the lines put in the
	// sheet's order here: a join sorted by the database chose poor plans
	// on both dialects.
	var ls []SheetLine
	for _, side := range ledgerSides {
		var part []SheetLine
		q := f.dims(tx.NewSelect().Model((*Line)(nil))).Where("? = ?", bun.Ident("jl."+side), f.Account).Where("jl.month BETWEEN ? AND ?", first, last).
			ColumnExpr("jl.month, jl.entry_id, jl.line_no, jl.event, jl.document, jl.partner, jl.commitment, jl.rovat, jl.funkcio, jl.debit_account, jl.credit_account, jl.amount")
		if err := q.Scan(ctx, &part); err != nil {
			return sh, fmt.Errorf("account sheet: %w", err)
		}
		ls = append(ls, part...)
	}
	ids := make([]uuid.UUID, 0, len(ls))
	seenID := map[uuid.UUID]bool{}
	for _, l := range ls {
		if !seenID[l.EntryID] {
			seenID[l.EntryID] = true
			ids = append(ids, l.EntryID)
		}
	}
	type entryDay struct {
		ID          uuid.UUID `bun:"id"`
		On          hu.Date   `bun:"on_date"`
		Description string    `bun:"description"`
	}
	days := make(map[uuid.UUID]entryDay, len(ids))
	for i := 0; i < len(ids); i += 500 {
		var es []entryDay
		if err := tx.NewSelect().Model((*Entry)(nil)).ColumnExpr("id, on_date, description").Where("id IN (?)", bun.In(ids[i:min(i+500, len(ids))])).Scan(ctx, &es); err != nil {
			return sh, fmt.Errorf("account sheet entries: %w", err)
		}
		for _, e := range es {
			days[e.ID] = e
		}
	}
	for i := range ls {
		e := days[ls[i].EntryID]
		ls[i].On, ls[i].Description = e.On, e.Description
	}
	sort.Slice(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if c := a.On.Compare(b.On); c != 0 {
			return c < 0
		}
		if a.EntryID != b.EntryID {
			return a.EntryID.String() < b.EntryID.String()
		}
		return a.LineNo < b.LineNo
	})
	// The lines of the first month before this page complete the running
	// balance the page starts from.
	for _, l := range ls[:min(skip, len(ls))] {
		if l.DebitAccount == f.Account {
			sh.PageOpening += l.Amount
		} else {
			sh.PageOpening -= l.Amount
		}
	}
	sh.Lines = append(sh.Lines, ls[min(skip, len(ls)):min(skip+ledgerPageSize, len(ls))]...)
	bal := sh.PageOpening
	for i := range sh.Lines {
		l := &sh.Lines[i]
		if l.DebitAccount == f.Account {
			l.Debit, l.CounterAccount = l.Amount, l.CreditAccount
			bal += l.Amount
		} else {
			l.Credit, l.CounterAccount = l.Amount, l.DebitAccount
			bal -= l.Amount
		}
		l.Balance = bal
	}
	return sh, nil
}

// Analytics dimensions.
var ledgerDimensions = map[string]string{"partner": "jl.partner", "commitment": "jl.commitment", "rovat": "jl.rovat", "funkcio": "jl.funkcio"}

// AnalyticsRow is one value of a dimension on an account.
type AnalyticsRow struct {
	Key     string    `json:"key"`
	Debit   hu.Forint `json:"debit"`
	Credit  hu.Forint `json:"credit"`
	Balance hu.Forint `json:"balance"`
}

// Analytics is an account's turnover and balance through a month, by one
// dimension.
type Analytics struct {
	Account   Account        `json:"account"`
	Year      int            `json:"year"`
	Through   int            `json:"through_month"`
	Dimension string         `json:"dimension"`
	Rows      []AnalyticsRow `json:"rows"`
	Debit     hu.Forint      `json:"debit"`
	Credit    hu.Forint      `json:"credit"`
	Balance   hu.Forint      `json:"balance"`
}

// AnalyticsOf groups an account's lines of months 1..Through by dim.
func AnalyticsOf(ctx context.Context, tx bun.IDB, f LedgerFilter, dim string) (Analytics, error) {
	f.From = 1
	if p := f.check(); p != nil {
		return Analytics{}, p
	}
	col, ok := ledgerDimensions[dim]
	if !ok {
		return Analytics{}, problem("bad_dimension", "by", "Az analitika szempontja partner, kötelezettségvállalás, rovat vagy funkció lehet.", "Analytics are by partner, commitment, rovat or funkció.")
	}
	a, _ := AccountByCode(f.Account)
	out := Analytics{Account: a, Year: f.Year, Through: f.Through, Dimension: dim, Rows: []AnalyticsRow{}}
	byKey := map[string]*AnalyticsRow{}
	for _, side := range ledgerSides {
		var rows []struct {
			Key string    `bun:"k"`
			Sum hu.Forint `bun:"sum"`
		}
		q := f.dims(tx.NewSelect().Model((*Line)(nil))).Where("? = ?", bun.Ident("jl."+side), f.Account).Where("jl.month <= ?", f.Through).
			ColumnExpr("? AS k, SUM(jl.amount) AS sum", bun.Ident(col)).GroupExpr("?", bun.Ident(col))
		if err := q.Scan(ctx, &rows); err != nil {
			return out, fmt.Errorf("analytics: %w", err)
		}
		for _, r := range rows {
			row := byKey[r.Key]
			if row == nil {
				row = &AnalyticsRow{Key: r.Key}
				byKey[r.Key] = row
			}
			if side == "debit_account" {
				row.Debit += r.Sum
				out.Debit += r.Sum
			} else {
				row.Credit += r.Sum
				out.Credit += r.Sum
			}
		}
	}
	for _, row := range byKey {
		row.Balance = row.Debit - row.Credit
		out.Rows = append(out.Rows, *row)
	}
	sort.Slice(out.Rows, func(i, j int) bool { return out.Rows[i].Key < out.Rows[j].Key })
	out.Balance = out.Debit - out.Credit
	return out, nil
}
