package records

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Disposal (selejtezés, domain brief §2.11; Iratkr. 64. §; ISZ-r. 18. §):
// at least once a year the records manager lists the closed cases whose
// retention has run out (selejtezési jegyzék), by tételszám and within it
// by iktatószám; the list goes to the public archive, which approves it;
// then the cases' file contents are deleted for good while their metadata
// stay, flagged as disposed.

// DisposalStatus is where a disposal list is.
type DisposalStatus string

const (
	DisposalDraft     DisposalStatus = "draft"
	DisposalSent      DisposalStatus = "sent"     // to the archive for approval
	DisposalApproved  DisposalStatus = "approved" // by the archive
	DisposalExecuted  DisposalStatus = "executed"
	DisposalDiscarded DisposalStatus = "discarded"
)

// ContentEraser deletes the file contents of a case's documents for good,
// keeping every metadata (Iratkr. 64. § (6); ISZ-r. 18. § (7), (10)), and
// says how many files it deleted. The attachment store implements it; a
// service without one refuses to execute a disposal rather than pretend.
type ContentEraser interface {
	EraseCaseContents(ctx context.Context, tx bun.Tx, caseID uuid.UUID) (int, error)
}

// Disposal is a disposal list (selejtezési jegyzék) and its approval.
type Disposal struct {
	bun.BaseModel `bun:"table:records_disposals"`
	db.TenantScoped

	ID     uuid.UUID      `bun:"id,pk,type:uuid"`
	Year   int            `bun:"year"`
	Cutoff string         `bun:"cutoff"` // cases disposable by this day (YYYY-MM-DD)
	Status DisposalStatus `bun:"status"`

	CreatedAt time.Time  `bun:"created_at"`
	CreatedBy string     `bun:"created_by"`
	SentAt    *time.Time `bun:"sent_at"`
	SentBy    string     `bun:"sent_by"`
	// ArchiveRef is the archive's reference number of its approval,
	// ApprovedOn the date on its clause (YYYY-MM-DD).
	ArchiveRef  string     `bun:"archive_ref"`
	ApprovedOn  string     `bun:"approved_on"`
	ApprovedAt  *time.Time `bun:"approved_at"`
	ApprovedBy  string     `bun:"approved_by"`
	ExecutedAt  *time.Time `bun:"executed_at"`
	ExecutedBy  string     `bun:"executed_by"`
	ErasedFiles int64      `bun:"erased_files"`
}

// DisposalCase is a line of a disposal list.
type DisposalCase struct {
	bun.BaseModel `bun:"table:records_disposal_cases"`
	db.TenantScoped

	DisposalID     uuid.UUID `bun:"disposal_id,pk,type:uuid"`
	CaseID         uuid.UUID `bun:"case_id,pk,type:uuid"`
	Position       int       `bun:"position"`
	FilePlanCode   string    `bun:"fileplan_code"`
	FilePlanYear   int       `bun:"fileplan_year"`
	Number         string    `bun:"number"`
	Subject        string    `bun:"subject"`
	ClosedOn       string    `bun:"closed_on"`
	DisposableFrom string    `bun:"disposable_from"`
	// Outcome is "disposed" or "kept" after execution ("" before).
	Outcome string `bun:"outcome"`
}

// fileRow is a case with its book and file-plan item, as the disposal and
// transfer queries read it.
type fileRow struct {
	ID           uuid.UUID  `bun:"id"`
	Foszam       int64      `bun:"foszam"`
	Subject      string     `bun:"subject"`
	Status       CaseStatus `bun:"status"`
	FilePlanCode string     `bun:"fileplan_code"`
	FilePlanYear int        `bun:"fileplan_year"`
	ExpiresOn    string     `bun:"expires_on"`
	ClosedAt     *time.Time `bun:"closed_at"`
	BookCode     string     `bun:"book_code"`
	BookPrefix   string     `bun:"book_prefix"`
	BookYear     int        `bun:"book_year"`
	ItemTitle    string     `bun:"item_title"`
	ItemTerms
}

func (r fileRow) number() string { return caseNumber(r.BookPrefix, r.Foszam, r.BookYear) }

