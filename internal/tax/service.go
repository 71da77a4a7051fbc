package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/openasp-hu/asp/internal/platform/refusal"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Service holds ADÓ's rules.
type Service struct {
	Now func() time.Time
}

// Reader opens a read-only transaction of the tenant (db.DB.InTenantRead).
type Reader interface {
	InTenantRead(ctx context.Context, t db.TenantID, fn func(ctx context.Context, tx bun.Tx) error) error
}

// TenantDB opens the tenant's transactions (db.DB).
type TenantDB interface {
	Reader
	InTenant(ctx context.Context, t db.TenantID, fn func(ctx context.Context, tx bun.Tx) error) error
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Problem is a refusal a clerk can act on, in both languages: the one
// type of every module (refusal.Problem).
type Problem = refusal.Problem

func problem(code, field, huText, en string, args ...any) *Problem {
	return refusal.New(code, field, huText, en, args...)
}

func appendAudit(ctx context.Context, tx bun.Tx, action, objType, objID string, detail map[string]any, now time.Time) error {
	t, _ := db.TenantFrom(ctx)
	_, err := audit.Append(ctx, tx, t, audit.Event{Action: action, ObjectType: objType, ObjectID: objID, Result: audit.ResultOK, Detail: detail}, now)
	return err
}

// TaxpayerInput is a new taxpayer.
type TaxpayerInput struct {
	TaxID, Name, Address string
}

// RegisterTaxpayer records a taxpayer; the kind follows from the
// identifier: ten digits are an adóazonosító jel, 8-1-2 an adószám.
func (s *Service) RegisterTaxpayer(ctx context.Context, tx bun.Tx, in TaxpayerInput, by string) (Taxpayer, error) {
	tp, err := s.newTaxpayer(in, by)
	if err != nil {
		return Taxpayer{}, err
	}
	if _, err := tx.NewInsert().Model(&tp).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return Taxpayer{}, problem("taxpayer_exists", "tax_id", "Ezzel az azonosítóval már van adózó: %s.", "A taxpayer with this identifier already exists: %s.", tp.TaxID)
		}
		return Taxpayer{}, fmt.Errorf("insert taxpayer: %w", err)
	}
	return tp, appendAudit(ctx, tx, "tax.taxpayer_create", "taxpayer", tp.ID.String(), taxpayerCreated(tp, by), s.now())
}

func taxpayerCreated(tp Taxpayer, by string) map[string]any {
	return map[string]any{"kind": tp.Kind, "tax_id": tp.TaxID, "name": tp.Name, "by": by}
}

// newTaxpayer checks a new taxpayer and makes its record, not yet written.
func (s *Service) newTaxpayer(in TaxpayerInput, by string) (Taxpayer, error) {
	in.Name, in.Address = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address)
	tp := Taxpayer{ID: uuid.Must(uuid.NewV7()), Name: in.Name, Address: in.Address, CreatedAt: s.now().UTC(), CreatedBy: by}
	if id, err := hu.ParseTaxID(in.TaxID); err == nil {
		tp.Kind, tp.TaxID = "person", id.String()
	} else if n, err2 := hu.ParseTaxNumber(in.TaxID); err2 == nil {
		tp.Kind, tp.TaxID = "organisation", n.String()
	} else {
		return Taxpayer{}, problem("bad_tax_id", "tax_id",
			"Adjon meg érvényes adóazonosító jelet (10 számjegy) vagy adószámot (12345678-1-12 alakban); az ellenőrző szám nem egyezik, vagy az alak hibás.",
			"Give a valid tax identification number (10 digits) or tax number (as 12345678-1-12); the check digit does not match or the form is wrong.")
	}
	if tp.Name == "" || len(tp.Name) > 300 {
		return Taxpayer{}, problem("bad_name", "name", "Adja meg az adózó nevét (legfeljebb 300 karakter).", "Enter the taxpayer's name (at most 300 characters).")
	}
	if len(tp.Address) > 500 {
		return Taxpayer{}, problem("bad_address", "address", "A cím legfeljebb 500 karakter.", "The address is at most 500 characters.")
	}
	return tp, nil
}

