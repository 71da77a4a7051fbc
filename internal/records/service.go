package records

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/module"
)

// Service holds the registration rules.
type Service struct {
	Now func() time.Time
	// People is the platform's directory: who may be assigned.
	People module.People
	// Eraser deletes case contents at disposal, Contents gives them to
	// an archive transfer package (disposal.go, transfer.go).
	Eraser   ContentEraser
	Contents ContentSource
}

var _ Registrar = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// OpenBook creates a book for a year inside the tenant transaction.
func (s *Service) OpenBook(ctx context.Context, tx bun.Tx, code, title, prefix string, year int) (Book, error) {
	code, title, prefix = strings.TrimSpace(code), strings.TrimSpace(title), strings.TrimSpace(prefix)
	if code == "" || len(code) > 20 || title == "" || !prefixPattern.MatchString(prefix) {
		return Book{}, problem("bad_book", "code", "Adjon meg kódot (legfeljebb 20 karakter), megnevezést, és legfeljebb 20 karakteres előtagot betűkből, számokból.", "Give a code (at most 20 characters), a title, and a prefix of at most 20 letters or digits.")
	}
	st, _, err := settings(ctx, tx)
	if err != nil {
		return Book{}, err
	}
	b := Book{ID: uuid.Must(uuid.NewV7()), Code: code, Year: year, Title: title, Prefix: prefix, Status: "open", NextFoszam: 1,
		CreatedAt: s.now().UTC(), NumberTemplate: st.NumberTemplate}
	if err := insert(ctx, tx, &b); err != nil {
		if db.IsUniqueViolation(err) {
			return Book{}, problem("book_exists", "code", "Már van %s kódú iktatókönyv %d-re.", "There already is a book %s for %d.", code, year)
		}
		return Book{}, err
	}
	return b, appendAudit(ctx, tx, "records.book_open", "book", b.ID.String(), map[string]any{"code": code, "year": year}, s.now())
}

// currentBook returns the book of code for year, opening it from the
// newest earlier volume at the first registration of a new year: intake
// runs around the clock, and a document registered after midnight on
// 1 January belongs to the new year's book (domain §2.10, §2.14 #1).
func (s *Service) currentBook(ctx context.Context, tx bun.Tx, code string, year int) (*Book, error) {
	b, err := bookByCode(ctx, tx, code, year)
	if err != nil || b != nil {
		if b != nil && b.Status != "open" {
			return nil, errClosedBook(code, year)
		}
		return b, err
	}
	prev, err := latestBook(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	if prev == nil || prev.Year > year {
		return nil, errUnknownBook(code)
	}
	t, _ := db.TenantFrom(ctx)
	// The new volume takes the tenant's number form if it set one, else
	// the previous volume's.
	template := prev.NumberTemplate
	if st, found, err := settings(ctx, tx); err != nil {
		return nil, err
	} else if found {
		template = st.NumberTemplate
	}
	// Two first registrations of the year may race; the loser's insert
	// does nothing and both read the one book.
	_, err = tx.NewRaw(`INSERT INTO records_books (tenant_id, id, code, year, title, prefix, status, next_foszam, created_at, number_template)
		VALUES (?, ?, ?, ?, ?, ?, 'open', 1, ?, ?) ON CONFLICT (tenant_id, code, year) DO NOTHING`,
		t, uuid.Must(uuid.NewV7()), code, year, prev.Title, prev.Prefix, s.now().UTC(), template).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("open book %s/%d: %w", code, year, err)
	}
	if b, err = bookByCode(ctx, tx, code, year); err != nil || b == nil {
		return nil, fmt.Errorf("open book %s/%d: %w", code, year, err)
	}
	return b, appendAudit(ctx, tx, "records.book_open", "book", b.ID.String(), map[string]any{"code": code, "year": year, "automatic": true}, s.now())
}

// Register registers a document inside the caller's tenant transaction:
// the number, the case, the document and the audit entry commit together
// or not at all.
func (s *Service) Register(ctx context.Context, tx bun.Tx, r Registration) (Document, error) {
	p, err := s.prepare(ctx, tx, r, nil)
	if err != nil {
		return Document{}, err
	}
	d, ev, err := s.write(ctx, tx, p)
	if err != nil {
		return Document{}, err
	}
	t, _ := db.TenantFrom(ctx)
	_, err = audit.Append(ctx, tx, t, ev, p.now)
	return d, err
}

