package records

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// ImportOptions steer an import.
type ImportOptions struct {
	// DryRun checks the file and writes nothing but the audit entry of
	// the check.
	DryRun bool
	// Encoding is EncodingAuto (detect), EncodingUTF8 or
	// EncodingWindows1250.
	Encoding string
	// By names who imports (the closing user of the past years' books).
	By string
	// NumberTemplate is the form the old system printed its numbers in
	// ("" = the municipality's setting); the imported volumes keep it.
	NumberTemplate NumberTemplate
	// Progress, when set, is told every few thousand rows how far the
	// check ("check") or the writing ("write") has got.
	Progress func(stage string, rows int)
}

// ImportReport is what an import found and did.
type ImportReport struct {
	SHA256    string
	Encoding  string
	Delimiter string
	// NumberForm is an example of the number form the file was read by.
	NumberForm string
	Rows       int // data rows read
	// Rejected counts the rows with at least one error; Errors lists
	// them (all of them up to MaxListedIssues), Warnings what does not
	// stop the import (gaps in the old numbering, cases across years).
	Rejected        int
	Errors          []ImportIssue
	Warnings        []ImportIssue
	ErrorsOmitted   int
	WarningsOmitted int
	Books           []ImportBook
	Cases           int
	Documents       int
	Voided          int
	Joined          int // szerelés links made
	DryRun          bool
	Imported        bool // written and to be committed with the transaction
}

// OK reports whether the file passed the check.
func (r *ImportReport) OK() bool { return len(r.Errors) == 0 && r.ErrorsOmitted == 0 }

// ImportBook is one book volume of the file.
type ImportBook struct {
	Code      string
	Year      int
	Prefix    string
	Title     string
	Cases     int
	Documents int
	MaxFoszam int64
	// Closed: a past year's volume, closed with its manifest (Manifest)
	// after the import; the current year's stays open, its counter after
	// MaxFoszam.
	Closed   bool
	Manifest string
	Existing bool // an empty volume that already existed in the database
}

// MaxListedIssues bounds each list of the report, so that a file of a
// million broken lines cannot exhaust the memory; what is left off is
// counted.
const MaxListedIssues = 100_000

// importBatch is how many cases or documents go into one INSERT.
const importBatch = 1000

type importBookKey struct {
	code string
	year int
}

type importBook struct {
	key       importBookKey
	prefix    string
	title     string
	prefixBy  int // line that set the prefix
	cases     map[int64]*importCase
	maxFoszam int64
	docs      int
	existing  *Book    // an empty volume opened ahead of the import
	conflict  *Problem // the volume exists and cannot take the import
	book      *Book    // written
	closed    bool
}

type importCase struct {
	book       *importBook
	foszam     int64
	id         uuid.UUID
	line       int // first line of the case in the file
	alszams    []int64
	subject    string // of the lowest alszám
	lowest     int64
	createdAt  time.Time
	preceding  *importCase
	precedingD *uuid.UUID // the earlier case is in the database
	precedingN string     // the predecessor as written, for messages
	mergedInto *importCase
	mergedLine int
}

type importPred struct {
	line       int
	c          *importCase
	number     string   // for messages: by the file's form if it reads so, else as written
	candidates []string // how it may be stored in the database, by the forms in use
}

type importRef struct {
	line int
	c    *importCase
}

// importer is one run of Import.
type importer struct {
	s       *Service
	ctx     context.Context
	tx      bun.Tx
	opt     ImportOptions
	tmpl    NumberTemplate   // the file's number form
	forms   []NumberTemplate // the file's and those of the municipality's books
	now     time.Time
	rep     *ImportReport
	header  *importHeader
	books   map[importBookKey]*importBook
	titles  map[string]string // code → title of its newest volume in the database
	numbers map[string]importRef
	preds   []importPred
	bad     map[int]bool // lines rejected
	// joinedDB: database cases joined to a case of the file, with the line.
	joinedDB map[uuid.UUID]int
	voided   int
}

