package records

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// A case's life after registration (domain brief §2.6, §2.9, §2.11): the
// case officer files it under a tételszám at the latest when closing it
// (Iratkr. 61. § (1)); a closed case goes to the central archive
// (irattár), which refuses it without a tételszám (ISZ-r. 17. § (4)); a
// new document reopens it (59. § (1)); in the end it is disposed of
// (selejtezés) or handed to the public archive (levéltárba adás).

// CaseStatus is where a case is in its life.
type CaseStatus string

const (
	CaseOpen        CaseStatus = "open"
	CaseClosed      CaseStatus = "closed"
	CaseArchived    CaseStatus = "archived"    // in the central irattár
	CaseDisposed    CaseStatus = "disposed"    // contents deleted, metadata kept
	CaseTransferred CaseStatus = "transferred" // handed to the public archive
)

// Filing is the file-plan side of a case, embedded in Case.
type Filing struct {
	// FilePlanCode is the tételszám, FilePlanYear the plan version it was
	// chosen from (the year of classification, Iratkr. 64. § (5)).
	FilePlanCode string `bun:"fileplan_code"`
	FilePlanYear int    `bun:"fileplan_year"`
	// ExpiresOn is the end of the underlying document's validity
	// (YYYY-MM-DD), for an item whose retention runs "lejárat után".
	ExpiresOn string     `bun:"expires_on"`
	Status    CaseStatus `bun:"status,default:'open'"`
	ClosedAt  *time.Time `bun:"closed_at"`
	ClosedBy  string     `bun:"closed_by"`
	// ArchivedAt is when the case went to the central irattár.
	ArchivedAt      *time.Time `bun:"archived_at"`
	ArchivedBy      string     `bun:"archived_by"`
	ArchiveLocation string     `bun:"archive_location"`
	// DisposalID is the disposal list that holds the case (from the draft
	// on); DisposedAt when its contents were deleted.
	DisposalID    *uuid.UUID `bun:"disposal_id,type:uuid"`
	DisposedAt    *time.Time `bun:"disposed_at"`
	TransferID    *uuid.UUID `bun:"transfer_id,type:uuid"`
	TransferredAt *time.Time `bun:"transferred_at"`
}

// Closed reports whether the case is closed (in the office or in the
// irattár) and so waits for disposal or transfer.
func (f Filing) Closed() bool { return f.Status == CaseClosed || f.Status == CaseArchived }

// ClassifyCase files a case under a tételszám of the current year's plan
// (opened from last year's if need be). expiresOn (optional, a date) is
// the end of validity for an item whose retention runs from it.
func (s *Service) ClassifyCase(ctx context.Context, tx bun.Tx, caseID uuid.UUID, code, expiresOn, by string) (Case, error) {
	c, err := s.workableCase(ctx, tx, caseID)
	if err != nil {
		return Case{}, err
	}
	if c.Status != CaseOpen {
		return Case{}, errClassifyClosed
	}
	code, err = ParseItemCode(code)
	if err != nil {
		return Case{}, err
	}
	year := s.thisYear()
	if _, err := s.planFor(ctx, tx, year); err != nil {
		return Case{}, err
	}
	item, err := fileplanItem(ctx, tx, year, code)
	if err != nil {
		return Case{}, err
	}
	if item == nil {
		return Case{}, errUnknownItem(code, year)
	}
	exp := ""
	if strings.TrimSpace(expiresOn) != "" {
		d, err := hu.ParseDate(expiresOn)
		if err != nil {
			return Case{}, errBadExpiry(expiresOn)
		}
		if !item.AfterExpiry {
			return Case{}, errExpiryNotAsked(code)
		}
		exp = d.String()
	}
	before := map[string]any{"code": c.FilePlanCode, "year": c.FilePlanYear, "expires_on": c.ExpiresOn}
	c.FilePlanCode, c.FilePlanYear, c.ExpiresOn = code, year, exp
	if _, err := tx.NewUpdate().Model(c).Column("fileplan_code", "fileplan_year", "expires_on").WherePK().Exec(ctx); err != nil {
		return Case{}, fmt.Errorf("classify case %s: %w", c.ID, err)
	}
	return *c, appendAudit(ctx, tx, "records.case_classify", "case", c.ID.String(), map[string]any{
		"before": before, "after": map[string]any{"code": code, "year": year, "expires_on": exp}, "by": by}, s.now())
}

