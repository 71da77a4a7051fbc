package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Bank statements of an entity's payment accounts (§B.6 step 5): the
// file is read by internal/platform/bankstatement (camt.053 or the
// documented CSV, the same reader ADÓ uses); each new entry is matched
// here — a credit to an open outgoing invoice, a debit to a payment
// order (utalványozás) of a commitment — and posted by the rule table;
// what cannot be matched waits in a queue for a clerk. A file is
// imported whole in one transaction or not at all, and entries already
// imported (by the bankstatement package's entry keys) are skipped, so
// importing the same statement again changes nothing.

// BankAccount is a payment account (fizetési számla) of an entity.
type BankAccount struct {
	bun.BaseModel `bun:"table:finance_bank_accounts,alias:ba"`
	db.TenantScoped

	Account   string    `bun:"account,pk" json:"account"` // 16 or 24 digits
	EntityID  uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Name      string    `bun:"name" json:"name"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`
}

// Formatted is the account number in its printed form.
func (a BankAccount) Formatted() string {
	if acct, err := hu.ParseBankAccount(a.Account); err == nil {
		return acct.String()
	}
	return a.Account
}

// BankStatement is one imported statement.
type BankStatement struct {
	bun.BaseModel `bun:"table:finance_bank_statements,alias:bs"`
	db.TenantScoped

	ID          uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID    uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Account     string    `bun:"account" json:"account"`
	StatementID string    `bun:"statement_id" json:"statement_id"`
	PeriodFrom  string    `bun:"period_from" json:"period_from"`
	PeriodTo    string    `bun:"period_to" json:"period_to"`
	Opening     hu.Forint `bun:"opening" json:"opening"`
	Closing     hu.Forint `bun:"closing" json:"closing"`
	Entries     int       `bun:"entries" json:"entries"` // new entries this import stored
	ImportedAt  time.Time `bun:"imported_at" json:"imported_at"`
	ImportedBy  string    `bun:"imported_by" json:"imported_by"`
}

// Bank entry statuses.
const (
	BankMatched   = "matched"   // matched and posted on import
	BankUnmatched = "unmatched" // waits for a clerk
	BankResolved  = "resolved"  // a clerk decided and it was posted
)

// Reasons an entry waits (keys of the catalogue:
// finance.bank.reason.<x>).
const (
	BankReasonNoInvoice     = "no_invoice"     // a credit naming no open invoice
	BankReasonAmountDiffers = "amount_differs" // names an invoice, but more than its open part
	BankReasonNoOrder       = "no_order"       // a debit with no payment order to match
	BankReasonOtherYear     = "other_year"     // matched something of another year
	BankReasonReversal      = "reversal"       // the bank reversed an earlier entry
)

// BankEntry is one imported entry and what became of it.
type BankEntry struct {
	bun.BaseModel `bun:"table:finance_bank_entries,alias:be"`
	db.TenantScoped

	ID             uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	Statement      uuid.UUID  `bun:"statement,type:uuid" json:"statement"`
	EntityID       uuid.UUID  `bun:"entity_id,type:uuid" json:"entity_id"`
	Key            string     `bun:"entry_key" json:"key"`
	BookingDate    hu.Date    `bun:"booking_date" json:"booking_date"`
	Amount         hu.Forint  `bun:"amount" json:"amount"`
	Direction      string     `bun:"direction" json:"direction"` // credit, debit
	BankRef        string     `bun:"bank_ref" json:"bank_ref"`
	Remittance     string     `bun:"remittance" json:"remittance"`
	PartnerName    string     `bun:"partner_name" json:"partner_name"`
	PartnerAccount string     `bun:"partner_account" json:"partner_account"`
	Status         string     `bun:"status" json:"status"`
	Reason         string     `bun:"reason" json:"reason,omitempty"`
	OutgoingID     string     `bun:"outgoing_id" json:"outgoing_id,omitempty"`
	CommitmentID   string     `bun:"commitment_id" json:"commitment_id,omitempty"`
	PerformanceID  string     `bun:"performance_id" json:"performance_id,omitempty"`
	Rovat          string     `bun:"rovat" json:"rovat,omitempty"`
	Funkcio        string     `bun:"funkcio" json:"funkcio,omitempty"`
	EntryIDs       string     `bun:"entry_ids" json:"entry_ids,omitempty"` // journal entries, comma-separated
	SettledBy      string     `bun:"settled_by" json:"settled_by,omitempty"`
	SettledAt      *time.Time `bun:"settled_at" json:"settled_at,omitempty"`
}