// Import takes over the registrations of a previous records system from
// the CSV file src (docs/records-import.md) inside tx, the tenant's
// transaction (db.InTenant). Every row is checked first, against the file
// and the database; if any is rejected, or opt.DryRun is set, nothing is
// written but the audit entry of the attempt, and the report says why.
// Otherwise the books, cases and documents are written with their
// original numbers, the counters set after the highest, the earlier
// cases joined (szerelés), past years' volumes closed with a manifest —
// all in tx, so the caller's commit makes all of it or none visible.
//
// The file is read twice (check, then write) rather than held in memory:
// what stays in memory is one entry per number and one per case.
func (s *Service) Import(ctx context.Context, tx bun.Tx, src io.ReadSeeker, opt ImportOptions) (*ImportReport, error) {
	tenant, ok := db.TenantFrom(ctx)
	if !ok {
		return nil, db.ErrNoTenant
	}
	source, err := openImportSource(src, opt.Encoding)
	if err != nil {
		return nil, err
	}
	im := &importer{s: s, ctx: ctx, tx: tx, opt: opt, now: s.now(),
		rep:   &ImportReport{SHA256: source.sha256, Encoding: source.encoding, DryRun: opt.DryRun},
		books: map[importBookKey]*importBook{}, titles: map[string]string{}, numbers: map[string]importRef{}, bad: map[int]bool{}, joinedDB: map[uuid.UUID]int{}}
	if err := im.numberForms(); err != nil {
		return nil, err
	}
	if err := im.check(source); err != nil {
		return nil, err
	}
	im.summarise()
	if im.rep.OK() && !opt.DryRun {
		if err := im.write(source); err != nil {
			return nil, err
		}
		im.rep.Imported = true
	}
	// One summary entry, not one per row: the registrations were made in
	// the old system, not now; what happens now is one act, the import of
	// this file, which the SHA-256 identifies. The rows themselves are
	// covered by the closed volumes' manifests, and 100,000 entries would
	// only slow the import and swamp the chain.
	action, result := "records.import", audit.ResultOK
	if opt.DryRun {
		action = "records.import_check"
	}
	if !im.rep.OK() {
		result = audit.ResultFailed
	}
	detail := map[string]any{"sha256": im.rep.SHA256, "encoding": im.rep.Encoding, "number_form": string(im.tmpl), "rows": im.rep.Rows,
		"rejected_rows": im.rep.Rejected, "errors": len(im.rep.Errors) + im.rep.ErrorsOmitted,
		"warnings": len(im.rep.Warnings) + im.rep.WarningsOmitted}
	if im.rep.OK() {
		var books []map[string]any
		for _, b := range im.rep.Books {
			books = append(books, map[string]any{"code": b.Code, "year": b.Year, "cases": b.Cases, "documents": b.Documents,
				"max_foszam": b.MaxFoszam, "closed": b.Closed, "manifest": b.Manifest})
		}
		detail["books"] = books
		detail["cases"], detail["documents"], detail["voided"], detail["joined"] = im.rep.Cases, im.rep.Documents, im.rep.Voided, im.rep.Joined
	}
	_, err = audit.Append(ctx, tx, tenant, audit.Event{Action: action, ObjectType: "import", ObjectID: im.rep.SHA256, Result: result, Detail: detail}, im.now)
	if err != nil {
		return nil, err
	}
	return im.rep, nil
}

// numberForms settles the form the file's numbers are read by and reads
// the forms the municipality's books use, in which a predecessor may be
// written.
func (im *importer) numberForms() error {
	im.tmpl = NumberTemplate(strings.TrimSpace(string(im.opt.NumberTemplate)))
	if im.tmpl == "" {
		st, _, err := settings(im.ctx, im.tx)
		if err != nil {
			return err
		}
		im.tmpl = st.NumberTemplate
	}
	var used []NumberTemplate
	if err := im.tx.NewSelect().Model((*Book)(nil)).ColumnExpr("DISTINCT number_template").Scan(im.ctx, &used); err != nil {
		return fmt.Errorf("import: number templates: %w", err)
	}
	im.forms = []NumberTemplate{im.tmpl.orDefault()}
	for _, t := range used {
		if !slices.Contains(im.forms, t.orDefault()) {
			im.forms = append(im.forms, t.orDefault())
		}
	}
	return nil
}

func (im *importer) reject(i ImportIssue) {
	if i.Line > 1 && !im.bad[i.Line] {
		im.bad[i.Line] = true
		im.rep.Rejected++
	}
	if len(im.rep.Errors) >= MaxListedIssues {
		im.rep.ErrorsOmitted++
		return
	}
	im.rep.Errors = append(im.rep.Errors, i)
}

