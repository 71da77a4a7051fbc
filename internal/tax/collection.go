package tax

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Collection (behajtás, domain brief §A.6, §A.11): the municipality's
// settings, transfers of an overpayment (átvezetés) and refunds
// (kiutalás).

// Allocation strategies across tax types, for an amount that is to cover
// several tax types at once (an amount collected in enforcement, an
// overpayment transferred "to cover arrears"). Within one tax type the
// order is always the statutory one of computeAccount.
const (
	// StrategyStatutory settles the due debits of all tax types together,
	// oldest due date first, the same due date pro rata (§A.6 point 2).
	StrategyStatutory = "statutory"
	// StrategyCostsFirst settles végrehajtási költség first, then fines,
	// then surcharges, then the taxes themselves, each group oldest due
	// first (§A.6 point 3: common Vht./Avt. practice, UNCERTAIN).
	StrategyCostsFirst = "costs_first"
)

// Strategies are the strategies a municipality may choose.
var Strategies = []string{StrategyStatutory, StrategyCostsFirst}

// CollectionSettings are a municipality's amounts and choices for one tax
// type (empty: every tax type) from a tax year on. All the amounts are
// UNCERTAIN in law (§A.6 "Minimum amounts"): the municipality sets them.
type CollectionSettings struct {
	bun.BaseModel `bun:"table:tax_collection_settings,alias:cs"`
	db.TenantScoped

	TaxType  string `bun:"tax_type,pk" json:"tax_type"`
	FromYear int    `bun:"from_year,pk" json:"from_year"`
	// MinRefund: an overpayment below it is not refunded, kept for the
	// next liability.
	MinRefund hu.Forint `bun:"min_refund" json:"min_refund"`
	// MinNotice: a balance notice is not sent when the debt is below it.
	MinNotice hu.Forint `bun:"min_notice" json:"min_notice"`
	// MinCollection: reminders and enforcement start above it.
	MinCollection hu.Forint `bun:"min_collection" json:"min_collection"`
	Strategy      string    `bun:"strategy" json:"strategy"`
	// ReminderIntervalDays: no second reminder for the same debts sooner.
	ReminderIntervalDays int `bun:"reminder_interval_days" json:"reminder_interval_days"`
	// ReminderDeadlineDays: the deadline a reminder gives to pay.
	ReminderDeadlineDays int       `bun:"reminder_deadline_days" json:"reminder_deadline_days"`
	UpdatedAt            time.Time `bun:"updated_at" json:"updated_at"`
	UpdatedBy            string    `bun:"updated_by" json:"updated_by"`
}

// DefaultSettings apply where the municipality set nothing.
func DefaultSettings() CollectionSettings {
	return CollectionSettings{MinRefund: 1000, MinNotice: 1000, MinCollection: 5000, Strategy: StrategyStatutory,
		ReminderIntervalDays: 60, ReminderDeadlineDays: 15}
}

// SettingsFor returns the settings in force for a tax type in a year: the
// row of that tax type, else the row for every tax type, with the latest
// from_year not after year; the defaults if none.
func SettingsFor(ctx context.Context, tx bun.IDB, taxType string, year int) (CollectionSettings, error) {
	var rows []CollectionSettings
	if err := tx.NewSelect().Model(&rows).Where("tax_type IN (?, '')", taxType).Where("from_year <= ?", year).
		OrderExpr("from_year DESC").Scan(ctx); err != nil {
		return CollectionSettings{}, fmt.Errorf("collection settings: %w", err)
	}
	for _, want := range []string{taxType, ""} {
		for _, r := range rows {
			if r.TaxType == want {
				return r, nil
			}
		}
	}
	d := DefaultSettings()
	d.TaxType, d.FromYear = taxType, year
	return d, nil
}

// AllSettings lists the rows the municipality set.
func AllSettings(ctx context.Context, tx bun.IDB) ([]CollectionSettings, error) {
	var rows []CollectionSettings
	if err := tx.NewSelect().Model(&rows).OrderExpr("tax_type, from_year").Scan(ctx); err != nil {
		return nil, fmt.Errorf("collection settings: %w", err)
	}
	return rows, nil
}

