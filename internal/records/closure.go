package records

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// manifestVersion tags the manifest's format, so it can change without
// making old closures unverifiable.
const manifestVersion = "asp-records-book-v1"

// Manifest is the fingerprint of a book: how many documents it holds and a
// SHA-256 over all of them, case by case, document by document, every
// field length-prefixed (so no field can bleed into the next).
type Manifest struct {
	Entries int64
	Hash    string
}

// manifest computes a book's manifest from what is stored now.
func manifest(ctx context.Context, tx bun.IDB, b *Book) (Manifest, error) {
	var rows []struct {
		Foszam       int64      `bun:"foszam"`
		CaseSubject  string     `bun:"case_subject"`
		ID           uuid.UUID  `bun:"id"`
		Alszam       int64      `bun:"alszam"`
		Number       string     `bun:"number"`
		Direction    string     `bun:"direction"`
		Subject      string     `bun:"subject"`
		Partner      string     `bun:"partner"`
		ExternalRef  string     `bun:"external_ref"`
		RegisteredAt time.Time  `bun:"registered_at"`
		RegisteredBy string     `bun:"registered_by"`
		VoidedAt     *time.Time `bun:"voided_at"`
		VoidReason   string     `bun:"void_reason"`
	}
	err := tx.NewRaw(`SELECT c.foszam, c.subject AS case_subject, d.id, d.alszam, d.number, d.direction, d.subject,
			d.partner, d.external_ref, d.registered_at, d.registered_by, d.voided_at, d.void_reason
		FROM records_documents d JOIN records_cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id
		WHERE d.tenant_id = ? AND c.book_id = ?
		ORDER BY c.foszam, d.alszam`, b.TenantID, b.ID).Scan(ctx, &rows)
	if err != nil {
		return Manifest{}, fmt.Errorf("manifest of %s/%d: %w", b.Code, b.Year, err)
	}
	h := sha256.New()
	field(h, manifestVersion)
	field(h, string(b.TenantID))
	field(h, b.Code)
	field(h, strconv.Itoa(b.Year))
	for _, r := range rows {
		voided := ""
		if r.VoidedAt != nil {
			voided = r.VoidedAt.UTC().Format(time.RFC3339Nano)
		}
		for _, f := range []string{
			strconv.FormatInt(r.Foszam, 10), r.CaseSubject, r.ID.String(), strconv.FormatInt(r.Alszam, 10), r.Number,
			r.Direction, r.Subject, r.Partner, r.ExternalRef, r.RegisteredAt.UTC().Format(time.RFC3339Nano), r.RegisteredBy,
			voided, r.VoidReason,
		} {
			field(h, f)
		}
	}
	return Manifest{Entries: int64(len(rows)), Hash: hex.EncodeToString(h.Sum(nil))}, nil
}

func field(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// CloseBook closes a book (year-end closure, Iratkr. 43. §): nothing can
// be registered in it any more, its manifest is kept, and next year's
// book with the same code is opened if it does not exist yet.
func (s *Service) CloseBook(ctx context.Context, tx bun.Tx, code string, year int, by string) (Book, error) {
	b, err := bookByCode(ctx, tx, code, year)
	if err != nil {
		return Book{}, err
	}
	if b == nil {
		return Book{}, errUnknownBook(code)
	}
	if b.Status != "open" {
		return Book{}, problem("already_closed", "book", "A(z) %s iktatókönyv %d. évi kötete már le van zárva.", "The book %s for %d is already closed.", code, year)
	}
	// Lock the counter row first, so no registration slips in between the
	// manifest and the closure.
	if _, err := tx.NewRaw("UPDATE records_books SET status = 'closed' WHERE tenant_id = ? AND id = ?", b.TenantID, b.ID).Exec(ctx); err != nil {
		return Book{}, fmt.Errorf("close %s/%d: %w", code, year, err)
	}
	m, err := manifest(ctx, tx, b)
	if err != nil {
		return Book{}, err
	}
	now := s.now().UTC()
	b.Status, b.ClosedAt, b.ClosureEntries, b.ClosureHash, b.ClosedBy = "closed", &now, m.Entries, m.Hash, by
	if _, err := tx.NewUpdate().Model(b).Column("status", "closed_at", "closure_entries", "closure_hash", "closed_by").WherePK().Exec(ctx); err != nil {
		return Book{}, fmt.Errorf("close %s/%d: %w", code, year, err)
	}
	if err := appendAudit(ctx, tx, "records.book_close", "book", b.ID.String(),
		map[string]any{"code": code, "year": year, "entries": m.Entries, "manifest": m.Hash}, now); err != nil {
		return Book{}, err
	}
	if next, err := bookByCode(ctx, tx, code, year+1); err != nil {
		return Book{}, err
	} else if next == nil {
		if _, err := s.OpenBook(ctx, tx, code, b.Title, b.Prefix, year+1); err != nil {
			return Book{}, err
		}
	}
	return *b, nil
}

// BookCheck is the result of re-checking a closed book.
type BookCheck struct {
	Code     string
	Year     int
	Closed   Manifest // as recorded at closure
	Now      Manifest // as computed from what is stored now
	Problems []string
}

// OK reports whether the book is as it was closed.
func (c BookCheck) OK() bool { return len(c.Problems) == 0 }

// VerifyBook recomputes a closed book's manifest and compares it with the
// one kept at closure; any change to its entries since shows.
func (s *Service) VerifyBook(ctx context.Context, tx bun.Tx, code string, year int) (BookCheck, error) {
	b, err := bookByCode(ctx, tx, code, year)
	if err != nil {
		return BookCheck{}, err
	}
	if b == nil {
		return BookCheck{}, errUnknownBook(code)
	}
	c := BookCheck{Code: code, Year: year, Closed: Manifest{Entries: b.ClosureEntries, Hash: b.ClosureHash}}
	if b.Status != "closed" {
		c.Problems = append(c.Problems, "the book is not closed")
		return c, nil
	}
	if c.Now, err = manifest(ctx, tx, b); err != nil {
		return BookCheck{}, err
	}
	if c.Now.Entries != c.Closed.Entries {
		c.Problems = append(c.Problems, fmt.Sprintf("%d entries at closure, %d now", c.Closed.Entries, c.Now.Entries))
	}
	if c.Now.Hash != c.Closed.Hash {
		c.Problems = append(c.Problems, "the entries differ from those at closure (manifest hash changed)")
	}
	return c, nil
}