func (im *importer) warn(i ImportIssue) {
	if len(im.rep.Warnings) >= MaxListedIssues {
		im.rep.WarningsOmitted++
		return
	}
	im.rep.Warnings = append(im.rep.Warnings, i)
}

func (im *importer) progress(stage string, rows int) error {
	if rows%5000 != 0 {
		return nil
	}
	if im.opt.Progress != nil {
		im.opt.Progress(stage, rows)
	}
	return im.ctx.Err()
}

// check reads the file and checks every row: its fields, then against
// the rows before it, then — after the last — against the database.
func (im *importer) check(source *importSource) error {
	if err := CheckTemplate(im.tmpl.orDefault()); err != nil {
		p, ok := err.(*Problem)
		if !ok {
			return err
		}
		im.reject(issue(0, "", p))
		return nil
	}
	im.rep.NumberForm = im.tmpl.Example()
	r, comma, _, _, err := source.open()
	if err != nil {
		return err
	}
	im.rep.Delimiter = string(comma)
	rec, err := r.Read()
	if err == io.EOF {
		im.reject(issue(0, "", problem("empty_file", "", "A fájl üres.", "The file is empty.")))
		return nil
	}
	if err != nil {
		im.reject(csvIssue(err, len(rec), 0))
		return nil
	}
	var issues []ImportIssue
	im.header, issues = readImportHeader(rec)
	if len(issues) > 0 {
		// Rows under a header that cannot be read cannot be read either.
		for _, i := range issues {
			im.reject(i)
		}
		return nil
	}
	want := len(im.header.names)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		im.rep.Rows++
		if err := im.progress("check", im.rep.Rows); err != nil {
			return err
		}
		if err != nil {
			im.reject(csvIssue(err, len(rec), want))
			continue
		}
		line, _ := r.FieldPos(0)
		row, issues := parseImportRow(im.header, im.tmpl, rec, line, im.now)
		for _, i := range issues {
			im.reject(i)
		}
		if err := im.take(row); err != nil {
			return err
		}
	}
	if im.rep.Rows == 0 {
		im.reject(issue(0, "", problem("no_rows", "", "A fájlban a fejlécen kívül nincs sor.", "The file has no rows below the header.")))
		return nil
	}
	if err := im.checkExisting(); err != nil {
		return err
	}
	if err := im.checkPredecessors(); err != nil {
		return err
	}
	im.findGaps()
	sort.SliceStable(im.rep.Errors, func(i, j int) bool { return im.rep.Errors[i].Line < im.rep.Errors[j].Line })
	return nil
}

// take adds a row to the books and cases, checking it against the rows
// before it. A row whose number or book cannot be read stays out (it is
// rejected already); one with other errors goes in, so the rows after it
// are checked against it too.
func (im *importer) take(row importRow) error {
	if !row.numberOK || row.book == "" {
		return nil
	}
	numCol := im.header.name(fNumber)
	b, err := im.book(importBookKey{row.book, row.number.Year}, row)
	if err != nil {
		return err
	}
	if b.conflict != nil {
		im.reject(issue(row.line, im.header.name(fBook), b.conflict))
		return nil
	}
	if row.number.Prefix != b.prefix {
		im.reject(issue(row.line, numCol, problem("prefix_mismatch", "", "A(z) %s iktatókönyv %d. évi számainak előtagja „%s” (%d. sor), ennek a számnak „%s”. Egy kötet számainak ugyanaz az előtagja.",
			"Numbers of book %s of %d have the prefix %q (line %d), this one %q. All numbers of a volume share one prefix.", b.key.code, b.key.year, b.prefix, b.prefixBy, row.number.Prefix)))
		return nil
	}
	canon := row.canon
	if first, dup := im.numbers[canon]; dup {
		im.reject(issue(row.line, numCol, problem("duplicate_number", "", "A(z) %s iktatószám már szerepel a(z) %d. sorban.", "Number %s already appears in line %d.", canon, first.line)))
		return nil
	}
	c := b.cases[row.number.Foszam]
	if c == nil {
		c = &importCase{book: b, foszam: row.number.Foszam, line: row.line}
		b.cases[row.number.Foszam] = c
		b.maxFoszam = max(b.maxFoszam, row.number.Foszam)
	}
	c.alszams = append(c.alszams, row.number.Alszam)
	if c.lowest == 0 || row.number.Alszam < c.lowest {
		c.lowest, c.subject, c.createdAt = row.number.Alszam, strings.Clone(row.subject), row.at
	}
	b.docs++
	if row.voided {
		im.voided++
	}
	im.numbers[canon] = importRef{line: row.line, c: c}
	if row.predecessor != "" {
		if err := im.predecessor(row, c); err != nil {
			return err
		}
	}
	if row.atOK {
		if y := hu.DateOf(row.at).Year; y > row.number.Year {
			im.warn(issue(row.line, im.header.name(fRegisteredAt), problem("across_years", "",
				"A(z) %s irat %d-ben került a %d. évi ügyiratba (évek között átnyúló ügy, Iratkr. 41. § (4)).",
				"Document %s joined its %[3]d case in %[2]d (a case across years, Iratkr. 41. § (4)).", canon, y, row.number.Year)))
		}
	}
	return nil
}

