package finance

import (
	"context"
	"fmt"
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

// ledgerWhere narrows a query of lines (alias jl) to the filter's account
// and dimensions; months are left to the caller.
func (f LedgerFilter) ledgerWhere(q *bun.SelectQuery) *bun.SelectQuery {
	q = q.Where("jl.entity_id = ?", f.Entity).Where("jl.year = ?", f.Year).
		Where("(jl.debit_account = ? OR jl.credit_account = ?)", f.Account, f.Account)
	for col, v := range map[string]string{"jl.partner": f.Partner, "jl.commitment": f.Commitment, "jl.rovat": f.Rovat, "jl.funkcio": f.Funkcio} {
		if v = strings.TrimSpace(v); v != "" {
			q = q.Where("? = ?", bun.Ident(col), v)
		}
	}
	return q
}

// signedSum is the account's debit − credit over the lines of q.
func (f LedgerFilter) signedSum(ctx context.Context, tx bun.IDB, q *bun.SelectQuery) (hu.Forint, error) {
	var sums []struct {
		Debit string    `bun:"debit_account"`
		Sum   hu.Forint `bun:"sum"`
	}
	if err := q.ColumnExpr("jl.debit_account, SUM(jl.amount) AS sum").GroupExpr("jl.debit_account").Scan(ctx, &sums); err != nil {
		return 0, fmt.Errorf("account sums: %w", err)
	}
	var out hu.Forint
	for _, s := range sums {
		if s.Debit == f.Account {
			out += s.Sum
		} else {
			out -= s.Sum
		}
	}
	return out, nil
}

// AccountSheetOf computes an account's sheet; page counts from 1.
func AccountSheetOf(ctx context.Context, tx bun.IDB, f LedgerFilter, page int) (AccountSheet, error) {
	if p := f.check(); p != nil {
		return AccountSheet{}, p
	}
	a, _ := AccountByCode(f.Account)
	sh := AccountSheet{Account: a, Year: f.Year, From: f.From, Through: f.Through, Lines: []SheetLine{}}
	lines := func() *bun.SelectQuery { return f.ledgerWhere(tx.NewSelect().Model((*Line)(nil))) }
	var err error
	if f.From > 1 {
		if sh.Opening, err = f.signedSum(ctx, tx, lines().Where("jl.month < ?", f.From)); err != nil {
			return sh, err
		}
	}
	// The period's turnover by month: the totals, and where each page
	// falls, so that a page joins and sorts only its own months' lines.
	var turn []struct {
		Debit string    `bun:"debit_account"`
		Month int       `bun:"month"`
		Sum   hu.Forint `bun:"sum"`
		N     int       `bun:"n"`
	}
	if err := lines().Where("jl.month BETWEEN ? AND ?", f.From, f.Through).ColumnExpr("jl.debit_account, jl.month, SUM(jl.amount) AS sum, COUNT(*) AS n").
		GroupExpr("jl.debit_account, jl.month").Scan(ctx, &turn); err != nil {
		return sh, fmt.Errorf("account turnover: %w", err)
	}
	var count [13]int
	var signed [13]hu.Forint
	for _, t := range turn {
		if t.Debit == f.Account {
			sh.Debit += t.Sum
			signed[t.Month] += t.Sum
		} else {
			sh.Credit += t.Sum
			signed[t.Month] -= t.Sum
		}
		sh.LineCount += t.N
		count[t.Month] += t.N
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
	// The sheet's order is the day's: a line's month is its entry's.
	ordered := func(q *bun.SelectQuery, from, to int) *bun.SelectQuery {
		return q.Join("JOIN finance_entries AS ent ON ent.tenant_id = jl.tenant_id AND ent.id = jl.entry_id").
			Where("jl.month BETWEEN ? AND ?", from, to).OrderExpr("jl.month, ent.on_date, jl.entry_id, jl.line_no")
	}
	if skip > 0 {
		// The lines of the first month before this page, in the sheet's
		// order, complete the running balance the page starts from.
		inner := ordered(lines(), first, first).ColumnExpr("CASE WHEN jl.debit_account = ? THEN jl.amount ELSE -jl.amount END AS signed", f.Account).Limit(int64(skip))
		var before hu.Forint
		if err := tx.NewSelect().TableExpr("(?) AS p", inner).ColumnExpr("COALESCE(SUM(p.signed), 0)").Scan(ctx, &before); err != nil {
			return sh, fmt.Errorf("account sheet page: %w", err)
		}
		sh.PageOpening += before
	}
	q := ordered(lines(), first, last).ColumnExpr("ent.on_date, jl.entry_id, jl.line_no, jl.event, jl.document, ent.description, jl.partner, jl.commitment, jl.rovat, jl.funkcio, jl.debit_account, jl.credit_account, jl.amount").
		Limit(ledgerPageSize).Offset(int64(skip))
	if err := q.Scan(ctx, &sh.Lines); err != nil {
		return sh, fmt.Errorf("account sheet: %w", err)
	}
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
	var rows []struct {
		Key   string    `bun:"k"`
		Debit string    `bun:"debit_account"`
		Sum   hu.Forint `bun:"sum"`
	}
	q := f.ledgerWhere(tx.NewSelect().Model((*Line)(nil))).Where("jl.month <= ?", f.Through).
		ColumnExpr("? AS k, jl.debit_account, SUM(jl.amount) AS sum", bun.Ident(col)).GroupExpr("?, jl.debit_account", bun.Ident(col)).OrderExpr("1")
	if err := q.Scan(ctx, &rows); err != nil {
		return out, fmt.Errorf("analytics: %w", err)
	}
	for _, r := range rows {
		if n := len(out.Rows); n == 0 || out.Rows[n-1].Key != r.Key {
			out.Rows = append(out.Rows, AnalyticsRow{Key: r.Key})
		}
		row := &out.Rows[len(out.Rows)-1]
		if r.Debit == f.Account {
			row.Debit += r.Sum
			out.Debit += r.Sum
		} else {
			row.Credit += r.Sum
			out.Credit += r.Sum
		}
		row.Balance = row.Debit - row.Credit
	}
	out.Balance = out.Debit - out.Credit
	return out, nil
}
