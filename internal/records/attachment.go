package records

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
)

// Attachment is a file attached to a registered document (the electronic
// irat itself, or its annexes, mellékletek). The content is in the file
// store under SHA256; every view of it is logged (Iratkr. 63. § (5)).
type Attachment struct {
	bun.BaseModel `bun:"table:records_attachments"`
	db.TenantScoped

	ID         uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	DocumentID uuid.UUID `bun:"document_id,type:uuid" json:"document_id"`
	SHA256     string    `bun:"sha256" json:"sha256"`
	FileName   string    `bun:"file_name" json:"file_name"`
	MediaType  string    `bun:"media_type" json:"media_type"`
	Size       int64     `bun:"size" json:"size"`
	UploadedBy string    `bun:"uploaded_by" json:"uploaded_by"`
	UploadedAt time.Time `bun:"uploaded_at" json:"uploaded_at"`
	// ErasedAt is set when the case was disposed of: the content is gone,
	// the record of it stays.
	ErasedAt *time.Time `bun:"erased_at" json:"erased_at,omitempty"`
}

// SizeIn is the file's size for people: "512 bájt", "3,4 kB", "12,5 MB"
// in Hungarian, with a decimal point in English.
func (a Attachment) SizeIn(lang string) string {
	return sizeText(a.Size, lang)
}

func sizeText(n int64, lang string) string {
	if n < 1024 {
		if lang == "en" {
			return hu.GroupDigits(n) + "\u00a0bytes"
		}
		return hu.GroupDigits(n) + "\u00a0bájt"
	}
	unit, name := int64(1024), "kB"
	switch {
	case n >= 1<<30:
		unit, name = 1<<30, "GB"
	case n >= 1<<20:
		unit, name = 1<<20, "MB"
	}
	tenths := (n*10 + unit/2) / unit
	sep := ","
	if lang == "en" {
		sep = "."
	}
	// No-break spaces, as in thousands, so a size never breaks over lines.
	return fmt.Sprintf("%s%s%d\u00a0%s", hu.GroupDigits(tenths/10), sep, tenths%10, name)
}

// Upload is a file to attach.
type Upload struct {
	Document uuid.UUID
	FileName string
	Body     io.Reader
	MaxBytes int64
	By       string
}

// ErrNoDocument is the answer for a document that is not the tenant's:
// the caller shows 404.
var ErrNoDocument = errors.New("records: no such document")

var (
	errNoFile     = problem("no_file", "file", "Válassza ki a csatolandó fájlt.", "Choose the file to attach.")
	errNoFileName = problem("no_file_name", "file", "Adja meg a fájl nevét.", "Give the file's name.")
	errEmptyFile  = problem("empty_file", "file", "A fájl üres.", "The file is empty.")
	errVoidAttach = problem("voided_document", "file", "Érvénytelenített irathoz nem lehet fájlt csatolni.", "Files cannot be attached to a voided registration.")
)

func errTooLarge(max int64) *Problem {
	mb := (max + 1<<20 - 1) >> 20
	return problem("file_too_large", "file", "A fájl nagyobb a megengedett %d MB-nál.", "The file is larger than the allowed %d MB.", mb)
}

// Attach stores a file and records it as an attachment of a document of
// the tenant. The document is checked first, so a refused request stores
// nothing; the file goes to the store before the row, so a row never
// names a file that is not there (a failure between the two leaves an
// unnamed file, which is harmless). The row and its audit entry commit
// together. A refusal is a *Problem; a document that is not the tenant's
// is ErrNoDocument.
func (s *Service) Attach(ctx context.Context, d *db.DB, store files.Store, tenant db.TenantID, u Upload) (Attachment, error) {
	if err := d.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := attachableDocument(ctx, tx, u.Document)
		return err
	}); err != nil {
		return Attachment{}, err
	}
	name := cleanFileName(u.FileName)
	if name == "" {
		return Attachment{}, errNoFileName
	}
	// The first bytes tell the type; the rest streams on to the store.
	br := bufio.NewReaderSize(u.Body, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Attachment{}, fmt.Errorf("read upload: %w", err)
	}
	blob, err := store.Put(ctx, tenant, br, u.MaxBytes)
	switch {
	case errors.Is(err, files.ErrEmpty):
		return Attachment{}, errEmptyFile
	case errors.Is(err, files.ErrTooLarge):
		return Attachment{}, errTooLarge(u.MaxBytes)
	case err != nil:
		return Attachment{}, err
	}
	a := Attachment{
		ID: uuid.Must(uuid.NewV7()), DocumentID: u.Document, SHA256: blob.SHA256, FileName: name,
		MediaType: mediaType(name, head), Size: blob.Size, UploadedBy: u.By, UploadedAt: s.now().UTC(),
	}
	err = d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		// Voided meanwhile? Then nothing is recorded.
		doc, err := attachableDocument(ctx, tx, u.Document)
		if err != nil {
			return err
		}
		if err := insert(ctx, tx, &a); err != nil {
			return err
		}
		return appendAudit(ctx, tx, "records.attach", "document", doc.ID.String(), map[string]any{
			"number": doc.Number, "attachment": a.ID.String(), "file_name": a.FileName,
			"sha256": a.SHA256, "size": a.Size, "media_type": a.MediaType, "by": u.By}, a.UploadedAt)
	})
	return a, err
}