// predecessor reads a row's előzmény: by the file's form, or by any form
// the municipality's books use (it may be registered here already).
func (im *importer) predecessor(row importRow, c *importCase) error {
	p := importPred{line: row.line, c: c, number: cleanForMessage(row.predecessor)}
	if n, err := im.tmpl.Parse(row.predecessor); err == nil {
		p.number = im.tmpl.Format(n)
	}
	var examples []string
	for _, t := range im.forms {
		if n, err := t.Parse(row.predecessor); err == nil {
			p.candidates = append(p.candidates, t.Format(n))
		}
		examples = append(examples, t.Example())
	}
	if len(p.candidates) == 0 {
		ex := strings.Join(examples, ", ")
		im.reject(issue(row.line, im.header.name(fPredecessor), problem("bad_predecessor", "", "Az előzmény („%s”) nem iktatószám. A helyes alak: %s, előtaggal vagy anélkül (ELŐTAG/…).",
			"The predecessor %q is not an iktatószám of the form %s, with or without a prefix (PREFIX/…).", p.number, ex)))
		return nil
	}
	im.preds = append(im.preds, p)
	return nil
}

// book returns the volume a row belongs to, reading on first sight
// whether it exists already. An existing volume can take the import only
// while it is open and empty (a book opened ahead of the import); it then
// takes the file's prefix and number form, since the old numbers are
// fixed and it holds no other. Anything else would mix old numbers into a
// running book.
func (im *importer) book(key importBookKey, row importRow) (*importBook, error) {
	if b := im.books[key]; b != nil {
		return b, nil
	}
	b := &importBook{key: key, prefix: row.number.Prefix, prefixBy: row.line, cases: map[int64]*importCase{}, title: strings.Clone(row.bookTitle)}
	im.books[key] = b
	ex, err := bookByCode(im.ctx, im.tx, key.code, key.year)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		var used bool
		err := im.tx.NewRaw("SELECT EXISTS (SELECT 1 FROM records_cases WHERE tenant_id = ? AND book_id = ?)", ex.TenantID, ex.ID).Scan(im.ctx, &used)
		if err != nil {
			return nil, fmt.Errorf("import: book %s/%d: %w", key.code, key.year, err)
		}
		switch {
		case ex.Status != "open" || used:
			b.conflict = problem("book_exists", "", "A(z) %s iktatókönyv %d. évi kötete már létezik és van benne irat (vagy le van zárva); régi adat csak új vagy üres kötetbe vehető át.",
				"The %[1]s volume of %[2]d exists already with registrations in it (or closed); old data can be imported only into a new or empty volume.", key.code, key.year)
		default:
			b.existing = ex
			if b.title == "" {
				b.title = ex.Title
			}
		}
	}
	if b.title == "" {
		if _, seen := im.titles[key.code]; !seen {
			latest, err := latestBook(im.ctx, im.tx, key.code)
			if err != nil {
				return nil, err
			}
			im.titles[key.code] = ""
			if latest != nil {
				im.titles[key.code] = latest.Title
			}
		}
		b.title = im.titles[key.code]
	}
	if b.title == "" {
		b.title = key.code
	}
	return b, nil
}

