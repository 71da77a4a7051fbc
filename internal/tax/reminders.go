package tax

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf"
)

// Payment reminders (fizetési felszólítás, §A.11: the first step of
// enforcement) and the limitation events they are.

// ReminderBook is the registration book reminders go into.
const ReminderBook = CertificateBook

// RemindedDebt is one open debit a reminder names.
type RemindedDebt struct {
	ID       uuid.UUID `json:"id"`
	TaxType  string    `json:"tax_type"`
	Due      hu.Date   `json:"due"`
	TaxYear  int       `json:"tax_year"`
	Open     hu.Forint `json:"open"`
	Interest hu.Forint `json:"interest"`
}

// Reminder is a fizetési felszólítás sent to a taxpayer, registered in
// IRAT.
type Reminder struct {
	bun.BaseModel `bun:"table:tax_reminders,alias:rm"`
	db.TenantScoped

	ID         uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	TaxpayerID uuid.UUID `bun:"taxpayer_id,type:uuid" json:"taxpayer_id"`
	On         hu.Date   `bun:"on_date" json:"on"`
	Deadline   hu.Date   `bun:"deadline" json:"deadline"`
	Number     string    `bun:"number" json:"number"`
	Arrears    hu.Forint `bun:"arrears" json:"arrears"`
	Interest   hu.Forint `bun:"interest" json:"interest"`
	DebtsJSON  string    `bun:"debts" json:"-"`
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`
	CreatedBy  string    `bun:"created_by" json:"created_by"`
}

// Debts are the debits the reminder names.
func (r Reminder) Debts() []RemindedDebt {
	var ds []RemindedDebt
	_ = json.Unmarshal([]byte(r.DebtsJSON), &ds) // written by this package only
	return ds
}

// LimitationEvent interrupts the limitation of a taxpayer's debits (a
// reminder, an enforcement act, a payment facilitation).
type LimitationEvent struct {
	bun.BaseModel `bun:"table:tax_limitation_events,alias:le"`
	db.TenantScoped

	ID         uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	TaxpayerID uuid.UUID  `bun:"taxpayer_id,type:uuid" json:"taxpayer_id"`
	DebitID    *uuid.UUID `bun:"debit_id,type:uuid" json:"debit_id,omitempty"` // nil: every debit open that day
	Kind       string     `bun:"kind" json:"kind"`
	On         hu.Date    `bun:"on_date" json:"on"`
	Note       string     `bun:"note" json:"note"`
	CreatedAt  time.Time  `bun:"created_at" json:"created_at"`
	CreatedBy  string     `bun:"created_by" json:"created_by"`
}

// allAccounts reads every taxpayer's accounts on a day with one query, for
// the runs over all taxpayers.
func (s *Service) allAccounts(ctx context.Context, tx bun.IDB, on hu.Date, fn func(id uuid.UUID, accounts []Account) error) error {
	return s.allAccountsWith(ctx, tx, on, true, fn)
}

func (s *Service) allAccountsWith(ctx context.Context, tx bun.IDB, on hu.Date, withInterest bool, fn func(id uuid.UUID, accounts []Account) error) error {
	var ps []Posting
	if err := tx.NewSelect().Model(&ps).OrderExpr("taxpayer_id, tax_type, on_date, posted_at, id").Scan(ctx); err != nil {
		return fmt.Errorf("postings: %w", err)
	}
	for i := 0; i < len(ps); {
		j := i
		var accounts []Account
		for j < len(ps) && ps[j].TaxpayerID == ps[i].TaxpayerID {
			k := j
			for k < len(ps) && ps[k].TaxpayerID == ps[j].TaxpayerID && ps[k].TaxType == ps[j].TaxType {
				k++
			}
			a, err := computeAccountWith(ps[j].TaxType, ps[j:k], on, withInterest)
			if err != nil {
				return err
			}
			accounts = append(accounts, a)
			j = k
		}
		if err := fn(ps[i].TaxpayerID, accounts); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// ReminderRunResult is what a reminder run did.
type ReminderRunResult struct {
	On        hu.Date
	Reminders []Reminder
	Below     int // taxpayers with arrears under the minimum
	Recent    int // already reminded of the same debts within the interval
	Total     hu.Forint
}

// RunReminders sends a payment reminder to every taxpayer whose arrears on
// on reach the municipality's minimum for collection, unless a reminder
// within the interval already named all the same debts. Every reminder
// is registered in IRAT in one bulk registration and interrupts the
// limitation of the debts it names. All in the caller's transaction: a
// refusal writes nothing.
func (s *Service) RunReminders(ctx context.Context, tx bun.Tx, reg Registrar, on hu.Date, by string) (ReminderRunResult, error) {
	res := ReminderRunResult{On: on}
	if reg == nil {
		return res, problem("no_records", "", "A felszólítások iktatásához az iratkezelés (IRAT) szükséges, de nincs bekötve.", "Registering the reminders needs the records module (IRAT), and it is not connected.")
	}
	if !on.IsValid() || on.After(hu.DateOf(s.now())) {
		return res, problem("bad_date", "on", "A felszólítás napja nem lehet a jövőben.", "The day of the reminders cannot be in the future.")
	}
	set, err := SettingsFor(ctx, tx, "", on.Year)
	if err != nil {
		return res, err
	}
	// Debts already reminded within the interval, per taxpayer.
	var recent []Reminder
	if err := tx.NewSelect().Model(&recent).Column("taxpayer_id", "debts").Where("on_date > ?", on.AddDays(-set.ReminderIntervalDays)).Scan(ctx); err != nil {
		return res, fmt.Errorf("recent reminders: %w", err)
	}
	reminded := map[uuid.UUID]map[uuid.UUID]bool{}
	for _, r := range recent {
		m := reminded[r.TaxpayerID]
		if m == nil {
			m = map[uuid.UUID]bool{}
			reminded[r.TaxpayerID] = m
		}
		for _, d := range r.Debts() {
			m[d.ID] = true
		}
	}
	now := s.now().UTC()
	deadline := on.AddDays(set.ReminderDeadlineDays)
	err = s.allAccounts(ctx, tx, on, func(id uuid.UUID, accounts []Account) error {
		var debts []RemindedDebt
		var arrears, interest hu.Forint
		for _, a := range accounts {
			for _, d := range a.Debits {
				if d.Due && d.Open > 0 {
					debts = append(debts, RemindedDebt{ID: d.ID, TaxType: a.TaxType, Due: d.On, TaxYear: d.TaxYear, Open: d.Open, Interest: d.Interest})
					arrears += d.Open
					interest += d.Interest
				}
			}
		}
		if arrears == 0 {
			return nil
		}
		if arrears < set.MinCollection {
			res.Below++
			return nil
		}
		fresh := false
		for _, d := range debts {
			if !reminded[id][d.ID] {
				fresh = true
				break
			}
		}
		if !fresh {
			res.Recent++
			return nil
		}
		js, err := json.Marshal(debts)
		if err != nil {
			return err
		}
		res.Reminders = append(res.Reminders, Reminder{ID: uuid.Must(uuid.NewV7()), TaxpayerID: id, On: on, Deadline: deadline,
			Arrears: arrears, Interest: interest, DebtsJSON: string(js), CreatedAt: now, CreatedBy: by})
		res.Total += arrears
		return nil
	})
	if err != nil || len(res.Reminders) == 0 {
		return res, err
	}
	names, err := taxpayerNames(ctx, tx)
	if err != nil {
		return res, err
	}
	items := make([]RegistrationItem, len(res.Reminders))
	for i, r := range res.Reminders {
		tp := names[r.TaxpayerID]
		items[i] = RegistrationItem{Subject: "Fizetési felszólítás (helyi adó)", Partner: tp.Name + " (" + tp.TaxID + ")"}
	}
	numbers, err := reg.RegisterOutgoingMany(ctx, tx, ReminderBook, items, by)
	if err != nil {
		return res, err
	}
	events := make([]LimitationEvent, len(res.Reminders))
	for i := range res.Reminders {
		res.Reminders[i].Number = numbers[i]
		events[i] = LimitationEvent{ID: uuid.Must(uuid.NewV7()), TaxpayerID: res.Reminders[i].TaxpayerID, Kind: "reminder", On: on,
			Note: "fizetési felszólítás " + numbers[i], CreatedAt: now, CreatedBy: by}
	}
	if err := insertAll(ctx, tx, res.Reminders); err != nil {
		return res, fmt.Errorf("insert reminders: %w", err)
	}
	if err := insertAll(ctx, tx, events); err != nil {
		return res, fmt.Errorf("insert limitation events: %w", err)
	}
	return res, appendAudit(ctx, tx, "tax.reminder_run", "reminder_run", on.String(), map[string]any{"on": on.String(), "reminders": len(res.Reminders),
		"below_minimum": res.Below, "recently_reminded": res.Recent, "arrears": int64(res.Total), "first": numbers[0], "last": numbers[len(numbers)-1], "by": by}, now)
}

// taxpayerNames reads every taxpayer, for the runs.
func taxpayerNames(ctx context.Context, tx bun.IDB) (map[uuid.UUID]Taxpayer, error) {
	var tps []Taxpayer
	if err := tx.NewSelect().Model(&tps).Scan(ctx); err != nil {
		return nil, fmt.Errorf("taxpayers: %w", err)
	}
	out := make(map[uuid.UUID]Taxpayer, len(tps))
	for _, tp := range tps {
		out[tp.ID] = tp
	}
	return out, nil
}

// Reminders lists the reminders of a day, newest run first when on is
// zero (the last run).
func Reminders(ctx context.Context, tx bun.IDB, on hu.Date, limit int) ([]Reminder, error) {
	if on.IsZero() {
		var last []Reminder
		if err := tx.NewSelect().Model(&last).Column("on_date").OrderExpr("on_date DESC").Limit(1).Scan(ctx); err != nil {
			return nil, fmt.Errorf("last reminder: %w", err)
		}
		if len(last) == 0 {
			return nil, nil
		}
		on = last[0].On
	}
	var rs []Reminder
	sel := tx.NewSelect().Model(&rs).Where("on_date = ?", on).OrderExpr("number, id")
	if limit > 0 {
		sel.Limit(int64(limit))
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, fmt.Errorf("reminders: %w", err)
	}
	return rs, nil
}

// ReminderByID reads one reminder; nil if there is none.
func ReminderByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Reminder, error) {
	var rs []Reminder
	if err := tx.NewSelect().Model(&rs).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("reminder %s: %w", id, err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return &rs[0], nil
}

// ReminderLetter is a reminder as it is printed.
type ReminderLetter struct {
	Issuer     string
	Reminder   Reminder
	Taxpayer   Taxpayer
	Collection map[string][]string // tax type → collection accounts
	At         time.Time
}

// PDF writes the reminder: the debts, the interest accrued, where to pay
// and by when.
func (l ReminderLetter) PDF(w io.Writer) error {
	r := l.Reminder
	doc, err := pdf.New(pdf.Options{Issuer: l.Issuer, Title: "Fizetési felszólítás", Subtitle: "Iktatószám: " + r.Number, GeneratedAt: l.At, Footer: r.CreatedBy})
	if err != nil {
		return err
	}
	doc.KeyValues([]pdf.KV{{Key: "Adózó", Value: l.Taxpayer.Name}, {Key: "Azonosító", Value: l.Taxpayer.TaxID},
		{Key: "Cím", Value: or(l.Taxpayer.Address, "–")}, {Key: "Kelt", Value: r.On.HungarianString()}})
	doc.Space(8)
	doc.Paragraph(fmt.Sprintf("Nyilvántartásunk szerint %s napján az alábbi, már esedékes adótartozása áll fenn. Felszólítjuk, hogy %s napjáig fizesse meg, mert ezt követően végrehajtást indítunk (inkasszó, munkabér- vagy nyugdíjletiltás), amelynek költségét is Önnek kell viselnie.",
		r.On.HungarianString(), r.Deadline.HungarianString()))
	debts := r.Debts()
	sort.SliceStable(debts, func(i, j int) bool {
		if debts[i].TaxType != debts[j].TaxType {
			return debts[i].TaxType < debts[j].TaxType
		}
		return debts[i].Due.Before(debts[j].Due)
	})
	t := doc.Table(pdf.Column{Header: "Adónem", Width: 3}, pdf.Column{Header: "Adóév", Width: 0.8, Right: true}, pdf.Column{Header: "Esedékes", Width: 1.4},
		pdf.Column{Header: "Hátralék (Ft)", Width: 1.4, Right: true}, pdf.Column{Header: "Késedelmi pótlék (Ft)", Width: 1.6, Right: true})
	types := map[string]bool{}
	for _, d := range debts {
		t.Row(TaxTypeName(d.TaxType), fmt.Sprint(d.TaxYear), d.Due.HungarianString(), d.Open.Grouped(), d.Interest.Grouped())
		types[d.TaxType] = true
	}
	t.End()
	doc.Paragraph(fmt.Sprintf("Hátralék összesen: %s Ft; az eddig felszámított késedelmi pótlék (Art. 209. §): %s Ft. A pótlék a befizetés napjáig tovább nő.", r.Arrears.Grouped(), r.Interest.Grouped()))
	doc.Space(6)
	doc.Heading("Hová fizessen")
	var kvs []pdf.KV
	keys := make([]string, 0, len(types)+1)
	for tt := range types {
		keys = append(keys, tt)
	}
	sort.Strings(keys)
	if r.Interest > 0 && !types[InterestTaxType] {
		keys = append(keys, InterestTaxType)
	}
	for _, tt := range keys {
		for _, acct := range l.Collection[tt] {
			kvs = append(kvs, pdf.KV{Key: TaxTypeName(tt), Value: groupAccount(acct)})
		}
	}
	if len(kvs) == 0 {
		doc.Paragraph("A beszedési számlák számát az önkormányzat adóügyi irodája adja meg.")
	} else {
		doc.KeyValues(kvs)
	}
	doc.Paragraph(fmt.Sprintf("A közleményben tüntesse fel az azonosítóját: %s. Ha a felszólítás kézhezvétele előtt már fizetett, levelünket tekintse tárgytalannak.", l.Taxpayer.TaxID))
	_, err = doc.WriteTo(w)
	return err
}

// NoticeRun gives the balance notice (egyenlegértesítő, sent twice a
// year) of every taxpayer whose debt (due or not) or overpayment on on
// reaches the municipality's minimum for notices, in taxpayer order.
func (s *Service) NoticeRun(ctx context.Context, tx bun.IDB, on hu.Date, fn func(BalanceNotice) error) (int, error) {
	set, err := SettingsFor(ctx, tx, "", on.Year)
	if err != nil {
		return 0, err
	}
	names, err := taxpayerNames(ctx, tx)
	if err != nil {
		return 0, err
	}
	as, err := collectionAccounts(ctx, tx)
	if err != nil {
		return 0, err
	}
	coll := map[string][]string{}
	for _, a := range as {
		coll[a.TaxType] = append(coll[a.TaxType], a.Account)
	}
	n := 0
	at := s.now()
	err = s.allAccounts(ctx, tx, on, func(id uuid.UUID, accounts []Account) error {
		var debt, over hu.Forint
		for _, a := range accounts {
			debt += a.Arrears + a.NotYetDue
			over += a.Overpayment
		}
		if debt < set.MinNotice && over < set.MinNotice || debt == 0 && over == 0 {
			return nil
		}
		n++
		return fn(BalanceNotice{Taxpayer: names[id], Accounts: accounts, Collection: coll, At: at})
	})
	return n, err
}
