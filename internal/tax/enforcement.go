package tax

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// Enforcement (végrehajtás, §A.11): after a reminder's deadline, what is
// still unpaid of the debts it named is collected by a collection order
// on a bank account (hatósági átutalási megbízás, "inkasszó") or by
// garnishment of wages or pension (letiltás).

// Enforcement measures.
const (
	MeasureCollectionOrder = "inkasszo" // hatósági átutalási megbízás
	MeasureGarnishment     = "letiltas" // munkabér- / nyugdíjletiltás
)

// EnforcementCandidate is a taxpayer whose reminded debts are still open
// after the reminder's deadline.
type EnforcementCandidate struct {
	Taxpayer    Taxpayer
	Reminder    Reminder // the latest reminder whose deadline passed
	Open        hu.Forint
	Interest    hu.Forint
	Measure     string
	BankAccount string // digits; the latest one the taxpayer paid from
}

// EnforcementList lists the candidates on a day: for each taxpayer its
// latest reminder whose deadline is before on, and what is still open of
// the debts it named, if that reaches the minimum for collection.
// Organisations, and persons whose bank account is known (they paid from
// it), go to a collection order; other persons to garnishment.
func (s *Service) EnforcementList(ctx context.Context, tx bun.IDB, on hu.Date) ([]EnforcementCandidate, error) {
	set, err := SettingsFor(ctx, tx, "", on.Year)
	if err != nil {
		return nil, err
	}
	var rs []Reminder
	if err := tx.NewSelect().Model(&rs).Where("deadline < ?", on).OrderExpr("taxpayer_id, on_date DESC, id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("reminders: %w", err)
	}
	latest := map[uuid.UUID]Reminder{}
	for _, r := range rs {
		if _, ok := latest[r.TaxpayerID]; !ok {
			latest[r.TaxpayerID] = r
		}
	}
	if len(latest) == 0 {
		return nil, nil
	}
	// The account each taxpayer last paid from.
	var entries []BankEntry
	if err := tx.NewSelect().Model(&entries).Column("taxpayer_id", "debtor_account", "value_date").Where("status = 'matched' AND debtor_account <> ''").
		OrderExpr("value_date, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("bank entries: %w", err)
	}
	accounts := map[uuid.UUID]string{}
	for _, e := range entries {
		if e.TaxpayerID != nil {
			accounts[*e.TaxpayerID] = e.DebtorAccount
		}
	}
	names, err := taxpayerNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []EnforcementCandidate
	err = s.allAccounts(ctx, tx, on, func(id uuid.UUID, as []Account) error {
		r, ok := latest[id]
		if !ok {
			return nil
		}
		named := map[uuid.UUID]bool{}
		for _, d := range r.Debts() {
			named[d.ID] = true
		}
		c := EnforcementCandidate{Taxpayer: names[id], Reminder: r, BankAccount: accounts[id]}
		for _, a := range as {
			for _, d := range a.Debits {
				if named[d.ID] && d.Open > 0 {
					c.Open += d.Open
					c.Interest += d.Interest
				}
			}
		}
		if c.Open == 0 || c.Open < set.MinCollection {
			return nil
		}
		c.Measure = MeasureGarnishment
		if c.Taxpayer.Kind == "organisation" || c.BankAccount != "" {
			c.Measure = MeasureCollectionOrder
		}
		out = append(out, c)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Measure != out[j].Measure {
			return out[i].Measure < out[j].Measure
		}
		return out[i].Taxpayer.Name < out[j].Taxpayer.Name
	})
	return out, err
}

// EnforcementTable is the list for the bank (inkasszó) or the employer
// or pension payer (letiltás); measure empty gives both.
func EnforcementTable(cs []EnforcementCandidate, measure string) table {
	t := table{Title: "Végrehajtási lista", Cols: []xlsx.Column{
		{Header: "Intézkedés", Width: 22}, {Header: "Adózó", Width: 30}, {Header: "Azonosító", Width: 14}, {Header: "Cím", Width: 36},
		{Header: "Bankszámlaszám", Width: 28}, {Header: "Tartozás (Ft)", Kind: xlsx.Number}, {Header: "Késedelmi pótlék (Ft)", Kind: xlsx.Number},
		{Header: "Felszólítás", Width: 18}, {Header: "Határidő", Kind: xlsx.Date}}}
	names := map[string]string{MeasureCollectionOrder: "inkasszó (hatósági átutalási megbízás)", MeasureGarnishment: "letiltás (munkabér, nyugdíj)"}
	for _, c := range cs {
		if measure != "" && c.Measure != measure {
			continue
		}
		acct := ""
		if c.BankAccount != "" {
			acct = groupAccount(c.BankAccount)
		}
		t.Rows = append(t.Rows, []any{names[c.Measure], c.Taxpayer.Name, c.Taxpayer.TaxID, c.Taxpayer.Address, acct, int64(c.Open), int64(c.Interest),
			c.Reminder.Number, c.Reminder.Deadline})
	}
	return t
}

