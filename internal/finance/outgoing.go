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

// Outgoing invoices (kimenő számlák, §B.6 revenue side): an entity
// invoices a partner for a service or a sale; issuing posts the
// receivable on the revenue rovat (EvRevenueAssessed) and the output
// ÁFA on B406 (EvOutputVAT) through the rule table. Numbers come from a
// gapless series per entity and year, allocated in the issuing
// transaction, so a refused or rolled-back invoice leaves no gap. A
// wrong invoice is cancelled by a stornó invoice of its own number,
// which reverses both postings; nothing is deleted.

// EvOutputVAT is the output ÁFA invoiced (rovat B406): receivable
// against the ÁFA-elszámolás account (364).
const EvOutputVAT = "output_vat_assessed"

// OutgoingPrefix starts every outgoing invoice number (KSZ = kimenő
// számla): KSZ-2026-000001.
const OutgoingPrefix = "KSZ"

// OutgoingVATRovat is the rovat of output ÁFA (kiszámlázott ÁFA).
const OutgoingVATRovat = "B406"

// Outgoing invoice kinds.
const (
	OutgoingInvoiceKind = "invoice"
	OutgoingStornoKind  = "storno"
)

// OutgoingVATRates are the ÁFA rates an invoice may carry (Áfa tv.
// 82. §: 27 %, and the reduced 18 % and 5 %); 0 is an exempt supply
// (tárgyi adómentes, e.g. letting a flat).
var OutgoingVATRates = []int{27, 18, 5, 0}

// outgoingVAT is the ÁFA of a net amount at rate percent, in whole
// forints, rounded by the general rule of rounding (kerekítés általános
// szabálya: half a forint and above up, below down), as the Áfa tv.
// allows for a forint invoice.
func outgoingVAT(net hu.Forint, rate int) hu.Forint {
	return hu.Forint((int64(net)*int64(rate)*2 + 100) / 200)
}

// OutgoingVATRoundingRule names the rounding rule on pages and the PDF.
const OutgoingVATRoundingRule = "Az ÁFA egész forintra kerekítve, a kerekítés általános szabálya szerint (0,50 Ft-tól felfelé)."

// outgoingIncome is the accrual revenue account of an invoice's rovat:
// sales of services and goods (B4) are revenue of the core activity (91);
// a sale of assets (B5) is other revenue (95). UNCERTAIN: the Áhsz.
// sub-accounts under 9 are finer; the groups are what the chart holds.
func outgoingIncome(rovat string) string {
	if strings.HasPrefix(rovat, "B5") {
		return "95"
	}
	return "91"
}

// OutgoingInvoice is an issued outgoing invoice or a stornó of one.
type OutgoingInvoice struct {
	bun.BaseModel `bun:"table:finance_outgoing_invoices,alias:oi"`
	db.TenantScoped

	ID               uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID         uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Year             int       `bun:"year" json:"year"`
	Seq              int       `bun:"seq" json:"seq"`
	Number           string    `bun:"number" json:"number"`
	Kind             string    `bun:"kind" json:"kind"`
	Cancels          string    `bun:"cancels" json:"cancels,omitempty"`
	CancelledBy      string    `bun:"cancelled_by" json:"cancelled_by,omitempty"`
	PartnerName      string    `bun:"partner_name" json:"partner_name"`
	PartnerTaxNumber string    `bun:"partner_tax_number" json:"partner_tax_number"`
	PartnerAccount   string    `bun:"partner_account" json:"partner_account"`
	PartnerAddress   string    `bun:"partner_address" json:"partner_address"`
	IssueDate        hu.Date   `bun:"issue_date" json:"issue_date"`
	PerformanceDate  hu.Date   `bun:"performance_date" json:"performance_date"`
	DueDate          hu.Date   `bun:"due_date" json:"due_date"`
	Description      string    `bun:"description" json:"description"`
	Rovat            string    `bun:"rovat" json:"rovat"`
	Funkcio          string    `bun:"funkcio" json:"funkcio"`
	Task             string    `bun:"task" json:"task"`
	Net              hu.Forint `bun:"net" json:"net"`
	VATRate          int       `bun:"vat_rate" json:"vat_rate"`
	VAT              hu.Forint `bun:"vat" json:"vat"`
	Gross            hu.Forint `bun:"gross" json:"gross"`
	Collected        hu.Forint `bun:"collected" json:"collected"`
	CollectedVAT     hu.Forint `bun:"collected_vat" json:"collected_vat"`
	EntryID          string    `bun:"entry_id" json:"entry_id"`
	VATEntryID       string    `bun:"vat_entry_id" json:"vat_entry_id,omitempty"`
	CreatedAt        time.Time `bun:"created_at" json:"created_at"`
	CreatedBy        string    `bun:"created_by" json:"created_by"`
}