// Bank entry directions.
const (
	BankCredit = "credit"
	BankDebit  = "debit"
)

// AddBankAccount records a payment account of an entity; an account
// belongs to one entity of the tenant.
func (s *Service) AddBankAccount(ctx context.Context, tx bun.Tx, entity uuid.UUID, account, name, by string) (BankAccount, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return BankAccount{}, err
	}
	a, err := hu.ParseBankAccount(account)
	if err != nil {
		return BankAccount{}, problem("bad_account", "account", "Adjon meg érvényes pénzforgalmi jelzőszámot (16 vagy 24 számjegy, helyes ellenőrző számokkal).",
			"Give a valid bank account number (16 or 24 digits with correct check digits).")
	}
	name = strings.TrimSpace(name)
	if len(name) > 200 {
		return BankAccount{}, problem("too_long", "name", "A számla megnevezése legfeljebb 200 karakter.", "The account's name is at most 200 characters.")
	}
	var old BankAccount
	err = tx.NewSelect().Model(&old).Where("account = ?", a.Digits()).Scan(ctx)
	if err == nil {
		owner, _ := EntityByID(ctx, tx, old.EntityID)
		return BankAccount{}, problem("account_exists", "account", "A %s számla már fel van véve (%s).", "Account %s is already recorded (%s).", a.String(), owner.Name)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return BankAccount{}, fmt.Errorf("bank account: %w", err)
	}
	now := s.now().UTC()
	ba := BankAccount{Account: a.Digits(), EntityID: e.ID, Name: name, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&ba).Exec(ctx); err != nil {
		return BankAccount{}, fmt.Errorf("insert bank account: %w", err)
	}
	return ba, appendAudit(ctx, tx, "finance.bank_account_add", "entity", e.ID.String(), map[string]any{"account": ba.Account, "name": name, "by": by}, now)
}

// BankAccounts lists an entity's payment accounts.
func BankAccounts(ctx context.Context, tx bun.IDB, entity uuid.UUID) ([]BankAccount, error) {
	var as []BankAccount
	if err := tx.NewSelect().Model(&as).Where("entity_id = ?", entity).OrderExpr("account").Scan(ctx); err != nil {
		return nil, fmt.Errorf("bank accounts: %w", err)
	}
	return as, nil
}

// BankImportResult says what an import did.
type BankImportResult struct {
	Statements      int       `json:"statements"`       // statements with new entries
	AlreadyImported []string  `json:"already_imported"` // statements every entry of which was there before
	Empty           []string  `json:"empty"`            // statements with no entry at all
	Entries         int       `json:"entries"`          // entries in the file
	Duplicates      int       `json:"duplicates"`       // entries imported before, skipped
	Matched         int       `json:"matched"`
	Unmatched       int       `json:"unmatched"`
	MatchedAmount   hu.Forint `json:"matched_amount"`
}

// Nothing says the import changed nothing.
func (r BankImportResult) Nothing() bool { return r.Statements == 0 }

var bankInvoiceNumber = regexp.MustCompile(`(?i)` + OutgoingPrefix + `[\s\-/]*(\d{4})[\s\-/]*(\d{1,6})(?:\D|$)`)

// bankInvoiceNumbers finds outgoing invoice numbers in a remittance text,
// written as the bank's forms let payers write them (KSZ-2026-000012,
// ksz 2026/12).
func bankInvoiceNumbers(text string) []string {
	var out []string
	for _, m := range bankInvoiceNumber.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[2]) // decimal: the leading zeros are padding
		out = append(out, fmt.Sprintf("%s-%s-%06d", OutgoingPrefix, m[1], n))
	}
	return out
}

// bankAccountDigits reads a partner's account as the bank gave it (a
// Hungarian account number or a HU IBAN); "" if it is neither.
func bankAccountDigits(s string) string {
	if a, err := hu.ParseBankAccount(s); err == nil {
		return a.Digits()
	}
	if iban, err := hu.ParseIBAN(s); err == nil {
		if a, err := iban.BankAccount(); err == nil {
			return a.Digits()
		}
	}
	return ""
}

