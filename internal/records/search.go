package records

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Search over the registration book: by iktatószám (whole, or its
// beginning), words of the subject, partner, reference and keywords,
// words of the partner's name, direction and registration dates (the name
// and subject index, név- és tárgymutató, of Iratkr. 42. § (2)). Words
// match by prefix and without accents on both engines; PostgreSQL also
// stems them the Hungarian way. The full-text indexes are described in
// migrations/*/00005_files_search.sql.

// PageSize is how many documents a page of results shows.
const PageSize = 20

// Limits of a search, so no input makes an unbounded query.
const (
	maxWords    = 8
	maxWordLen  = 50
	maxPage     = 500
	maxKeywords = 1000
)

// Criteria of a search; the zero value lists the newest registrations.
type Criteria struct {
	Number    string    // iktatószám, whole or its beginning ("12" is főszám 12)
	Text      string    // words of the subject, partner, reference or keywords
	Partner   string    // words of the partner's name
	Direction Direction // "" for any
	From, To  hu.Date   // registration dates in Budapest, inclusive; zero for open
	Page      int       // from 1
}

// IsZero reports whether c asks for nothing but a page of the newest.
func (c Criteria) IsZero() bool {
	return c.Number == "" && c.Text == "" && c.Partner == "" && c.Direction == "" && c.From.IsZero() && c.To.IsZero()
}

// Query is c as URL parameters for page (for the pager's links).
func (c Criteria) Query(page int) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("number", c.Number)
	set("text", c.Text)
	set("partner", c.Partner)
	set("direction", string(c.Direction))
	if !c.From.IsZero() {
		v.Set("from", c.From.String())
	}
	if !c.To.IsZero() {
		v.Set("to", c.To.String())
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// Detail is c for the audit log.
func (c Criteria) Detail() map[string]any {
	m := map[string]any{"page": c.Page}
	for k, s := range map[string]string{"number": c.Number, "text": c.Text, "partner": c.Partner, "direction": string(c.Direction)} {
		if s != "" {
			m[k] = s
		}
	}
	if !c.From.IsZero() {
		m["from"] = c.From.String()
	}
	if !c.To.IsZero() {
		m["to"] = c.To.String()
	}
	return m
}

// looksLikeNumber tells an iktatószám (or its beginning) typed into the
// simple search box from words: digits, optionally after a book prefix,
// with the number's own separators.
var looksLikeNumber = regexp.MustCompile(`^(?:[A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._-]{1,20}/)?[0-9]+(?:-[0-9]*(?:/[0-9]*)?)?$`)

// ParseCriteria reads a search from a form or a URL: number, text,
// partner, direction, from, to, page; q is the simple search box, an
// iktatószám or words. Every malformed field is a *Problem naming it.
func ParseCriteria(v url.Values) (Criteria, []*Problem) {
	c := Criteria{
		Number: strings.TrimSpace(v.Get("number")), Text: strings.TrimSpace(v.Get("text")),
		Partner: strings.TrimSpace(v.Get("partner")), Direction: Direction(strings.TrimSpace(v.Get("direction"))), Page: 1,
	}
	if q := strings.TrimSpace(v.Get("q")); q != "" {
		if looksLikeNumber.MatchString(q) && c.Number == "" {
			c.Number = q
		} else if c.Text == "" {
			c.Text = q
		}
	}
	var probs []*Problem
	if c.Direction != "" && !c.Direction.Valid() {
		probs = append(probs, problem("bad_direction", "direction", "Az irány bejövő, kimenő vagy belső lehet.", "The direction is incoming, outgoing or internal."))
	}
	date := func(field, label, labelEN string) hu.Date {
		s := strings.TrimSpace(v.Get(field))
		if s == "" {
			return hu.Date{}
		}
		d, err := hu.ParseDate(s)
		if err != nil {
			probs = append(probs, &Problem{Code: "bad_date", Field: field,
				HU: label + ": a dátum formája ÉÉÉÉ-HH-NN vagy ÉÉÉÉ. HH. NN. legyen (például 2026-03-02).",
				EN: labelEN + ": write the date as YYYY-MM-DD or YYYY. MM. DD. (for example 2026-03-02)."})
		}
		return d
	}
	c.From = date("from", "Iktatva ettől", "Registered from")
	c.To = date("to", "Iktatva eddig", "Registered until")
	if !c.From.IsZero() && !c.To.IsZero() && c.To.Time().Before(c.From.Time()) {
		probs = append(probs, problem("bad_range", "to", "A záró dátum nem lehet korábbi a kezdő dátumnál.", "The end date cannot be before the start date."))
	}
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			probs = append(probs, problem("bad_page", "page", "Az oldalszám 1 és %d közötti egész szám lehet.", "The page is a whole number from 1 to %d.", maxPage))
		} else {
			c.Page = n
		}
	}
	return c, probs
}