// Tax types a posting may go to besides the local taxes of the
// catalogue: the taxpayer account keeps these apart too (§A.6).
var otherTaxTypes = map[string]string{
	"kesedelmi_potlek":     "Késedelmi pótlék",
	"onellenorzesi_potlek": "Önellenőrzési pótlék",
	"birsag":               "Bírság",
	"vegrehajtasi_koltseg": "Végrehajtási költség",
}

// TaxTypeName names a tax type code in Hungarian.
func TaxTypeName(code string) string {
	if n, ok := otherTaxTypes[code]; ok {
		return n
	}
	if t, err := caps.Default(); err == nil {
		if ty, ok := t.Type(caps.TaxType(code)); ok {
			return ty.NameHU
		}
	}
	return code
}

func validTaxType(code string) bool { return code != "" && TaxTypeName(code) != code }

// PostingInput is a manual posting by a clerk (later ones come from
// assessment, payment import and interest runs).
type PostingInput struct {
	TaxpayerID uuid.UUID
	TaxType    string
	Side       string
	Amount     hu.Forint
	On         hu.Date
	TaxYear    int
	Kind       string
	Reference  string
	Note       string
}

// Post books a posting on a taxpayer's account.
func (s *Service) Post(ctx context.Context, tx bun.Tx, in PostingInput, by string) (Posting, error) {
	in, err := s.checkPosting(in)
	if err != nil {
		return Posting{}, err
	}
	tp, err := taxpayerByID(ctx, tx, in.TaxpayerID)
	if err != nil {
		return Posting{}, err
	}
	if tp == nil {
		return Posting{}, errNoTaxpayer
	}
	now := s.now().UTC()
	p := newPosting(in, by, now)
	if err := InsertPostings(ctx, tx, []Posting{p}); err != nil {
		return Posting{}, err
	}
	return p, appendAudit(ctx, tx, "tax.post", "posting", p.ID.String(), postingDetail(p, tp.TaxID, by), now)
}

// checkPosting refuses a posting the account cannot take, and tidies its
// texts.
func (s *Service) checkPosting(in PostingInput) (PostingInput, error) {
	switch {
	case !validTaxType(in.TaxType):
		return in, problem("bad_tax_type", "tax_type", "Válassza ki az adónemet.", "Choose the tax type.")
	case in.Side != Debit && in.Side != Credit:
		return in, problem("bad_side", "side", "Válassza ki, hogy előírás (terhelés) vagy jóváírás.", "Choose whether it is a debit or a credit.")
	case in.Amount <= 0:
		return in, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	case !in.On.IsValid():
		return in, problem("bad_date", "on", "Adja meg a napot (előírásnál az esedékességet, jóváírásnál az értéknapot).", "Give the day (the due date of a debit, the value date of a credit).")
	case in.TaxYear < 1990 || in.TaxYear > hu.DateOf(s.now()).Year+1:
		return in, problem("bad_year", "tax_year", "Az adóév 1990 és a jövő év között lehet.", "The tax year is between 1990 and next year.")
	}
	in.Kind, in.Reference, in.Note = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Reference), strings.TrimSpace(in.Note)
	if in.Kind == "" {
		in.Kind = "manual"
	}
	if len(in.Reference) > 200 || len(in.Note) > 1000 || len(in.Kind) > 40 {
		return in, problem("too_long", "note", "A hivatkozás legfeljebb 200, a megjegyzés legfeljebb 1000 karakter.", "The reference is at most 200, the note at most 1000 characters.")
	}
	return in, nil
}

func newPosting(in PostingInput, by string, now time.Time) Posting {
	return Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: in.TaxpayerID, TaxType: in.TaxType, Side: in.Side, Amount: in.Amount, On: in.On,
		TaxYear: in.TaxYear, Kind: in.Kind, Reference: in.Reference, Note: in.Note, PostedAt: now, PostedBy: by}
}

func postingDetail(p Posting, taxID, by string) map[string]any {
	return map[string]any{"taxpayer": taxID, "tax_type": p.TaxType,
		"side": p.Side, "amount": int64(p.Amount), "on": p.On.String(), "tax_year": p.TaxYear, "kind": p.Kind, "reference": p.Reference, "by": by}
}