// bankOrder is a payment order waiting for its transfer.
type bankOrder struct {
	c    Commitment
	p    Performance
	done bool
}

// bankMatcher holds what an import matches against, loaded once.
type bankMatcher struct {
	s        *Service
	entity   uuid.UUID
	invoices map[string]*OutgoingInvoice
	orders   []*bankOrder
	by       string
}

func (s *Service) newBankMatcher(ctx context.Context, tx bun.Tx, entity uuid.UUID, by string) (*bankMatcher, error) {
	m := &bankMatcher{s: s, entity: entity, invoices: map[string]*OutgoingInvoice{}, by: by}
	var os []OutgoingInvoice
	if err := tx.NewSelect().Model(&os).Where("entity_id = ? AND kind = ? AND cancelled_by = '' AND collected < gross", entity, OutgoingInvoiceKind).Scan(ctx); err != nil {
		return nil, fmt.Errorf("open invoices: %w", err)
	}
	for i := range os {
		m.invoices[os[i].Number] = &os[i]
	}
	var cs []Commitment
	if err := tx.NewSelect().Model(&cs).Where("entity_id = ? AND id IN (SELECT commitment_id FROM finance_performances WHERE state = ?)", entity, Ordered).Scan(ctx); err != nil {
		return nil, fmt.Errorf("payment orders: %w", err)
	}
	byID := map[uuid.UUID]Commitment{}
	ids := make([]uuid.UUID, 0, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	if len(ids) > 0 {
		var ps []Performance
		if err := tx.NewSelect().Model(&ps).Where("state = ? AND commitment_id IN (?)", Ordered, bun.In(ids)).OrderExpr("ordered_at, id").Scan(ctx); err != nil {
			return nil, fmt.Errorf("payment orders: %w", err)
		}
		for _, p := range ps {
			m.orders = append(m.orders, &bankOrder{c: byID[p.CommitmentID], p: p})
		}
	}
	return m, nil
}

// match decides an entry and posts it when matched.
func (m *bankMatcher) match(ctx context.Context, tx bun.Tx, be *BankEntry) error {
	be.Status = BankUnmatched
	if be.Reason == BankReasonReversal {
		return nil
	}
	if be.Direction == BankCredit {
		return m.matchCredit(ctx, tx, be)
	}
	return m.matchDebit(ctx, tx, be)
}

// matchCredit: an invoice number in the text first; else the one open
// invoice of exactly this amount from this partner account.
func (m *bankMatcher) matchCredit(ctx context.Context, tx bun.Tx, be *BankEntry) error {
	be.Reason = BankReasonNoInvoice
	var found *OutgoingInvoice
	for _, n := range bankInvoiceNumbers(be.Remittance) {
		if o, ok := m.invoices[n]; ok && o.Open() > 0 {
			found = o
			break
		}
	}
	if found == nil && be.PartnerAccount != "" {
		for _, o := range m.invoices {
			if o.Open() == be.Amount && o.PartnerAccount == be.PartnerAccount {
				if found != nil {
					return nil // not unique
				}
				found = o
			}
		}
	}
	if found == nil {
		return nil
	}
	if be.Amount > found.Open() {
		be.Reason, be.OutgoingID = BankReasonAmountDiffers, found.ID.String()
		return nil
	}
	if found.Year != be.BookingDate.Year {
		be.Reason, be.OutgoingID = BankReasonOtherYear, found.ID.String()
		return nil
	}
	ens, err := m.s.collectOutgoing(ctx, tx, found, be.Amount, be.BookingDate, m.by)
	if err != nil {
		return err
	}
	be.Status, be.Reason, be.OutgoingID, be.Rovat, be.Funkcio, be.EntryIDs = BankMatched, "", found.ID.String(), found.Rovat, found.Funkcio, entryIDs(ens)
	return nil
}

// matchDebit: a payment order whose document (the supplier's invoice
// number) or commitment document is in the text, of the same amount;
// else the one order of this amount to this partner.
func (m *bankMatcher) matchDebit(ctx context.Context, tx bun.Tx, be *BankEntry) error {
	be.Reason = BankReasonNoOrder
	text := strings.ToLower(be.Remittance)
	var found *bankOrder
	for _, o := range m.orders {
		if o.done || o.p.Amount != be.Amount {
			continue
		}
		if refIn(text, o.p.Document) || refIn(text, o.c.Document) {
			found = o
			break
		}
	}
	if found == nil && be.PartnerName != "" {
		for _, o := range m.orders {
			if !o.done && o.p.Amount == be.Amount && sameName(o.c.Partner, be.PartnerName) {
				if found != nil {
					return nil // not unique
				}
				found = o
			}
		}
	}
	if found == nil {
		return nil
	}
	be.CommitmentID, be.PerformanceID = found.c.ID.String(), found.p.ID.String()
	if found.c.Year != be.BookingDate.Year {
		be.Reason = BankReasonOtherYear
		return nil
	}
	p, err := m.s.Pay(ctx, tx, found.c.ID, found.p.ID, be.BookingDate, Actor{Username: m.by})
	if err != nil {
		return err
	}
	found.done = true
	be.Status, be.Reason, be.Rovat, be.Funkcio, be.EntryIDs = BankMatched, "", found.c.Rovat, found.c.Funkcio, p.PaymentEntryID
	return nil
}

// refIn says whether a reference of at least four characters occurs in
// a (lower-cased) text; shorter ones would match by chance.
func refIn(text, ref string) bool {
	ref = strings.ToLower(strings.TrimSpace(ref))
	return len(ref) >= 4 && strings.Contains(text, ref)
}

func sameName(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(a) != "" && norm(a) == norm(b)
}

func entryIDs(es []Entry) string {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID.String()
	}
	return strings.Join(ids, ",")
}