// Open is what is still to be collected: nothing on a stornó or a
// cancelled invoice.
func (o OutgoingInvoice) Open() hu.Forint {
	if o.Kind != OutgoingInvoiceKind || o.CancelledBy != "" {
		return 0
	}
	return o.Gross - o.Collected
}

// Sign is -1 for a stornó (its amounts are shown negative), 1 otherwise.
func (o OutgoingInvoice) Sign() int {
	if o.Kind == OutgoingStornoKind {
		return -1
	}
	return 1
}

// outgoingSeries is the last number given per entity and year.
type outgoingSeries struct {
	bun.BaseModel `bun:"table:finance_outgoing_series,alias:os"`
	db.TenantScoped

	EntityID uuid.UUID `bun:"entity_id,pk,type:uuid"`
	Year     int       `bun:"year,pk"`
	LastNo   int       `bun:"last_no"`
}

// OutgoingInput is an invoice to issue.
type OutgoingInput struct {
	PartnerName      string    `json:"partner_name"`
	PartnerTaxNumber string    `json:"partner_tax_number"`
	PartnerAccount   string    `json:"partner_account"`
	PartnerAddress   string    `json:"partner_address"`
	IssueDate        hu.Date   `json:"issue_date"`
	PerformanceDate  hu.Date   `json:"performance_date"`
	DueDate          hu.Date   `json:"due_date"`
	Description      string    `json:"description"`
	Rovat            string    `json:"rovat"`
	Funkcio          string    `json:"funkcio"`
	Task             string    `json:"task"`
	Net              hu.Forint `json:"net"`
	VATRate          int       `json:"vat_rate"`
}

var errNoOutgoing = problem("no_outgoing", "", "Nincs ilyen kimenő számla.", "There is no such outgoing invoice.")

// nextOutgoingNumber allocates the next number of the entity's series
// for year in the caller's transaction. The update takes the series
// row's lock on PostgreSQL, so two clerks issuing at once get
// consecutive numbers, and a transaction that rolls back gives its
// number back: the series stays gapless.
func nextOutgoingNumber(ctx context.Context, tx bun.Tx, entity uuid.UUID, year int) (int, string, error) {
	if _, err := tx.NewInsert().Model(&outgoingSeries{EntityID: entity, Year: year}).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return 0, "", fmt.Errorf("outgoing series: %w", err)
	}
	if _, err := tx.NewUpdate().Model((*outgoingSeries)(nil)).Set("last_no = last_no + 1").Where("entity_id = ? AND year = ?", entity, year).Exec(ctx); err != nil {
		return 0, "", fmt.Errorf("outgoing series: %w", err)
	}
	var s outgoingSeries
	if err := tx.NewSelect().Model(&s).Where("entity_id = ? AND year = ?", entity, year).Scan(ctx); err != nil {
		return 0, "", fmt.Errorf("outgoing series: %w", err)
	}
	return s.LastNo, fmt.Sprintf("%s-%d-%06d", OutgoingPrefix, year, s.LastNo), nil
}