func (r fileRow) item() *FilePlanItem {
	return &FilePlanItem{Year: r.FilePlanYear, Code: r.FilePlanCode, Title: r.ItemTitle, ItemTerms: r.ItemTerms}
}

func (r fileRow) retention() Retention {
	return RetentionOf(Filing{ExpiresOn: r.ExpiresOn, ClosedAt: r.ClosedAt, Status: r.Status}, r.item())
}

// fileRows reads cases that are not joined to another, with their book
// and item, that meet cond (on c, the case, b, its book, i, its item).
func fileRows(ctx context.Context, tx bun.IDB, cond string, args ...any) ([]fileRow, error) {
	t, ok := db.TenantFrom(ctx)
	if !ok {
		return nil, db.ErrNoTenant
	}
	var rows []fileRow
	err := tx.NewRaw(`SELECT c.id, c.foszam, c.subject, c.status, c.fileplan_code, c.fileplan_year, c.expires_on, c.closed_at,
			b.code AS book_code, b.prefix AS book_prefix, b.year AS book_year,
			i.title AS item_title, i.permanent, i.retention_years, i.archive_years, i.archive_hn, i.after_expiry
		FROM records_cases c
		JOIN records_books b ON b.tenant_id = c.tenant_id AND b.id = c.book_id
		JOIN records_fileplan_items i ON i.tenant_id = c.tenant_id AND i.year = c.fileplan_year AND i.code = c.fileplan_code
		WHERE c.tenant_id = ? AND c.merged_into IS NULL AND `+cond,
		append([]any{t}, args...)...).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	return rows, nil
}

// sortForList orders rows by tételszám, then by iktatószám (book year,
// prefix, főszám) — the order of a disposal or transfer list (ISZ-r.
// 18. § (6)).
func sortForList(rows []fileRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case a.FilePlanCode != b.FilePlanCode:
			return a.FilePlanCode < b.FilePlanCode
		case a.BookYear != b.BookYear:
			return a.BookYear < b.BookYear
		case a.BookPrefix != b.BookPrefix:
			return hu.Compare(a.BookPrefix, b.BookPrefix) < 0
		}
		return a.Foszam < b.Foszam
	})
}

// disposalCutoff is the day by which a case's retention must have run out
// to be on the list of year: the end of that year, but never after today.
func (s *Service) disposalCutoff(year int) (hu.Date, error) {
	today := hu.DateOf(s.now())
	if year < 1990 || year > today.Year {
		return hu.Date{}, errDisposalYear(year, today.Year)
	}
	end := hu.Date{Year: year, Month: time.December, Day: 31}
	if end.Compare(today) > 0 {
		return today, nil
	}
	return end, nil
}

// DisposalCandidates lists the closed cases whose retention has run out by
// the cutoff of year and that are on no other list, in list order.
func (s *Service) DisposalCandidates(ctx context.Context, tx bun.IDB, year int) ([]fileRow, hu.Date, error) {
	cutoff, err := s.disposalCutoff(year)
	if err != nil {
		return nil, hu.Date{}, err
	}
	rows, err := fileRows(ctx, tx, "c.status IN ('closed', 'archived') AND c.disposal_id IS NULL AND NOT i.permanent")
	if err != nil {
		return nil, hu.Date{}, err
	}
	out := rows[:0]
	for _, r := range rows {
		if ret := r.retention(); !ret.From.IsZero() && ret.From.Compare(cutoff) <= 0 {
			out = append(out, r)
		}
	}
	sortForList(out)
	return out, cutoff, nil
}