// ImportBankStatements imports statements of the entity's accounts:
// each new entry is stored, matched and posted. Statements of an
// account the entity has not recorded refuse the whole file; a posting
// refused (a closed month) refuses it too, naming the entry. A
// statement all of whose entries were imported before is reported as
// such and changes nothing.
func (s *Service) ImportBankStatements(ctx context.Context, tx bun.Tx, entity uuid.UUID, sts []bankstatement.Statement, by string) (BankImportResult, error) {
	res := BankImportResult{AlreadyImported: []string{}, Empty: []string{}}
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return res, err
	}
	if len(sts) == 0 {
		return res, problem("empty_file", "file", "A fájlban nincs kivonat.", "The file holds no statement.")
	}
	accounts, err := BankAccounts(ctx, tx, e.ID)
	if err != nil {
		return res, err
	}
	own := map[string]bool{}
	for _, a := range accounts {
		own[a.Account] = true
	}
	var keys []string
	for _, st := range sts {
		acct := st.Account.Digits()
		if !own[acct] {
			shown := st.IBAN.String()
			if acct != "" {
				shown = st.Account.String()
			}
			return res, problem("foreign_account", "file", "A(z) %s kivonat a(z) %s számláról szól, ami nem %s felvett számlája; semmi sem került könyvelésre. Vegye fel a számlát, vagy a kivonatot annál a szervezetnél töltse fel, amelyé.",
				"Statement %s is for account %s, which is not a recorded account of %s; nothing was posted. Record the account, or upload the statement at the entity it belongs to.", st.ID, shown, e.Name)
		}
		for _, en := range st.Entries {
			keys = append(keys, en.Key())
		}
	}
	seen := map[string]bool{}
	const batch = 500
	for i := 0; i < len(keys); i += batch {
		var old []string
		if err := tx.NewSelect().Model((*BankEntry)(nil)).Column("entry_key").Where("entry_key IN (?)", bun.In(keys[i:min(i+batch, len(keys))])).Scan(ctx, &old); err != nil {
			return res, fmt.Errorf("entries imported before: %w", err)
		}
		for _, k := range old {
			seen[k] = true
		}
	}
	m, err := s.newBankMatcher(ctx, tx, e.ID, by)
	if err != nil {
		return res, err
	}
	now := s.now().UTC()
	for _, st := range sts {
		res.Entries += len(st.Entries)
		var fresh []bankstatement.Entry
		for _, en := range st.Entries {
			if seen[en.Key()] {
				res.Duplicates++
				continue
			}
			fresh = append(fresh, en)
		}
		if len(st.Entries) == 0 {
			res.Empty = append(res.Empty, st.ID)
			continue
		}
		if len(fresh) == 0 {
			res.AlreadyImported = append(res.AlreadyImported, st.ID)
			continue
		}
		res.Statements++
		bs := BankStatement{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Account: st.Account.Digits(), StatementID: st.ID, Opening: st.Opening, Closing: st.Closing,
			Entries: len(fresh), ImportedAt: now, ImportedBy: by}
		if !st.PeriodFrom.IsZero() {
			bs.PeriodFrom, bs.PeriodTo = st.PeriodFrom.String(), st.PeriodTo.String()
		}
		if _, err := tx.NewInsert().Model(&bs).Exec(ctx); err != nil {
			return res, fmt.Errorf("insert statement: %w", err)
		}
		entries := make([]BankEntry, 0, len(fresh))
		for _, en := range fresh {
			be := BankEntry{ID: uuid.Must(uuid.NewV7()), Statement: bs.ID, EntityID: e.ID, Key: en.Key(), BookingDate: en.BookingDate, Amount: en.Amount,
				Direction: BankDebit, BankRef: en.BankRef, Remittance: strings.TrimSpace(en.Remittance + " " + en.EndToEnd + " " + en.CreditorRef),
				PartnerName: en.CreditorName, PartnerAccount: bankAccountDigits(en.CreditorAccount)}
			if en.Direction == bankstatement.Credit {
				be.Direction, be.PartnerName, be.PartnerAccount = BankCredit, en.DebtorName, bankAccountDigits(en.DebtorAccount)
			}
			if en.Reversal {
				be.Reason = BankReasonReversal
			}
			if err := m.match(ctx, tx, &be); err != nil {
				var prob *Problem
				if errors.As(err, &prob) {
					return res, &Problem{Code: prob.Code, Field: "file",
						HU: fmt.Sprintf("A(z) %s kivonat %d. sorában lévő tétel nem könyvelhető: %s Semmi sem került könyvelésre.", st.ID, en.Line, strings.TrimSuffix(prob.HU, ".")+"."),
						EN: fmt.Sprintf("The entry on line %d of statement %s cannot be posted: %s Nothing was posted.", en.Line, st.ID, strings.TrimSuffix(prob.EN, ".")+".")}
				}
				return res, err
			}
			if be.Status == BankMatched {
				be.SettledBy, be.SettledAt = by, &now
				res.Matched++
				res.MatchedAmount += be.Amount
			} else {
				res.Unmatched++
			}
			entries = append(entries, be)
		}
		for i := 0; i < len(entries); i += batch {
			part := entries[i:min(i+batch, len(entries))]
			if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
				if db.IsUniqueViolation(err) {
					// Someone imported the same entries at the same moment.
					return res, problem("import_race", "file", "A kivonatot közben valaki más is beolvasta; semmi sem került könyvelésre. Nézze meg a beolvasott kivonatokat, és ha kell, próbálja újra.",
						"Someone else imported the statement meanwhile; nothing was posted. Look at the imported statements, and try again if need be.")
				}
				return res, fmt.Errorf("insert bank entries: %w", err)
			}
		}
		if err := appendAudit(ctx, tx, "finance.bank_import", "bank_statement", bs.ID.String(), map[string]any{"statement": st.ID, "account": bs.Account,
			"entries": len(fresh), "by": by}, now); err != nil {
			return res, err
		}
	}
	return res, nil
}