// checkOutgoing checks an invoice to issue and fills its ÁFA and gross.
func checkOutgoing(e Entity, in *OutgoingInput) *Problem {
	if e.TaxNumber == "" {
		// Áfa tv. 169. § d): the invoice names the seller's adószám.
		return problem("no_seller_tax_number", "", "Számlát csak a szervezet adószámával lehet kiállítani (Áfa tv. 169. §). A szervezet oldalán a gazdasági vezető adhatja meg.",
			"An invoice can only be issued with the entity's tax number (Áfa tv. 169. §). The finance manager records it on the entity's page.")
	}
	in.PartnerName, in.PartnerAddress, in.Description = strings.TrimSpace(in.PartnerName), strings.TrimSpace(in.PartnerAddress), strings.TrimSpace(in.Description)
	in.Rovat, in.Funkcio, in.Task = strings.ToUpper(strings.TrimSpace(in.Rovat)), strings.TrimSpace(in.Funkcio), taskOr(strings.TrimSpace(in.Task))
	if in.PartnerName == "" || len(in.PartnerName) > 300 || len(in.PartnerAddress) > 300 {
		return problem("no_partner", "partner_name", "Adja meg a vevő nevét (legfeljebb 300 karakter).", "Give the customer's name (at most 300 characters).")
	}
	if s := strings.TrimSpace(in.PartnerTaxNumber); s != "" {
		n, err := hu.ParseTaxNumber(s)
		if err != nil {
			return problem("bad_tax_number", "partner_tax_number", "A vevő adószáma hibás (11 számjegy: 12345678-1-23, helyes ellenőrző számjeggyel), vagy hagyja üresen magánszemélynél.",
				"The customer's tax number is wrong (11 digits: 12345678-1-23, with a correct check digit); leave it empty for a private person.")
		}
		in.PartnerTaxNumber = n.String()
	}
	if s := strings.TrimSpace(in.PartnerAccount); s != "" {
		a, err := hu.ParseBankAccount(s)
		if err != nil {
			return problem("bad_account", "partner_account", "A vevő bankszámlaszáma hibás (16 vagy 24 számjegy, helyes ellenőrző számokkal), vagy hagyja üresen.",
				"The customer's bank account is wrong (16 or 24 digits with correct check digits); or leave it empty.")
		}
		in.PartnerAccount = a.Digits()
	}
	if !in.IssueDate.IsValid() {
		return problem("bad_date", "issue_date", "Adja meg a számla keltét (ÉÉÉÉ-HH-NN).", "Give the invoice's date of issue (YYYY-MM-DD).")
	}
	if !in.PerformanceDate.IsValid() {
		return problem("bad_date", "performance_date", "Adja meg a teljesítés napját (ÉÉÉÉ-HH-NN).", "Give the day of performance (YYYY-MM-DD).")
	}
	if !in.DueDate.IsValid() || in.DueDate.Before(in.IssueDate) {
		return problem("bad_date", "due_date", "A fizetési határidő érvényes nap legyen, nem korábbi a számla kelténél.", "The due date must be a valid day, not before the date of issue.")
	}
	if in.Description == "" || len(in.Description) > 1000 {
		return problem("no_description", "description", "Írja le, miről szól a számla (legfeljebb 1000 karakter).", "Describe what is invoiced (at most 1000 characters).")
	}
	if p := e.permits(in.Rovat, in.Funkcio); p != nil {
		return p
	}
	if g := in.Rovat[:2]; g != "B4" && g != "B5" || in.Rovat == OutgoingVATRovat || strings.HasPrefix(in.Rovat, "B407") {
		return problem("wrong_side", "rovat", "Kimenő számla működési (B4) vagy felhalmozási (B5) bevételi rovatra szól, az ÁFA nélkül (azt a B406 kapja); %s nem ilyen.",
			"An outgoing invoice is for an operating (B4) or capital (B5) revenue rovat, without the ÁFA (that goes to B406); %s is not one.", in.Rovat)
	}
	if _, ok := tasks[in.Task]; !ok {
		return problem("bad_task", "task", "Válassza ki a feladat jellegét (kötelező, önként vállalt, államigazgatási).", "Choose the kind of task (mandatory, voluntary, state administration).")
	}
	if in.Net <= 0 || in.Net > 1e13 {
		return problem("bad_amount", "net", "A nettó összeg pozitív, egész forint legyen.", "The net amount must be a positive whole number of forints.")
	}
	ok := false
	for _, r := range OutgoingVATRates {
		ok = ok || r == in.VATRate
	}
	if !ok {
		return problem("bad_vat_rate", "vat_rate", "Az ÁFA kulcsa 27, 18, 5 vagy 0 (adómentes) százalék.", "The ÁFA rate is 27, 18, 5 or 0 (exempt) per cent.")
	}
	return nil
}

