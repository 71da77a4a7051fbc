package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Payments (ADÓ issue point 6, domain brief §A.6): a bank statement of the
// municipality's collection accounts is imported; each incoming entry is
// matched to a tax type by the account it was paid to and to a taxpayer by
// the identifier in its remittance text, and posted as a credit. What
// cannot be matched waits for a clerk. Every entry is kept under the
// statement's key, so importing the same statement again changes nothing.

// CollectionAccount says which tax type money paid to an account is for.
type CollectionAccount struct {
	bun.BaseModel `bun:"table:tax_collection_accounts,alias:ca"`
	db.TenantScoped

	Account   string    `bun:"account,pk"`
	TaxType   string    `bun:"tax_type"`
	CreatedAt time.Time `bun:"created_at"`
	CreatedBy string    `bun:"created_by"`
}

// Entry statuses.
const (
	EntryMatched   = "matched"
	EntryUnmatched = "unmatched"
	EntryIgnored   = "ignored"
)

// BankEntry is an imported statement entry and what became of it.
type BankEntry struct {
	bun.BaseModel `bun:"table:tax_bank_entries,alias:be"`
	db.TenantScoped

	ID            uuid.UUID  `bun:"id,pk,type:uuid"`
	Key           string     `bun:"entry_key"`
	Statement     string     `bun:"statement"`
	Account       string     `bun:"account"`
	BookingDate   hu.Date    `bun:"booking_date"`
	ValueDate     hu.Date    `bun:"value_date"`
	Amount        hu.Forint  `bun:"amount"`
	Direction     string     `bun:"direction"`
	Remittance    string     `bun:"remittance"`
	DebtorName    string     `bun:"debtor_name"`
	DebtorAccount string     `bun:"debtor_account"`
	Status        string     `bun:"status"`
	Reason        string     `bun:"reason"` // why it is unmatched
	TaxType       string     `bun:"tax_type"`
	TaxpayerID    *uuid.UUID `bun:"taxpayer_id,type:uuid"`
	PostingID     *uuid.UUID `bun:"posting_id,type:uuid"`
	ImportedAt    time.Time  `bun:"imported_at"`
	ImportedBy    string     `bun:"imported_by"`
}

// Unmatched reasons (keys of the catalogue: tax.payments.reason.<x>).
const (
	ReasonUnknownAccount  = "unknown_account"
	ReasonNoIdentifier    = "no_identifier"
	ReasonUnknownTaxpayer = "unknown_taxpayer"
)

// SetCollectionAccount records that money paid to account is for taxType.
func (s *Service) SetCollectionAccount(ctx context.Context, tx bun.Tx, account, taxType, by string) error {
	a, err := hu.ParseBankAccount(account)
	if err != nil {
		return problem("bad_account", "account", "Adjon meg érvényes pénzforgalmi jelzőszámot (16 vagy 24 számjegy, helyes ellenőrző számokkal).", "Give a valid bank account number (16 or 24 digits with correct check digits).")
	}
	if !validTaxType(taxType) {
		return problem("bad_tax_type", "tax_type", "Válassza ki az adónemet.", "Choose the tax type.")
	}
	now := s.now().UTC()
	ca := CollectionAccount{Account: a.Digits(), TaxType: taxType, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&ca).On("CONFLICT (tenant_id, account) DO UPDATE").Set("tax_type = EXCLUDED.tax_type").Exec(ctx); err != nil {
		return fmt.Errorf("collection account: %w", err)
	}
	return appendAudit(ctx, tx, "tax.collection_account", "collection_account", ca.Account, map[string]any{"tax_type": taxType, "by": by}, now)
}

// ImportResult counts what an import did.
type ImportResult struct {
	Entries, Duplicates, Matched, Unmatched, Ignored int
	MatchedAmount                                    hu.Forint
}

var (
	taxIDInText     = regexp.MustCompile(`(?:^|\D)(8\d{9})(?:\D|$)`)
	taxNumberInText = regexp.MustCompile(`(?:^|\D)(\d{8}-?\d-?\d{2})(?:\D|$)`)
)

// identifiersIn finds taxpayer identifiers in a remittance text: checked
// adóazonosító jelek and adószámok, as stored.
func identifiersIn(text string) []string {
	var out []string
	for _, m := range taxIDInText.FindAllStringSubmatch(text, -1) {
		if id, err := hu.ParseTaxID(m[1]); err == nil {
			out = append(out, id.String())
		}
	}
	for _, m := range taxNumberInText.FindAllStringSubmatch(text, -1) {
		if n, err := hu.ParseTaxNumber(m[1]); err == nil {
			out = append(out, n.String())
		}
	}
	return out
}

