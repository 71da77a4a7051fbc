package records

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// The file plan (irattári terv, domain brief §2.9): every case is filed
// under an item (tétel) whose code (tételszám) says how long the case is
// kept and whether it goes to the public archive. A municipality keeps one
// plan version per year (ISZ-r. 17. § (2)); the first is copied from the
// model plan of 78/2012 BM, each later one from the year before, and items
// may be added during the year but never removed.

// FilePlan is a municipality's file plan of one year.
type FilePlan struct {
	bun.BaseModel `bun:"table:records_fileplans"`
	db.TenantScoped

	Year int `bun:"year,pk"`
	// Source is "model" or the year it was copied from.
	Source    string    `bun:"source"`
	CreatedAt time.Time `bun:"created_at"`
	CreatedBy string    `bun:"created_by"`
}

// FilePlanItem is an irattári tétel of one year's plan.
type FilePlanItem struct {
	bun.BaseModel `bun:"table:records_fileplan_items"`
	db.TenantScoped

	Year    int    `bun:"year,pk" json:"year"`
	Code    string `bun:"code,pk" json:"code"`
	Section string `bun:"section" json:"section"`
	Title   string `bun:"title" json:"title"`
	ItemTerms
	// Origin is "model" (78/2012 BM) or "local" (added by the municipality).
	Origin    string    `bun:"origin" json:"origin"`
	CreatedAt time.Time `bun:"created_at" json:"-"`
	CreatedBy string    `bun:"created_by" json:"-"`
}

// ItemTerms are an item's retention and archive columns.
type ItemTerms struct {
	// Permanent is NS: never disposed. Otherwise RetentionYears is how
	// long the case is kept.
	Permanent      bool `bun:"permanent" json:"permanent"`
	RetentionYears int  `bun:"retention_years" json:"retention_years"`
	// ArchiveYears is the Lt. column: years until the public archive takes
	// the case; ArchiveHN (HN) means it stays with the municipality
	// without time limit. Both zero: not handed over.
	ArchiveYears int  `bun:"archive_years" json:"archive_years"`
	ArchiveHN    bool `bun:"archive_hn" json:"archive_hn"`
	// AfterExpiry ("lejárat után"): retention runs from the expiry of the
	// underlying document's validity, not from closure.
	AfterExpiry bool `bun:"after_expiry" json:"after_expiry"`
}

// RetentionText is the plan's retention column: "NS" or the years.
func (t ItemTerms) RetentionText() string {
	if t.Permanent {
		return "NS"
	}
	return strconv.Itoa(t.RetentionYears)
}

// ArchiveText is the plan's Lt. column: years, "HN" or "–".
func (t ItemTerms) ArchiveText() string {
	switch {
	case t.ArchiveHN:
		return "HN"
	case t.ArchiveYears > 0:
		return strconv.Itoa(t.ArchiveYears)
	}
	return "–"
}

// Transferable reports whether cases of the item go to the public archive.
func (t ItemTerms) Transferable() bool { return t.Permanent && t.ArchiveYears > 0 }

// Section is a heading of the plan's structure: a sector ("U") or a
// subsection ("U.4").
type Section struct {
	Code, Title string
}

// ModelPlan is the reference plan of 78/2012 BM as embedded.
type ModelPlan struct {
	Sections []Section
	Items    []FilePlanItem
}

//go:embed data/eit_78_2012.csv
var modelPlanCSV []byte

var modelPlan = sync.OnceValues(func() (ModelPlan, error) { return ParseModelPlan(bytes.NewReader(modelPlanCSV)) })

// Model returns the embedded model plan (data/eit_78_2012.csv).
func Model() ModelPlan {
	m, err := modelPlan()
	if err != nil {
		// The file is part of the binary and tested; a broken one must
		// not start.
		panic(fmt.Sprintf("records: the embedded model file plan is broken: %v", err))
	}
	return m
}

// SectionOf returns the most specific section an item code belongs to:
// the subsection named by its letter and first digit ("U4" → "U.4") if the
// plan has it, else the sector.
func (m ModelPlan) SectionOf(code string) string {
	if len(code) >= 2 {
		sub := code[:1] + "." + code[1:2]
		for _, s := range m.Sections {
			if s.Code == sub {
				return sub
			}
		}
	}
	if code == "" {
		return ""
	}
	return code[:1]
}