// CloseCase closes a case (Iratkr. 59. §). Its tételszám must be set by
// then (61. § (1)), and for an item counted from expiry the expiry date.
func (s *Service) CloseCase(ctx context.Context, tx bun.Tx, caseID uuid.UUID, by string) (Case, error) {
	c, err := s.workableCase(ctx, tx, caseID)
	if err != nil {
		return Case{}, err
	}
	if c.Status != CaseOpen {
		return Case{}, errNotOpen
	}
	if c.FilePlanCode == "" {
		return Case{}, errCloseWithoutItem
	}
	item, err := fileplanItem(ctx, tx, c.FilePlanYear, c.FilePlanCode)
	if err != nil {
		return Case{}, err
	}
	if item == nil {
		return Case{}, errUnknownItem(c.FilePlanCode, c.FilePlanYear)
	}
	if item.AfterExpiry && c.ExpiresOn == "" {
		return Case{}, errCloseWithoutExpiry(c.FilePlanCode)
	}
	now := s.now().UTC()
	c.Status, c.ClosedAt, c.ClosedBy = CaseClosed, &now, by
	if _, err := tx.NewUpdate().Model(c).Column("status", "closed_at", "closed_by").WherePK().Exec(ctx); err != nil {
		return Case{}, fmt.Errorf("close case %s: %w", c.ID, err)
	}
	return *c, appendAudit(ctx, tx, "records.case_close", "case", c.ID.String(),
		map[string]any{"code": c.FilePlanCode, "year": c.FilePlanYear, "by": by}, now)
}

// ArchiveCase hands a closed case to the central irattár (irattárba
// helyezés). Without a tételszám it is refused (ISZ-r. 17. § (4)).
func (s *Service) ArchiveCase(ctx context.Context, tx bun.Tx, caseID uuid.UUID, location, by string) (Case, error) {
	c, err := s.workableCase(ctx, tx, caseID)
	if err != nil {
		return Case{}, err
	}
	if c.FilePlanCode == "" {
		return Case{}, errArchiveWithoutItem
	}
	switch c.Status {
	case CaseOpen:
		return Case{}, errArchiveOpen
	case CaseClosed:
	default:
		return Case{}, errAlreadyArchived
	}
	location = strings.Join(strings.Fields(location), " ")
	if utf8.RuneCountInString(location) > 200 {
		return Case{}, errLocation
	}
	now := s.now().UTC()
	c.Status, c.ArchivedAt, c.ArchivedBy, c.ArchiveLocation = CaseArchived, &now, by, location
	if _, err := tx.NewUpdate().Model(c).Column("status", "archived_at", "archived_by", "archive_location").WherePK().Exec(ctx); err != nil {
		return Case{}, fmt.Errorf("archive case %s: %w", c.ID, err)
	}
	return *c, appendAudit(ctx, tx, "records.case_archive", "case", c.ID.String(),
		map[string]any{"code": c.FilePlanCode, "location": location, "by": by}, now)
}

// workableCase reads a case a person acts on; a case joined to a later
// one (szerelés) is handled only through that one (Iratkr. 2. § 45.).
func (s *Service) workableCase(ctx context.Context, tx bun.Tx, id uuid.UUID) (*Case, error) {
	c, err := caseByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if c.MergedInto != nil {
		return nil, errMergedCase
	}
	return c, nil
}

