package tax

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// Reports of ADÓ (issue 4 point 10): revenue collected by tax type and
// period, mapped to the budget rovats, and the ageing of arrears.

// RevenueKinds are the posting kinds that are money received: a credit of
// such a kind is collected revenue. Reductions by decision (törlés),
// transfers between accounts (átvezetés), interest taken back and
// reversals are credits too, but no money came in with them, so the
// budget report must not count them. "befizetés" is what the bank
// statement import posts and what clerks write for a cash or postal
// payment.
var RevenueKinds = map[string]bool{"befizetés": true}

// IsRevenue says whether a posting kind is money received.
func IsRevenue(kind string) bool { return RevenueKinds[strings.ToLower(strings.TrimSpace(kind))] }

// Report periods.
const (
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
)

// RevenueRow is what was collected on one tax type in one period.
type RevenueRow struct {
	Period    string    `json:"period"` // 2026-03, 2026-Q1 or 2026
	From      hu.Date   `json:"from"`
	To        hu.Date   `json:"to"`
	TaxType   string    `json:"tax_type"`
	Name      string    `json:"tax_type_name"`
	Rovat     Rovat     `json:"rovat"`
	Payments  int       `json:"payments"`
	Collected hu.Forint `json:"collected"`
}

// RovatTotal is what was collected in a rovat (or "ebből" line) over the
// whole range.
type RovatTotal struct {
	Code      string    `json:"rovat"`
	Name      string    `json:"rovat_name"`
	Of        string    `json:"of,omitempty"`
	Uncertain bool      `json:"uncertain"`
	Collected hu.Forint `json:"collected"`
}

// RevenueReport is the revenue collected between From and To, both
// included, by value date.
type RevenueReport struct {
	From    hu.Date      `json:"from"`
	To      hu.Date      `json:"to"`
	Period  string       `json:"period"`
	Rows    []RevenueRow `json:"rows"`
	ByRovat []RovatTotal `json:"by_rovat"`
	Total   hu.Forint    `json:"total"`
}

// maxReportDays bounds a report's range: twenty years is more than any
// budget report asks for, and keeps a mistyped year from reading forever.
const maxReportDays = 20 * 366

// Revenue sums the payments credited between from and to by tax type and
// period. A payment reversed since (wrongly booked) does not count: its
// reversal carries the same value date, so it drops out of every period
// it was in.
func (s *Service) Revenue(ctx context.Context, tx bun.IDB, from, to hu.Date, period string) (RevenueReport, error) {
	rep := RevenueReport{From: from, To: to, Period: period, Rows: []RevenueRow{}, ByRovat: []RovatTotal{}}
	if err := checkRange(from, to); err != nil {
		return rep, err
	}
	if period != PeriodMonth && period != PeriodQuarter && period != PeriodYear {
		return rep, problem("bad_period", "period", "Az időszak havi, negyedéves vagy éves lehet.", "The period is month, quarter or year.")
	}
	var ps []Posting
	if err := tx.NewSelect().Model(&ps).Column("id", "tax_type", "amount", "on_date", "kind").
		Where("side = ?", Credit).Where("reverses IS NULL").Where("on_date >= ?", from).Where("on_date <= ?", to).
		Scan(ctx); err != nil {
		return rep, fmt.Errorf("credits: %w", err)
	}
	// The reversals of credits are debits on the same day.
	var reversed []uuid.UUID
	if err := tx.NewSelect().Model((*Posting)(nil)).Column("reverses").
		Where("side = ?", Debit).Where("reverses IS NOT NULL").Where("on_date >= ?", from).Where("on_date <= ?", to).
		Scan(ctx, &reversed); err != nil {
		return rep, fmt.Errorf("reversals: %w", err)
	}
	gone := make(map[uuid.UUID]bool, len(reversed))
	for _, id := range reversed {
		gone[id] = true
	}
	type key struct{ period, taxType string }
	rows := map[key]*RevenueRow{}
	rovats := map[string]*RovatTotal{}
	for _, p := range ps {
		if gone[p.ID] || !IsRevenue(p.Kind) {
			continue
		}
		label, pFrom, pTo := periodOf(p.On, period)
		k := key{label, p.TaxType}
		r := rows[k]
		if r == nil {
			rv, ok := RovatOf(p.TaxType)
			if !ok {
				rv = Rovat{TaxType: p.TaxType, Code: "?", Name: "Nincs besorolva", Uncertain: "tax type without a rovat"}
			}
			r = &RevenueRow{Period: label, From: maxDate(pFrom, from), To: minDate(pTo, to), TaxType: p.TaxType, Name: TaxTypeName(p.TaxType), Rovat: rv}
			rows[k] = r
		}
		r.Payments++
		r.Collected += p.Amount
		rep.Total += p.Amount
		rk := r.Rovat.Code + "|" + r.Rovat.Of
		t := rovats[rk]
		if t == nil {
			t = &RovatTotal{Code: r.Rovat.Code, Name: r.Rovat.Name, Of: r.Rovat.Of}
			rovats[rk] = t
		}
		t.Collected += p.Amount
		t.Uncertain = t.Uncertain || r.Rovat.Uncertain != ""
	}
	for _, r := range rows {
		rep.Rows = append(rep.Rows, *r)
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		if a.Rovat.Code != b.Rovat.Code {
			return a.Rovat.Code < b.Rovat.Code
		}
		return a.TaxType < b.TaxType
	})
	for _, t := range rovats {
		rep.ByRovat = append(rep.ByRovat, *t)
	}
	sort.Slice(rep.ByRovat, func(i, j int) bool {
		a, b := rep.ByRovat[i], rep.ByRovat[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Of < b.Of
	})
	return rep, nil
}