// CreateDisposal makes the disposal list of year as a draft. Its cases
// are held by it (no other list takes them) until it is discarded or
// executed.
func (s *Service) CreateDisposal(ctx context.Context, tx bun.Tx, year int, by string) (Disposal, error) {
	rows, cutoff, err := s.DisposalCandidates(ctx, tx, year)
	if err != nil {
		return Disposal{}, err
	}
	if len(rows) == 0 {
		return Disposal{}, errNothingToDispose(year)
	}
	now := s.now().UTC()
	d := Disposal{ID: uuid.Must(uuid.NewV7()), Year: year, Cutoff: cutoff.String(), Status: DisposalDraft, CreatedAt: now, CreatedBy: by}
	if err := insert(ctx, tx, &d); err != nil {
		return Disposal{}, err
	}
	lines := make([]DisposalCase, len(rows))
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		lines[i] = DisposalCase{DisposalID: d.ID, CaseID: r.ID, Position: i + 1, FilePlanCode: r.FilePlanCode, FilePlanYear: r.FilePlanYear,
			Number: r.number(), Subject: r.Subject, ClosedOn: hu.DateOf(*r.ClosedAt).String(), DisposableFrom: r.retention().From.String()}
		ids[i] = r.ID
	}
	for from := 0; from < len(lines); from += 500 {
		to := min(from+500, len(lines))
		chunk := lines[from:to]
		if err := insert(ctx, tx, &chunk); err != nil {
			return Disposal{}, err
		}
		// Take the cases; one a concurrent list took first makes this one
		// roll back rather than list a case twice.
		res, err := tx.NewUpdate().Model((*Case)(nil)).Set("disposal_id = ?", d.ID).
			Where("id IN (?) AND disposal_id IS NULL", bun.In(ids[from:to])).Exec(ctx)
		if err != nil {
			return Disposal{}, fmt.Errorf("hold cases for disposal: %w", err)
		}
		if n, _ := res.RowsAffected(); n != int64(to-from) {
			return Disposal{}, errors.New("hold cases for disposal: another list took some of them meanwhile")
		}
	}
	return d, appendAudit(ctx, tx, "records.disposal_create", "disposal", d.ID.String(),
		map[string]any{"year": year, "cutoff": d.Cutoff, "cases": len(rows), "by": by}, now)
}

// SendDisposal records that the list went to the archive for approval.
func (s *Service) SendDisposal(ctx context.Context, tx bun.Tx, id uuid.UUID, by string) (Disposal, error) {
	d, err := disposalByID(ctx, tx, id)
	if err != nil {
		return Disposal{}, err
	}
	if d.Status != DisposalDraft {
		return Disposal{}, errDisposalStep(d.Status, DisposalSent)
	}
	now := s.now().UTC()
	d.Status, d.SentAt, d.SentBy = DisposalSent, &now, by
	if _, err := tx.NewUpdate().Model(d).Column("status", "sent_at", "sent_by").WherePK().Exec(ctx); err != nil {
		return Disposal{}, fmt.Errorf("send disposal %s: %w", id, err)
	}
	return *d, appendAudit(ctx, tx, "records.disposal_send", "disposal", id.String(), map[string]any{"year": d.Year, "by": by}, now)
}

// ApproveDisposal records the archive's approval: its reference number and
// the date of its clause (Iratkr. 64. § (3)).
func (s *Service) ApproveDisposal(ctx context.Context, tx bun.Tx, id uuid.UUID, archiveRef, approvedOn, by string) (Disposal, error) {
	d, err := disposalByID(ctx, tx, id)
	if err != nil {
		return Disposal{}, err
	}
	if d.Status != DisposalSent {
		return Disposal{}, errDisposalStep(d.Status, DisposalApproved)
	}
	archiveRef = strings.Join(strings.Fields(archiveRef), " ")
	if archiveRef == "" || utf8.RuneCountInString(archiveRef) > 100 {
		return Disposal{}, errArchiveRef
	}
	on, err := hu.ParseDate(approvedOn)
	if err != nil {
		return Disposal{}, errApprovalDate(approvedOn)
	}
	if on.Compare(hu.DateOf(s.now())) > 0 || on.Compare(hu.DateOf(*d.SentAt)) < 0 {
		return Disposal{}, errApprovalDateRange(hu.DateOf(*d.SentAt))
	}
	now := s.now().UTC()
	d.Status, d.ArchiveRef, d.ApprovedOn, d.ApprovedAt, d.ApprovedBy = DisposalApproved, archiveRef, on.String(), &now, by
	if _, err := tx.NewUpdate().Model(d).Column("status", "archive_ref", "approved_on", "approved_at", "approved_by").WherePK().Exec(ctx); err != nil {
		return Disposal{}, fmt.Errorf("approve disposal %s: %w", id, err)
	}
	return *d, appendAudit(ctx, tx, "records.disposal_approve", "disposal", id.String(),
		map[string]any{"year": d.Year, "archive_ref": archiveRef, "approved_on": d.ApprovedOn, "by": by}, now)
}