// checkExisting rejects the rows whose number the municipality has used
// already (in another volume that prints the same way).
func (im *importer) checkExisting() error {
	numbers := make([]string, 0, len(im.numbers))
	for n := range im.numbers {
		numbers = append(numbers, n)
	}
	sort.Strings(numbers)
	tenant, _ := db.TenantFrom(im.ctx)
	for chunk := range slices.Chunk(numbers, importBatch) {
		var found []string
		err := im.tx.NewRaw("SELECT number FROM records_documents WHERE tenant_id = ? AND number IN (?)", tenant, bun.In(chunk)).Scan(im.ctx, &found)
		if err != nil {
			return fmt.Errorf("import: existing numbers: %w", err)
		}
		for _, n := range found {
			im.reject(issue(im.numbers[n].line, im.header.name(fNumber), problem("number_exists", "", "A(z) %s iktatószám már foglalt ennél az önkormányzatnál.", "Number %s is already used by this municipality.", n)))
		}
	}
	return nil
}

// checkPredecessors resolves the előzmény of each row: a document of an
// earlier year, in the file or in the database, whose case is joined
// (szerelés) to the row's case for good (Iratkr. 50. § (3)). A same-year
// follow-up is the same case, so its predecessor must be of that case.
func (im *importer) checkPredecessors() error {
	col := im.header.name(fPredecessor)
	var inDB []importPred
	for _, p := range im.preds {
		ref, ok := im.numbers[p.number]
		if !ok {
			inDB = append(inDB, p)
			continue
		}
		im.link(p, col, ref.c, nil, ref.c.book.key.year)
	}
	// Look the rest up in the database, a chunk at a time.
	tenant, _ := db.TenantFrom(im.ctx)
	for chunk := range slices.Chunk(inDB, importBatch) {
		var numbers []string
		for _, p := range chunk {
			numbers = append(numbers, p.candidates...)
		}
		var rows []struct {
			Number     string     `bun:"number"`
			CaseID     uuid.UUID  `bun:"case_id"`
			MergedInto *uuid.UUID `bun:"merged_into"`
			Year       int        `bun:"year"`
		}
		err := im.tx.NewRaw(`SELECT d.number, c.id AS case_id, c.merged_into, b.year
			FROM records_documents d
			JOIN records_cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id
			JOIN records_books b ON b.tenant_id = c.tenant_id AND b.id = c.book_id
			WHERE d.tenant_id = ? AND d.number IN (?)`, tenant, bun.In(numbers)).Scan(im.ctx, &rows)
		if err != nil {
			return fmt.Errorf("import: predecessors: %w", err)
		}
		type dbCase struct {
			id     uuid.UUID
			merged bool
			year   int
		}
		found := map[string]dbCase{}
		for _, r := range rows {
			found[r.Number] = dbCase{r.CaseID, r.MergedInto != nil, r.Year}
		}
		for _, p := range chunk {
			var dc dbCase
			ok := false
			for _, n := range p.candidates {
				if dc, ok = found[n]; ok {
					break
				}
			}
			if !ok {
				im.reject(issue(p.line, col, problem("unknown_predecessor", "", "A(z) %s előzmény sem a fájlban, sem ennél az önkormányzatnál nem szerepel.", "Predecessor %s is neither in the file nor registered with this municipality.", p.number)))
				continue
			}
			if dc.merged {
				im.reject(issue(p.line, col, problem("predecessor_joined", "", "A(z) %s előzmény ügyirata már egy másik ügyirathoz van szerelve.", "The case of predecessor %s is already joined to another case.", p.number)))
				continue
			}
			id := dc.id
			im.link(p, col, nil, &id, dc.year)
		}
	}
	return nil
}

