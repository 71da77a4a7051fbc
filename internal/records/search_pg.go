package records

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Searching words on PostgreSQL, over records_documents_fts (one row per
// document, field and term; see migrations/postgres/00005). The planner
// cannot see how words combine (two common words may never meet) and
// misjudges prefix ranges under row-level security, so the plan is
// chosen here, from how many documents each term has (counted up to a
// limit, in the index alone):
//
//   - a rare term: the documents having every term are found in the term
//     index (the rarer terms' entries hashed together, the commonest
//     checked per document), then fetched one by one;
//   - one common term: the book is walked newest first, each document
//     checked, until a page is full (quick, as the term is common);
//   - several common terms: the newest documents are tried first; when
//     they hold less than a page, the documents having every term are
//     found in the term index as above.

// The limits of the plans; variables so a test can reach every plan
// with a few documents.
var (
	candidateCap = 3000  // a term with at most this many documents is rare
	hashCap      = 20000 // a term with more is checked per document, not hashed
	searchWindow = 3000  // the newest documents tried first
	intersectCap = 20000 // the most documents fetched one by one
)

// pgTerm is one search term as a prefix range of records_documents_fts.
type pgTerm struct {
	field  string // "p" for the partner's name; "" any field
	lo, hi string
	count  int64 // index rows, counted up to hashCap+1
}

// cond is the term's condition on the index table aliased f.
func (tm pgTerm) cond(f string) (string, []any) {
	c := f + ".term >= ? AND " + f + ".term < ?"
	args := []any{tm.lo, tm.hi}
	if tm.field != "" {
		c += " AND " + f + ".field = ?"
		args = append(args, tm.field)
	}
	return c, args
}

// exists is the condition that the document doc (an SQL expression of
// its id) has the term.
func (tm pgTerm) exists(tenant, doc string) (string, []any) {
	c, args := tm.cond("f")
	return "EXISTS (SELECT 1 FROM records_documents_fts AS f WHERE f.tenant_id = " + tenant + " AND f.document_id = " + doc + " AND " + c + ")", args
}

// pgSearch returns the page of documents at offset (one more than a page
// when another follows) that have every word and pass filter.
func pgSearch(ctx context.Context, tx bun.Tx, t db.TenantID, q query, filter func(*bun.SelectQuery) *bun.SelectQuery, offset int) ([]Document, error) {
	terms, err := pgTerms(ctx, tx, q)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	if err := pgCount(ctx, tx, t, terms); err != nil {
		return nil, err
	}
	slices.SortFunc(terms, func(a, b pgTerm) int { return cmp.Compare(a.count, b.count) })
	if terms[0].count == 0 {
		return nil, nil
	}
	var ds []Document
	// page runs sel, checking each document for terms, newest first.
	page := func(sel *bun.SelectQuery, terms []pgTerm) ([]Document, error) {
		ds = ds[:0]
		for _, tm := range terms {
			c, args := tm.exists("document.tenant_id", "document.id")
			sel.Where(c, args...)
		}
		err := sel.OrderExpr(newestFirst).Limit(PageSize + 1).Offset(int64(offset)).Scan(ctx)
		return ds, err
	}
	walk := func() ([]Document, error) { return page(filter(tx.NewSelect().Model(&ds)), terms) }
	if terms[0].count > int64(candidateCap) {
		if len(terms) == 1 {
			return walk()
		}
		window := filter(tx.NewSelect().Model((*Document)(nil))).OrderExpr(newestFirst).Limit(int64(searchWindow))
		got, err := page(tx.NewSelect().Model(&ds).ModelTableExpr("(?) AS document", window), terms)
		if err != nil || len(got) > PageSize {
			return got, err
		}
	}
	ids, err := pgDocuments(ctx, tx, t, terms, intersectCap+1)
	if err != nil {
		return nil, err
	}
	if len(ids) > intersectCap {
		return walk()
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return page(filter(tx.NewSelect().Model(&ds)).Where("document.id = ANY(?)", pgdialect.Array(ids)), nil)
}

// pgTerms turns the words into terms: the lexemes of each word, as the
// index was built; a word the dictionary drops (a stop word) is looked
// for as typed.
func pgTerms(ctx context.Context, tx bun.Tx, q query) ([]pgTerm, error) {
	var terms []pgTerm
	for _, part := range []struct {
		field string
		ws    []string
	}{{"", q.text}, {"p", q.partner}} {
		if len(part.ws) == 0 {
			continue
		}
		var lexemes []string
		err := tx.NewRaw(`SELECT DISTINCT x.t FROM unnest(?::text[]) AS w(word)
			CROSS JOIN LATERAL (
				SELECT t FROM records_terms(w.word) AS t
				UNION ALL
				SELECT records_fold(w.word) WHERE NOT EXISTS (SELECT 1 FROM records_terms(w.word))
			) AS x(t)`, pgdialect.Array(part.ws)).Scan(ctx, &lexemes)
		if err != nil {
			return nil, fmt.Errorf("search terms: %w", err)
		}
		for _, l := range lexemes {
			if l != "" {
				terms = append(terms, pgTerm{field: part.field, lo: l, hi: after(l)})
			}
		}
	}
	return terms, nil
}

// pgCount counts each term's index rows, up to hashCap+1.
func pgCount(ctx context.Context, tx bun.Tx, t db.TenantID, terms []pgTerm) error {
	var b strings.Builder
	var args []any
	b.WriteString("SELECT ")
	for i, tm := range terms {
		if i > 0 {
			b.WriteString(", ")
		}
		c, a := tm.cond("f")
		b.WriteString("(SELECT count(*) FROM (SELECT 1 FROM records_documents_fts AS f WHERE f.tenant_id = ? AND " + c + " LIMIT ?) AS x)")
		args = append(append(append(args, t), a...), hashCap+1)
	}
	dest := make([]any, len(terms))
	for i := range terms {
		dest[i] = &terms[i].count
	}
	if err := tx.NewRaw(b.String(), args...).Scan(ctx, dest...); err != nil {
		return fmt.Errorf("search term counts: %w", err)
	}
	return nil
}

// pgDocuments lists, up to limit, the documents that have every term
// (sorted by how many documents each has), from the term index alone.
// The rarer terms' entries are hashed together (INTERSECT reads each
// term's entries once, in order); a term with more than hashCap is
// checked per document instead, unless every term is that common.
func pgDocuments(ctx context.Context, tx bun.Tx, t db.TenantID, terms []pgTerm, limit int) ([]string, error) {
	hashed, checked := terms, []pgTerm(nil)
	for i, tm := range terms {
		if i > 0 && tm.count > int64(hashCap) {
			hashed, checked = terms[:i], terms[i:]
			break
		}
	}
	var b strings.Builder
	var args []any
	for i, tm := range hashed {
		if i > 0 {
			b.WriteString(" INTERSECT ")
		}
		c, a := tm.cond("f")
		b.WriteString("SELECT f.document_id FROM records_documents_fts AS f WHERE f.tenant_id = ? AND " + c)
		args = append(append(args, t), a...)
	}
	query := "SELECT x.document_id FROM (" + b.String() + ") AS x"
	for i, tm := range checked {
		c, a := tm.exists("?", "x.document_id")
		if i == 0 {
			query += " WHERE "
		} else {
			query += " AND "
		}
		query += c
		args = append(append(args, t), a...)
	}
	var ids []string
	if err := tx.NewRaw(query+" LIMIT ?", append(args, limit)...).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("search candidates: %w", err)
	}
	return ids, nil
}