// Results is one page of a search, newest first.
type Results struct {
	Documents []Document
	Page      int
	More      bool // a further page follows
}

// words splits typed text into search words: runs of letters, digits and
// combining marks, as both engines' tokenizers cut them. One-letter words
// would match half the book and are left out; overlong ones are cut.
func words(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.M, r)
	}) {
		if utf8.RuneCountInString(f) < 2 {
			continue
		}
		if utf8.RuneCountInString(f) > maxWordLen {
			f = string([]rune(f)[:maxWordLen])
		}
		out = append(out, strings.ToLower(f))
	}
	return out
}

// query is a checked search.
type query struct {
	c                      Criteria
	text, partner          []string // words
	numberExact, numberLow string   // iktatószám, or the beginning of one
}

var numberChars = regexp.MustCompile(`^[A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._/-]{1,40}$`)

// compile checks the criteria's free-text parts.
func compile(c Criteria) (query, error) {
	q := query{c: c, text: words(c.Text), partner: words(c.Partner)}
	if c.Text != "" && len(q.text) == 0 {
		return q, problem("no_words", "text", "Adjon meg legalább egy kétbetűs szót.", "Enter at least one word of two letters or more.")
	}
	if c.Partner != "" && len(q.partner) == 0 {
		return q, problem("no_words", "partner", "Adjon meg legalább egy kétbetűs szót az ügyfél nevéből.", "Enter at least one word of two letters or more of the name.")
	}
	if len(q.text)+len(q.partner) > maxWords {
		return q, problem("too_many_words", "text", "Egyszerre legfeljebb %d szóra kereshet.", "Search for at most %d words at once.", maxWords)
	}
	if c.Number != "" {
		if n, err := ParseNumber(c.Number); err == nil {
			q.numberExact = n.String()
		} else if !numberChars.MatchString(c.Number) {
			return q, problem("bad_number", "number", "Az iktatószám (vagy eleje) csak betűket, számokat, kötőjelet és perjelet tartalmazhat, például 12 vagy 12-3/2026.",
				"An iktatószám (or its beginning) has only letters, digits, hyphens and slashes, e.g. 12 or 12-3/2026.")
		} else {
			q.numberLow = numberBoundary(c.Number)
		}
	}
	return q, nil
}

var (
	foszamOnly = regexp.MustCompile(`^(?:.*/)?[0-9]+$`)
	foszamSub  = regexp.MustCompile(`^(?:.*/)?[0-9]+-[0-9]+$`)
)

// numberBoundary makes a typed beginning stop at a number's boundary: "12"
// means főszám 12 ("12-"), not 120; "12-3" alszám 3 ("12-3/"), not 30.
func numberBoundary(s string) string {
	switch {
	case foszamOnly.MatchString(s):
		return s + "-"
	case foszamSub.MatchString(s):
		return s + "/"
	}
	return s
}

// after returns the smallest string greater than every string beginning
// with s, in byte (code point) order: the end of a prefix range.
func after(s string) string {
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] < unicode.MaxRune {
			r[i]++
			return string(r[:i+1])
		}
	}
	return s + "\U0010FFFF"
}