// Limitation (elévülés, §A.10): the right to collect a tax lapses 5 years
// after the end of the calendar year in which it fell due (Art. 164. §,
// UNCERTAIN §); an interruption (a reminder, an enforcement act, a
// payment facilitation) starts the period again from the end of the year
// of the interruption.

// LimitationDate is the last day on which a debit due on due can still be
// collected, given the days it was interrupted on.
func LimitationDate(due hu.Date, interruptions []hu.Date) hu.Date {
	from := due.Year
	for _, d := range interruptions {
		if !d.Before(due) && d.Year > from {
			from = d.Year
		}
	}
	return hu.Date{Year: from + 5, Month: 12, Day: 31}
}

// WriteOffKind is the kind of the credit that writes a time-barred debit
// off (törlés); its reference names the debit (WriteOffReference), and the
// account settles it against that debit first.
const WriteOffKind = "write_off"

// WriteOffReference is the reference of a write-off of a debit.
func WriteOffReference(debit uuid.UUID) string { return "torles:" + debit.String() }

// WriteOff is one time-barred debit to write off.
type WriteOff struct {
	Taxpayer   Taxpayer
	Debit      DebitState
	TaxType    string
	Limitation hu.Date
}

// WriteOffResult is a write-off run's summary.
type WriteOffResult struct {
	Year     int
	Items    []WriteOff
	Total    hu.Forint
	ByType   map[string]hu.Forint
	Postings int
}

// interruptions reads the limitation events per taxpayer: those naming a
// debit apply to it, the others to every debit open that day.
func interruptions(ctx context.Context, tx bun.IDB) (map[uuid.UUID][]LimitationEvent, error) {
	var es []LimitationEvent
	if err := tx.NewSelect().Model(&es).Column("taxpayer_id", "debit_id", "on_date").Scan(ctx); err != nil {
		return nil, fmt.Errorf("limitation events: %w", err)
	}
	out := map[uuid.UUID][]LimitationEvent{}
	for _, e := range es {
		out[e.TaxpayerID] = append(out[e.TaxpayerID], e)
	}
	return out, nil
}

// TimeBarred lists the debits whose limitation ends by the end of year
// and which are still open then (the write-off run's preview).
func (s *Service) TimeBarred(ctx context.Context, tx bun.IDB, year int) (WriteOffResult, error) {
	res := WriteOffResult{Year: year, ByType: map[string]hu.Forint{}}
	end := hu.Date{Year: year, Month: 12, Day: 31}
	events, err := interruptions(ctx, tx)
	if err != nil {
		return res, err
	}
	names, err := taxpayerNames(ctx, tx)
	if err != nil {
		return res, err
	}
	err = s.allAccountsWith(ctx, tx, end, false, func(id uuid.UUID, as []Account) error {
		for _, a := range as {
			for _, d := range a.Debits {
				if d.Open <= 0 {
					continue
				}
				var days []hu.Date
				for _, e := range events[id] {
					if e.DebitID == nil || *e.DebitID == d.ID {
						days = append(days, e.On)
					}
				}
				lim := LimitationDate(d.On, days)
				if lim.After(end) {
					continue
				}
				res.Items = append(res.Items, WriteOff{Taxpayer: names[id], Debit: d, TaxType: a.TaxType, Limitation: lim})
				res.Total += d.Open
				res.ByType[a.TaxType] += d.Open
			}
		}
		return nil
	})
	return res, err
}