// plan is a checked registration: everything is known but the numbers.
type plan struct {
	r         Registration
	now       time.Time
	book      *Book
	same      *Case    // the case a same-year follow-up continues
	preceding *Case    // the earlier year's case a new case joins
	arrival   *Arrival // the arrival-register entry being registered
}

// prepare checks a registration and reads what it needs. A refusal
// (*Problem) comes before anything is written, so a batch can answer it
// and go on. books, when not nil, keeps the books already read.
func (s *Service) prepare(ctx context.Context, tx bun.Tx, r Registration, books map[string]*Book) (plan, error) {
	if _, ok := db.TenantFrom(ctx); !ok {
		return plan{}, db.ErrNoTenant
	}
	var err error
	r.Subject = strings.TrimSpace(r.Subject)
	if r.Subject == "" || len(r.Subject) > 1000 {
		return plan{}, errNoSubject
	}
	if !r.Direction.Valid() {
		return plan{}, errDirection
	}
	if r.Keywords, err = normalizeKeywords(r.Keywords); err != nil {
		return plan{}, err
	}
	p := plan{r: r, now: s.now()}
	year := hu.DateOf(p.now).Year // the year in Budapest decides the book
	if strings.TrimSpace(r.Arrival) != "" {
		id, perr := uuid.Parse(strings.TrimSpace(r.Arrival))
		if perr == nil {
			p.arrival, err = arrivalByID(ctx, tx, id)
			if err != nil {
				return plan{}, err
			}
		}
		if p.arrival == nil {
			return plan{}, problem("unknown_arrival", "arrival", "Nincs ilyen érkeztetett küldemény.", "There is no such arrival.")
		}
		if p.arrival.DocumentID != nil {
			return plan{}, problem("arrival_registered", "arrival", "A(z) %s küldeményt már iktatták.", "Arrival %s has already been registered.", p.arrival.Number())
		}
	}
	if p.same, p.preceding, err = s.caseFor(ctx, tx, r.Predecessor, year); err != nil {
		return plan{}, err
	}
	if p.same != nil {
		// A same-year follow-up goes into the predecessor's case and book.
		if p.book, err = bookByID(ctx, tx, p.same.BookID); err != nil {
			return plan{}, err
		}
		if p.book.Status != "open" {
			return plan{}, errClosedBook(p.book.Code, p.book.Year)
		}
		return p, nil
	}
	key := fmt.Sprintf("%s/%d", r.BookCode, year)
	if b := books[key]; b != nil {
		p.book = b
		return p, nil
	}
	if p.book, err = s.currentBook(ctx, tx, r.BookCode, year); err != nil {
		return plan{}, err
	}
	if books != nil {
		books[key] = p.book
	}
	return p, nil
}