// Reverse cancels a posting with one of the other side that names it:
// nothing is ever changed or deleted on an account.
func (s *Service) Reverse(ctx context.Context, tx bun.Tx, id uuid.UUID, reason, by string) (Posting, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return Posting{}, problem("no_reason", "reason", "Írja le, miért stornózza a tételt.", "Say why the posting is reversed.")
	}
	var orig Posting
	err := tx.NewSelect().Model(&orig).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Posting{}, errNoPosting
	}
	if err != nil {
		return Posting{}, fmt.Errorf("posting %s: %w", id, err)
	}
	if orig.Reverses != nil {
		return Posting{}, problem("is_reversal", "", "Stornó tételt nem lehet stornózni; rögzítse újra a helyes tételt.", "A reversal cannot be reversed; post the right entry again.")
	}
	n, err := db.Count(ctx, tx.NewSelect().Model((*Posting)(nil)).Where("reverses = ?", id))
	if err != nil {
		return Posting{}, fmt.Errorf("reversals of %s: %w", id, err)
	}
	if n > 0 {
		return Posting{}, problem("already_reversed", "", "Ezt a tételt már stornózták.", "This posting has already been reversed.")
	}
	side := Credit
	if orig.Side == Credit {
		side = Debit
	}
	now := s.now().UTC()
	p := Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: orig.TaxpayerID, TaxType: orig.TaxType, Side: side, Amount: orig.Amount, On: orig.On,
		TaxYear: orig.TaxYear, Kind: "reversal", Reference: orig.Reference, Note: reason, Reverses: &orig.ID, PostedAt: now, PostedBy: by}
	if err := InsertPostings(ctx, tx, []Posting{p}); err != nil {
		return Posting{}, fmt.Errorf("reversal: %w", err)
	}
	return p, appendAudit(ctx, tx, "tax.reverse", "posting", orig.ID.String(), map[string]any{"reversal": p.ID.String(), "reason": reason, "by": by}, now)
}

// Accounts returns the taxpayer's accounts, one per tax type it has
// postings in, as they stand on on.
func (s *Service) Accounts(ctx context.Context, tx bun.IDB, taxpayerID uuid.UUID, on hu.Date) ([]Account, error) {
	var ps []Posting
	if err := tx.NewSelect().Model(&ps).Where("taxpayer_id = ?", taxpayerID).OrderExpr("tax_type, on_date, posted_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("postings of %s: %w", taxpayerID, err)
	}
	byType := map[string][]Posting{}
	var types []string
	for _, p := range ps {
		if _, ok := byType[p.TaxType]; !ok {
			types = append(types, p.TaxType)
		}
		byType[p.TaxType] = append(byType[p.TaxType], p)
	}
	sort.Strings(types)
	out := make([]Account, 0, len(types))
	for _, t := range types {
		a, err := computeAccount(t, byType[t], on)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func taxpayerByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Taxpayer, error) {
	var tp Taxpayer
	err := tx.NewSelect().Model(&tp).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("taxpayer %s: %w", id, err)
	}
	return &tp, nil
}

// searchTaxpayers finds taxpayers by name or identifier (part of it).
func searchTaxpayers(ctx context.Context, tx bun.IDB, q string, limit int) ([]Taxpayer, error) {
	var tps []Taxpayer
	sel := tx.NewSelect().Model(&tps).OrderExpr("name, id").Limit(int64(limit))
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + strings.ToLower(q) + "%"
		sel.WhereGroup(" AND ", func(s *bun.SelectQuery) *bun.SelectQuery {
			return s.Where("lower(name) LIKE ?", like).WhereOr("tax_id LIKE ?", like)
		})
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, fmt.Errorf("taxpayers: %w", err)
	}
	return tps, nil
}

var (
	errNoTaxpayer = problem("no_taxpayer", "", "Nincs ilyen adózó.", "There is no such taxpayer.")
	errNoPosting  = problem("no_posting", "", "Nincs ilyen tétel.", "There is no such posting.")
)