func checkRange(from, to hu.Date) error {
	if !from.IsValid() || !to.IsValid() {
		return problem("bad_range", "from", "Adja meg az időszak első és utolsó napját (ÉÉÉÉ-HH-NN).", "Give the first and the last day of the range (YYYY-MM-DD).")
	}
	if to.Before(from) {
		return problem("bad_range", "to", "Az utolsó nap nem lehet az első előtt.", "The last day cannot be before the first.")
	}
	if to.DaysSince(from) > maxReportDays {
		return problem("bad_range", "to", "Az időszak legfeljebb húsz év lehet.", "The range is at most twenty years.")
	}
	return nil
}

// periodOf names the period a day is in, with its first and last day.
func periodOf(d hu.Date, period string) (string, hu.Date, hu.Date) {
	switch period {
	case PeriodYear:
		return fmt.Sprintf("%04d", d.Year), hu.Date{Year: d.Year, Month: 1, Day: 1}, hu.Date{Year: d.Year, Month: 12, Day: 31}
	case PeriodQuarter:
		q := (int(d.Month)-1)/3 + 1
		first := hu.Date{Year: d.Year, Month: d.Month - (d.Month-1)%3, Day: 1}
		last := hu.Date{Year: d.Year, Month: first.Month + 2, Day: 1}
		return fmt.Sprintf("%04d-Q%d", d.Year, q), first, lastOfMonth(last)
	default:
		first := hu.Date{Year: d.Year, Month: d.Month, Day: 1}
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)), first, lastOfMonth(first)
	}
}

func lastOfMonth(d hu.Date) hu.Date {
	next := hu.Date{Year: d.Year, Month: d.Month + 1, Day: 1}
	if d.Month == 12 {
		next = hu.Date{Year: d.Year + 1, Month: 1, Day: 1}
	}
	return next.AddDays(-1)
}

func maxDate(a, b hu.Date) hu.Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b hu.Date) hu.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// Age buckets of arrears (hátralék korosítása), in days past the due
// date: the upper bound of each, the last open.
var AgeBuckets = []struct {
	Label string
	Upto  int // days past due, inclusive; 0 for the last bucket
}{
	{"0–30", 30}, {"31–90", 90}, {"91–365", 365}, {"1–2 év", 730}, {"2–5 év", 1826}, {"5 év felett", 0},
}

func bucketOf(days int) int {
	for i, b := range AgeBuckets {
		if b.Upto != 0 && days <= b.Upto {
			return i
		}
	}
	return len(AgeBuckets) - 1
}

// AgeingRow is the open arrears of one tax type by age.
type AgeingRow struct {
	TaxType string      `json:"tax_type"`
	Name    string      `json:"tax_type_name"`
	Buckets []hu.Forint `json:"buckets"` // in the order of AgeBuckets
	Total   hu.Forint   `json:"total"`
	Debtors int         `json:"debtors"`
}

// Debtor is one of the largest debtors.
type Debtor struct {
	TaxpayerID uuid.UUID `json:"taxpayer_id"`
	TaxID      string    `json:"tax_id"`
	Name       string    `json:"name"`
	Arrears    hu.Forint `json:"arrears"`
	Oldest     hu.Date   `json:"oldest_due"`
}

// Ageing is the arrears of the municipality on a day.
type Ageing struct {
	On      hu.Date     `json:"on"`
	Buckets []string    `json:"buckets"`
	Rows    []AgeingRow `json:"rows"`
	Totals  []hu.Forint `json:"totals"`
	Total   hu.Forint   `json:"total"`
	Top     []Debtor    `json:"top_debtors"`
}

// MaxTopDebtors bounds the list of the largest debtors.
const MaxTopDebtors = 500