// write takes the numbers and stores the case and the document; it
// returns the audit event to record with them.
func (s *Service) write(ctx context.Context, tx bun.Tx, p plan) (Document, audit.Event, error) {
	c, alszam := p.same, int64(1)
	var reopened CaseStatus // a closed case a new document reopens
	if c != nil {
		a, err := nextAlszam(ctx, tx, c)
		if err != nil {
			return Document{}, audit.Event{}, err
		}
		alszam = a
		if reopened, err = reopenForRegistration(ctx, tx, c); err != nil {
			return Document{}, audit.Event{}, err
		}
	}
	d := Document{
		ID: uuid.Must(uuid.NewV7()), Direction: p.r.Direction, Subject: p.r.Subject,
		Partner: strings.TrimSpace(p.r.Partner), ExternalRef: strings.TrimSpace(p.r.ExternalRef), Keywords: p.r.Keywords,
		RegisteredAt: p.now.UTC(), RegisteredBy: p.r.By,
	}
	if c != nil {
		d.CaseID, d.Alszam = c.ID, alszam
		d.Number = p.book.number(c.Foszam, alszam)
		if err := insert(ctx, tx, &d); err != nil {
			return Document{}, audit.Event{}, err
		}
	} else {
		// A new case's first document is alszám 1; the case counts on from 2.
		c = &Case{ID: uuid.Must(uuid.NewV7()), BookID: p.book.ID, Subject: p.r.Subject, NextAlszam: 2, CreatedAt: p.now.UTC()}
		c.TenantID, d.TenantID, d.CaseID = p.book.TenantID, p.book.TenantID, c.ID
		if p.preceding != nil {
			c.PrecedingCase = &p.preceding.ID
		}
		if err := newCaseAndDocument(ctx, tx, p.book, c, &d); err != nil {
			return Document{}, audit.Event{}, err
		}
		if p.preceding != nil {
			// szerelés: the earlier year's case is joined for good.
			p.preceding.MergedInto = &c.ID
			if _, err := tx.NewUpdate().Model(p.preceding).Column("merged_into").WherePK().Exec(ctx); err != nil {
				return Document{}, audit.Event{}, fmt.Errorf("join case %s: %w", p.preceding.ID, err)
			}
		}
	}
	detail := map[string]any{"number": d.Number, "direction": string(d.Direction)}
	if p.preceding != nil {
		detail["joined_case"] = p.preceding.ID.String()
	}
	if reopened != "" {
		detail["reopened_case"] = string(reopened)
	}
	if p.arrival != nil {
		// The arrival becomes this document; a second registration of the
		// same arrival (a race) finds it taken and rolls back.
		res, err := tx.NewUpdate().Model((*Arrival)(nil)).Set("document_id = ?", d.ID).
			Where("id = ? AND document_id IS NULL", p.arrival.ID).Exec(ctx)
		if err != nil {
			return Document{}, audit.Event{}, fmt.Errorf("link arrival %s: %w", p.arrival.Number(), err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Document{}, audit.Event{}, fmt.Errorf("arrival %s was registered meanwhile", p.arrival.Number())
		}
		detail["arrival"] = p.arrival.Number()
	}
	return d, audit.Event{Action: "records.register", ObjectType: "document", ObjectID: d.ID.String(), Result: audit.ResultOK, Detail: detail}, nil
}

// writeFresh writes registrations that open new cases, book by book: the
// main numbers are taken in one step, the cases and the documents are
// inserted in one statement each. It fills each request's document and
// returns their audit events, resolved in each request's context.
func (s *Service) writeFresh(ctx context.Context, tx bun.Tx, reqs []*batchRequest, plans map[*batchRequest]plan) ([]audit.Event, error) {
	byBook := map[uuid.UUID][]*batchRequest{}
	var order []uuid.UUID
	for _, r := range reqs {
		id := plans[r].book.ID
		if _, ok := byBook[id]; !ok {
			order = append(order, id)
		}
		byBook[id] = append(byBook[id], r)
	}
	var evs []audit.Event
	for _, id := range order {
		group := byBook[id]
		book := plans[group[0]].book
		first, err := takeFoszams(ctx, tx, book, len(group))
		if err != nil {
			return nil, err
		}
		cases := make([]Case, len(group))
		docs := make([]Document, len(group))
		for i, r := range group {
			p := plans[r]
			f := first + int64(i)
			cases[i] = Case{ID: uuid.Must(uuid.NewV7()), BookID: book.ID, Foszam: f, Subject: p.r.Subject, NextAlszam: 2, CreatedAt: p.now.UTC()}
			docs[i] = Document{
				ID: uuid.Must(uuid.NewV7()), CaseID: cases[i].ID, Alszam: 1,
				Number:    book.number(f, 1),
				Direction: p.r.Direction, Subject: p.r.Subject, Partner: strings.TrimSpace(p.r.Partner), ExternalRef: strings.TrimSpace(p.r.ExternalRef),
				Keywords: p.r.Keywords, RegisteredAt: p.now.UTC(), RegisteredBy: p.r.By,
			}
		}
		if err := insert(ctx, tx, &cases); err != nil {
			return nil, err
		}
		if err := insert(ctx, tx, &docs); err != nil {
			return nil, err
		}
		for i, r := range group {
			r.doc = docs[i]
			ev := audit.Event{Action: "records.register", ObjectType: "document", ObjectID: docs[i].ID.String(), Result: audit.ResultOK,
				Detail: map[string]any{"number": docs[i].Number, "direction": string(docs[i].Direction)}}
			evs = append(evs, audit.Resolve(r.ctx, ev))
		}
	}
	return evs, nil
}

// caseFor resolves a predecessor: a case of this year to continue, or a
// case of an earlier year to join to a new one.
func (s *Service) caseFor(ctx context.Context, tx bun.Tx, predecessor string, year int) (same, earlier *Case, err error) {
	if strings.TrimSpace(predecessor) == "" {
		return nil, nil, nil
	}
	number, err := canonicalNumber(ctx, tx, predecessor, "predecessor")
	if err != nil {
		return nil, nil, err
	}
	pd, err := documentByNumber(ctx, tx, number)
	if err != nil {
		return nil, nil, err
	}
	if pd == nil {
		return nil, nil, errUnknownPredecessor(number)
	}
	if pd.VoidedAt != nil {
		return nil, nil, errVoidedPredecessor(number)
	}
	c, err := caseByID(ctx, tx, pd.CaseID)
	if err != nil {
		return nil, nil, err
	}
	// A joined case lives on in the case it was joined to.
	for hops := 0; c.MergedInto != nil && hops < 100; hops++ {
		if c, err = caseByID(ctx, tx, *c.MergedInto); err != nil {
			return nil, nil, err
		}
	}
	if err := checkFollowUp(number, c); err != nil {
		return nil, nil, err
	}
	b, err := bookByID(ctx, tx, c.BookID)
	if err != nil {
		return nil, nil, err
	}
	if b.Year == year {
		return c, nil, nil
	}
	return nil, c, nil
}

// Void marks a registration invalid: it stays, with the reason, and its
// number is never given again (Iratkr. 48. §).
func (s *Service) Void(ctx context.Context, tx bun.Tx, number, reason, by string) (Document, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Document{}, errNoReason
	}
	canonical, err := canonicalNumber(ctx, tx, number, "number")
	if err != nil {
		return Document{}, err
	}
	d, err := documentByNumber(ctx, tx, canonical)
	if err != nil {
		return Document{}, err
	}
	if d == nil {
		return Document{}, errUnknownPredecessor(canonical)
	}
	if d.VoidedAt != nil {
		return Document{}, errAlreadyVoid(d.Number)
	}
	now := s.now().UTC()
	d.VoidedAt, d.VoidReason = &now, reason
	if _, err := tx.NewUpdate().Model(d).Column("voided_at", "void_reason").WherePK().Exec(ctx); err != nil {
		return Document{}, fmt.Errorf("void %s: %w", d.Number, err)
	}
	return *d, appendAudit(ctx, tx, "records.void", "document", d.ID.String(), map[string]any{"number": d.Number, "reason": reason, "by": by}, now)
}

