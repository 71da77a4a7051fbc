package finance

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// Reports are derived from the ledger alone (§B.10): the budget report
// from the class 0 pairs by rovat and funkció, the trial balance from
// every pair.

// Scope selects the lines of a report: one entity (or all of the
// tenant's when Entity is uuid.Nil), a year, months 1..Through.
type Scope struct {
	Entity  uuid.UUID
	Year    int
	Through int
}

func (sc Scope) where(q *bun.SelectQuery) *bun.SelectQuery {
	q = q.Where("year = ?", sc.Year)
	if sc.Through > 0 && sc.Through < 12 {
		q = q.Where("month <= ?", sc.Through)
	}
	if sc.Entity != uuid.Nil {
		q = q.Where("entity_id = ?", sc.Entity)
	}
	return q
}

type turnover struct {
	Rovat   string    `bun:"rovat"`
	Funkcio string    `bun:"funkcio"`
	Event   string    `bun:"event"`
	Account string    `bun:"account"`
	Debit   hu.Forint `bun:"debit"`
	Credit  hu.Forint `bun:"credit"`
}

// turnovers sums the budget side's pairs per rovat, funkció, event and
// account pair in one grouped scan (of the covering index
// finance_lines_report), then splits each pair into its debit and its
// credit account's turnover.
func turnovers(ctx context.Context, tx bun.IDB, sc Scope, extra func(*bun.SelectQuery) *bun.SelectQuery) ([]turnover, error) {
	var pairs []struct {
		Rovat   string    `bun:"rovat"`
		Funkcio string    `bun:"funkcio"`
		Event   string    `bun:"event"`
		Debit   string    `bun:"debit_account"`
		Credit  string    `bun:"credit_account"`
		Sum     hu.Forint `bun:"sum"`
	}
	q := tx.NewSelect().Model((*Line)(nil)).
		ColumnExpr("rovat, funkcio, event, debit_account, credit_account, SUM(amount) AS sum").
		Where("ledger = ?", Budget).GroupExpr("rovat, funkcio, event, debit_account, credit_account")
	q = sc.where(q)
	if extra != nil {
		q = extra(q)
	}
	if err := q.Scan(ctx, &pairs); err != nil {
		return nil, fmt.Errorf("budget turnovers: %w", err)
	}
	out := make([]turnover, 0, 2*len(pairs))
	for _, p := range pairs {
		out = append(out, turnover{Rovat: p.Rovat, Funkcio: p.Funkcio, Event: p.Event, Account: p.Debit, Debit: p.Sum},
			turnover{Rovat: p.Rovat, Funkcio: p.Funkcio, Event: p.Event, Account: p.Credit, Credit: p.Sum})
	}
	return out, nil
}

// Status is where an appropriation line stands (§B.4).
type Status struct {
	Rovat          string    `json:"rovat"`
	Funkcio        string    `json:"funkcio"`
	Original       hu.Forint `json:"original"`
	Modified       hu.Forint `json:"modified"`
	Committed      hu.Forint `json:"committed"`       // commitments made
	OpenCommitment hu.Forint `json:"open_commitment"` // not yet paid
	Receivable     hu.Forint `json:"receivable"`      // revenue assessed
	OpenReceivable hu.Forint `json:"open_receivable"`
	Performance    hu.Forint `json:"performance"` // teljesítés: paid or collected
	// Free is the szabad előirányzat: modified − open commitments −
	// performance (for a revenue: what is still to be collected).
	Free hu.Forint `json:"free"`
}

func (st *Status) add(t turnover) {
	net := t.Debit - t.Credit
	switch t.Account {
	case "0511":
		st.Original += net
		st.Modified += net
	case "0512":
		st.Modified += net
	case "0521":
		st.Original -= net
		st.Modified -= net
	case "0522":
		st.Modified -= net
	case "0513":
		st.OpenCommitment += net
		if t.Event == EvCommitment {
			st.Committed += net
		}
	case "0514":
		st.Performance += net
	case "0523":
		st.OpenReceivable += net
		if t.Event == EvRevenueAssessed || t.Event == EvOutputVAT {
			st.Receivable += net
		}
	case "0524":
		st.Performance -= net
	}
}

func (st *Status) finish() {
	st.Free = st.Modified - st.OpenCommitment - st.Performance
	if st.Rovat != "" && st.Rovat[0] == 'B' {
		st.Free = st.Modified - st.Performance
	}
}