// IssueOutgoing issues an outgoing invoice: it takes the next number of
// the series and posts the receivable (and the ÁFA) by the rule table,
// all in the caller's transaction.
func (s *Service) IssueOutgoing(ctx context.Context, tx bun.Tx, entity uuid.UUID, in OutgoingInput, by string) (OutgoingInvoice, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return OutgoingInvoice{}, err
	}
	if prob := checkOutgoing(e, &in); prob != nil {
		return OutgoingInvoice{}, prob
	}
	vat := outgoingVAT(in.Net, in.VATRate)
	now := s.now().UTC()
	o := OutgoingInvoice{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Year: in.IssueDate.Year, Kind: OutgoingInvoiceKind,
		PartnerName: in.PartnerName, PartnerTaxNumber: in.PartnerTaxNumber, PartnerAccount: in.PartnerAccount, PartnerAddress: in.PartnerAddress,
		IssueDate: in.IssueDate, PerformanceDate: in.PerformanceDate, DueDate: in.DueDate, Description: in.Description,
		Rovat: in.Rovat, Funkcio: in.Funkcio, Task: in.Task, Net: in.Net, VATRate: in.VATRate, VAT: vat, Gross: in.Net + vat, CreatedAt: now, CreatedBy: by}
	// The number is taken before posting so the entries carry it. What
	// could refuse the posting is checked first (the rest was checked
	// above), so a refusal never takes a number even when a caller
	// commits the transaction regardless.
	if closed, err := periodClosed(ctx, tx, e.ID, o.IssueDate.Year, int(o.IssueDate.Month)); err != nil {
		return OutgoingInvoice{}, err
	} else if closed {
		return OutgoingInvoice{}, problem("period_closed", "issue_date", "%d. %02d. hónap könyvei már le vannak zárva; a számla kelte nyitott hónapba essen.",
			"The books of %d-%02d are closed; the invoice's date must be in an open month.", o.IssueDate.Year, int(o.IssueDate.Month))
	}
	if o.Seq, o.Number, err = nextOutgoingNumber(ctx, tx, e.ID, o.Year); err != nil {
		return OutgoingInvoice{}, err
	}
	evs := []Event{{Entity: e.ID, Kind: EvRevenueAssessed, On: o.IssueDate, Rovat: o.Rovat, Funkcio: o.Funkcio, Task: o.Task, Amount: o.Net,
		Partner: o.PartnerName, Document: o.Number, Text: o.Description, Income: outgoingIncome(o.Rovat)}}
	if vat > 0 {
		evs = append(evs, Event{Entity: e.ID, Kind: EvOutputVAT, On: o.IssueDate, Rovat: OutgoingVATRovat, Funkcio: o.Funkcio, Task: o.Task, Amount: vat,
			Partner: o.PartnerName, Document: o.Number, Text: o.Description})
	}
	ens, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return OutgoingInvoice{}, err
	}
	o.EntryID = ens[0].ID.String()
	if len(ens) > 1 {
		o.VATEntryID = ens[1].ID.String()
	}
	if _, err := tx.NewInsert().Model(&o).Exec(ctx); err != nil {
		return OutgoingInvoice{}, fmt.Errorf("insert outgoing invoice: %w", err)
	}
	return o, appendAudit(ctx, tx, "finance.outgoing_issue", "outgoing_invoice", o.ID.String(), map[string]any{"number": o.Number, "partner": o.PartnerName,
		"net": int64(o.Net), "vat": int64(o.VAT), "gross": int64(o.Gross), "rovat": o.Rovat, "funkcio": o.Funkcio, "by": by}, now)
}

// StornoOutgoing cancels an invoice with a stornó invoice (a new number
// of the series) dated on, reversing its postings. An invoice on which
// money was already collected is not cancelled here: the payment must
// be settled (refunded) first.
func (s *Service) StornoOutgoing(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, reason, by string) (OutgoingInvoice, error) {
	o, err := OutgoingByID(ctx, tx, id)
	if err != nil {
		return OutgoingInvoice{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case o.Kind != OutgoingInvoiceKind:
		return OutgoingInvoice{}, problem("is_storno", "", "Stornó számlát nem lehet stornózni.", "A cancelling invoice cannot be cancelled.")
	case o.CancelledBy != "":
		return OutgoingInvoice{}, problem("already_cancelled", "", "Ezt a számlát már stornózták.", "This invoice has already been cancelled.")
	case o.Collected > 0:
		return OutgoingInvoice{}, problem("collected", "", "A számlára már %s Ft befolyt; előbb a befizetést kell rendezni (visszautalni), utána stornózható.",
			"%s Ft has already been collected on this invoice; settle (refund) the payment first, then cancel it.", o.Collected.Grouped())
	case reason == "" || len(reason) > 1000:
		return OutgoingInvoice{}, problem("no_reason", "reason", "Írja le, miért stornózza a számlát.", "Say why the invoice is cancelled.")
	case !on.IsValid() || on.Year != o.Year || on.Before(o.IssueDate):
		// UNCERTAIN: a stornó in a later year would be booked as a
		// correction of the earlier year's revenue; not modelled.
		return OutgoingInvoice{}, problem("bad_date", "on", "A stornó kelte a számla évébe (%d) essen, nem korábbra a számla kelténél.",
			"The cancellation's date must be in the invoice's year (%d), not before its date of issue.", o.Year)
	}
	var entries []string
	for _, en := range []string{o.EntryID, o.VATEntryID} {
		if en == "" {
			continue
		}
		rev, err := s.Reverse(ctx, tx, uuid.MustParse(en), on, "Stornó: "+o.Number+" – "+reason, by)
		if err != nil {
			return OutgoingInvoice{}, err
		}
		entries = append(entries, rev.ID.String())
	}
	now := s.now().UTC()
	st := o
	st.ID, st.Kind, st.Cancels, st.CancelledBy, st.IssueDate, st.Description, st.Collected, st.CollectedVAT, st.CreatedAt, st.CreatedBy =
		uuid.Must(uuid.NewV7()), OutgoingStornoKind, o.ID.String(), "", on, "Stornó: "+o.Number+" – "+reason, 0, 0, now, by
	st.EntryID, st.VATEntryID = entries[0], ""
	if len(entries) > 1 {
		st.VATEntryID = entries[1]
	}
	if st.Seq, st.Number, err = nextOutgoingNumber(ctx, tx, o.EntityID, o.Year); err != nil {
		return OutgoingInvoice{}, err
	}
	if _, err := tx.NewInsert().Model(&st).Exec(ctx); err != nil {
		return OutgoingInvoice{}, fmt.Errorf("insert stornó: %w", err)
	}
	o.CancelledBy = st.ID.String()
	if _, err := tx.NewUpdate().Model(&o).Column("cancelled_by").WherePK().Exec(ctx); err != nil {
		return OutgoingInvoice{}, fmt.Errorf("cancel outgoing invoice: %w", err)
	}
	return st, appendAudit(ctx, tx, "finance.outgoing_storno", "outgoing_invoice", o.ID.String(), map[string]any{"number": o.Number, "storno": st.Number,
		"gross": int64(o.Gross), "reason": reason, "by": by}, now)
}

// OutgoingByID loads an outgoing invoice of the tenant.
func OutgoingByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (OutgoingInvoice, error) {
	var o OutgoingInvoice
	err := tx.NewSelect().Model(&o).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return OutgoingInvoice{}, errNoOutgoing
	}
	if err != nil {
		return OutgoingInvoice{}, fmt.Errorf("outgoing invoice %s: %w", id, err)
	}
	return o, nil
}