// Ageing settles every account as it stood on on (the same settlement as
// the taxpayer's page) and sorts what is open and already due by how long
// it has been due; the top largest debtors come with it. Interest accrued
// but not posted is not arrears.
func (s *Service) Ageing(ctx context.Context, tx bun.IDB, on hu.Date, top int) (Ageing, error) {
	ag := Ageing{On: on, Rows: []AgeingRow{}, Top: []Debtor{}, Totals: make([]hu.Forint, len(AgeBuckets))}
	for _, b := range AgeBuckets {
		ag.Buckets = append(ag.Buckets, b.Label)
	}
	if !on.IsValid() {
		return ag, problem("bad_date", "on", "Adja meg a napot (ÉÉÉÉ-HH-NN).", "Give the day (YYYY-MM-DD).")
	}
	if top < 0 || top > MaxTopDebtors {
		return ag, problem("bad_top", "top", "A legnagyobb adósok száma 0 és %d között lehet.", "The number of largest debtors is between 0 and %d.", MaxTopDebtors)
	}
	rows := map[string]*AgeingRow{}
	debtors := map[uuid.UUID]*Debtor{}
	owing, err := owingTaxpayers(ctx, tx, on)
	if err != nil {
		return ag, err
	}
	err = eachTaxpayer(ctx, tx, on, false, owing, func(tp Taxpayer, accounts []Account) error {
		for _, a := range accounts {
			ageAccount(&ag, rows, debtors, tp.ID, a)
		}
		return nil
	})
	if err != nil {
		return ag, err
	}
	for _, r := range rows {
		ag.Rows = append(ag.Rows, *r)
	}
	sort.Slice(ag.Rows, func(i, j int) bool { return ag.Rows[i].TaxType < ag.Rows[j].TaxType })
	all := make([]*Debtor, 0, len(debtors))
	for _, d := range debtors {
		all = append(all, d)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Arrears != all[j].Arrears {
			return all[i].Arrears > all[j].Arrears
		}
		return all[i].TaxpayerID.String() < all[j].TaxpayerID.String()
	})
	all = all[:min(top, len(all))]
	if len(all) > 0 {
		ids := make([]uuid.UUID, len(all))
		for i, d := range all {
			ids[i] = d.TaxpayerID
		}
		var tps []Taxpayer
		if err := tx.NewSelect().Model(&tps).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return ag, fmt.Errorf("debtors: %w", err)
		}
		byID := map[uuid.UUID]Taxpayer{}
		for _, tp := range tps {
			byID[tp.ID] = tp
		}
		for _, d := range all {
			d.TaxID, d.Name = byID[d.TaxpayerID].TaxID, byID[d.TaxpayerID].Name
			ag.Top = append(ag.Top, *d)
		}
	}
	return ag, nil
}

// EachAccount settles every account of the tenant on on and hands each
// to fn (for reports, the finance module and the warehouse). withInterest
// false skips the interest computation (the ageing needs only what is
// open).
func EachAccount(ctx context.Context, tx bun.IDB, on hu.Date, withInterest bool, fn func(taxpayer uuid.UUID, a Account) error) error {
	return eachTaxpayer(ctx, tx, on, withInterest, nil, func(tp Taxpayer, accounts []Account) error {
		for _, a := range accounts {
			if err := fn(tp.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// ageAccount adds what is open and due of an account to the ageing.
func ageAccount(ag *Ageing, rows map[string]*AgeingRow, debtors map[uuid.UUID]*Debtor, taxpayer uuid.UUID, a Account) {
	if a.Arrears == 0 {
		return
	}
	r := rows[a.TaxType]
	if r == nil {
		r = &AgeingRow{TaxType: a.TaxType, Name: TaxTypeName(a.TaxType), Buckets: make([]hu.Forint, len(AgeBuckets))}
		rows[a.TaxType] = r
	}
	r.Debtors++
	d := debtors[taxpayer]
	if d == nil {
		d = &Debtor{TaxpayerID: taxpayer}
		debtors[taxpayer] = d
	}
	for _, db := range a.Debits {
		if !db.Due || db.Open == 0 {
			continue
		}
		i := bucketOf(ag.On.DaysSince(db.On))
		r.Buckets[i] += db.Open
		ag.Totals[i] += db.Open
		r.Total += db.Open
		ag.Total += db.Open
		d.Arrears += db.Open
		if d.Oldest.IsZero() || db.On.Before(d.Oldest) {
			d.Oldest = db.On
		}
	}
}

// owingTaxpayers are the taxpayers with an account whose debits exceed
// the credits dated on or before on: only they can have an open debit
// (a credit pays the open debits oldest first, even those due later, so
// where the credits cover the debits, every debit is paid). Reversals and
// what they reverse cancel in the sums.
func owingTaxpayers(ctx context.Context, tx bun.IDB, on hu.Date) (map[uuid.UUID]bool, error) {
	var ids []uuid.UUID
	err := tx.NewSelect().Model((*Posting)(nil)).Distinct().Column("taxpayer_id").Group("taxpayer_id", "tax_type").
		Having("SUM(CASE WHEN side = ? THEN amount WHEN on_date <= ? THEN -amount ELSE 0 END) > 0", Debit, on).
		Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("owing taxpayers: %w", err)
	}
	only := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		only[id] = true
	}
	return only, nil
}