// link joins the predecessor's case (in the file: pc; in the database:
// id) to the row's case.
func (im *importer) link(p importPred, col string, pc *importCase, id *uuid.UUID, year int) {
	c := p.c
	if pc == c {
		return // the previous alszám of the same case: nothing to join
	}
	if year >= c.book.key.year {
		im.reject(issue(p.line, col, problem("predecessor_same_year", "", "A(z) %s előzmény nem korábbi évi. Az idei előzmény ugyanannak az ügyiratnak egy alszáma; szerelni csak korábbi évi ügyiratot lehet (Iratkr. 50. §).",
			"Predecessor %s is not of an earlier year. A same-year predecessor is an alszám of the same case; only an earlier year's case is joined (Iratkr. 50. §).", p.number)))
		return
	}
	same := (pc != nil && c.preceding == pc) || (id != nil && c.precedingD != nil && *c.precedingD == *id)
	if same {
		return // another document of the case names the same predecessor
	}
	if c.preceding != nil || c.precedingD != nil {
		im.reject(issue(p.line, col, problem("predecessor_conflict", "", "Az ügyirat már egy másik előzményhez (%s) kapcsolódik; egy ügyiratnak egy előzmény ügyirata lehet.",
			"The case already follows another predecessor (%s); a case has one preceding case.", c.precedingN)))
		return
	}
	if pc != nil && pc.mergedInto != nil {
		im.reject(issue(p.line, col, problem("predecessor_joined", "", "A(z) %s előzmény ügyiratát már a(z) %d. sor ügyiratához szereltük.", "The case of predecessor %s is already joined to the case of line %d.", p.number, pc.mergedLine)))
		return
	}
	if id != nil {
		// Two cases of the file may not both join the same database case.
		if line, taken := im.joinedDB[*id]; taken {
			im.reject(issue(p.line, col, problem("predecessor_joined", "", "A(z) %s előzmény ügyiratát már a(z) %d. sor ügyiratához szereltük.", "The case of predecessor %s is already joined to the case of line %d.", p.number, line)))
			return
		}
	}
	c.precedingN = p.number
	if pc != nil {
		c.preceding, pc.mergedInto, pc.mergedLine = pc, c, p.line
	} else {
		c.precedingD = id
		im.joinedDB[*id] = p.line
	}
}

// findGaps reports main numbers missing from a volume and sub-numbers
// missing from a case: the old system may have lost voided entries, so
// they are warnings, listed for the records manager to account for.
func (im *importer) findGaps() {
	col := im.header.name(fNumber)
	for _, b := range im.sortedBooks() {
		foszams := make([]int64, 0, len(b.cases))
		for f := range b.cases {
			foszams = append(foszams, f)
		}
		slices.Sort(foszams)
		if r, n := missing(foszams); n > 0 {
			im.warn(issue(0, col, problem("gap_foszam", "", "A(z) %s iktatókönyv %d. évi kötetéből hiányzó főszámok (%d db): %s.",
				"Main numbers missing from book %s of %d (%d): %s.", b.key.code, b.key.year, n, r)))
		}
		for _, f := range foszams {
			c := b.cases[f]
			slices.Sort(c.alszams)
			if r, n := missing(c.alszams); n > 0 {
				im.warn(issue(c.line, col, problem("gap_alszam", "", "A(z) %s iktatókönyv %d. évi %d. főszámú ügyiratából hiányzó alszámok (%d db): %s.",
					"Sub-numbers missing from case %[3]d of book %[1]s of %[2]d (%[4]d): %[5]s.", b.key.code, b.key.year, f, n, r)))
			}
		}
	}
}

// missing lists the numbers from 1 to the highest of sorted that are not
// in it, as ranges ("3, 7–9"), at most 50 ranges, and counts them.
func missing(sorted []int64) (string, int64) {
	var parts []string
	var count int64
	next := int64(1)
	for _, v := range sorted {
		if v > next {
			count += v - next
			if len(parts) < 50 {
				if v-1 == next {
					parts = append(parts, strconv.FormatInt(next, 10))
				} else {
					parts = append(parts, fmt.Sprintf("%d–%d", next, v-1))
				}
			} else if len(parts) == 50 {
				parts = append(parts, "…")
			}
		}
		next = max(next, v+1)
	}
	return strings.Join(parts, ", "), count
}

func (im *importer) sortedBooks() []*importBook {
	bs := make([]*importBook, 0, len(im.books))
	for _, b := range im.books {
		bs = append(bs, b)
	}
	sort.Slice(bs, func(i, j int) bool {
		if bs[i].key.code != bs[j].key.code {
			return bs[i].key.code < bs[j].key.code
		}
		return bs[i].key.year < bs[j].key.year
	})
	return bs
}