// SaveSettings records the settings of a tax type from a year on,
// replacing what was set for the same tax type and year (the audit log
// keeps the old values).
func (s *Service) SaveSettings(ctx context.Context, tx bun.Tx, in CollectionSettings, by string) (CollectionSettings, error) {
	in.TaxType = strings.TrimSpace(in.TaxType)
	switch {
	case in.TaxType != "" && !validTaxType(in.TaxType):
		return in, problem("bad_tax_type", "tax_type", "Válassza ki az adónemet (vagy: minden adónem).", "Choose the tax type (or: every tax type).")
	case in.FromYear < 1990 || in.FromYear > hu.DateOf(s.now()).Year+1:
		return in, problem("bad_year", "from_year", "Az év 1990 és a jövő év között lehet.", "The year is between 1990 and next year.")
	case in.MinRefund < 0 || in.MinNotice < 0 || in.MinCollection < 0 || in.MinRefund > 10_000_000 || in.MinNotice > 10_000_000 || in.MinCollection > 10_000_000:
		return in, problem("bad_minimum", "min_refund", "A legkisebb összegek 0 és 10 000 000 Ft között lehetnek.", "The minimum amounts are between 0 and 10 000 000 Ft.")
	case !validStrategy(in.Strategy):
		return in, problem("bad_strategy", "strategy", "Válassza ki az elszámolás sorrendjét.", "Choose the allocation order.")
	case in.ReminderIntervalDays < 1 || in.ReminderIntervalDays > 3650:
		return in, problem("bad_interval", "reminder_interval_days", "A felszólítások között eltelő napok száma 1 és 3650 között lehet.", "The days between reminders are between 1 and 3650.")
	case in.ReminderDeadlineDays < 1 || in.ReminderDeadlineDays > 365:
		return in, problem("bad_deadline", "reminder_deadline_days", "A felszólításban adott határidő 1 és 365 nap között lehet.", "The deadline a reminder gives is between 1 and 365 days.")
	}
	var before []CollectionSettings
	if err := tx.NewSelect().Model(&before).Where("tax_type = ? AND from_year = ?", in.TaxType, in.FromYear).Scan(ctx); err != nil {
		return in, fmt.Errorf("collection settings: %w", err)
	}
	now := s.now().UTC()
	in.UpdatedAt, in.UpdatedBy = now, by
	if _, err := tx.NewInsert().Model(&in).On("CONFLICT (tenant_id, tax_type, from_year) DO UPDATE").
		Set("min_refund = EXCLUDED.min_refund, min_notice = EXCLUDED.min_notice, min_collection = EXCLUDED.min_collection, strategy = EXCLUDED.strategy, " +
			"reminder_interval_days = EXCLUDED.reminder_interval_days, reminder_deadline_days = EXCLUDED.reminder_deadline_days, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").
		Exec(ctx); err != nil {
		return in, fmt.Errorf("save collection settings: %w", err)
	}
	detail := map[string]any{"tax_type": in.TaxType, "from_year": in.FromYear, "min_refund": int64(in.MinRefund), "min_notice": int64(in.MinNotice),
		"min_collection": int64(in.MinCollection), "strategy": in.Strategy, "reminder_interval_days": in.ReminderIntervalDays,
		"reminder_deadline_days": in.ReminderDeadlineDays, "by": by}
	if len(before) == 1 {
		b := before[0]
		detail["before"] = map[string]any{"min_refund": int64(b.MinRefund), "min_notice": int64(b.MinNotice), "min_collection": int64(b.MinCollection),
			"strategy": b.Strategy, "reminder_interval_days": b.ReminderIntervalDays, "reminder_deadline_days": b.ReminderDeadlineDays}
	}
	return in, appendAudit(ctx, tx, "tax.settings", "collection_settings", fmt.Sprintf("%s/%d", in.TaxType, in.FromYear), detail, now)
}

func validStrategy(s string) bool {
	for _, x := range Strategies {
		if s == x {
			return true
		}
	}
	return false
}

// TypeAmount is the part of an amount that goes to one tax type.
type TypeAmount struct {
	TaxType string
	Amount  hu.Forint
}

// costsRank orders the tax types for StrategyCostsFirst: lower first.
func costsRank(taxType string) int {
	switch taxType {
	case "vegrehajtasi_koltseg":
		return 0
	case "birsag":
		return 1
	case InterestTaxType, "onellenorzesi_potlek":
		return 2
	}
	return 3
}