// LineStatus is one appropriation line's state for the whole year.
func LineStatus(ctx context.Context, tx bun.IDB, entity uuid.UUID, year int, k LineKey) (Status, error) {
	ts, err := turnovers(ctx, tx, Scope{Entity: entity, Year: year}, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("rovat = ? AND funkcio = ? AND task = ?", k.Rovat, k.Funkcio, taskOr(k.Task))
	})
	if err != nil {
		return Status{}, err
	}
	st := Status{Rovat: k.Rovat, Funkcio: k.Funkcio}
	for _, t := range ts {
		st.add(t)
	}
	st.finish()
	return st, nil
}

// BudgetReport is the monthly interim budget report (havi időközi
// költségvetési jelentés): by rovat and funkció, with the rovat groups
// and the §B.2 totals.
type BudgetReport struct {
	Scope  Scope    `json:"-"`
	Lines  []Status `json:"lines"`
	Groups []Status `json:"groups"` // K1…K9, B1…B8
	// §B.2: költségvetési kiadások K1–K8, finanszírozási kiadások K9,
	// költségvetési bevételek B1–B7, finanszírozási bevételek B8.
	BudgetExpenditure, FinancingExpenditure, BudgetRevenue, FinancingRevenue Status
	// Balance is the költségvetési egyenleg: (B1–B7) − (K1–K8) performance.
	Balance hu.Forint `json:"balance"`
}

// Budget computes the report.
func BudgetOf(ctx context.Context, tx bun.IDB, sc Scope) (BudgetReport, error) {
	ts, err := turnovers(ctx, tx, sc, nil)
	if err != nil {
		return BudgetReport{}, err
	}
	byLine := map[[2]string]*Status{}
	byGroup := map[string]*Status{}
	for _, t := range ts {
		if t.Rovat == "" {
			continue
		}
		k := [2]string{t.Rovat, t.Funkcio}
		if byLine[k] == nil {
			byLine[k] = &Status{Rovat: t.Rovat, Funkcio: t.Funkcio}
		}
		byLine[k].add(t)
		g := t.Rovat[:2]
		if byGroup[g] == nil {
			byGroup[g] = &Status{Rovat: g}
		}
		byGroup[g].add(t)
	}
	r := BudgetReport{Scope: sc, BudgetExpenditure: Status{Rovat: "K1-K8"}, FinancingExpenditure: Status{Rovat: "K9"}, BudgetRevenue: Status{Rovat: "B1-B7"}, FinancingRevenue: Status{Rovat: "B8"}}
	for _, st := range byLine {
		st.finish()
		r.Lines = append(r.Lines, *st)
	}
	sort.Slice(r.Lines, func(i, j int) bool {
		a, b := r.Lines[i], r.Lines[j]
		if a.Rovat[0] != b.Rovat[0] {
			return a.Rovat[0] == 'K' // expenditures first, as the forms do
		}
		if a.Rovat != b.Rovat {
			return a.Rovat < b.Rovat
		}
		return a.Funkcio < b.Funkcio
	})
	for _, st := range byGroup {
		st.finish()
		r.Groups = append(r.Groups, *st)
		var tot *Status
		switch g := st.Rovat; {
		case g == "K9":
			tot = &r.FinancingExpenditure
		case g == "B8":
			tot = &r.FinancingRevenue
		case g[0] == 'K':
			tot = &r.BudgetExpenditure
		default:
			tot = &r.BudgetRevenue
		}
		tot.Original += st.Original
		tot.Modified += st.Modified
		tot.Committed += st.Committed
		tot.OpenCommitment += st.OpenCommitment
		tot.Receivable += st.Receivable
		tot.OpenReceivable += st.OpenReceivable
		tot.Performance += st.Performance
		tot.Free += st.Free
	}
	sort.Slice(r.Groups, func(i, j int) bool {
		a, b := r.Groups[i].Rovat, r.Groups[j].Rovat
		if a[0] != b[0] {
			return a[0] == 'K'
		}
		return a < b
	})
	r.Balance = r.BudgetRevenue.Performance - r.BudgetExpenditure.Performance
	return r, nil
}

// TrialRow is one account of the trial balance (főkönyvi kivonat).
type TrialRow struct {
	Account Account   `json:"account"`
	Debit   hu.Forint `json:"debit"`
	Credit  hu.Forint `json:"credit"`
}

// Balance is debit − credit (a credit balance is negative).
func (t TrialRow) Balance() hu.Forint { return t.Debit - t.Credit }

// TrialBalance sums every account's debit and credit turnover.
type TrialBalance struct {
	Rows                    []TrialRow
	FinancialDebit, FinCred hu.Forint
	BudgetDebit, BudCred    hu.Forint
}

