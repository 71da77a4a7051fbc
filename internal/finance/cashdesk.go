package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// The cash desk (házipénztár, §B.8): desks of an entity, their pre-numbered
// receipt and payment vouchers posted through the rule table, the cash
// book, day closings against the closing limit and cash counts.

// Events of the cash desk in the rule table. A receipt or payment at the
// desk is assessed and settled at once; a withdrawal from or a deposit to
// the bank account moves money between cash accounts and has no rovat.
const (
	EvCashReceipt    = "cash_receipt"
	EvCashPayment    = "cash_payment"
	EvCashWithdrawal = "cash_withdrawal"
	EvCashDeposit    = "cash_deposit"
)

// cashAccount is the account of the desk (Forintpénztár).
const cashAccount = "321"

// Voucher kinds: bevételi and kiadási pénztárbizonylat.
const (
	CashReceipt = "receipt"
	CashPayment = "payment"
)

// cashEvents is which events a voucher of each kind may post.
var cashEvents = map[string][]string{
	CashReceipt: {EvCashReceipt, EvRevenueCollected, EvCashWithdrawal},
	CashPayment: {EvCashPayment, EvPayment, EvCashDeposit},
}

// CashEvents lists the events a voucher kind may post, the default first.
func CashEvents(kind string) []string { return cashEvents[kind] }

// cashNonBudgetEntry builds the entry of an event with no rovat (a move
// between cash accounts) from its rule: no budget side, no funkció.
func cashNonBudgetEntry(e Entity, rule Rule, ev Event, by string, now time.Time) (Entry, *Problem) {
	if ev.Rovat != "" || ev.Funkcio != "" {
		return Entry{}, problem("not_budget", "rovat", "A pénzeszközök közötti átvezetés nem költségvetési tétel: ne adjon meg rovatot és funkciót.",
			"A move between cash accounts is not a budget item: give no rovat and no funkció.")
	}
	if ev.Amount <= 0 {
		return Entry{}, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	}
	en := Entry{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Year: ev.On.Year, Month: int(ev.On.Month), On: ev.On, Event: ev.Kind,
		Document: strings.TrimSpace(ev.Document), Description: strings.TrimSpace(ev.Text), CreatedAt: now, CreatedBy: by}
	if len(en.Document) > 200 || len(en.Description) > 1000 || len(ev.Partner) > 300 {
		return Entry{}, problem("too_long", "document", "A bizonylatszám legfeljebb 200, a szöveg legfeljebb 1000 karakter.", "The document number is at most 200, the text at most 1000 characters.")
	}
	for _, p := range rule.Pairs {
		en.Lines = append(en.Lines, Line{EntryID: en.ID, LineNo: len(en.Lines) + 1, EntityID: e.ID, Year: en.Year, Month: en.Month, Event: ev.Kind,
			Ledger: p.Ledger, Debit: p.Debit, Credit: p.Credit, Amount: ev.Amount, Partner: strings.TrimSpace(ev.Partner), Document: en.Document})
	}
	if prob := checkBalanced(en.Lines); prob != nil {
		return Entry{}, prob
	}
	return en, nil
}

// CashDesk is a cash desk of an entity with its settings.
type CashDesk struct {
	bun.BaseModel `bun:"table:finance_cash_desks,alias:cd"`
	db.TenantScoped

	ID       uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Name     string    `bun:"name" json:"name"`
	// Limit is the closing limit (pénztárzáró keret) of the
	// pénzkezelési szabályzat: the cash kept over night beyond it must
	// be deposited. The spec gives no figure; each desk sets its own.
	Limit      hu.Forint `bun:"closing_limit" json:"closing_limit"`
	Cashier    string    `bun:"cashier" json:"cashier"`
	Controller string    `bun:"controller" json:"controller"`
	LastOn     hu.Date   `bun:"last_on,nullzero" json:"last_on,omitzero"`
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`
	CreatedBy  string    `bun:"created_by" json:"created_by"`
}

// CashDeskInput is a desk's settings.
type CashDeskInput struct {
	Name       string    `json:"name"`
	Limit      hu.Forint `json:"closing_limit"`
	Cashier    string    `json:"cashier"`
	Controller string    `json:"controller"`
}

// CashVoucher is a bevételi or kiadási pénztárbizonylat.
type CashVoucher struct {
	bun.BaseModel `bun:"table:finance_cash_vouchers,alias:cv"`
	db.TenantScoped

	ID         uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	DeskID     uuid.UUID `bun:"desk_id,type:uuid" json:"desk_id"`
	EntityID   uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Kind       string    `bun:"kind" json:"kind"`
	Year       int       `bun:"year" json:"year"`
	Seq        int64     `bun:"seq" json:"seq"`
	Number     string    `bun:"number" json:"number"`
	On         hu.Date   `bun:"on_date" json:"on"`
	Event      string    `bun:"event" json:"event"`
	Partner    string    `bun:"partner" json:"partner"`
	Purpose    string    `bun:"purpose" json:"purpose"`
	Amount     hu.Forint `bun:"amount" json:"amount"`
	Rovat      string    `bun:"rovat" json:"rovat,omitempty"`
	Funkcio    string    `bun:"funkcio" json:"funkcio,omitempty"`
	Task       string    `bun:"task" json:"task,omitempty"`
	Commitment string    `bun:"commitment_id" json:"commitment_id,omitempty"`
	EntryID    string    `bun:"entry_id" json:"entry_id"`
	Reverses   string    `bun:"reverses" json:"reverses,omitempty"`
	Reason     string    `bun:"reason" json:"reason,omitempty"`
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`
	CreatedBy  string    `bun:"created_by" json:"created_by"`
}