// DiscardDisposal drops a list the archive has not approved (a draft, or
// one it refused); its cases are free for the next list. The list itself
// stays, marked discarded.
func (s *Service) DiscardDisposal(ctx context.Context, tx bun.Tx, id uuid.UUID, by string) (Disposal, error) {
	d, err := disposalByID(ctx, tx, id)
	if err != nil {
		return Disposal{}, err
	}
	if d.Status != DisposalDraft && d.Status != DisposalSent {
		return Disposal{}, errDisposalStep(d.Status, DisposalDiscarded)
	}
	d.Status = DisposalDiscarded
	if _, err := tx.NewUpdate().Model(d).Column("status").WherePK().Exec(ctx); err != nil {
		return Disposal{}, fmt.Errorf("discard disposal %s: %w", id, err)
	}
	if _, err := tx.NewUpdate().Model((*Case)(nil)).Set("disposal_id = NULL").Where("disposal_id = ?", id).Exec(ctx); err != nil {
		return Disposal{}, fmt.Errorf("release cases of disposal %s: %w", id, err)
	}
	return *d, appendAudit(ctx, tx, "records.disposal_discard", "disposal", id.String(), map[string]any{"year": d.Year, "by": by}, s.now())
}

// ExecuteDisposal carries out an approved list: for every case still
// closed and past its retention, the file contents of its documents (and
// of the cases joined to it) are deleted through the ContentEraser and
// the case is flagged disposed; its metadata stay. A case reopened since
// the list was made is kept (disposing of less than approved is allowed,
// of more never).
func (s *Service) ExecuteDisposal(ctx context.Context, tx bun.Tx, id uuid.UUID, by string) (Disposal, error) {
	d, err := disposalByID(ctx, tx, id)
	if err != nil {
		return Disposal{}, err
	}
	if d.Status != DisposalApproved {
		return Disposal{}, errDisposalStep(d.Status, DisposalExecuted)
	}
	if s.Eraser == nil {
		return Disposal{}, errNoEraser
	}
	lines, err := disposalLines(ctx, tx, id)
	if err != nil {
		return Disposal{}, err
	}
	t, _ := db.TenantFrom(ctx)
	now := s.now().UTC()
	today := hu.DateOf(now)
	var evs []audit.Event
	var erased int64
	var kept []string
	for i := range lines {
		l := &lines[i]
		c, err := caseByID(ctx, tx, l.CaseID)
		if err != nil {
			return Disposal{}, err
		}
		var item *FilePlanItem
		if c.FilePlanCode != "" {
			if item, err = fileplanItem(ctx, tx, c.FilePlanYear, c.FilePlanCode); err != nil {
				return Disposal{}, err
			}
		}
		ret := RetentionOf(c.Filing, item)
		if !c.Closed() || c.MergedInto != nil || c.DisposalID == nil || *c.DisposalID != id ||
			ret.From.IsZero() || ret.From.Compare(today) > 0 {
			l.Outcome = "kept"
			kept = append(kept, l.Number)
			if c.DisposalID != nil && *c.DisposalID == id {
				if _, err := tx.NewUpdate().Model(c).Set("disposal_id = NULL").WherePK().Exec(ctx); err != nil {
					return Disposal{}, fmt.Errorf("release case %s: %w", c.ID, err)
				}
			}
		} else {
			group, err := joinedCases(ctx, tx, c.ID)
			if err != nil {
				return Disposal{}, err
			}
			group = append([]uuid.UUID{c.ID}, group...)
			files := 0
			for _, cid := range group {
				n, err := s.Eraser.EraseCaseContents(ctx, tx, cid)
				if err != nil {
					return Disposal{}, fmt.Errorf("erase contents of case %s: %w", cid, err)
				}
				files += n
			}
			if _, err := tx.NewUpdate().Model((*Case)(nil)).Set("status = ?", CaseDisposed).Set("disposed_at = ?", now).
				Set("disposal_id = ?", id).Where("id IN (?)", bun.In(group)).Exec(ctx); err != nil {
				return Disposal{}, fmt.Errorf("flag disposed: %w", err)
			}
			l.Outcome = "disposed"
			erased += int64(files)
			evs = append(evs, audit.Resolve(ctx, audit.Event{Action: "records.case_dispose", ObjectType: "case", ObjectID: c.ID.String(), Result: audit.ResultOK,
				Detail: map[string]any{"number": l.Number, "code": l.FilePlanCode, "disposal": id.String(), "files_erased": files, "joined_cases": len(group) - 1}}))
		}
		if _, err := tx.NewUpdate().Model(l).Column("outcome").WherePK().Exec(ctx); err != nil {
			return Disposal{}, fmt.Errorf("disposal line %s: %w", l.Number, err)
		}
	}
	d.Status, d.ExecutedAt, d.ExecutedBy, d.ErasedFiles = DisposalExecuted, &now, by, erased
	if _, err := tx.NewUpdate().Model(d).Column("status", "executed_at", "executed_by", "erased_files").WherePK().Exec(ctx); err != nil {
		return Disposal{}, fmt.Errorf("execute disposal %s: %w", id, err)
	}
	evs = append(evs, audit.Resolve(ctx, audit.Event{Action: "records.disposal_execute", ObjectType: "disposal", ObjectID: id.String(), Result: audit.ResultOK,
		Detail: map[string]any{"year": d.Year, "disposed": len(lines) - len(kept), "kept": kept, "files_erased": erased, "archive_ref": d.ArchiveRef, "by": by}}))
	if _, err := audit.AppendMany(ctx, tx, t, evs, now); err != nil {
		return Disposal{}, err
	}
	return *d, nil
}