// reopenForRegistration puts a closed case back in work when a document
// is registered into it (Iratkr. 59. § (1)): it leaves the irattár, and
// its closure is undone. It returns the status the case had, or "" if it
// was open. A disposal list that holds the case keeps it at execution.
func reopenForRegistration(ctx context.Context, tx bun.Tx, c *Case) (CaseStatus, error) {
	if !c.Closed() {
		return "", nil
	}
	was := c.Status
	_, err := tx.NewRaw(`UPDATE records_cases SET status = 'open', closed_at = NULL, closed_by = '',
		archived_at = NULL, archived_by = '', archive_location = '' WHERE tenant_id = ? AND id = ?`, c.TenantID, c.ID).Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("reopen case %s: %w", c.ID, err)
	}
	c.Status, c.ClosedAt, c.ClosedBy, c.ArchivedAt, c.ArchivedBy, c.ArchiveLocation = CaseOpen, nil, "", nil, "", ""
	return was, nil
}

// checkFollowUp refuses a predecessor whose case is gone: its contents
// were disposed of or it is in the public archive, so nothing can join it.
func checkFollowUp(number string, c *Case) error {
	switch c.Status {
	case CaseDisposed:
		return errPredecessorDisposed(number)
	case CaseTransferred:
		return errPredecessorTransferred(number)
	}
	return nil
}

// Retention is what the file plan says of a case's end.
type Retention struct {
	Item *FilePlanItem // nil when the case has no tételszám
	// From is the first day the case may be disposed of; zero when it
	// is permanent or not known yet (Missing says why).
	From    hu.Date
	Missing string // "unclassified", "open", "expiry"
}

// Permanent reports an NS case.
func (r Retention) Permanent() bool { return r.Item != nil && r.Item.Permanent }

// RetentionOf computes a case's retention under the item it was filed in
// (the plan version of the year it was classified): the period starts the
// day after closure (Iratkr. 64. § (5)), or after the expiry of validity
// for a "lejárat után" item if that is later; the case may be disposed of
// from the same day N years on (29 February rolls to 1 March).
func RetentionOf(f Filing, item *FilePlanItem) Retention {
	r := Retention{Item: item}
	switch {
	case item == nil:
		r.Missing = "unclassified"
		return r
	case item.Permanent:
		return r
	case f.ClosedAt == nil:
		r.Missing = "open"
		return r
	}
	end := hu.DateOf(*f.ClosedAt)
	if item.AfterExpiry {
		e, err := hu.ParseDate(f.ExpiresOn)
		if err != nil {
			r.Missing = "expiry"
			return r
		}
		if e.Compare(end) > 0 {
			end = e
		}
	}
	start := end.AddDays(1)
	r.From = hu.DateOf(time.Date(start.Year+item.RetentionYears, start.Month, start.Day, 12, 0, 0, 0, hu.Budapest()))
	return r
}

var huMonths = [...]string{"január", "február", "március", "április", "május", "június", "július",
	"augusztus", "szeptember", "október", "november", "december"}

// fromSuffix is the ending of "N-tól/-től" after a day of the month, as
// the ordinal is read: 1-jétől (elsejétől), 2-ától (másodikától), …
var fromSuffix = [32]string{"",
	"jétől", "ától", "ától", "étől", "étől", "ától", "étől", "ától", "étől", "étől",
	"étől", "étől", "ától", "étől", "étől", "ától", "étől", "ától", "étől", "ától",
	"étől", "étől", "ától", "étől", "étől", "ától", "étől", "ától", "étől", "ától",
	"étől"}

// HungarianFrom writes "2034. január 1-jétől".
func HungarianFrom(d hu.Date) string {
	return fmt.Sprintf("%d. %s %d-%s", d.Year, huMonths[d.Month-1], d.Day, fromSuffix[d.Day])
}

// EnglishFrom writes "1 January 2034".
func EnglishFrom(d hu.Date) string { return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year) }

// caseNumber renders a case's number: its főszám and year, with the
// book's prefix ("ADO/12/2026"); its documents are 12-1/2026, 12-2/2026…
func caseNumber(prefix string, foszam int64, year int) string {
	s := fmt.Sprintf("%d/%d", foszam, year)
	if prefix != "" {
		s = prefix + "/" + s
	}
	return s
}