// SectionTitle returns the title of a section code, or "".
func (m ModelPlan) SectionTitle(code string) string {
	for _, s := range m.Sections {
		if s.Code == code {
			return s.Title
		}
	}
	return ""
}

// sectorLetters are the sector letters of 78/2012 BM; an item code starts
// with one of them.
const sectorLetters = "UABCEFGHIJKLMNPRX"

// ParseItemCode checks a tételszám: one sector letter and three digits,
// e.g. U102. Lower-case letters and spaces around it are accepted.
func ParseItemCode(s string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(s))
	if len(code) != 4 || !strings.ContainsRune(sectorLetters, rune(code[0])) ||
		code[1] < '0' || code[1] > '9' || code[2] < '0' || code[2] > '9' || code[3] < '0' || code[3] > '9' {
		return "", errBadItemCode(s)
	}
	return code, nil
}

// ParseTerms reads the retention column ("NS" or 1–999 years), the Lt.
// column ("", "-", "–", "HN" or 1–99 years) and the "lejárat után" flag of
// an item as a person types them.
func ParseTerms(retention, lt string, afterExpiry bool) (ItemTerms, error) {
	t := ItemTerms{AfterExpiry: afterExpiry}
	r := strings.ToUpper(strings.TrimSpace(retention))
	if r == "NS" {
		t.Permanent = true
	} else {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 || n > 999 {
			return ItemTerms{}, errBadRetention(retention)
		}
		t.RetentionYears = n
	}
	switch l := strings.ToUpper(strings.TrimSpace(lt)); l {
	case "", "-", "–":
	case "HN":
		t.ArchiveHN = true
	default:
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 99 {
			return ItemTerms{}, errBadArchive(lt)
		}
		t.ArchiveYears = n
	}
	// Only permanent records go to the archive or stay without limit;
	// the plan gives "–" in the Lt. column of every disposable item.
	if !t.Permanent && (t.ArchiveHN || t.ArchiveYears > 0) {
		return ItemTerms{}, errArchiveOfDisposable
	}
	if t.Permanent && !t.ArchiveHN && t.ArchiveYears == 0 {
		return ItemTerms{}, errPermanentWithoutArchive
	}
	if t.Permanent && t.AfterExpiry {
		return ItemTerms{}, errPermanentAfterExpiry
	}
	return t, nil
}

// ParseModelPlan reads a plan in the format of data/eit_78_2012.csv.
func ParseModelPlan(r io.Reader) (ModelPlan, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = 6
	var m ModelPlan
	seen := map[string]bool{}
	for line := 0; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ModelPlan{}, fmt.Errorf("model plan: %w", err)
		}
		if line == 0 {
			if strings.Join(rec, ";") != "kind;code;title;retention;lt;after_expiry" {
				return ModelPlan{}, errors.New("model plan: unexpected header")
			}
			continue
		}
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return ModelPlan{}, fmt.Errorf("model plan line %d: not UTF-8", line+1)
			}
		}
		kind, code, title := rec[0], strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if title == "" || seen[code] {
			return ModelPlan{}, fmt.Errorf("model plan line %d: no title or %q twice", line+1, code)
		}
		seen[code] = true
		switch kind {
		case "section":
			if !sectionPattern(code) {
				return ModelPlan{}, fmt.Errorf("model plan line %d: bad section %q", line+1, code)
			}
			m.Sections = append(m.Sections, Section{Code: code, Title: title})
		case "item":
			c, err := ParseItemCode(code)
			if err != nil || c != code {
				return ModelPlan{}, fmt.Errorf("model plan line %d: bad item code %q", line+1, code)
			}
			if rec[5] != "" && rec[5] != "x" {
				return ModelPlan{}, fmt.Errorf("model plan line %d: after_expiry is x or empty", line+1)
			}
			terms, err := ParseTerms(rec[3], rec[4], rec[5] == "x")
			if err != nil {
				return ModelPlan{}, fmt.Errorf("model plan line %d: %w", line+1, err)
			}
			m.Items = append(m.Items, FilePlanItem{Code: code, Title: title, ItemTerms: terms, Origin: "model"})
		default:
			return ModelPlan{}, fmt.Errorf("model plan line %d: kind %q", line+1, kind)
		}
	}
	for i := range m.Items {
		m.Items[i].Section = m.SectionOf(m.Items[i].Code)
		if m.SectionTitle(m.Items[i].Section) == "" {
			return ModelPlan{}, fmt.Errorf("model plan: item %s has no section", m.Items[i].Code)
		}
	}
	return m, nil
}