// Effect is the voucher's change of the cash: a receipt adds, a payment
// takes; a reversing voucher does the opposite of its kind.
func (v CashVoucher) Effect() hu.Forint {
	a := v.Amount
	if v.Kind == CashPayment {
		a = -a
	}
	if v.Reverses != "" {
		a = -a
	}
	return a
}

// CashVoucherInput is a new voucher.
type CashVoucherInput struct {
	Kind       string    `json:"kind"`
	Event      string    `json:"event"`
	On         hu.Date   `json:"on"`
	Partner    string    `json:"partner"`
	Purpose    string    `json:"purpose"`
	Amount     hu.Forint `json:"amount"`
	Rovat      string    `json:"rovat"`
	Funkcio    string    `json:"funkcio"`
	Task       string    `json:"task"`
	Commitment string    `json:"commitment_id"`
}

// CashClosing is a closed day of a desk with its closing balance.
type CashClosing struct {
	bun.BaseModel `bun:"table:finance_cash_closings,alias:cc"`
	db.TenantScoped

	DeskID   uuid.UUID `bun:"desk_id,pk,type:uuid" json:"desk_id"`
	On       hu.Date   `bun:"on_date,pk" json:"on"`
	Balance  hu.Forint `bun:"balance" json:"balance"`
	Limit    hu.Forint `bun:"closing_limit" json:"closing_limit"`
	Excess   hu.Forint `bun:"excess" json:"excess"`
	ClosedAt time.Time `bun:"closed_at" json:"closed_at"`
	ClosedBy string    `bun:"closed_by" json:"closed_by"`
}