// SplitAcross splits amount among the arrears (open, due debits) of the
// accounts by the strategy; what no arrear takes is returned as rest.
// The shares come in tax type order. The split is deterministic: the
// same accounts and amount always give the same shares.
func SplitAcross(amount hu.Forint, accounts []Account, strategy string) (shares []TypeAmount, rest hu.Forint) {
	var ds []*DebitState
	for _, a := range accounts {
		for i := range a.Debits {
			d := a.Debits[i]
			if d.Due && d.Open > 0 {
				d.TaxType = a.TaxType
				ds = append(ds, &d)
			}
		}
	}
	rank := func(d *DebitState) int {
		if strategy == StrategyCostsFirst {
			return costsRank(d.TaxType)
		}
		return 0
	}
	sort.SliceStable(ds, func(i, j int) bool {
		if ri, rj := rank(ds[i]), rank(ds[j]); ri != rj {
			return ri < rj
		}
		if ds[i].On != ds[j].On {
			return ds[i].On.Before(ds[j].On)
		}
		if ds[i].TaxType != ds[j].TaxType {
			return ds[i].TaxType < ds[j].TaxType
		}
		return ds[i].ID.String() < ds[j].ID.String()
	})
	byType := map[string]hu.Forint{}
	left := amount
	for i := 0; i < len(ds) && left > 0; {
		j := i
		var groupOpen hu.Forint
		for ; j < len(ds) && ds[j].On == ds[i].On && rank(ds[j]) == rank(ds[i]); j++ {
			groupOpen += ds[j].Open
		}
		take := min(left, groupOpen)
		for k, sh := range proRata(take, ds[i:j]) {
			byType[ds[i+k].TaxType] += sh
		}
		left -= take
		i = j
	}
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		if byType[t] > 0 {
			shares = append(shares, TypeAmount{TaxType: t, Amount: byType[t]})
		}
	}
	return shares, left
}

// TransferInput is an átvezetés: an overpayment of From moved to To, or,
// with To empty, to cover the arrears of the other tax types by the
// municipality's strategy.
type TransferInput struct {
	TaxpayerID uuid.UUID
	From, To   string
	Amount     hu.Forint // 0 with To empty: as much as the arrears take
	ExOfficio  bool      // hivatalból, not on the taxpayer's request
	Reason     string
}

// Transfer is what an átvezetés posted.
type Transfer struct {
	ID      uuid.UUID // in the reference of every posting of it
	Debit   Posting   // transfer_out on the source
	Credits []Posting // transfer_in on the targets
}

// TransferReference is the reference both sides of a transfer carry.
func TransferReference(id uuid.UUID) string { return "atvezetes:" + id.String() }