// sectionPattern: a sector letter, optionally a dot and one digit.
func sectionPattern(s string) bool {
	switch len(s) {
	case 1:
		return strings.Contains(sectorLetters, s)
	case 3:
		return strings.Contains(sectorLetters, s[:1]) && s[1] == '.' && s[2] >= '1' && s[2] <= '9'
	}
	return false
}

// OpenFilePlan opens the plan of year: a copy of the newest earlier
// year's plan, or of the model plan if there is none. by names who opened
// it ("" when it opened itself at the first classification of the year).
func (s *Service) OpenFilePlan(ctx context.Context, tx bun.Tx, year int, by string) (FilePlan, error) {
	if year < 1990 || year > 9999 {
		return FilePlan{}, errBadPlanYear(strconv.Itoa(year))
	}
	if p, err := filePlan(ctx, tx, year); err != nil {
		return FilePlan{}, err
	} else if p != nil {
		return FilePlan{}, errPlanExists(year)
	}
	t, _ := db.TenantFrom(ctx)
	now := s.now().UTC()
	who := by
	if who == "" {
		who = "automatic"
	}
	p := FilePlan{Year: year, Source: "model", CreatedAt: now, CreatedBy: who}
	var prev FilePlan
	err := tx.NewSelect().Model(&prev).Where("year < ?", year).OrderExpr("year DESC").Limit(1).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return FilePlan{}, fmt.Errorf("previous file plan: %w", err)
	default:
		p.Source = strconv.Itoa(prev.Year)
	}
	if err := insert(ctx, tx, &p); err != nil {
		return FilePlan{}, err
	}
	if p.Source == "model" {
		items := Model().Items
		rows := make([]FilePlanItem, len(items))
		for i, it := range items {
			it.TenantID, it.Year, it.CreatedAt, it.CreatedBy = t, year, now, who
			rows[i] = it
		}
		if err := insert(ctx, tx, &rows); err != nil {
			return FilePlan{}, err
		}
	} else {
		// The copy keeps each item's origin; only its year and who made
		// this version change.
		_, err := tx.NewRaw(`INSERT INTO records_fileplan_items
			(tenant_id, year, code, section, title, permanent, retention_years, archive_years, archive_hn, after_expiry, origin, created_at, created_by)
			SELECT tenant_id, ?, code, section, title, permanent, retention_years, archive_years, archive_hn, after_expiry, origin, ?, ?
			FROM records_fileplan_items WHERE tenant_id = ? AND year = ?`, year, now, who, t, prev.Year).Exec(ctx)
		if err != nil {
			return FilePlan{}, fmt.Errorf("copy file plan %d to %d: %w", prev.Year, year, err)
		}
	}
	return p, appendAudit(ctx, tx, "records.fileplan_open", "fileplan", strconv.Itoa(year),
		map[string]any{"year": year, "source": p.Source, "automatic": by == "", "by": who}, now)
}

// planFor returns the plan of year, opening it if it does not exist yet:
// classification goes on around the clock, as registration does.
func (s *Service) planFor(ctx context.Context, tx bun.Tx, year int) (*FilePlan, error) {
	p, err := filePlan(ctx, tx, year)
	if err != nil || p != nil {
		return p, err
	}
	opened, err := s.OpenFilePlan(ctx, tx, year, "")
	if err != nil {
		return nil, err
	}
	return &opened, nil
}

// NewItem is an item a municipality adds to its plan.
type NewItem struct {
	Year               int
	Code, Title        string
	Retention, Archive string // as typed: "NS"/"5", "HN"/"15"/""
	AfterExpiry        bool
	By                 string
}