var errNoBankEntry = problem("no_bank_entry", "", "Nincs ilyen banki tétel.", "There is no such bank entry.")

// BankEntryByID loads an imported entry of the tenant.
func BankEntryByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (BankEntry, error) {
	var be BankEntry
	err := tx.NewSelect().Model(&be).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return BankEntry{}, errNoBankEntry
	}
	if err != nil {
		return BankEntry{}, fmt.Errorf("bank entry %s: %w", id, err)
	}
	return be, nil
}

// BankEntries lists an entity's entries: the waiting ones (status
// unmatched) or the latest of any status (status "").
func BankEntries(ctx context.Context, tx bun.IDB, entity uuid.UUID, status string, limit int) ([]BankEntry, error) {
	var bes []BankEntry
	q := tx.NewSelect().Model(&bes).Where("entity_id = ?", entity).OrderExpr("booking_date DESC, id DESC").Limit(int64(limit))
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("bank entries: %w", err)
	}
	return bes, nil
}

// BankStatements lists an entity's imported statements, newest first.
func BankStatements(ctx context.Context, tx bun.IDB, entity uuid.UUID, limit int) ([]BankStatement, error) {
	var bss []BankStatement
	if err := tx.NewSelect().Model(&bss).Where("entity_id = ?", entity).OrderExpr("imported_at DESC, id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("bank statements: %w", err)
	}
	return bss, nil
}