// Transfer moves an overpayment: a transfer_out debit on the source and
// transfer_in credits on the targets, all in the caller's transaction and
// all carrying the same reference. More than the overpayment is refused.
func (s *Service) Transfer(ctx context.Context, tx bun.Tx, in TransferInput, by string) (Transfer, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if !validTaxType(in.From) {
		return Transfer{}, problem("bad_tax_type", "from", "Válassza ki, melyik adónem túlfizetését vezeti át.", "Choose the tax type whose overpayment is transferred.")
	}
	if in.To != "" && (!validTaxType(in.To) || in.To == in.From) {
		return Transfer{}, problem("bad_target", "to", "Válasszon a forrástól különböző cél adónemet.", "Choose a target tax type other than the source.")
	}
	if in.Amount < 0 || in.Amount == 0 && in.To != "" {
		return Transfer{}, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	}
	if in.Reason == "" || len(in.Reason) > 1000 {
		return Transfer{}, problem("no_reason", "reason", "Írja le az átvezetés okát (kérelem iktatószáma vagy hivatalból).", "Give the reason for the transfer (the request's number, or ex officio).")
	}
	today := hu.DateOf(s.now())
	accounts, err := s.Accounts(ctx, tx, in.TaxpayerID, today)
	if err != nil {
		return Transfer{}, err
	}
	if tp, err := taxpayerByID(ctx, tx, in.TaxpayerID); err != nil {
		return Transfer{}, err
	} else if tp == nil {
		return Transfer{}, errNoTaxpayer
	}
	var over hu.Forint
	var others []Account
	for _, a := range accounts {
		if a.TaxType == in.From {
			over = a.Overpayment
		} else {
			others = append(others, a)
		}
	}
	var shares []TypeAmount
	if in.To != "" {
		shares = []TypeAmount{{TaxType: in.To, Amount: in.Amount}}
	} else {
		set, err := SettingsFor(ctx, tx, "", today.Year)
		if err != nil {
			return Transfer{}, err
		}
		amount := in.Amount
		if amount == 0 {
			amount = over
		}
		var rest hu.Forint
		shares, rest = SplitAcross(amount, others, set.Strategy)
		if len(shares) == 0 {
			return Transfer{}, problem("no_arrears", "to", "Más adónemen nincs hátralék; válassza ki a cél adónemet.", "There are no arrears on other tax types; choose the target tax type.")
		}
		if in.Amount > 0 && rest > 0 {
			return Transfer{}, problem("more_than_arrears", "amount", "Az összeg több, mint a többi adónem hátraléka (%s Ft).", "The amount is more than the arrears on the other tax types (%s Ft).", (in.Amount - rest).Grouped())
		}
		in.Amount = amount - rest
	}
	if in.Amount > over {
		return Transfer{}, problem("more_than_overpayment", "amount", "Az összeg több, mint a túlfizetés (%s Ft).", "The amount is more than the overpayment (%s Ft).", over.Grouped())
	}
	t := Transfer{ID: uuid.Must(uuid.NewV7())}
	ref := TransferReference(t.ID)
	how := "kérelemre"
	if in.ExOfficio {
		how = "hivatalból"
	}
	if t.Debit, err = s.Post(ctx, tx, PostingInput{TaxpayerID: in.TaxpayerID, TaxType: in.From, Side: Debit, Amount: in.Amount, On: today, TaxYear: today.Year,
		Kind: "transfer_out", Reference: ref, Note: fmt.Sprintf("átvezetés %s: %s", how, in.Reason)}, by); err != nil {
		return Transfer{}, err
	}
	for _, sh := range shares {
		c, err := s.Post(ctx, tx, PostingInput{TaxpayerID: in.TaxpayerID, TaxType: sh.TaxType, Side: Credit, Amount: sh.Amount, On: today, TaxYear: today.Year,
			Kind: "transfer_in", Reference: ref, Note: fmt.Sprintf("átvezetés %s (%s): %s", how, TaxTypeName(in.From), in.Reason)}, by)
		if err != nil {
			return Transfer{}, err
		}
		t.Credits = append(t.Credits, c)
	}
	targets := make([]string, 0, len(shares))
	for _, sh := range shares {
		targets = append(targets, fmt.Sprintf("%s=%d", sh.TaxType, sh.Amount))
	}
	return t, appendAudit(ctx, tx, "tax.transfer", "taxpayer", in.TaxpayerID.String(), map[string]any{"transfer": t.ID.String(), "from": in.From,
		"to": strings.Join(targets, ","), "amount": int64(in.Amount), "ex_officio": in.ExOfficio, "reason": in.Reason, "by": by}, s.now())
}

// Refund is a kiutalás of an overpayment to the taxpayer's bank account,
// on the treasury's list.
type Refund struct {
	bun.BaseModel `bun:"table:tax_refunds,alias:rf"`
	db.TenantScoped

	ID          uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	TaxpayerID  uuid.UUID `bun:"taxpayer_id,type:uuid" json:"taxpayer_id"`
	TaxType     string    `bun:"tax_type" json:"tax_type"`
	Amount      hu.Forint `bun:"amount" json:"amount"`
	BankAccount string    `bun:"bank_account" json:"bank_account"` // digits
	Holder      string    `bun:"holder" json:"holder"`
	PostingID   uuid.UUID `bun:"posting_id,type:uuid" json:"posting_id"`
	On          hu.Date   `bun:"on_date" json:"on"`
	CreatedAt   time.Time `bun:"created_at" json:"created_at"`
	CreatedBy   string    `bun:"created_by" json:"created_by"`
}

// RefundInput is a refund request.
type RefundInput struct {
	TaxpayerID  uuid.UUID
	TaxType     string
	Amount      hu.Forint
	BankAccount string
	Holder      string // the account holder, if not the taxpayer
}