// joinedCases returns the cases joined (szerelés) to id, directly or
// through one another: they are disposed of and handed over with it.
func joinedCases(ctx context.Context, tx bun.IDB, id uuid.UUID) ([]uuid.UUID, error) {
	var all []uuid.UUID
	frontier := []uuid.UUID{id}
	for hops := 0; len(frontier) > 0 && hops < 100; hops++ {
		var next []uuid.UUID
		if err := tx.NewSelect().Model((*Case)(nil)).Column("id").Where("merged_into IN (?)", bun.In(frontier)).
			OrderExpr("created_at").Scan(ctx, &next); err != nil {
			return nil, fmt.Errorf("joined cases of %s: %w", id, err)
		}
		all = append(all, next...)
		frontier = next
	}
	return all, nil
}

func disposalByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Disposal, error) {
	var d Disposal
	err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDisposal
	}
	if err != nil {
		return nil, fmt.Errorf("disposal %s: %w", id, err)
	}
	return &d, nil
}

func disposalLines(ctx context.Context, tx bun.IDB, id uuid.UUID) ([]DisposalCase, error) {
	var ls []DisposalCase
	if err := tx.NewSelect().Model(&ls).Where("disposal_id = ?", id).OrderExpr("position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("lines of disposal %s: %w", id, err)
	}
	return ls, nil
}

func allDisposals(ctx context.Context, tx bun.IDB) ([]Disposal, error) {
	var ds []Disposal
	if err := tx.NewSelect().Model(&ds).OrderExpr("created_at DESC").Limit(200).Scan(ctx); err != nil {
		return nil, fmt.Errorf("disposals: %w", err)
	}
	return ds, nil
}

// WriteDisposalCSV writes a disposal list as CSV for a spreadsheet: UTF-8
// with a byte-order mark and ";" between fields, as Hungarian Excel reads
// it; titles maps tételszám to the item's title.
func WriteDisposalCSV(w io.Writer, lines []DisposalCase, titles map[string]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write([]string{"Sorszám", "Tételszám", "Tétel", "Iktatószám", "Tárgy", "Lezárva", "Selejtezhető", "Eredmény"}); err != nil {
		return err
	}
	for _, l := range lines {
		rec := []string{fmt.Sprint(l.Position), l.FilePlanCode, titles[l.FilePlanCode], l.Number, l.Subject, l.ClosedOn, l.DisposableFrom, outcomeHU[l.Outcome]}
		for i := range rec {
			rec[i] = cellSafe(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var outcomeHU = map[string]string{"": "", "disposed": "selejtezve", "kept": "megtartva"}

// cellSafe keeps a spreadsheet from reading a subject typed by someone as
// a formula.
func cellSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