// OutgoingInvoices lists an entity's invoices of a year by number.
func OutgoingInvoices(ctx context.Context, tx bun.IDB, entity uuid.UUID, year int) ([]OutgoingInvoice, error) {
	var os []OutgoingInvoice
	if err := tx.NewSelect().Model(&os).Where("entity_id = ? AND year = ?", entity, year).OrderExpr("seq").Scan(ctx); err != nil {
		return nil, fmt.Errorf("outgoing invoices: %w", err)
	}
	return os, nil
}

// collectOutgoing books money received on an invoice (day on): the part
// of ÁFA in proportion, the rest on the revenue rovat, each by the rule
// table (EvRevenueCollected), and records it on the invoice. The last
// payment takes exactly what remains of the ÁFA, so the parts add up.
func (s *Service) collectOutgoing(ctx context.Context, tx bun.Tx, o *OutgoingInvoice, amount hu.Forint, on hu.Date, by string) ([]Entry, error) {
	if amount <= 0 || amount > o.Open() {
		return nil, problem("beyond_invoice", "amount", "%s Ft nem számolható el a(z) %s számlára: nyitott része %s Ft.",
			"%s Ft cannot be settled on invoice %s: its open part is %s Ft.", amount.Grouped(), o.Number, o.Open().Grouped())
	}
	vat := o.VAT - o.CollectedVAT
	if amount < o.Open() {
		vat = hu.Forint(int64(amount) * int64(o.VAT) / int64(o.Gross))
	}
	net := amount - vat
	var evs []Event
	if net > 0 {
		evs = append(evs, Event{Entity: o.EntityID, Kind: EvRevenueCollected, On: on, Rovat: o.Rovat, Funkcio: o.Funkcio, Task: o.Task, Amount: net,
			Partner: o.PartnerName, Document: o.Number, Text: "Befizetés: " + o.Number})
	}
	if vat > 0 {
		evs = append(evs, Event{Entity: o.EntityID, Kind: EvRevenueCollected, On: on, Rovat: OutgoingVATRovat, Funkcio: o.Funkcio, Task: o.Task, Amount: vat,
			Partner: o.PartnerName, Document: o.Number, Text: "Befizetés (ÁFA): " + o.Number})
	}
	ens, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return nil, err
	}
	o.Collected += amount
	o.CollectedVAT += vat
	if _, err := tx.NewUpdate().Model(o).Column("collected", "collected_vat").WherePK().Exec(ctx); err != nil {
		return nil, fmt.Errorf("collected on %s: %w", o.Number, err)
	}
	return ens, nil
}