// ImportStatements books the statements' entries in one transaction:
// nothing is half-imported. It reads what it needs in batches (the keys
// already imported, the taxpayers named) and writes entries and postings
// many at a time, so a statement of 50 000 entries takes seconds.
func (s *Service) ImportStatements(ctx context.Context, tx bun.Tx, sts []bankstatement.Statement, by string) (ImportResult, error) {
	var res ImportResult
	var accounts []CollectionAccount
	if err := tx.NewSelect().Model(&accounts).Scan(ctx); err != nil {
		return res, fmt.Errorf("collection accounts: %w", err)
	}
	typeOf := map[string]string{}
	for _, a := range accounts {
		typeOf[a.Account] = a.TaxType
	}
	// What was imported before, and the taxpayers the texts name.
	var keys, taxIDs []string
	for _, st := range sts {
		for _, e := range st.Entries {
			keys = append(keys, e.Key())
			if e.Direction == bankstatement.Credit && !e.Reversal {
				taxIDs = append(taxIDs, identifiersIn(e.Remittance)...)
			}
		}
	}
	seen := map[string]bool{}
	for start := 0; start < len(keys); start += batchSize {
		var old []string
		if err := tx.NewSelect().Model((*BankEntry)(nil)).Column("entry_key").Where("entry_key IN (?)", bun.In(keys[start:min(start+batchSize, len(keys))])).
			Scan(ctx, &old); err != nil {
			return res, fmt.Errorf("entries imported before: %w", err)
		}
		for _, k := range old {
			seen[k] = true
		}
	}
	byTaxID := map[string]Taxpayer{}
	taxIDs = uniqueStrings(taxIDs)
	for start := 0; start < len(taxIDs); start += batchSize {
		var tps []Taxpayer
		if err := tx.NewSelect().Model(&tps).Column("id", "tax_id").Where("tax_id IN (?)", bun.In(taxIDs[start:min(start+batchSize, len(taxIDs))])).
			Scan(ctx); err != nil {
			return res, fmt.Errorf("taxpayers of entries: %w", err)
		}
		for _, tp := range tps {
			byTaxID[tp.TaxID] = tp
		}
	}
	now := s.now().UTC()
	batch := s.newBatch(by)
	var entries []BankEntry
	flushEntries := func() error {
		if len(entries) == 0 {
			return nil
		}
		if err := batch.flush(ctx, tx); err != nil { // the postings the entries name first
			return err
		}
		if _, err := tx.NewInsert().Model(&entries).Exec(ctx); err != nil {
			return fmt.Errorf("store entries: %w", err)
		}
		entries = entries[:0]
		return nil
	}
	for _, st := range sts {
		acct := st.Account.Digits()
		for _, e := range st.Entries {
			res.Entries++
			if seen[e.Key()] {
				res.Duplicates++
				continue
			}
			seen[e.Key()] = true
			value := e.ValueDate
			if value.IsZero() {
				value = e.BookingDate
			}
			be := BankEntry{ID: uuid.Must(uuid.NewV7()), Key: e.Key(), Statement: st.ID, Account: acct, BookingDate: e.BookingDate,
				ValueDate: value, Amount: e.Amount, Direction: Debit, Remittance: e.Remittance,
				DebtorName: e.DebtorName, DebtorAccount: e.DebtorAccount, ImportedAt: now, ImportedBy: by}
			if e.Direction == bankstatement.Credit {
				be.Direction = Credit
			}
			switch {
			case e.Direction != bankstatement.Credit || e.Reversal:
				be.Status = EntryIgnored
				res.Ignored++
			default:
				if err := s.match(ctx, tx, &be, typeOf, byTaxID, batch); err != nil {
					return res, err
				}
				if be.Status == EntryMatched {
					res.Matched++
					res.MatchedAmount += be.Amount
				} else {
					res.Unmatched++
				}
			}
			entries = append(entries, be)
			if len(entries) >= batchSize {
				if err := flushEntries(); err != nil {
					return res, err
				}
			}
		}
	}
	if err := flushEntries(); err != nil {
		return res, err
	}
	if err := batch.flush(ctx, tx); err != nil {
		return res, err
	}
	return res, appendAudit(ctx, tx, "tax.payments_import", "bank_statement", "", map[string]any{
		"entries": res.Entries, "duplicates": res.Duplicates, "matched": res.Matched, "unmatched": res.Unmatched,
		"ignored": res.Ignored, "matched_amount": int64(res.MatchedAmount), "by": by}, now)
}