func appendAudit(ctx context.Context, tx bun.Tx, action, objType, objID string, detail map[string]any, now time.Time) error {
	t, _ := db.TenantFrom(ctx)
	_, err := audit.Append(ctx, tx, t, audit.Event{Action: action, ObjectType: objType, ObjectID: objID, Result: audit.ResultOK, Detail: detail}, now)
	return err
}

// canonicalNumber reads an iktatószám a person typed by the forms the
// tenant's books use, and returns it as stored; a text that fits none is
// a refusal naming field.
func canonicalNumber(ctx context.Context, tx bun.IDB, raw, field string) (string, error) {
	var used []NumberTemplate
	if err := tx.NewSelect().Model((*Book)(nil)).ColumnExpr("DISTINCT number_template").Scan(ctx, &used); err != nil {
		return "", fmt.Errorf("number templates: %w", err)
	}
	if len(used) == 0 {
		used = []NumberTemplate{""}
	}
	var forms []string
	for _, t := range used {
		n, err := t.Parse(raw)
		if err == nil {
			return t.Format(n), nil
		}
		forms = append(forms, t.Example())
	}
	ne := &NumberError{Input: raw, Forms: forms}
	return "", &Problem{Code: "bad_number", Field: field, HU: ne.HU(), EN: ne.Error()}
}