// How a clerk settles a waiting entry.
const (
	BankToInvoice = "invoice" // a credit: money for this outgoing invoice
	BankToPayment = "payment" // a debit: the transfer of this payment order
	BankToRovat   = "rovat"   // either: book on this rovat without a document
)

// BankResolution is a clerk's decision on a waiting entry.
type BankResolution struct {
	Action      string    `json:"action"`
	Invoice     string    `json:"invoice"`     // number, for BankToInvoice
	Performance uuid.UUID `json:"performance"` // for BankToPayment
	Rovat       string    `json:"rovat"`       // for BankToRovat
	Funkcio     string    `json:"funkcio"`
	Task        string    `json:"task"`
}

// ResolveBankEntry settles a waiting entry as the clerk decided and
// posts it by the rule table; the entry is then resolved for good.
func (s *Service) ResolveBankEntry(ctx context.Context, tx bun.Tx, id uuid.UUID, in BankResolution, by string) (BankEntry, error) {
	be, err := BankEntryByID(ctx, tx, id)
	if err != nil {
		return BankEntry{}, err
	}
	if be.Status != BankUnmatched {
		return BankEntry{}, problem("entry_done", "", "Ez a banki tétel már el van számolva.", "This bank entry is already settled.")
	}
	switch in.Action {
	case BankToInvoice:
		if be.Direction != BankCredit {
			return BankEntry{}, problem("wrong_direction", "action", "Kimenő számlára csak jóváírást (befolyt pénzt) lehet elszámolni.", "Only a credit (money received) can be settled on an outgoing invoice.")
		}
		var o OutgoingInvoice
		err := tx.NewSelect().Model(&o).Where("entity_id = ? AND number = ?", be.EntityID, strings.ToUpper(strings.TrimSpace(in.Invoice))).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return BankEntry{}, problem("no_outgoing", "invoice", "Ennek a szervezetnek nincs %q számú kimenő számlája.", "This entity has no outgoing invoice numbered %q.", in.Invoice)
		}
		if err != nil {
			return BankEntry{}, fmt.Errorf("outgoing invoice: %w", err)
		}
		if o.Year != be.BookingDate.Year {
			return BankEntry{}, problem("other_year", "invoice", "A(z) %s számla %d. évi; más évi befizetés elszámolása itt nem lehetséges.", "Invoice %s is of %d; a payment in another year cannot be settled here.", o.Number, o.Year)
		}
		ens, err := s.collectOutgoing(ctx, tx, &o, be.Amount, be.BookingDate, by)
		if err != nil {
			return BankEntry{}, err
		}
		be.OutgoingID, be.Rovat, be.Funkcio, be.EntryIDs = o.ID.String(), o.Rovat, o.Funkcio, entryIDs(ens)
	case BankToPayment:
		if be.Direction != BankDebit {
			return BankEntry{}, problem("wrong_direction", "action", "Utalványozott kifizetéshez csak terhelést lehet rendelni.", "Only a debit can be assigned to a payment order.")
		}
		var p Performance
		err := tx.NewSelect().Model(&p).Where("id = ?", in.Performance).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return BankEntry{}, problem("no_performance", "performance", "Nincs ilyen utalványozott kifizetés.", "There is no such payment order.")
		}
		if err != nil {
			return BankEntry{}, fmt.Errorf("performance: %w", err)
		}
		c, err := CommitmentByID(ctx, tx, p.CommitmentID)
		if err != nil {
			return BankEntry{}, err
		}
		if c.EntityID != be.EntityID {
			return BankEntry{}, problem("no_performance", "performance", "Nincs ilyen utalványozott kifizetés.", "There is no such payment order.")
		}
		if p.Amount != be.Amount {
			return BankEntry{}, problem("amount_differs", "performance", "Az utalványozott összeg (%s Ft) nem egyezik a terheléssel (%s Ft).", "The ordered amount (%s Ft) differs from the debit (%s Ft).", p.Amount.Grouped(), be.Amount.Grouped())
		}
		paid, err := s.Pay(ctx, tx, c.ID, p.ID, be.BookingDate, Actor{Username: by})
		if err != nil {
			return BankEntry{}, err
		}
		be.CommitmentID, be.PerformanceID, be.Rovat, be.Funkcio, be.EntryIDs = c.ID.String(), p.ID.String(), c.Rovat, c.Funkcio, paid.PaymentEntryID
	case BankToRovat:
		rovat := strings.ToUpper(strings.TrimSpace(in.Rovat))
		want, first, second := byte('K'), EvInvoice, EvPayment
		if be.Direction == BankCredit {
			want, first, second = 'B', EvRevenueAssessed, EvRevenueCollected
		}
		if rovat == "" || rovat[0] != want {
			return BankEntry{}, problem("wrong_side", "rovat", "Jóváírás bevételi (B), terhelés kiadási (K) rovatra könyvelhető.", "A credit is booked on a revenue (B) rovat, a debit on an expenditure (K) rovat.")
		}
		// Without a document the receivable (or the liability) arises and
		// is settled on the same day: two entries by the rule table.
		ev := Event{Entity: be.EntityID, Kind: first, On: be.BookingDate, Rovat: rovat, Funkcio: strings.TrimSpace(in.Funkcio), Task: in.Task, Amount: be.Amount,
			Partner: be.PartnerName, Document: be.BankRef, Text: be.Remittance}
		ev2 := ev
		ev2.Kind = second
		ens, err := s.PostMany(ctx, tx, []Event{ev, ev2}, by)
		if err != nil {
			var prob *Problem
			if errors.As(err, &prob) {
				prob.HU, prob.EN = strings.TrimPrefix(prob.HU, "1. tétel: "), strings.TrimPrefix(prob.EN, "item 1: ")
			}
			return BankEntry{}, err
		}
		be.Rovat, be.Funkcio, be.EntryIDs = rovat, ev.Funkcio, entryIDs(ens)
	default:
		return BankEntry{}, problem("bad_action", "action", "Válassza ki, mihez tartozik a tétel (kimenő számla, utalványozott kifizetés vagy rovat).", "Choose what the entry is for (an outgoing invoice, a payment order or a rovat).")
	}
	now := s.now().UTC()
	be.Status, be.Reason, be.SettledBy, be.SettledAt = BankResolved, "", by, &now
	if _, err := tx.NewUpdate().Model(&be).Column("status", "reason", "outgoing_id", "commitment_id", "performance_id", "rovat", "funkcio", "entry_ids", "settled_by", "settled_at").
		WherePK().Exec(ctx); err != nil {
		return BankEntry{}, fmt.Errorf("resolve bank entry: %w", err)
	}
	return be, appendAudit(ctx, tx, "finance.bank_resolve", "bank_entry", be.ID.String(), map[string]any{"action": in.Action, "amount": int64(be.Amount),
		"direction": be.Direction, "rovat": be.Rovat, "entries": be.EntryIDs, "by": by}, now)
}

// BankOrders lists the entity's payment orders waiting for their
// transfer, for the clerk's choice.
func BankOrders(ctx context.Context, tx bun.Tx, entity uuid.UUID) ([]BankOrderView, error) {
	m, err := (&Service{}).newBankMatcher(ctx, tx, entity, "")
	if err != nil {
		return nil, err
	}
	out := make([]BankOrderView, 0, len(m.orders))
	for _, o := range m.orders {
		out = append(out, BankOrderView{Performance: o.p.ID, Commitment: o.c.ID, Partner: o.c.Partner, Document: o.p.Document, Amount: o.p.Amount, Rovat: o.c.Rovat})
	}
	return out, nil
}

// BankOrderView is a payment order as a page lists it.
type BankOrderView struct {
	Performance uuid.UUID `json:"performance"`
	Commitment  uuid.UUID `json:"commitment"`
	Partner     string    `json:"partner"`
	Document    string    `json:"document"`
	Amount      hu.Forint `json:"amount"`
	Rovat       string    `json:"rovat"`
}
