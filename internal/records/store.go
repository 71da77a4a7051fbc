package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The SQL of the module lives here. Every query runs in a tenant
// transaction: the models' TenantScoped hooks add the tenant condition,
// and the raw counter updates name the tenant themselves.

func bookByCode(ctx context.Context, tx bun.IDB, code string, year int) (*Book, error) {
	var b Book
	err := tx.NewSelect().Model(&b).Where("code = ? AND year = ?", code, year).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("book %s/%d: %w", code, year, err)
	}
	return &b, nil
}

// latestBook returns the newest book with code, of any year.
func latestBook(ctx context.Context, tx bun.IDB, code string) (*Book, error) {
	var b Book
	err := tx.NewSelect().Model(&b).Where("code = ?", code).OrderExpr("year DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("book %s: %w", code, err)
	}
	return &b, nil
}

// nextFoszam takes the next main number of an open book. The UPDATE locks
// the book's row until the transaction ends (PostgreSQL), and SQLite has
// one writer, so two registrations never get the same number; a rollback
// undoes the increment, so none is lost.
func nextFoszam(ctx context.Context, tx bun.IDB, b *Book) (int64, error) {
	var n int64
	err := tx.NewRaw(`UPDATE records_books SET next_foszam = next_foszam + 1
		WHERE tenant_id = ? AND id = ? AND status = 'open' RETURNING next_foszam - 1`, b.TenantID, b.ID).Scan(ctx, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errClosedBook(b.Code, b.Year)
	}
	if err != nil {
		return 0, fmt.Errorf("allocate főszám in %s/%d: %w", b.Code, b.Year, err)
	}
	return n, nil
}

// nextAlszam takes the next document number of a case, the same way.
func nextAlszam(ctx context.Context, tx bun.IDB, c *Case) (int64, error) {
	var n int64
	err := tx.NewRaw(`UPDATE records_cases SET next_alszam = next_alszam + 1
		WHERE tenant_id = ? AND id = ? RETURNING next_alszam - 1`, c.TenantID, c.ID).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("allocate alszám in case %s: %w", c.ID, err)
	}
	return n, nil
}

func documentByNumber(ctx context.Context, tx bun.IDB, number string) (*Document, error) {
	var d Document
	err := tx.NewSelect().Model(&d).Where("number = ?", number).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", number, err)
	}
	return &d, nil
}

func caseByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Case, error) {
	var c Case
	if err := tx.NewSelect().Model(&c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	return &c, nil
}

func bookByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Book, error) {
	var b Book
	if err := tx.NewSelect().Model(&b).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("book %s: %w", id, err)
	}
	return &b, nil
}

func insert(ctx context.Context, tx bun.IDB, model any) error {
	if _, err := tx.NewInsert().Model(model).Exec(ctx); err != nil {
		return fmt.Errorf("insert %T: %w", model, err)
	}
	return nil
}

func documentByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Document, error) {
	var d Document
	err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return &d, nil
}

func caseDocuments(ctx context.Context, tx bun.IDB, caseID uuid.UUID) ([]Document, error) {
	var ds []Document
	if err := tx.NewSelect().Model(&ds).Where("case_id = ?", caseID).OrderExpr("alszam").Scan(ctx); err != nil {
		return nil, fmt.Errorf("documents of case %s: %w", caseID, err)
	}
	return ds, nil
}

func allBooks(ctx context.Context, tx bun.IDB) ([]Book, error) {
	var bs []Book
	if err := tx.NewSelect().Model(&bs).OrderExpr("year DESC, code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("books: %w", err)
	}
	return bs, nil
}

// newCaseAndDocument takes the next main number of b and stores a new
// case and its first document. On PostgreSQL it is one statement (one
// round trip while the book's counter is locked); SQLite, which has no
// data-modifying WITH, runs the three steps, in-process and fast. It
// fills c.Foszam, d.Number and d.Alszam.
func newCaseAndDocument(ctx context.Context, tx bun.IDB, b *Book, c *Case, d *Document) error {
	if tx.Dialect().Name() != dialect.PG {
		f, err := nextFoszam(ctx, tx, b)
		if err != nil {
			return err
		}
		c.Foszam, d.Alszam = f, 1
		d.Number = b.number(f, 1)
		if err := insert(ctx, tx, c); err != nil {
			return err
		}
		return insert(ctx, tx, d)
	}
	// The number is built in SQL around the főszám the UPDATE takes: the
	// template's text before and after it, with alszám 1 and the year.
	const mark = 999999999999
	before, after, _ := strings.Cut(b.number(mark, 1), fmt.Sprint(mark))
	var number string
	err := tx.NewRaw(`WITH b AS (
			UPDATE records_books SET next_foszam = next_foszam + 1
			WHERE tenant_id = ? AND id = ? AND status = 'open'
			RETURNING next_foszam - 1 AS foszam
		), c AS (
			INSERT INTO records_cases (tenant_id, id, book_id, foszam, subject, next_alszam, preceding_case, created_at)
			SELECT ?, ?, ?, b.foszam, ?, 2, ?, ? FROM b
			RETURNING foszam
		)
		INSERT INTO records_documents (tenant_id, id, case_id, alszam, number, direction, subject, partner, external_ref, keywords, registered_at, registered_by)
		SELECT ?, ?, ?, 1, ? || CAST(c.foszam AS TEXT) || ?, ?, ?, ?, ?, ?, ?, ? FROM c
		RETURNING number`,
		b.TenantID, b.ID,
		b.TenantID, c.ID, b.ID, c.Subject, c.PrecedingCase, c.CreatedAt,
		b.TenantID, d.ID, c.ID, before, after, d.Direction, d.Subject, d.Partner, d.ExternalRef, d.Keywords, d.RegisteredAt, d.RegisteredBy,
	).Scan(ctx, &number)
	if errors.Is(err, sql.ErrNoRows) {
		return errClosedBook(b.Code, b.Year)
	}
	if err != nil {
		return fmt.Errorf("register in %s/%d: %w", b.Code, b.Year, err)
	}
	n, err := b.NumberTemplate.Parse(number)
	if err != nil {
		return fmt.Errorf("register in %s/%d: stored number %q: %w", b.Code, b.Year, number, err)
	}
	c.Foszam, d.Alszam, d.Number = n.Foszam, 1, number
	return nil
}

// takeFoszams takes k consecutive main numbers of an open book at once
// and returns the first.
func takeFoszams(ctx context.Context, tx bun.IDB, b *Book, k int) (int64, error) {
	var first int64
	err := tx.NewRaw(`UPDATE records_books SET next_foszam = next_foszam + ?
		WHERE tenant_id = ? AND id = ? AND status = 'open' RETURNING next_foszam - ?`, k, b.TenantID, b.ID, k).Scan(ctx, &first)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errClosedBook(b.Code, b.Year)
	}
	if err != nil {
		return 0, fmt.Errorf("allocate %d főszám in %s/%d: %w", k, b.Code, b.Year, err)
	}
	return first, nil
}