func attachableDocument(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Document, error) {
	doc, err := documentByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, ErrNoDocument
	}
	if doc.VoidedAt != nil {
		return nil, errVoidAttach
	}
	return doc, nil
}

func attachmentsOf(ctx context.Context, tx bun.IDB, docID uuid.UUID) ([]Attachment, error) {
	var as []Attachment
	if err := tx.NewSelect().Model(&as).Where("document_id = ?", docID).OrderExpr("uploaded_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", docID, err)
	}
	return as, nil
}

func attachmentByID(ctx context.Context, tx bun.IDB, docID, id uuid.UUID) (*Attachment, error) {
	var a Attachment
	err := tx.NewSelect().Model(&a).Where("document_id = ? AND id = ?", docID, id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", id, err)
	}
	return &a, nil
}

// cleanFileName keeps what is safe of a name a browser or a client sent:
// the last path element (old browsers send C:\fakepath\x.pdf), in NFC
// (macOS sends decomposed accents), without control characters or the
// characters Windows forbids in names, without leading dots, at most 200
// characters with the extension kept. "" when nothing is left.
func cleanFileName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"|?*`, r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimLeft(strings.TrimSpace(s), ". ")
	s = strings.TrimRight(s, ". ") // Windows drops trailing dots and spaces
	if r := []rune(s); len(r) > 200 {
		ext := []rune(path.Ext(s))
		if len(ext) > 20 {
			ext = nil
		}
		s = strings.TrimSpace(string(r[:200-len(ext)])) + string(ext)
	}
	return s
}

// typesByExtension are the media types of the files offices attach, for
// what content sniffing cannot tell apart (a .docx is a ZIP to it, an old
// .doc just bytes). The system's own table is not used: it differs from
// machine to machine.
var typesByExtension = map[string]string{
	".pdf":   "application/pdf",
	".doc":   "application/msword",
	".docx":  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":   "application/vnd.ms-excel",
	".xlsx":  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt":   "application/vnd.ms-powerpoint",
	".pptx":  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":   "application/vnd.oasis.opendocument.text",
	".ods":   "application/vnd.oasis.opendocument.spreadsheet",
	".rtf":   "application/rtf",
	".txt":   "text/plain; charset=utf-8",
	".csv":   "text/csv",
	".xml":   "application/xml",
	".json":  "application/json",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".png":   "image/png",
	".tif":   "image/tiff",
	".tiff":  "image/tiff",
	".zip":   "application/zip",
	".eml":   "message/rfc822",
	".msg":   "application/vnd.ms-outlook",
	".asice": "application/vnd.etsi.asic-e+zip", // e-signed container
	".es3":   "application/vnd.eszigno3+xml",    // e-Szignó signed document
	".kr":    "application/octet-stream",        // KRX (Hivatali Kapu) envelope, encrypted
}

// mediaType decides a file's type from its first bytes and its name: the
// content wins when it is specific (a PDF named .docx is a PDF); the
// extension refines the generic answers (ZIP, XML, text, unknown bytes)
// when it fits them.
func mediaType(name string, head []byte) string {
	sniffed := http.DetectContentType(head)
	base, _, _ := mime.ParseMediaType(sniffed)
	byExt := typesByExtension[strings.ToLower(path.Ext(name))]
	if byExt == "" {
		return sniffed
	}
	extBase, _, _ := mime.ParseMediaType(byExt)
	fits := false
	switch base {
	case "application/octet-stream":
		fits = true
	case "application/zip":
		fits = strings.HasSuffix(extBase, "+zip") || strings.Contains(extBase, "openxmlformats") || strings.Contains(extBase, "opendocument")
	case "text/xml", "application/xml":
		fits = strings.HasSuffix(extBase, "+xml") || strings.HasSuffix(extBase, "/xml")
	case "text/plain":
		fits = strings.HasPrefix(extBase, "text/") || extBase == "application/json" || strings.HasSuffix(extBase, "xml") || extBase == "application/rtf"
	}
	if fits {
		return byExt
	}
	return sniffed
}