// Refund pays back an overpayment: refused below the municipality's
// minimum, above the overpayment, and while the taxpayer has arrears on
// any tax type here (the overpayment goes to cover them first: a
// transfer). It posts the refund debit and records the refund for the
// treasury's list.
func (s *Service) Refund(ctx context.Context, tx bun.Tx, in RefundInput, by string) (Refund, error) {
	in.Holder = strings.TrimSpace(in.Holder)
	if !validTaxType(in.TaxType) {
		return Refund{}, problem("bad_tax_type", "tax_type", "Válassza ki az adónemet.", "Choose the tax type.")
	}
	acct, err := hu.ParseBankAccount(in.BankAccount)
	if err != nil {
		return Refund{}, problem("bad_bank_account", "bank_account", "Adjon meg érvényes bankszámlaszámot (2×8 vagy 3×8 számjegy, helyes ellenőrző számmal).",
			"Give a valid bank account number (2×8 or 3×8 digits, with correct check digits).")
	}
	if len(in.Holder) > 300 {
		return Refund{}, problem("too_long", "holder", "A számlatulajdonos neve legfeljebb 300 karakter.", "The account holder's name is at most 300 characters.")
	}
	tp, err := taxpayerByID(ctx, tx, in.TaxpayerID)
	if err != nil {
		return Refund{}, err
	}
	if tp == nil {
		return Refund{}, errNoTaxpayer
	}
	if in.Holder == "" {
		in.Holder = tp.Name
	}
	today := hu.DateOf(s.now())
	set, err := SettingsFor(ctx, tx, in.TaxType, today.Year)
	if err != nil {
		return Refund{}, err
	}
	accounts, err := s.Accounts(ctx, tx, tp.ID, today)
	if err != nil {
		return Refund{}, err
	}
	var over, arrears hu.Forint
	for _, a := range accounts {
		arrears += a.Arrears
		if a.TaxType == in.TaxType {
			over = a.Overpayment
		}
	}
	if arrears > 0 {
		return Refund{}, problem("has_arrears", "amount", "Az adózónak %s Ft hátraléka van: előbb vezesse át rá a túlfizetést (átvezetés), csak a maradék utalható ki.",
			"The taxpayer has %s Ft of arrears: transfer the overpayment to cover them first; only what is left can be refunded.", arrears.Grouped())
	}
	if in.Amount <= 0 || in.Amount < set.MinRefund {
		return Refund{}, problem("below_minimum", "amount", "%s Ft alatti túlfizetést nem utalunk ki; a következő befizetési kötelezettségre számoljuk el.",
			"An overpayment below %s Ft is not refunded; it is kept for the next liability.", set.MinRefund.Grouped())
	}
	if in.Amount > over {
		return Refund{}, problem("more_than_overpayment", "amount", "Az összeg több, mint a túlfizetés (%s Ft).", "The amount is more than the overpayment (%s Ft).", over.Grouped())
	}
	rf := Refund{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, TaxType: in.TaxType, Amount: in.Amount, BankAccount: acct.Digits(), Holder: in.Holder,
		On: today, CreatedAt: s.now().UTC(), CreatedBy: by}
	p, err := s.Post(ctx, tx, PostingInput{TaxpayerID: tp.ID, TaxType: in.TaxType, Side: Debit, Amount: in.Amount, On: today, TaxYear: today.Year,
		Kind: "refund", Reference: "kiutalas:" + rf.ID.String(), Note: "kiutalás: " + acct.String()}, by)
	if err != nil {
		return Refund{}, err
	}
	rf.PostingID = p.ID
	if _, err := tx.NewInsert().Model(&rf).Exec(ctx); err != nil {
		return Refund{}, fmt.Errorf("insert refund: %w", err)
	}
	return rf, appendAudit(ctx, tx, "tax.refund", "taxpayer", tp.ID.String(), map[string]any{"refund": rf.ID.String(), "tax_type": rf.TaxType,
		"amount": int64(rf.Amount), "bank_account": acct.String(), "by": by}, s.now())
}

// RefundLine is a line of the treasury's refund list.
type RefundLine struct {
	Refund
	TaxID, Name string
}

// RefundList lists the refunds recorded between two days, inclusive.
func RefundList(ctx context.Context, tx bun.IDB, from, to hu.Date) ([]RefundLine, error) {
	var rs []Refund
	if err := tx.NewSelect().Model(&rs).Where("on_date >= ? AND on_date <= ?", from, to).OrderExpr("on_date, created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("refunds: %w", err)
	}
	out := make([]RefundLine, 0, len(rs))
	names := map[uuid.UUID]*Taxpayer{}
	for _, r := range rs {
		tp, ok := names[r.TaxpayerID]
		if !ok {
			var err error
			if tp, err = taxpayerByID(ctx, tx, r.TaxpayerID); err != nil {
				return nil, err
			}
			names[r.TaxpayerID] = tp
		}
		l := RefundLine{Refund: r}
		if tp != nil {
			l.TaxID, l.Name = tp.TaxID, tp.Name
		}
		out = append(out, l)
	}
	return out, nil
}