// AddItem adds an item to the plan of a year (and to the already opened
// plans of later years that lack it, so an addition made in December is
// not lost by a plan copied in November).
func (s *Service) AddItem(ctx context.Context, tx bun.Tx, n NewItem) (FilePlanItem, error) {
	code, err := ParseItemCode(n.Code)
	if err != nil {
		return FilePlanItem{}, err
	}
	title := strings.Join(strings.Fields(n.Title), " ")
	if title == "" || utf8.RuneCountInString(title) > 500 {
		return FilePlanItem{}, errItemTitle
	}
	terms, err := ParseTerms(n.Retention, n.Archive, n.AfterExpiry)
	if err != nil {
		return FilePlanItem{}, err
	}
	p, err := filePlan(ctx, tx, n.Year)
	if err != nil {
		return FilePlanItem{}, err
	}
	if p == nil {
		return FilePlanItem{}, errNoPlan(n.Year)
	}
	if old, err := fileplanItem(ctx, tx, n.Year, code); err != nil {
		return FilePlanItem{}, err
	} else if old != nil {
		return FilePlanItem{}, errItemExists(code, n.Year)
	}
	now := s.now().UTC()
	it := FilePlanItem{Year: n.Year, Code: code, Section: Model().SectionOf(code), Title: title, ItemTerms: terms,
		Origin: "local", CreatedAt: now, CreatedBy: n.By}
	if err := insert(ctx, tx, &it); err != nil {
		return FilePlanItem{}, err
	}
	var later []int
	t, _ := db.TenantFrom(ctx)
	if err := tx.NewRaw(`SELECT p.year FROM records_fileplans p WHERE p.tenant_id = ? AND p.year > ?
		AND NOT EXISTS (SELECT 1 FROM records_fileplan_items i WHERE i.tenant_id = p.tenant_id AND i.year = p.year AND i.code = ?)
		ORDER BY p.year`, t, n.Year, code).Scan(ctx, &later); err != nil {
		return FilePlanItem{}, fmt.Errorf("later file plans: %w", err)
	}
	for _, y := range later {
		cp := it
		cp.Year = y
		if err := insert(ctx, tx, &cp); err != nil {
			return FilePlanItem{}, err
		}
	}
	return it, appendAudit(ctx, tx, "records.fileplan_item_add", "fileplan_item", fmt.Sprintf("%d/%s", n.Year, code),
		map[string]any{"year": n.Year, "code": code, "title": title, "retention": terms.RetentionText(),
			"lt": terms.ArchiveText(), "after_expiry": terms.AfterExpiry, "also_in": later, "by": n.By}, now)
}

// FilePlanView is one year's plan with its items, for the page.
type FilePlanView struct {
	Year  int
	Plan  *FilePlan
	Items []FilePlanItem
	// Next is whether the next year's plan exists already.
	Next bool
}

// LoadFilePlan reads the plan of year (Plan is nil when it is not open).
func LoadFilePlan(ctx context.Context, tx bun.IDB, year int) (FilePlanView, error) {
	v := FilePlanView{Year: year}
	var err error
	if v.Plan, err = filePlan(ctx, tx, year); err != nil || v.Plan == nil {
		return v, err
	}
	if err := tx.NewSelect().Model(&v.Items).Where("year = ?", year).OrderExpr("code").Scan(ctx); err != nil {
		return v, fmt.Errorf("file plan %d: %w", year, err)
	}
	next, err := filePlan(ctx, tx, year+1)
	v.Next = next != nil
	return v, err
}

func filePlan(ctx context.Context, tx bun.IDB, year int) (*FilePlan, error) {
	var p FilePlan
	err := tx.NewSelect().Model(&p).Where("year = ?", year).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("file plan %d: %w", year, err)
	}
	return &p, nil
}

func fileplanItem(ctx context.Context, tx bun.IDB, year int, code string) (*FilePlanItem, error) {
	var it FilePlanItem
	err := tx.NewSelect().Model(&it).Where("year = ? AND code = ?", year, code).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("file plan item %d/%s: %w", year, code, err)
	}
	return &it, nil
}

// thisYear is the current year in Budapest.
func (s *Service) thisYear() int { return hu.DateOf(s.now()).Year }