func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// match finds the tax type and the taxpayer of an incoming entry and, if
// both are known, queues the payment's posting. Of several identifiers
// in the text, the first one of a known taxpayer decides.
func (s *Service) match(ctx context.Context, tx bun.Tx, be *BankEntry, typeOf map[string]string, byTaxID map[string]Taxpayer, batch *postingBatch) error {
	be.Status = EntryUnmatched
	taxType, ok := typeOf[be.Account]
	if !ok {
		be.Reason = ReasonUnknownAccount
		return nil
	}
	be.TaxType = taxType
	ids := identifiersIn(be.Remittance)
	if len(ids) == 0 {
		be.Reason = ReasonNoIdentifier
		return nil
	}
	for _, id := range ids {
		if tp, ok := byTaxID[id]; ok {
			p, err := batch.add(ctx, tx, paymentPosting(be, tp.ID, taxType), tp.TaxID)
			if err != nil {
				return err
			}
			be.Status, be.Reason, be.TaxpayerID, be.PostingID = EntryMatched, "", &tp.ID, &p.ID
			return nil
		}
	}
	be.Reason = ReasonUnknownTaxpayer
	return nil
}

func paymentPosting(be *BankEntry, taxpayer uuid.UUID, taxType string) PostingInput {
	return PostingInput{TaxpayerID: taxpayer, TaxType: taxType, Side: Credit, Amount: be.Amount, On: be.ValueDate,
		TaxYear: be.ValueDate.Year, Kind: "befizetés", Reference: be.Statement, Note: be.Remittance}
}

func (s *Service) postEntry(ctx context.Context, tx bun.Tx, be *BankEntry, taxpayer uuid.UUID, taxType, by string) error {
	p, err := s.Post(ctx, tx, paymentPosting(be, taxpayer, taxType), by)
	if err != nil {
		return err
	}
	be.Status, be.Reason, be.TaxType, be.TaxpayerID, be.PostingID = EntryMatched, "", taxType, &taxpayer, &p.ID
	return nil
}

// AssignEntry is the clerk's decision on an unmatched entry: whose
// payment, for which tax type.
func (s *Service) AssignEntry(ctx context.Context, tx bun.Tx, entryID uuid.UUID, taxID, taxType, by string) (BankEntry, error) {
	var be BankEntry
	err := tx.NewSelect().Model(&be).Where("id = ?", entryID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return BankEntry{}, errNoEntry
	}
	if err != nil {
		return BankEntry{}, fmt.Errorf("entry %s: %w", entryID, err)
	}
	if be.Status != EntryUnmatched {
		return BankEntry{}, problem("entry_done", "", "Ez a tétel már el van számolva.", "This entry is already settled.")
	}
	var tp Taxpayer
	err = tx.NewSelect().Model(&tp).Where("tax_id = ?", normalizeTaxID(taxID)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return BankEntry{}, problem("unknown_taxpayer", "tax_id", "Nincs ilyen azonosítójú adózó ennél az önkormányzatnál.", "This municipality has no taxpayer with that identifier.")
	}
	if err != nil {
		return BankEntry{}, fmt.Errorf("taxpayer %s: %w", taxID, err)
	}
	if !validTaxType(taxType) {
		return BankEntry{}, problem("bad_tax_type", "tax_type", "Válassza ki az adónemet.", "Choose the tax type.")
	}
	if err := s.postEntry(ctx, tx, &be, tp.ID, taxType, by); err != nil {
		return BankEntry{}, err
	}
	if _, err := tx.NewUpdate().Model(&be).Column("status", "reason", "tax_type", "taxpayer_id", "posting_id").WherePK().Exec(ctx); err != nil {
		return BankEntry{}, fmt.Errorf("settle entry %s: %w", be.ID, err)
	}
	return be, appendAudit(ctx, tx, "tax.payment_assign", "bank_entry", be.ID.String(), map[string]any{"taxpayer": tp.TaxID, "tax_type": taxType, "amount": int64(be.Amount), "by": by}, s.now())
}

func normalizeTaxID(s string) string {
	if id, err := hu.ParseTaxID(s); err == nil {
		return id.String()
	}
	if n, err := hu.ParseTaxNumber(s); err == nil {
		return n.String()
	}
	return s
}

func unmatchedEntries(ctx context.Context, tx bun.IDB, limit int) ([]BankEntry, error) {
	var es []BankEntry
	if err := tx.NewSelect().Model(&es).Where("status = ?", EntryUnmatched).OrderExpr("value_date, id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("unmatched entries: %w", err)
	}
	return es, nil
}

func collectionAccounts(ctx context.Context, tx bun.IDB) ([]CollectionAccount, error) {
	var as []CollectionAccount
	if err := tx.NewSelect().Model(&as).OrderExpr("tax_type, account").Scan(ctx); err != nil {
		return nil, fmt.Errorf("collection accounts: %w", err)
	}
	return as, nil
}

var errNoEntry = problem("no_entry", "", "Nincs ilyen bankszámlakivonat-tétel.", "There is no such statement entry.")