// RunWriteOff writes off the debits TimeBarred finds for year: a credit
// of kind write_off for the open part of each, on the last day of the
// year, with the reason and an audit entry per write-off, and a summary
// entry. Running it again finds nothing more to write off.
func (s *Service) RunWriteOff(ctx context.Context, tx bun.Tx, year int, reason, by string) (WriteOffResult, error) {
	reason = strings.TrimSpace(reason)
	if year < 1995 || year > hu.DateOf(s.now()).Year {
		return WriteOffResult{}, problem("bad_year", "year", "Az év 1995 és az idei év között lehet.", "The year is between 1995 and this year.")
	}
	if end := (hu.Date{Year: year, Month: 12, Day: 31}); end.After(hu.DateOf(s.now())) {
		return WriteOffResult{}, problem("year_not_over", "year", "A %d. év még nem ért véget: az elévült tartozásokat az év utolsó napja után lehet törölni.",
			"The year %d is not over: time-barred debts are written off after its last day.", year)
	}
	if reason == "" {
		reason = fmt.Sprintf("elévülés (Art. 164. §), %d. év vége", year)
	}
	if len(reason) > 1000 {
		return WriteOffResult{}, problem("too_long", "reason", "Az indoklás legfeljebb 1000 karakter.", "The reason is at most 1000 characters.")
	}
	res, err := s.TimeBarred(ctx, tx, year)
	if err != nil {
		return res, err
	}
	// The credits go in in bulk, each with its own audit entry: a town's
	// year-end run has tens of thousands (the debits were validated when
	// posted, so Post's checks hold for their write-offs).
	end := hu.Date{Year: year, Month: 12, Day: 31}
	now := s.now().UTC()
	t, _ := db.TenantFrom(ctx)
	ps := make([]Posting, 0, len(res.Items))
	evs := make([]audit.Event, 0, len(res.Items))
	for _, w := range res.Items {
		p := Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: w.Taxpayer.ID, TaxType: w.TaxType, Side: Credit, Amount: w.Debit.Open, On: end,
			TaxYear: w.Debit.TaxYear, Kind: WriteOffKind, Reference: WriteOffReference(w.Debit.ID),
			Note: fmt.Sprintf("törlés: %s (elévült %s)", reason, w.Limitation), PostedAt: now, PostedBy: by}
		ps = append(ps, p)
		evs = append(evs, audit.Event{Action: "tax.write_off", ObjectType: "posting", ObjectID: p.ID.String(), Result: audit.ResultOK,
			Detail: map[string]any{"taxpayer": w.Taxpayer.TaxID, "tax_type": p.TaxType, "debit": w.Debit.ID.String(), "due": w.Debit.On.String(),
				"limitation": w.Limitation.String(), "amount": int64(p.Amount), "reason": reason, "by": by}})
	}
	if err := InsertPostings(ctx, tx, ps); err != nil {
		return res, fmt.Errorf("insert write-offs: %w", err)
	}
	for i := 0; i < len(evs); i += 1000 {
		if _, err := audit.AppendMany(ctx, tx, t, evs[i:min(i+1000, len(evs))], now); err != nil {
			return res, err
		}
	}
	res.Postings = len(ps)
	byType := map[string]any{}
	for k, v := range res.ByType {
		byType[k] = int64(v)
	}
	return res, appendAudit(ctx, tx, "tax.write_off_run", "write_off_run", fmt.Sprint(year), map[string]any{"year": year, "debits": len(res.Items),
		"total": int64(res.Total), "by_type": byType, "reason": reason, "by": by}, s.now())
}

// Interruption kinds a clerk records (a reminder records its own).
var interruptionKinds = map[string]string{"enforcement": "végrehajtási cselekmény", "facilitation": "fizetési könnyítés"}

// RecordInterruption records an event that interrupts limitation: an
// enforcement act or a payment facilitation, for one debit or (debit
// nil) every debit of the taxpayer open on the day.
func (s *Service) RecordInterruption(ctx context.Context, tx bun.Tx, taxpayerID uuid.UUID, debit *uuid.UUID, kind string, on hu.Date, note, by string) (LimitationEvent, error) {
	note = strings.TrimSpace(note)
	if _, ok := interruptionKinds[kind]; !ok {
		return LimitationEvent{}, problem("bad_kind", "kind", "Válassza ki: végrehajtási cselekmény vagy fizetési könnyítés.", "Choose: an enforcement act or a payment facilitation.")
	}
	if !on.IsValid() || on.After(hu.DateOf(s.now())) {
		return LimitationEvent{}, problem("bad_date", "on", "Adja meg a napot (nem lehet a jövőben).", "Give the day (not in the future).")
	}
	if note == "" || len(note) > 1000 {
		return LimitationEvent{}, problem("no_reason", "note", "Írja le, mi történt (határozat, végzés iktatószáma).", "Say what happened (the decision's number).")
	}
	tp, err := taxpayerByID(ctx, tx, taxpayerID)
	if err != nil {
		return LimitationEvent{}, err
	}
	if tp == nil {
		return LimitationEvent{}, errNoTaxpayer
	}
	if debit != nil {
		n, err := db.Count(ctx, tx.NewSelect().Model((*Posting)(nil)).Where("id = ? AND taxpayer_id = ? AND side = ?", *debit, tp.ID, Debit))
		if err != nil {
			return LimitationEvent{}, err
		}
		if n == 0 {
			return LimitationEvent{}, errNoPosting
		}
	}
	now := s.now().UTC()
	e := LimitationEvent{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, DebitID: debit, Kind: kind, On: on, Note: note, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&e).Exec(ctx); err != nil {
		return LimitationEvent{}, fmt.Errorf("insert limitation event: %w", err)
	}
	detail := map[string]any{"kind": kind, "on": on.String(), "note": note, "by": by}
	if debit != nil {
		detail["debit"] = debit.String()
	}
	return e, appendAudit(ctx, tx, "tax.limitation_interrupt", "taxpayer", tp.ID.String(), detail, now)
}