// TrialBalanceOf computes the trial balance of the scope.
func TrialBalanceOf(ctx context.Context, tx bun.IDB, sc Scope) (TrialBalance, error) {
	rows := map[string]*TrialRow{}
	row := func(code string) *TrialRow {
		r := rows[code]
		if r == nil {
			a, ok := AccountByCode(code)
			if !ok {
				a = Account{Code: code, Name: "?"}
			}
			r = &TrialRow{Account: a}
			rows[code] = r
		}
		return r
	}
	// One grouped scan in the covering index's order (so the database
	// sorts nothing); the groups are summed per account here.
	var pairs []struct {
		Debit  string    `bun:"debit_account"`
		Credit string    `bun:"credit_account"`
		Sum    hu.Forint `bun:"sum"`
	}
	q := tx.NewSelect().Model((*Line)(nil)).ColumnExpr("debit_account, credit_account, SUM(amount) AS sum").
		GroupExpr("ledger, rovat, funkcio, event, debit_account, credit_account")
	if err := sc.where(q).Scan(ctx, &pairs); err != nil {
		return TrialBalance{}, fmt.Errorf("trial balance: %w", err)
	}
	for _, p := range pairs {
		row(p.Debit).Debit += p.Sum
		row(p.Credit).Credit += p.Sum
	}
	var tb TrialBalance
	for _, r := range rows {
		tb.Rows = append(tb.Rows, *r)
		if r.Account.Class() == 0 {
			tb.BudgetDebit += r.Debit
			tb.BudCred += r.Credit
		} else {
			tb.FinancialDebit += r.Debit
			tb.FinCred += r.Credit
		}
	}
	sort.Slice(tb.Rows, func(i, j int) bool { return tb.Rows[i].Account.Code < tb.Rows[j].Account.Code })
	return tb, nil
}

// Check is one §B.6 reconciliation between the budget and the financial
// side.
type Check struct {
	HU, EN    string
	Budget    hu.Forint
	Financial hu.Forint
}

// OK reports whether the two sides agree.
func (c Check) OK() bool { return c.Budget == c.Financial }

var cashAccounts = []string{"321", "331"}

// Reconcile runs the §B.6 checks on the scope: per rovat group,
// performance in class 0 equals the rovat-coded payables/receivables
// settled against cash; and Σ revenue − Σ expenditure performance equals
// the change of cash.
func Reconcile(ctx context.Context, tx bun.IDB, sc Scope) ([]Check, error) {
	br, err := BudgetOf(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	var cash []struct {
		Rovat  string    `bun:"rovat"`
		Debit  string    `bun:"debit_account"`
		Credit string    `bun:"credit_account"`
		Sum    hu.Forint `bun:"sum"`
	}
	q := tx.NewSelect().Model((*Line)(nil)).ColumnExpr("rovat, debit_account, credit_account, SUM(amount) AS sum").
		Where("ledger = ?", Financial).Where("(debit_account IN (?) OR credit_account IN (?))", bun.In(cashAccounts), bun.In(cashAccounts)).
		GroupExpr("rovat, debit_account, credit_account")
	if err := sc.where(q).Scan(ctx, &cash); err != nil {
		return nil, fmt.Errorf("cash turnover: %w", err)
	}
	isCash := func(a string) bool { return a == "321" || a == "331" }
	fin := map[string]hu.Forint{}
	var cashChange hu.Forint
	for _, c := range cash {
		if isCash(c.Debit) && isCash(c.Credit) {
			continue // a transfer between cash accounts
		}
		g := ""
		if len(c.Rovat) >= 2 {
			g = c.Rovat[:2]
		}
		if isCash(c.Credit) && len(c.Debit) == 4 && c.Debit[:3] == "421" {
			fin[g] += c.Sum
		}
		if isCash(c.Debit) && len(c.Credit) == 4 && c.Credit[:3] == "351" {
			fin[g] += c.Sum
		}
		if isCash(c.Debit) {
			cashChange += c.Sum
		} else {
			cashChange -= c.Sum
		}
	}
	var out []Check
	for _, g := range br.Groups {
		out = append(out, Check{HU: g.Rovat + " teljesítése = a rovathoz tartozó kötelezettségek/követelések pénzforgalmi rendezése",
			EN: g.Rovat + " performance = the rovat's payables/receivables settled in cash", Budget: g.Performance, Financial: fin[g.Rovat]})
		delete(fin, g.Rovat)
	}
	for g, v := range fin {
		out = append(out, Check{HU: g + " pénzforgalma költségvetési teljesítés nélkül", EN: g + " cash movement without budget performance", Financial: v})
	}
	perf := br.BudgetRevenue.Performance + br.FinancingRevenue.Performance - br.BudgetExpenditure.Performance - br.FinancingExpenditure.Performance
	out = append(out, Check{HU: "Bevételek teljesítése − kiadások teljesítése = pénzeszközök változása", EN: "Revenue performance − expenditure performance = change in cash",
		Budget: perf, Financial: cashChange})
	return out, nil
}