// CashCount is a cash count (pénztárellenőrzés) with its címletjegyzék.
type CashCount struct {
	bun.BaseModel `bun:"table:finance_cash_counts,alias:cn"`
	db.TenantScoped

	ID     uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	DeskID uuid.UUID `bun:"desk_id,type:uuid" json:"desk_id"`
	On     hu.Date   `bun:"on_date" json:"on"`
	// Pieces is "denomination:pieces" pairs, e.g. "20000:3,500:2".
	Pieces     string    `bun:"denominations" json:"-"`
	Counted    hu.Forint `bun:"counted" json:"counted"`
	Book       hu.Forint `bun:"book" json:"book"`
	Difference hu.Forint `bun:"difference" json:"difference"`
	CountedBy  string    `bun:"counted_by" json:"counted_by"`
	Witness    string    `bun:"witness" json:"witness,omitempty"`
	Note       string    `bun:"note" json:"note,omitempty"`
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`

	Denominations []CashPieces `bun:"-" json:"denominations"`
}

// CashPieces is how many pieces of one denomination were counted.
type CashPieces struct {
	Value  int64 `json:"value"`
	Pieces int64 `json:"pieces"`
}

// CashDenominations are the forint notes and coins in circulation, the
// largest first. The 1 and 2 forint coins were withdrawn in 2008: cash
// totals are rounded to 0 or 5 forints.
var CashDenominations = []int64{20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5}

// CashNote reports whether a denomination is a note (500 Ft and up).
func CashNote(v int64) bool { return v >= 500 }

var (
	errNoCashDesk    = problem("no_cash_desk", "", "Nincs ilyen házipénztár.", "There is no such cash desk.")
	errNoCashVoucher = problem("no_cash_voucher", "", "Nincs ilyen pénztárbizonylat.", "There is no such cash voucher.")
)

func cashIsNotFound(p *Problem) bool {
	return p.Code == errNoCashDesk.Code || p.Code == errNoCashVoucher.Code || p.Code == errNoEntity.Code
}

func (in *CashDeskInput) check() *Problem {
	in.Name, in.Cashier, in.Controller = strings.TrimSpace(in.Name), strings.TrimSpace(in.Cashier), strings.TrimSpace(in.Controller)
	if in.Name == "" || len(in.Name) > 200 {
		return problem("bad_name", "name", "Adja meg a pénztár nevét (legfeljebb 200 karakter).", "Enter the cash desk's name (at most 200 characters).")
	}
	if in.Limit < 0 || in.Limit > 1_000_000_000 {
		return problem("bad_limit", "closing_limit", "A záró pénzkészlet limitje nem negatív, egész forint (a pénzkezelési szabályzat szerint).",
			"The closing limit is a non-negative whole number of forints (as the cash-handling policy sets it).")
	}
	if in.Cashier == "" || len(in.Cashier) > 200 || len(in.Controller) > 200 {
		return problem("bad_cashier", "cashier", "Adja meg a pénztárért felelős személy (pénztáros) nevét.", "Enter the name of the person responsible (cashier).")
	}
	return nil
}

// CreateCashDesk records a cash desk of an entity.
func (s *Service) CreateCashDesk(ctx context.Context, tx bun.Tx, entity uuid.UUID, in CashDeskInput, by string) (CashDesk, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return CashDesk{}, err
	}
	if prob := in.check(); prob != nil {
		return CashDesk{}, prob
	}
	if n, err := db.Count(ctx, tx.NewSelect().Model((*CashDesk)(nil)).Where("entity_id = ? AND name = ?", e.ID, in.Name)); err != nil {
		return CashDesk{}, err
	} else if n > 0 {
		return CashDesk{}, problem("desk_exists", "name", "%s szervezetnek már van ilyen nevű pénztára: %s.", "%s already has a cash desk named %s.", e.Name, in.Name)
	}
	now := s.now().UTC()
	d := CashDesk{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Name: in.Name, Limit: in.Limit, Cashier: in.Cashier, Controller: in.Controller, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&d).Exec(ctx); err != nil {
		return CashDesk{}, fmt.Errorf("insert cash desk: %w", err)
	}
	return d, appendAudit(ctx, tx, "finance.cash_desk_create", "cash_desk", d.ID.String(), map[string]any{"entity": e.ID.String(), "name": d.Name, "closing_limit": int64(d.Limit), "cashier": d.Cashier, "controller": d.Controller, "by": by}, now)
}

// UpdateCashDesk changes a desk's settings; the audit log keeps the old.
func (s *Service) UpdateCashDesk(ctx context.Context, tx bun.Tx, id uuid.UUID, in CashDeskInput, by string) (CashDesk, error) {
	d, err := CashDeskByID(ctx, tx, id)
	if err != nil {
		return CashDesk{}, err
	}
	if prob := in.check(); prob != nil {
		return CashDesk{}, prob
	}
	if in.Name != d.Name {
		if n, err := db.Count(ctx, tx.NewSelect().Model((*CashDesk)(nil)).Where("entity_id = ? AND name = ?", d.EntityID, in.Name)); err != nil {
			return CashDesk{}, err
		} else if n > 0 {
			return CashDesk{}, problem("desk_exists", "name", "Már van ilyen nevű pénztár: %s.", "There is already a cash desk named %s.", in.Name)
		}
	}
	old := map[string]any{"name": d.Name, "closing_limit": int64(d.Limit), "cashier": d.Cashier, "controller": d.Controller}
	d.Name, d.Limit, d.Cashier, d.Controller = in.Name, in.Limit, in.Cashier, in.Controller
	if _, err := tx.NewUpdate().Model(&d).Column("name", "closing_limit", "cashier", "controller").WherePK().Exec(ctx); err != nil {
		return CashDesk{}, fmt.Errorf("update cash desk: %w", err)
	}
	return d, appendAudit(ctx, tx, "finance.cash_desk_update", "cash_desk", d.ID.String(), map[string]any{"old": old, "name": d.Name, "closing_limit": int64(d.Limit), "cashier": d.Cashier, "controller": d.Controller, "by": by}, s.now().UTC())
}

// CashDeskByID loads a desk; errNoCashDesk if it is not the tenant's.
func CashDeskByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (CashDesk, error) {
	var d CashDesk
	err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return CashDesk{}, errNoCashDesk
	}
	if err != nil {
		return CashDesk{}, fmt.Errorf("cash desk %s: %w", id, err)
	}
	return d, nil
}

// CashDesks lists an entity's desks by name.
func CashDesks(ctx context.Context, tx bun.IDB, entity uuid.UUID) ([]CashDesk, error) {
	var ds []CashDesk
	if err := tx.NewSelect().Model(&ds).Where("entity_id = ?", entity).OrderExpr("name, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("cash desks: %w", err)
	}
	return ds, nil
}

// CashBalance is the desk's cash after every voucher up to and including
// day through (all when zero).
func CashBalance(ctx context.Context, tx bun.IDB, desk uuid.UUID, through hu.Date) (hu.Forint, error) {
	var rows []struct {
		Kind     string    `bun:"kind"`
		Reversal bool      `bun:"reversal"`
		Sum      hu.Forint `bun:"sum"`
	}
	q := tx.NewSelect().Model((*CashVoucher)(nil)).ColumnExpr("kind, reverses <> '' AS reversal, SUM(amount) AS sum").Where("desk_id = ?", desk).GroupExpr("kind, reverses <> ''")
	if !through.IsZero() {
		q = q.Where("on_date <= ?", through)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return 0, fmt.Errorf("cash balance: %w", err)
	}
	var b hu.Forint
	for _, r := range rows {
		v := CashVoucher{Kind: r.Kind, Amount: r.Sum}
		if r.Reversal {
			v.Reverses = "x"
		}
		b += v.Effect()
	}
	return b, nil
}

func cashPrefix(kind string) string {
	if kind == CashPayment {
		return "KP"
	}
	return "BP"
}

// cashLock takes the desk's row for the rest of the transaction (the
// balance and the day order are read after it) and records the day of
// the newest voucher. Vouchers are issued when the cash moves, so a day
// before the newest voucher's, or a closed day, is refused.
func (s *Service) cashLock(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date) (CashDesk, error) {
	if !on.IsValid() {
		return CashDesk{}, problem("bad_date", "on", "Adja meg a bizonylat napját (ÉÉÉÉ-HH-NN).", "Give the voucher's day (YYYY-MM-DD).")
	}
	// An UPDATE, not SELECT … FOR UPDATE: SQLite has no row locks, and on
	// PostgreSQL this waits for any other voucher of the desk.
	res, err := tx.NewUpdate().Model((*CashDesk)(nil)).Set("last_on = CASE WHEN last_on IS NULL OR last_on < ? THEN ? ELSE last_on END", on, on).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return CashDesk{}, fmt.Errorf("lock cash desk: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return CashDesk{}, errNoCashDesk
	}
	var d CashDesk
	if err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx); err != nil {
		return CashDesk{}, err
	}
	today := hu.DateOf(s.now())
	if on.After(today) {
		return CashDesk{}, problem("future_date", "on", "A pénztárbizonylat napja nem lehet későbbi a mai napnál (%s).", "The voucher's day cannot be after today (%s).", today)
	}
	var last hu.Date
	if err := tx.NewSelect().Model((*CashVoucher)(nil)).ColumnExpr("MAX(on_date)").Where("desk_id = ?", id).Scan(ctx, &last); err != nil {
		return CashDesk{}, fmt.Errorf("last voucher: %w", err)
	}
	if !last.IsZero() && on.Before(last) {
		return CashDesk{}, problem("out_of_order", "on", "A pénztárbizonylatok időrendben készülnek: az utolsó bizonylat napja %s, ennél korábbi nap nem adható meg.",
			"Vouchers are issued in date order: the last voucher is of %s, an earlier day cannot be given.", last)
	}
	if n, err := db.Count(ctx, tx.NewSelect().Model((*CashClosing)(nil)).Where("desk_id = ? AND on_date >= ?", id, on)); err != nil {
		return CashDesk{}, err
	} else if n > 0 {
		return CashDesk{}, problem("day_closed", "on", "A pénztár %s napja (vagy egy későbbi nap) már le van zárva.", "The desk's day %s (or a later one) is already closed.", on)
	}
	return d, nil
}

// cashNumber takes the next number of the desk's series of a kind and
// year. The counter row is updated in the voucher's transaction: when the
// voucher is not written, neither is the number taken, so the series has
// no gaps.
func cashNumber(ctx context.Context, tx bun.Tx, desk uuid.UUID, kind string, year int) (int64, string, error) {
	t, _ := db.TenantFrom(ctx)
	if _, err := tx.NewRaw(`INSERT INTO finance_cash_counters (tenant_id, desk_id, kind, year, next_seq) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (tenant_id, desk_id, kind, year) DO NOTHING`, string(t), desk, kind, year).Exec(ctx); err != nil {
		return 0, "", fmt.Errorf("cash counter: %w", err)
	}
	var seq int64
	if err := tx.NewRaw(`UPDATE finance_cash_counters SET next_seq = next_seq + 1
		WHERE tenant_id = ? AND desk_id = ? AND kind = ? AND year = ? RETURNING next_seq - 1`, string(t), desk, kind, year).Scan(ctx, &seq); err != nil {
		return 0, "", fmt.Errorf("cash number: %w", err)
	}
	return seq, fmt.Sprintf("%s-%d-%06d", cashPrefix(kind), year, seq), nil
}

func cashRounded(a hu.Forint) bool { return a%5 == 0 }

// IssueCashVoucher issues a voucher: takes its number, refuses a payment
// the cash cannot cover, and posts it through the rule table, all in tx.
func (s *Service) IssueCashVoucher(ctx context.Context, tx bun.Tx, desk uuid.UUID, in CashVoucherInput, by string) (CashVoucher, error) {
	in.Partner, in.Purpose = strings.TrimSpace(in.Partner), strings.TrimSpace(in.Purpose)
	in.Rovat, in.Funkcio, in.Commitment = strings.ToUpper(strings.TrimSpace(in.Rovat)), strings.TrimSpace(in.Funkcio), strings.TrimSpace(in.Commitment)
	evs, ok := cashEvents[in.Kind]
	if !ok {
		return CashVoucher{}, problem("bad_kind", "kind", "Válassza ki, bevételi vagy kiadási pénztárbizonylat készül.", "Choose a receipt or a payment voucher.")
	}
	if in.Event == "" {
		in.Event = evs[0]
	}
	allowed := false
	for _, e := range evs {
		allowed = allowed || e == in.Event
	}
	if !allowed {
		return CashVoucher{}, problem("bad_event", "event", "Ez a gazdasági esemény nem ilyen pénztárbizonylaton rögzíthető.", "This event cannot be recorded on this kind of voucher.")
	}
	if in.Amount <= 0 || in.Amount > 100_000_000_000 {
		return CashVoucher{}, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	}
	if !cashRounded(in.Amount) {
		return CashVoucher{}, problem("not_rounded", "amount", "Készpénzben csak 0-ra vagy 5-re végződő összeg mozoghat (az 1 és 2 forintos érmék 2008 óta nincsenek forgalomban; kerekítés).",
			"Cash moves only in amounts ending in 0 or 5 (the 1 and 2 forint coins were withdrawn in 2008; rounding).")
	}
	if in.Purpose == "" || len(in.Purpose) > 1000 {
		return CashVoucher{}, problem("no_purpose", "purpose", "Írja le a pénzmozgás jogcímét (legfeljebb 1000 karakter).", "Describe what the cash is for (at most 1000 characters).")
	}
	if in.Partner == "" || len(in.Partner) > 300 {
		return CashVoucher{}, problem("no_partner", "partner", "Adja meg a befizető vagy az átvevő nevét.", "Enter the name of the payer or the recipient.")
	}
	transfer := in.Event == EvCashWithdrawal || in.Event == EvCashDeposit
	if transfer {
		in.Rovat, in.Funkcio, in.Task, in.Commitment = "", "", "", ""
	}
	if in.Commitment != "" {
		if in.Kind != CashPayment {
			return CashVoucher{}, problem("bad_commitment", "commitment_id", "Kötelezettségvállalás csak kiadási bizonylaton hivatkozható.", "Only a payment voucher can name a commitment.")
		}
		cid, err := uuid.Parse(in.Commitment)
		if err != nil {
			return CashVoucher{}, problem("bad_commitment", "commitment_id", "Nincs ilyen kötelezettségvállalás.", "There is no such commitment.")
		}
		c, err := CommitmentByID(ctx, tx, cid)
		if err != nil {
			return CashVoucher{}, problem("bad_commitment", "commitment_id", "Nincs ilyen kötelezettségvállalás.", "There is no such commitment.")
		}
		if c.State != Committed {
			return CashVoucher{}, problem("commitment_not_committed", "commitment_id", "A kötelezettségvállalás még nincs vállalva (ellenjegyzés és vállalás után fizethető).", "The commitment is not yet made (pay after countersignature and commitment).")
		}
		// The rovat and funkció are the commitment's.
		in.Rovat, in.Funkcio, in.Task, in.Commitment = c.Rovat, c.Funkcio, c.Task, c.ID.String()
		d0, err := CashDeskByID(ctx, tx, desk)
		if err != nil {
			return CashVoucher{}, err
		}
		if c.EntityID != d0.EntityID {
			return CashVoucher{}, problem("bad_commitment", "commitment_id", "A kötelezettségvállalás másik szervezeté.", "The commitment is another entity's.")
		}
	}
	if !transfer && in.Rovat == "" {
		return CashVoucher{}, problem("bad_rovat", "rovat", "Adja meg a rovatot (bevételnél B, kiadásnál K rovat).", "Give the rovat (B for a receipt, K for a payment).")
	}
	if side := map[string]byte{CashReceipt: 'B', CashPayment: 'K'}[in.Kind]; !transfer && in.Rovat[0] != side {
		return CashVoucher{}, problem("wrong_side", "rovat", "Bevételi bizonylat B, kiadási bizonylat K rovatra szól; %s nem ilyen.",
			"A receipt voucher takes a B rovat, a payment voucher a K rovat; %s is not one.", in.Rovat)
	}
	d, err := s.cashLock(ctx, tx, desk, in.On)
	if err != nil {
		return CashVoucher{}, err
	}
	v := CashVoucher{ID: uuid.Must(uuid.NewV7()), DeskID: d.ID, EntityID: d.EntityID, Kind: in.Kind, Year: in.On.Year, On: in.On, Event: in.Event,
		Partner: in.Partner, Purpose: in.Purpose, Amount: in.Amount, Rovat: in.Rovat, Funkcio: in.Funkcio, Task: in.Task, Commitment: in.Commitment,
		CreatedAt: s.now().UTC(), CreatedBy: by}
	if err := s.cashCover(ctx, tx, d, v.Effect()); err != nil {
		return CashVoucher{}, err
	}
	if v.Seq, v.Number, err = cashNumber(ctx, tx, d.ID, v.Kind, v.Year); err != nil {
		return CashVoucher{}, err
	}
	en, err := s.Post(ctx, tx, Event{Entity: d.EntityID, Kind: v.Event, On: v.On, Rovat: v.Rovat, Funkcio: v.Funkcio, Task: v.Task, Amount: v.Amount,
		Partner: v.Partner, Commitment: v.Commitment, Document: v.Number, Text: v.Purpose, Cash: cashAccount}, by)
	if err != nil {
		return CashVoucher{}, err
	}
	v.EntryID, v.Task = en.ID.String(), en.Lines[0].Task
	if v.Rovat == "" {
		v.Task = ""
	}
	if _, err := tx.NewInsert().Model(&v).Exec(ctx); err != nil {
		return CashVoucher{}, fmt.Errorf("insert cash voucher: %w", err)
	}
	return v, appendAudit(ctx, tx, "finance.cash_voucher", "cash_voucher", v.ID.String(), map[string]any{"desk": d.ID.String(), "number": v.Number, "kind": v.Kind,
		"event": v.Event, "on": v.On.String(), "amount": int64(v.Amount), "rovat": v.Rovat, "funkcio": v.Funkcio, "commitment": v.Commitment, "entry": v.EntryID, "by": by}, v.CreatedAt)
}

// cashCover refuses a change that would take the desk's cash below zero.
// The desk is locked and vouchers are in date order, so the balance now
// is the balance of the voucher's day.
func (s *Service) cashCover(ctx context.Context, tx bun.Tx, d CashDesk, effect hu.Forint) error {
	if effect >= 0 {
		return nil
	}
	bal, err := CashBalance(ctx, tx, d.ID, hu.Date{})
	if err != nil {
		return err
	}
	if bal+effect < 0 {
		return problem("no_cash", "amount", "A pénztárban %s Ft van; %s Ft kifizetése után a pénzkészlet negatív lenne. Előbb vegyen fel készpénzt a fizetési számláról.",
			"The desk holds %s Ft; paying %s Ft would take the cash below zero. Withdraw cash from the bank account first.", bal, -effect)
	}
	return nil
}

// CashVoucherByID loads a voucher; errNoCashVoucher if it is not the
// tenant's.
func CashVoucherByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (CashVoucher, error) {
	var v CashVoucher
	err := tx.NewSelect().Model(&v).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return CashVoucher{}, errNoCashVoucher
	}
	if err != nil {
		return CashVoucher{}, fmt.Errorf("cash voucher %s: %w", id, err)
	}
	return v, nil
}

// ReverseCashVoucher cancels a voucher with a reversing one (stornó) of
// the same series, on day on, with the reason; the ledger entry is
// reversed with it. Nothing is deleted.
func (s *Service) ReverseCashVoucher(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, reason, by string) (CashVoucher, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return CashVoucher{}, problem("no_reason", "reason", "Írja le, miért stornózza a bizonylatot.", "Say why the voucher is reversed.")
	}
	orig, err := CashVoucherByID(ctx, tx, id)
	if err != nil {
		return CashVoucher{}, err
	}
	if orig.Reverses != "" {
		return CashVoucher{}, problem("is_reversal", "", "Stornó bizonylatot nem lehet stornózni; állítson ki új, helyes bizonylatot.", "A reversing voucher cannot be reversed; issue a new, right voucher.")
	}
	if n, err := db.Count(ctx, tx.NewSelect().Model((*CashVoucher)(nil)).Where("reverses = ?", orig.ID.String())); err != nil {
		return CashVoucher{}, err
	} else if n > 0 {
		return CashVoucher{}, problem("already_reversed", "", "Ezt a bizonylatot már stornózták.", "This voucher has already been reversed.")
	}
	if on.IsValid() && on.Year != orig.Year {
		return CashVoucher{}, problem("bad_date", "on", "A stornó napja az eredeti bizonylat évébe essen (%d).", "The reversal's day must be in the original voucher's year (%d).", orig.Year)
	}
	d, err := s.cashLock(ctx, tx, orig.DeskID, on)
	if err != nil {
		return CashVoucher{}, err
	}
	v := CashVoucher{ID: uuid.Must(uuid.NewV7()), DeskID: d.ID, EntityID: d.EntityID, Kind: orig.Kind, Year: on.Year, On: on, Event: orig.Event,
		Partner: orig.Partner, Purpose: "Stornó: " + orig.Number + " – " + orig.Purpose, Amount: orig.Amount, Rovat: orig.Rovat, Funkcio: orig.Funkcio, Task: orig.Task,
		Commitment: orig.Commitment, Reverses: orig.ID.String(), Reason: reason, CreatedAt: s.now().UTC(), CreatedBy: by}
	if len(v.Purpose) > 1000 {
		v.Purpose = v.Purpose[:strings.LastIndex(v.Purpose[:990], " ")] + " …"
	}
	if err := s.cashCover(ctx, tx, d, v.Effect()); err != nil {
		return CashVoucher{}, err
	}
	if v.Seq, v.Number, err = cashNumber(ctx, tx, d.ID, v.Kind, v.Year); err != nil {
		return CashVoucher{}, err
	}
	entry, err := uuid.Parse(orig.EntryID)
	if err != nil {
		return CashVoucher{}, fmt.Errorf("entry of %s: %w", orig.Number, err)
	}
	rev, err := s.Reverse(context.WithValue(ctx, cashReversing{}, true), tx, entry, on, v.Number+": "+reason, by)
	if err != nil {
		return CashVoucher{}, err
	}
	v.EntryID = rev.ID.String()
	if _, err := tx.NewInsert().Model(&v).Exec(ctx); err != nil {
		return CashVoucher{}, fmt.Errorf("insert reversing voucher: %w", err)
	}
	return v, appendAudit(ctx, tx, "finance.cash_voucher_reverse", "cash_voucher", orig.ID.String(), map[string]any{"desk": d.ID.String(), "number": v.Number,
		"reverses": orig.Number, "reversal": v.ID.String(), "on": on.String(), "amount": int64(v.Amount), "reason": reason, "by": by}, v.CreatedAt)
}

type cashReversing struct{}

// cashGuardReverse refuses to reverse a cash voucher's ledger entry on its
// own: the desk's cash would no longer agree with account 321. Only
// ReverseCashVoucher, which issues the stornó voucher, may.
func cashGuardReverse(ctx context.Context, tx bun.Tx, entry uuid.UUID) error {
	if ctx.Value(cashReversing{}) != nil {
		return nil
	}
	var vs []CashVoucher
	if err := tx.NewSelect().Model(&vs).Column("number").Where("entry_id = ?", entry.String()).Limit(1).Scan(ctx); err != nil {
		return fmt.Errorf("cash voucher of entry: %w", err)
	}
	if len(vs) > 0 {
		return problem("cash_voucher_entry", "", "Ez a tétel a(z) %s pénztárbizonylaté: a házipénztárban stornó bizonylattal vonható vissza.",
			"This entry is cash voucher %s's: cancel it with a reversing voucher at the cash desk.", vs[0].Number)
	}
	return nil
}

// CashBookLine is one voucher of the cash book with the balance after it.
type CashBookLine struct {
	Voucher CashVoucher `json:"voucher"`
	In      hu.Forint   `json:"in"`
	Out     hu.Forint   `json:"out"`
	Balance hu.Forint   `json:"balance"`
}

// CashBookDay is one day's closing of the book.
type CashBookDay struct {
	On      hu.Date      `json:"on"`
	Balance hu.Forint    `json:"balance"`
	Excess  hu.Forint    `json:"excess"` // beyond the limit: to be deposited
	Closing *CashClosing `json:"closing,omitempty"`
}

// CashBook is the pénztárkönyv of a period.
type CashBook struct {
	Desk    CashDesk       `json:"desk"`
	Entity  Entity         `json:"entity"`
	From    hu.Date        `json:"from"`
	To      hu.Date        `json:"to"`
	Opening hu.Forint      `json:"opening"`
	Lines   []CashBookLine `json:"lines"`
	Days    []CashBookDay  `json:"days"`
	In, Out hu.Forint      `json:"-"`
	Closing hu.Forint      `json:"closing"`
}

// CashBookOf reads the desk's book from from to to (inclusive): the
// opening balance, every voucher in date and number order with the
// running balance, the days' closing balances against the limit.
func CashBookOf(ctx context.Context, tx bun.IDB, desk uuid.UUID, from, to hu.Date) (CashBook, error) {
	d, err := CashDeskByID(ctx, tx, desk)
	if err != nil {
		return CashBook{}, err
	}
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return CashBook{}, problem("bad_period", "from", "Az időszak kezdő és záró napját ÉÉÉÉ-HH-NN alakban adja meg; a kezdő nap nem lehet későbbi.", "Give the period's first and last day as YYYY-MM-DD; the first cannot be after the last.")
	}
	b := CashBook{Desk: d, From: from, To: to, Lines: []CashBookLine{}, Days: []CashBookDay{}}
	if b.Entity, err = EntityByID(ctx, tx, d.EntityID); err != nil {
		return CashBook{}, err
	}
	if b.Opening, err = CashBalance(ctx, tx, desk, from.AddDays(-1)); err != nil {
		return CashBook{}, err
	}
	var vs []CashVoucher
	// Both series share the day: by day, then by the time of issue.
	if err := tx.NewSelect().Model(&vs).Where("desk_id = ? AND on_date >= ? AND on_date <= ?", desk, from, to).OrderExpr("on_date, created_at, id").Scan(ctx); err != nil {
		return CashBook{}, fmt.Errorf("cash book: %w", err)
	}
	var cs []CashClosing
	if err := tx.NewSelect().Model(&cs).Where("desk_id = ? AND on_date >= ? AND on_date <= ?", desk, from, to).Scan(ctx); err != nil {
		return CashBook{}, fmt.Errorf("cash closings: %w", err)
	}
	closings := map[hu.Date]*CashClosing{}
	for i := range cs {
		closings[cs[i].On] = &cs[i]
	}
	bal := b.Opening
	for i, v := range vs {
		l := CashBookLine{Voucher: v}
		if e := v.Effect(); e >= 0 {
			l.In = e
		} else {
			l.Out = -e
		}
		bal += v.Effect()
		b.In, b.Out = b.In+l.In, b.Out+l.Out
		l.Balance = bal
		b.Lines = append(b.Lines, l)
		if i == len(vs)-1 || vs[i+1].On != v.On {
			day := CashBookDay{On: v.On, Balance: bal, Excess: max(0, bal-d.Limit), Closing: closings[v.On]}
			delete(closings, v.On)
			b.Days = append(b.Days, day)
		}
	}
	// Days closed without a voucher.
	for _, c := range closings {
		b.Days = append(b.Days, CashBookDay{On: c.On, Balance: c.Balance, Excess: c.Excess, Closing: c})
	}
	sortCashDays(b.Days)
	b.Closing = bal
	return b, nil
}

func sortCashDays(ds []CashBookDay) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].On.Before(ds[j-1].On); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// CloseCashDay closes the desk's day on: records its closing balance
// against the limit. The excess is not moved by itself: the cashier
// deposits it with a payment voucher (cash_deposit) on the next day.
func (s *Service) CloseCashDay(ctx context.Context, tx bun.Tx, desk uuid.UUID, on hu.Date, by string) (CashClosing, error) {
	d, err := s.cashLock(ctx, tx, desk, on)
	if err != nil {
		return CashClosing{}, err
	}
	bal, err := CashBalance(ctx, tx, d.ID, on)
	if err != nil {
		return CashClosing{}, err
	}
	c := CashClosing{DeskID: d.ID, On: on, Balance: bal, Limit: d.Limit, Excess: max(0, bal-d.Limit), ClosedAt: s.now().UTC(), ClosedBy: by}
	if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
		return CashClosing{}, fmt.Errorf("close cash day: %w", err)
	}
	return c, appendAudit(ctx, tx, "finance.cash_day_close", "cash_desk", d.ID.String(), map[string]any{"on": on.String(), "balance": int64(bal), "closing_limit": int64(d.Limit), "excess": int64(c.Excess), "by": by}, c.ClosedAt)
}

// CashCountInput is a count by denomination.
type CashCountInput struct {
	On            hu.Date      `json:"on"`
	Denominations []CashPieces `json:"denominations"`
	CountedBy     string       `json:"counted_by"`
	Witness       string       `json:"witness"`
	Note          string       `json:"note"`
}

// RecordCashCount records a count of the desk's cash on day on against
// the book balance of that day. A shortage or surplus is shown and kept,
// not posted: what to do with it is the head of finance's decision.
func (s *Service) RecordCashCount(ctx context.Context, tx bun.Tx, desk uuid.UUID, in CashCountInput, by string) (CashCount, error) {
	d, err := CashDeskByID(ctx, tx, desk)
	if err != nil {
		return CashCount{}, err
	}
	in.CountedBy, in.Witness, in.Note = strings.TrimSpace(in.CountedBy), strings.TrimSpace(in.Witness), strings.TrimSpace(in.Note)
	if !in.On.IsValid() || in.On.After(hu.DateOf(s.now())) {
		return CashCount{}, problem("bad_date", "on", "Adja meg a pénztárellenőrzés napját (ÉÉÉÉ-HH-NN, legkésőbb ma).", "Give the day of the count (YYYY-MM-DD, today at the latest).")
	}
	if in.CountedBy == "" || len(in.CountedBy) > 200 || len(in.Witness) > 200 || len(in.Note) > 1000 {
		return CashCount{}, problem("no_counter", "counted_by", "Adja meg, ki számolta meg a pénzt.", "Enter who counted the cash.")
	}
	pieces := map[int64]int64{}
	for _, p := range in.Denominations {
		known := false
		for _, v := range CashDenominations {
			known = known || v == p.Value
		}
		if !known {
			if p.Value == 1 || p.Value == 2 {
				return CashCount{}, problem("withdrawn_coin", "denominations", "Az 1 és 2 forintos érmék 2008. március 1. óta nem törvényes fizetőeszközök; ne számolja a pénzkészletbe.",
					"The 1 and 2 forint coins have not been legal tender since 1 March 2008; do not count them in the cash.")
			}
			return CashCount{}, problem("bad_denomination", "denominations", "Nincs %d forintos címlet.", "There is no %d forint denomination.", p.Value)
		}
		if p.Pieces < 0 || p.Pieces > 1_000_000 {
			return CashCount{}, problem("bad_pieces", "denominations", "A darabszám 0 és 1 000 000 közötti egész szám.", "The number of pieces is a whole number from 0 to 1,000,000.")
		}
		pieces[p.Value] += p.Pieces
	}
	c := CashCount{ID: uuid.Must(uuid.NewV7()), DeskID: d.ID, On: in.On, CountedBy: in.CountedBy, Witness: in.Witness, Note: in.Note, CreatedAt: s.now().UTC(), Denominations: []CashPieces{}}
	var parts []string
	for _, v := range CashDenominations {
		if n := pieces[v]; n > 0 {
			c.Counted += hu.Forint(v * n)
			c.Denominations = append(c.Denominations, CashPieces{Value: v, Pieces: n})
			parts = append(parts, fmt.Sprintf("%d:%d", v, n))
		}
	}
	c.Pieces = strings.Join(parts, ",")
	if c.Book, err = CashBalance(ctx, tx, d.ID, in.On); err != nil {
		return CashCount{}, err
	}
	c.Difference = c.Counted - c.Book
	if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
		return CashCount{}, fmt.Errorf("insert cash count: %w", err)
	}
	return c, appendAudit(ctx, tx, "finance.cash_count", "cash_desk", d.ID.String(), map[string]any{"count": c.ID.String(), "on": c.On.String(), "counted": int64(c.Counted),
		"book": int64(c.Book), "difference": int64(c.Difference), "counted_by": c.CountedBy, "witness": c.Witness, "by": by}, c.CreatedAt)
}

// CashCounts lists the desk's counts, newest first.
func CashCounts(ctx context.Context, tx bun.IDB, desk uuid.UUID, limit int) ([]CashCount, error) {
	cs := []CashCount{}
	if err := tx.NewSelect().Model(&cs).Where("desk_id = ?", desk).OrderExpr("on_date DESC, created_at DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("cash counts: %w", err)
	}
	for i := range cs {
		cs[i].Denominations = cashParsePieces(cs[i].Pieces)
	}
	return cs, nil
}

func cashParsePieces(s string) []CashPieces {
	out := []CashPieces{}
	for _, part := range strings.Split(s, ",") {
		var p CashPieces
		if _, err := fmt.Sscanf(part, "%d:%d", &p.Value, &p.Pieces); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// CashVouchers lists the desk's newest vouchers.
func CashVouchers(ctx context.Context, tx bun.IDB, desk uuid.UUID, limit int) ([]CashVoucher, error) {
	vs := []CashVoucher{}
	if err := tx.NewSelect().Model(&vs).Where("desk_id = ?", desk).OrderExpr("on_date DESC, created_at DESC, id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("cash vouchers: %w", err)
	}
	return vs, nil
}

// CashReversedBy maps each reversed voucher of vs's desk to the number of
// its reversal.
func CashReversedBy(ctx context.Context, tx bun.IDB, desk uuid.UUID) (map[string]string, error) {
	var vs []CashVoucher
	if err := tx.NewSelect().Model(&vs).Column("reverses", "number").Where("desk_id = ? AND reverses <> ''", desk).Scan(ctx); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, v := range vs {
		out[v.Reverses] = v.Number
	}
	return out, nil
}
