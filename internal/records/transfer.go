package records

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Archive transfer (levéltárba adás, domain brief §2.11; Ltv. 12. §;
// Iratkr. 65. §): the permanent (NS) cases of a complete, closed year
// whose item names an Lt. period go to the public archive. The package is
// a BagIt bag: data/transfer.json (the item list), one metadata file per
// case under data/cases/, the documents' files under data/files/, and
// SHA-256 manifests. The cases are marked transferred.

// ContentSource gives the file contents of a case's documents for a
// transfer package. The attachment store implements it; MetadataOnly
// stands in while the service keeps no files, and the package says so.
type ContentSource interface {
	CaseContents(ctx context.Context, tx bun.Tx, caseID uuid.UUID) ([]ContentFile, error)
}

// ContentFile is one file of a document.
type ContentFile struct {
	DocumentID uuid.UUID
	Name       string
	Open       func() (io.ReadCloser, error)
}

// MetadataOnly is the ContentSource of a service that keeps no file
// contents: packages carry the metadata, and bag-info.txt says
// "ASP-Contents: metadata-only".
type MetadataOnly struct{}

// CaseContents implements ContentSource.
func (MetadataOnly) CaseContents(context.Context, bun.Tx, uuid.UUID) ([]ContentFile, error) {
	return nil, nil
}

// Organisation is who hands the records over: the municipality.
type Organisation struct {
	KSH  string
	Name string
}

// Transfer is one hand-over of a year's permanent cases.
type Transfer struct {
	bun.BaseModel `bun:"table:records_transfers"`
	db.TenantScoped

	ID    uuid.UUID `bun:"id,pk,type:uuid"`
	Year  int       `bun:"year"`
	Cases int64     `bun:"cases"`
	// Contents is "metadata-only" or "files".
	Contents       string    `bun:"contents"`
	PayloadOxum    string    `bun:"payload_oxum"`
	ManifestSHA256 string    `bun:"manifest_sha256"`
	CreatedAt      time.Time `bun:"created_at"`
	CreatedBy      string    `bun:"created_by"`
}

// BagName names the package: IRAT-<KSH>-<year>-<date of transfer>.
func (t Transfer) BagName() string {
	return fmt.Sprintf("IRAT-%s-%d-%s", t.TenantID, t.Year, strings.ReplaceAll(hu.DateOf(t.CreatedAt).String(), "-", ""))
}

const caseFormat = "asp-records-case-v1"

// TransferCandidates lists a year's permanent cases that go to the archive
// and are not handed over yet: those closed (ready) and those still open
// (withheld, to be listed separately, Iratkr. 65. § (1)).
func (s *Service) TransferCandidates(ctx context.Context, tx bun.IDB, year int) (ready, withheld []fileRow, err error) {
	rows, err := fileRows(ctx, tx, "b.year = ? AND i.permanent AND i.archive_years > 0 AND c.transfer_id IS NULL AND c.status IN ('open', 'closed', 'archived')", year)
	if err != nil {
		return nil, nil, err
	}
	sortForList(rows)
	for _, r := range rows {
		if r.Status == CaseOpen {
			withheld = append(withheld, r)
		} else {
			ready = append(ready, r)
		}
	}
	return ready, withheld, nil
}

// CreateTransfer hands over a year's closed permanent cases: it marks them
// (and the cases joined to them) transferred and writes the package to w.
// Only a complete year whose books are closed can go (Iratkr. 65. § (1)).
func (s *Service) CreateTransfer(ctx context.Context, tx bun.Tx, year int, org Organisation, by string, w BagWriter) (Transfer, error) {
	if year < 1990 || year >= s.thisYear() {
		return Transfer{}, errTransferYear(year)
	}
	if s.Contents == nil {
		return Transfer{}, errNoContents
	}
	var open []string
	if err := tx.NewSelect().Model((*Book)(nil)).Column("code").Where("year = ? AND status = 'open'", year).OrderExpr("code").Scan(ctx, &open); err != nil {
		return Transfer{}, fmt.Errorf("books of %d: %w", year, err)
	}
	if len(open) > 0 {
		return Transfer{}, errTransferBookOpen(strings.Join(open, ", "), year)
	}
	ready, withheld, err := s.TransferCandidates(ctx, tx, year)
	if err != nil {
		return Transfer{}, err
	}
	if len(ready) == 0 {
		return Transfer{}, errNothingToTransfer(year)
	}
	// Whole seconds: the stamp is read back from either database the same.
	now := s.now().UTC().Truncate(time.Second)
	contents := "files"
	if _, ok := s.Contents.(MetadataOnly); ok {
		contents = "metadata-only"
	}
	t := Transfer{ID: uuid.Must(uuid.NewV7()), Year: year, Cases: int64(len(ready)), Contents: contents, CreatedAt: now, CreatedBy: by}
	if err := insert(ctx, tx, &t); err != nil {
		return Transfer{}, err
	}
	var numbers, kept []string
	for _, r := range ready {
		group, err := joinedCases(ctx, tx, r.ID)
		if err != nil {
			return Transfer{}, err
		}
		group = append(group, r.ID)
		if _, err := tx.NewUpdate().Model((*Case)(nil)).Set("status = ?", CaseTransferred).Set("transferred_at = ?", now).
			Set("transfer_id = ?", t.ID).Where("id IN (?)", bun.In(group)).Exec(ctx); err != nil {
			return Transfer{}, fmt.Errorf("mark transferred: %w", err)
		}
		numbers = append(numbers, r.number())
	}
	for _, r := range withheld {
		kept = append(kept, r.number())
	}
	m, err := s.buildBag(ctx, tx, t.ID, org, w)
	if err != nil {
		return Transfer{}, err
	}
	t.PayloadOxum, t.ManifestSHA256 = m.oxum, m.manifest
	if _, err := tx.NewUpdate().Model(&t).Column("payload_oxum", "manifest_sha256").WherePK().Exec(ctx); err != nil {
		return Transfer{}, fmt.Errorf("transfer %s: %w", t.ID, err)
	}
	return t, appendAudit(ctx, tx, "records.transfer", "transfer", t.ID.String(), map[string]any{
		"year": year, "cases": numbers, "withheld": kept, "contents": contents, "payload_oxum": m.oxum,
		"manifest_sha256": m.manifest, "by": by}, now)
}

// WriteTransferPackage writes the package of an earlier transfer again
// and checks it is the one handed over (same payload manifest). Reading
// the cases' data is logged.
func (s *Service) WriteTransferPackage(ctx context.Context, tx bun.Tx, id uuid.UUID, org Organisation, by string, w BagWriter) (Transfer, error) {
	t, err := transferByID(ctx, tx, id)
	if err != nil {
		return Transfer{}, err
	}
	if s.Contents == nil {
		return Transfer{}, errNoContents
	}
	m, err := s.buildBag(ctx, tx, t.ID, org, w)
	if err != nil {
		return Transfer{}, err
	}
	if m.manifest != t.ManifestSHA256 {
		return Transfer{}, errPackageChanged(t.ManifestSHA256, m.manifest)
	}
	return *t, appendAudit(ctx, tx, "records.transfer_package", "transfer", t.ID.String(),
		map[string]any{"year": t.Year, "manifest_sha256": m.manifest, "by": by}, s.now())
}

type bagSums struct{ oxum, manifest string }

// The package's metadata records. Times are RFC 3339 in UTC.
type (
	transferList struct {
		Format       string         `json:"format"`
		Municipality orgRecord      `json:"municipality"`
		Year         int            `json:"year"`
		Transfer     string         `json:"transfer"`
		CreatedAt    string         `json:"created_at"`
		Contents     string         `json:"contents"`
		Cases        []listedRecord `json:"cases"`
	}
	orgRecord struct {
		KSH  string `json:"ksh_code"`
		Name string `json:"name"`
	}
	listedRecord struct {
		Number   string `json:"number"`
		Subject  string `json:"subject"`
		Item     string `json:"fileplan_code"`
		Metadata string `json:"metadata"`
	}
	caseRecord struct {
		Format       string       `json:"format"`
		Municipality orgRecord    `json:"municipality"`
		ID           string       `json:"id"`
		Number       string       `json:"number"`
		Book         bookRecord   `json:"book"`
		Subject      string       `json:"subject"`
		CreatedAt    string       `json:"created_at"`
		FilePlan     *itemRecord  `json:"fileplan,omitempty"`
		ExpiresOn    string       `json:"expires_on,omitempty"`
		Status       string       `json:"status"`
		ClosedAt     string       `json:"closed_at,omitempty"`
		ClosedBy     string       `json:"closed_by,omitempty"`
		ArchivedAt   string       `json:"archived_at,omitempty"`
		ArchivedAs   string       `json:"archive_location,omitempty"`
		Transferred  string       `json:"transferred_at,omitempty"`
		Preceding    string       `json:"preceding_case,omitempty"`
		Documents    []docRecord  `json:"documents"`
		Joined       []caseRecord `json:"joined_cases,omitempty"`
	}
	bookRecord struct {
		Code   string `json:"code"`
		Year   int    `json:"year"`
		Prefix string `json:"prefix,omitempty"`
	}
	itemRecord struct {
		Code        string `json:"code"`
		PlanYear    int    `json:"plan_year"`
		Title       string `json:"title"`
		Retention   string `json:"retention"`
		Lt          string `json:"lt"`
		AfterExpiry bool   `json:"after_expiry"`
	}
	docRecord struct {
		ID           string       `json:"id"`
		Number       string       `json:"number"`
		Alszam       int64        `json:"alszam"`
		Direction    string       `json:"direction"`
		Subject      string       `json:"subject"`
		Partner      string       `json:"partner,omitempty"`
		ExternalRef  string       `json:"external_ref,omitempty"`
		RegisteredAt string       `json:"registered_at"`
		RegisteredBy string       `json:"registered_by"`
		VoidedAt     string       `json:"voided_at,omitempty"`
		VoidReason   string       `json:"void_reason,omitempty"`
		Files        []fileRecord `json:"files,omitempty"`
	}
	fileRecord struct {
		Name   string `json:"name"`
		Path   string `json:"path"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
)

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// buildBag writes the package of a transfer from what is stored.
func (s *Service) buildBag(ctx context.Context, tx bun.Tx, id uuid.UUID, org Organisation, w BagWriter) (bagSums, error) {
	t, err := transferByID(ctx, tx, id)
	if err != nil {
		return bagSums{}, err
	}
	if org.KSH == "" {
		org.KSH = string(t.TenantID)
	}
	if org.Name == "" {
		org.Name = org.KSH
	}
	orgRec := orgRecord{KSH: org.KSH, Name: org.Name}
	rows, err := fileRows(ctx, tx, "c.transfer_id = ?", t.ID)
	if err != nil {
		return bagSums{}, err
	}
	sortForList(rows)
	bag := newBag(w)
	list := transferList{Format: "asp-records-transfer-v1", Municipality: orgRec, Year: t.Year, Transfer: t.ID.String(),
		CreatedAt: stamp(&t.CreatedAt), Contents: t.Contents, Cases: []listedRecord{}}
	dirs := map[string]bool{}
	for _, r := range rows {
		dir := fmt.Sprintf("%s-%d-%06d", safeCode(r.BookCode), r.BookYear, r.Foszam)
		if dirs[dir] {
			dir += "-" + r.ID.String()[:8]
		}
		dirs[dir] = true
		rec, err := s.caseRecord(ctx, tx, r.ID, orgRec, dir, bag)
		if err != nil {
			return bagSums{}, err
		}
		meta := "cases/" + dir + ".json"
		if err := addJSON(bag, meta, rec); err != nil {
			return bagSums{}, err
		}
		list.Cases = append(list.Cases, listedRecord{Number: r.number(), Subject: r.Subject, Item: r.FilePlanCode, Metadata: "data/" + meta})
	}
	if err := addJSON(bag, "transfer.json", list); err != nil {
		return bagSums{}, err
	}
	manifest, err := bag.finish([]bagField{
		{"Source-Organization", org.Name},
		{"External-Description", fmt.Sprintf("Levéltárba adás: %s (KSH %s) %d. évi maradandó értékű (NS) ügyiratai, %d ügyirat. Metadata: data/transfer.json és data/cases/*.json (%s).", org.Name, org.KSH, t.Year, len(rows), caseFormat)},
		{"External-Identifier", fmt.Sprintf("ASP-IRAT/%s/%d/%s", org.KSH, t.Year, t.ID)},
		{"Internal-Sender-Identifier", t.ID.String()},
		{"Bagging-Date", hu.DateOf(t.CreatedAt).String()},
		{"Bag-Count", "1 of 1"},
		{"ASP-KSH-Code", org.KSH},
		{"ASP-Year", strconv.Itoa(t.Year)},
		{"ASP-Cases", strconv.Itoa(len(rows))},
		{"ASP-Contents", t.Contents},
	})
	if err != nil {
		return bagSums{}, err
	}
	return bagSums{oxum: bag.oxum(), manifest: manifest}, nil
}

// caseRecord reads one case with its documents and the cases joined to
// it, writing their files into the bag under files/<dir>/.
func (s *Service) caseRecord(ctx context.Context, tx bun.Tx, id uuid.UUID, org orgRecord, dir string, bag *bagBuilder) (caseRecord, error) {
	c, err := caseByID(ctx, tx, id)
	if err != nil {
		return caseRecord{}, err
	}
	b, err := bookByID(ctx, tx, c.BookID)
	if err != nil {
		return caseRecord{}, err
	}
	rec := caseRecord{Format: caseFormat, Municipality: org, ID: c.ID.String(), Number: caseNumber(b.Prefix, c.Foszam, b.Year),
		Book: bookRecord{Code: b.Code, Year: b.Year, Prefix: b.Prefix}, Subject: c.Subject, CreatedAt: stamp(&c.CreatedAt),
		ExpiresOn: c.ExpiresOn, Status: string(c.Status), ClosedAt: stamp(c.ClosedAt), ClosedBy: c.ClosedBy,
		ArchivedAt: stamp(c.ArchivedAt), ArchivedAs: c.ArchiveLocation, Transferred: stamp(c.TransferredAt), Documents: []docRecord{}}
	if c.FilePlanCode != "" {
		it, err := fileplanItem(ctx, tx, c.FilePlanYear, c.FilePlanCode)
		if err != nil {
			return caseRecord{}, err
		}
		if it != nil {
			rec.FilePlan = &itemRecord{Code: it.Code, PlanYear: it.Year, Title: it.Title, Retention: it.RetentionText(), Lt: it.ArchiveText(), AfterExpiry: it.AfterExpiry}
		}
	}
	if c.PrecedingCase != nil {
		p, err := caseByID(ctx, tx, *c.PrecedingCase)
		if err != nil {
			return caseRecord{}, err
		}
		pb, err := bookByID(ctx, tx, p.BookID)
		if err != nil {
			return caseRecord{}, err
		}
		rec.Preceding = caseNumber(pb.Prefix, p.Foszam, pb.Year)
	}
	docs, err := caseDocuments(ctx, tx, c.ID)
	if err != nil {
		return caseRecord{}, err
	}
	files, err := s.Contents.CaseContents(ctx, tx, c.ID)
	if err != nil {
		return caseRecord{}, fmt.Errorf("contents of case %s: %w", c.ID, err)
	}
	byDoc := map[uuid.UUID][]ContentFile{}
	for _, f := range files {
		byDoc[f.DocumentID] = append(byDoc[f.DocumentID], f)
	}
	used := map[string]bool{}
	for _, d := range docs {
		dr := docRecord{ID: d.ID.String(), Number: d.Number, Alszam: d.Alszam, Direction: string(d.Direction), Subject: d.Subject,
			Partner: d.Partner, ExternalRef: d.ExternalRef, RegisteredAt: stamp(&d.RegisteredAt), RegisteredBy: d.RegisteredBy,
			VoidedAt: stamp(d.VoidedAt), VoidReason: d.VoidReason}
		for _, f := range byDoc[d.ID] {
			name := fmt.Sprintf("%d-%s", d.Alszam, safeName(f.Name))
			for i := 2; used[name]; i++ {
				name = fmt.Sprintf("%d-%d-%s", d.Alszam, i, safeName(f.Name))
			}
			used[name] = true
			path := "files/" + dir + "/" + name
			rc, err := f.Open()
			if err != nil {
				return caseRecord{}, fmt.Errorf("open %s of %s: %w", f.Name, d.Number, err)
			}
			sum, size, err := bag.add(path, rc)
			rc.Close()
			if err != nil {
				return caseRecord{}, err
			}
			dr.Files = append(dr.Files, fileRecord{Name: f.Name, Path: "data/" + path, SHA256: sum, Size: size})
		}
		delete(byDoc, d.ID)
		rec.Documents = append(rec.Documents, dr)
	}
	if len(byDoc) > 0 {
		return caseRecord{}, fmt.Errorf("contents of case %s name documents not in the case", c.ID)
	}
	var ids []uuid.UUID
	if err := tx.NewSelect().Model((*Case)(nil)).Column("id").Where("merged_into = ?", c.ID).OrderExpr("created_at").Scan(ctx, &ids); err != nil {
		return caseRecord{}, fmt.Errorf("joined cases of %s: %w", c.ID, err)
	}
	for _, jid := range ids {
		j, err := s.caseRecord(ctx, tx, jid, org, dir+"/joined-"+jid.String()[:8], bag)
		if err != nil {
			return caseRecord{}, err
		}
		j.Format, j.Municipality = "", orgRecord{}
		rec.Joined = append(rec.Joined, j)
	}
	return rec, nil
}

func addJSON(bag *bagBuilder, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, _, err = bag.add(name, bytes.NewReader(append(b, '\n')))
	return err
}

// safeCode keeps a book code usable in a path.
func safeCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}

func transferByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Transfer, error) {
	var t Transfer
	err := tx.NewSelect().Model(&t).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoTransfer
	}
	if err != nil {
		return nil, fmt.Errorf("transfer %s: %w", id, err)
	}
	return &t, nil
}

func allTransfers(ctx context.Context, tx bun.IDB) ([]Transfer, error) {
	var ts []Transfer
	if err := tx.NewSelect().Model(&ts).OrderExpr("created_at DESC").Limit(200).Scan(ctx); err != nil {
		return nil, fmt.Errorf("transfers: %w", err)
	}
	return ts, nil
}

// NewService returns the records service with the file-content hooks this
// build has. No module keeps document files yet, so transfer packages
// carry metadata only (MetadataOnly, and they say so) and a disposal
// cannot be executed (no Eraser). When the attachment store is wired, set
// Eraser and Contents here: the web routes and the command line both get
// their service from this function.
func NewService(now func() time.Time) *Service {
	return &Service{Now: now, Contents: MetadataOnly{}}
}