// Search runs c in the caller's tenant transaction. A criterion that
// cannot be searched for is a *Problem.
func Search(ctx context.Context, tx bun.Tx, c Criteria) (Results, error) {
	t, ok := db.TenantFrom(ctx)
	if !ok {
		return Results{}, db.ErrNoTenant
	}
	q, err := compile(c)
	if err != nil {
		return Results{}, err
	}
	if c.Page < 1 {
		c.Page = 1
	}
	pg := tx.Dialect().Name() == dialect.PG
	// filter applies the criteria other than words to a query of
	// documents (aliased "document").
	filter := func(sel *bun.SelectQuery) *bun.SelectQuery {
		if q.numberExact != "" {
			sel.Where("document.number = ?", q.numberExact)
		} else if q.numberLow != "" {
			col := "document.number"
			if pg {
				col = `document.number COLLATE "C"` // the index records_documents_number_c
			}
			sel.Where(col+" >= ? AND "+col+" < ?", q.numberLow, after(q.numberLow))
		}
		if c.Direction != "" {
			sel.Where("document.direction = ?", c.Direction)
		}
		if !c.From.IsZero() {
			sel.Where("document.registered_at >= ?", c.From.Time().UTC())
		}
		if !c.To.IsZero() {
			sel.Where("document.registered_at < ?", c.To.Time().AddDate(0, 0, 1).UTC())
		}
		return sel
	}
	// One more than a page tells whether another follows.
	offset := (c.Page - 1) * PageSize
	var ds []Document
	switch {
	case len(q.text)+len(q.partner) > 0 && pg:
		ds, err = pgSearch(ctx, tx, t, q, filter, offset)
	case len(q.text)+len(q.partner) > 0:
		sel := filter(tx.NewSelect().Model(&ds))
		sqliteWords(sel, t, q)
		err = sel.Limit(PageSize + 1).Offset(int64(offset)).Scan(ctx)
	default:
		err = filter(tx.NewSelect().Model(&ds)).OrderExpr(newestFirst).Limit(PageSize + 1).Offset(int64(offset)).Scan(ctx)
	}
	if err != nil {
		return Results{}, fmt.Errorf("search documents: %w", err)
	}
	r := Results{Documents: ds, Page: c.Page}
	if len(ds) > PageSize {
		r.Documents, r.More = ds[:PageSize], true
	}
	return r, nil
}

const newestFirst = "document.registered_at DESC, document.id DESC"

// sqliteWords narrows sel to documents whose FTS5 row matches the words.
// The index drives the join (CROSS JOIN keeps SQLite from reordering it):
// its rowids are registration times, so it gives its rows newest first
// and a date range bounds it (with a second's slack for rounding; the
// exact bounds are on the document), and no search sorts its matches.
func sqliteWords(sel *bun.SelectQuery, t db.TenantID, q query) {
	if !q.c.From.IsZero() {
		sel.Where("f.rowid >= ?", (q.c.From.Time().Unix()-1)*1_000_000)
	}
	if !q.c.To.IsZero() {
		sel.Where("f.rowid < ?", (q.c.To.Time().AddDate(0, 0, 1).Unix()+1)*1_000_000)
	}
	phrases := func(ws []string) string {
		ps := make([]string, len(ws))
		for i, w := range ws {
			// Words hold only letters, digits and marks, so quoting is
			// enough to make them literal; * matches by prefix.
			ps[i] = `"` + w + `"*`
		}
		return "(" + strings.Join(ps, " AND ") + ")"
	}
	match := `tenant_id:"` + string(t) + `"`
	if len(q.text) > 0 {
		match += " AND {subject partner external_ref keywords}:" + phrases(q.text)
	}
	if len(q.partner) > 0 {
		match += " AND partner:" + phrases(q.partner)
	}
	sel.ModelTableExpr("records_documents_fts AS f CROSS JOIN records_documents AS document ON document.id = f.document_id").
		Where("records_documents_fts MATCH ?", match).
		OrderExpr("f.rowid DESC")
}

// normalizeKeywords tidies tárgyszavak typed or sent: separated by commas,
// semicolons or new lines, trimmed, each once, kept in the order given.
func normalizeKeywords(s string) (string, error) {
	var out []string
	seen := map[string]bool{}
	for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		k = strings.Join(strings.Fields(k), " ")
		if k == "" || seen[strings.ToLower(k)] {
			continue
		}
		seen[strings.ToLower(k)] = true
		out = append(out, k)
	}
	joined := strings.Join(out, ", ")
	if len(joined) > maxKeywords {
		return "", problem("keywords_too_long", "keywords", "A tárgyszavak együtt legfeljebb %d karakter hosszúak lehetnek.", "The keywords may be at most %d characters together.", maxKeywords)
	}
	return joined, nil
}