// summarise fills the report's plan: what is (or would be) written.
func (im *importer) summarise() {
	year := hu.DateOf(im.now).Year
	im.rep.Books, im.rep.Cases, im.rep.Documents, im.rep.Joined, im.rep.Voided = nil, 0, 0, 0, im.voided
	for _, b := range im.sortedBooks() {
		if b.conflict != nil {
			continue
		}
		b.closed = b.key.year < year
		im.rep.Books = append(im.rep.Books, ImportBook{Code: b.key.code, Year: b.key.year, Prefix: b.prefix, Title: b.title,
			Cases: len(b.cases), Documents: b.docs, MaxFoszam: b.maxFoszam, Closed: b.closed, Existing: b.existing != nil})
		im.rep.Cases += len(b.cases)
		im.rep.Documents += b.docs
		for _, c := range b.cases {
			if c.preceding != nil || c.precedingD != nil {
				im.rep.Joined++
			}
		}
	}
}

// write stores what check accepted: volumes, cases, then the documents on
// a second reading of the file, then the closures.
func (im *importer) write(source *importSource) error {
	ctx, tx := im.ctx, im.tx
	books := im.sortedBooks()
	for _, b := range books {
		if b.existing != nil {
			// The empty volume's counter moves past the imported numbers;
			// the condition fails if a registration slipped in since the
			// check.
			res, err := tx.NewRaw(`UPDATE records_books SET next_foszam = ?, title = ?, prefix = ?, number_template = ?
				WHERE tenant_id = ? AND id = ? AND status = 'open' AND next_foszam = 1`,
				b.maxFoszam+1, b.title, b.prefix, im.tmpl, b.existing.TenantID, b.existing.ID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("import: book %s/%d: %w", b.key.code, b.key.year, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("import: book %s/%d was used while the file was checked", b.key.code, b.key.year)
			}
			b.book = b.existing
			b.book.NextFoszam, b.book.Title, b.book.Prefix, b.book.NumberTemplate = b.maxFoszam+1, b.title, b.prefix, im.tmpl
			continue
		}
		b.book = &Book{ID: uuid.Must(uuid.NewV7()), Code: b.key.code, Year: b.key.year, Title: b.title, Prefix: b.prefix,
			Status: "open", NextFoszam: b.maxFoszam + 1, CreatedAt: im.now.UTC(), NumberTemplate: im.tmpl}
		if err := insert(ctx, tx, b.book); err != nil {
			return fmt.Errorf("import: book %s/%d: %w", b.key.code, b.key.year, err)
		}
	}
	// Every case's id first, so that joined cases can name each other.
	var all []*importCase
	for _, b := range books {
		start := len(all)
		for _, c := range b.cases {
			c.id = uuid.Must(uuid.NewV7())
			all = append(all, c)
		}
		part := all[start:]
		sort.Slice(part, func(i, j int) bool { return part[i].foszam < part[j].foszam })
	}
	for chunk := range slices.Chunk(all, importBatch) {
		cases := make([]Case, len(chunk))
		for i, c := range chunk {
			cases[i] = Case{ID: c.id, BookID: c.book.book.ID, Foszam: c.foszam, Subject: c.subject,
				NextAlszam: slices.Max(c.alszams) + 1, CreatedAt: c.createdAt.UTC()}
			if c.preceding != nil {
				cases[i].PrecedingCase = &c.preceding.id
			}
			if c.precedingD != nil {
				cases[i].PrecedingCase = c.precedingD
			}
			if c.mergedInto != nil {
				cases[i].MergedInto = &c.mergedInto.id
			}
		}
		if err := insert(ctx, tx, &cases); err != nil {
			return fmt.Errorf("import: cases: %w", err)
		}
	}
	tenant, _ := db.TenantFrom(ctx)
	for _, c := range all {
		if c.precedingD == nil {
			continue
		}
		// szerelés of a case already in the database.
		res, err := tx.NewRaw("UPDATE records_cases SET merged_into = ? WHERE tenant_id = ? AND id = ? AND merged_into IS NULL", c.id, tenant, *c.precedingD).Exec(ctx)
		if err != nil {
			return fmt.Errorf("import: join case %s: %w", *c.precedingD, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("import: case %s was joined elsewhere while the file was checked", *c.precedingD)
		}
	}
	if err := im.writeDocuments(source); err != nil {
		return err
	}
	// Past years' volumes are closed as at year end, with the manifest
	// that later shows any change (closure.go); the current year's stays
	// open and goes on after the highest number.
	for _, b := range books {
		if !b.closed {
			continue
		}
		m, err := manifest(ctx, tx, b.book)
		if err != nil {
			return err
		}
		now := im.now.UTC()
		bk := b.book
		bk.Status, bk.ClosedAt, bk.ClosureEntries, bk.ClosureHash, bk.ClosedBy = "closed", &now, m.Entries, m.Hash, im.opt.By
		if _, err := tx.NewUpdate().Model(bk).Column("status", "closed_at", "closure_entries", "closure_hash", "closed_by").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("import: close %s/%d: %w", bk.Code, bk.Year, err)
		}
	}
	for i := range im.rep.Books {
		rb := &im.rep.Books[i]
		b := im.books[importBookKey{rb.Code, rb.Year}]
		if b.closed {
			rb.Manifest = b.book.ClosureHash
		}
	}
	return nil
}

// writeDocuments reads the file a second time and inserts its documents
// a batch at a time. The file must be the one checked: a row that fails
// now, or a different SHA-256 at the end, aborts the import.
func (im *importer) writeDocuments(source *importSource) error {
	r, _, h, raw, err := source.open()
	if err != nil {
		return err
	}
	changed := fmt.Errorf("import: the file changed while it was imported")
	if _, err := r.Read(); err != nil {
		return changed
	}
	batch := make([]Document, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := insert(im.ctx, im.tx, &batch); err != nil {
			return fmt.Errorf("import: documents: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return changed
		}
		rows++
		if err := im.progress("write", rows); err != nil {
			return err
		}
		line, _ := r.FieldPos(0)
		row, issues := parseImportRow(im.header, im.tmpl, rec, line, im.now)
		if len(issues) > 0 || !row.numberOK {
			return changed
		}
		b := im.books[importBookKey{row.book, row.number.Year}]
		if b == nil || b.cases[row.number.Foszam] == nil {
			return changed
		}
		d := Document{ID: uuid.Must(uuid.NewV7()), CaseID: b.cases[row.number.Foszam].id, Alszam: row.number.Alszam,
			Number: row.canon, Direction: row.direction, Subject: row.subject, Partner: row.partner,
			ExternalRef: row.externalRef, RegisteredAt: row.at.UTC(), RegisteredBy: row.by}
		if row.voided {
			at := row.voidedAt.UTC()
			d.VoidedAt, d.VoidReason = &at, row.voidReason
		}
		batch = append(batch, d)
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, raw); err != nil {
		return fmt.Errorf("import: read: %w", err)
	}
	if rows != im.rep.Rows || fmt.Sprintf("%x", h.Sum(nil)) != source.sha256 {
		return changed
	}
	return nil
}

// WriteImportReport writes the report's findings as CSV (UTF-8 with a
// byte-order mark and ';', as Hungarian spreadsheets open it): one line
// per error and warning.
func WriteImportReport(w io.Writer, rep *ImportReport) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{"sor", "oszlop", "sulyossag", "kod", "uzenet", "message"})
	for _, list := range []struct {
		kind   string
		issues []ImportIssue
	}{{"hiba", rep.Errors}, {"figyelmeztetes", rep.Warnings}} {
		for _, i := range list.issues {
			cw.Write([]string{strconv.Itoa(i.Line), spreadsheetSafe(i.Column), list.kind, i.Code, spreadsheetSafe(i.HU), spreadsheetSafe(i.EN)})
		}
	}
	if rep.ErrorsOmitted > 0 || rep.WarningsOmitted > 0 {
		cw.Write([]string{"0", "", "hiba", "omitted", fmt.Sprintf("További %d hiba és %d figyelmeztetés nincs felsorolva.", rep.ErrorsOmitted, rep.WarningsOmitted),
			fmt.Sprintf("%d further errors and %d warnings are not listed.", rep.ErrorsOmitted, rep.WarningsOmitted)})
	}
	cw.Flush()
	return cw.Error()
}

// spreadsheetSafe keeps a cell quoted from the uploaded file from being
// taken for a formula by a spreadsheet.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
