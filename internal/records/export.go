package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// Exports: the registration book of a year and the arrival register in
// human-readable form (ISZ-r. 4. § (4)), as PDF to print and XLSX to work
// with, and the receipt of a registration (iktatási igazolás). The
// documents are official records, so they are in Hungarian whatever the
// language of the page they were asked from.

// ExportMeta is what every export prints besides its data.
type ExportMeta struct {
	Issuer string    // the municipality's name
	By     string    // who made the export
	At     time.Time // when
}

// BookEntry is one line of a registration book.
type BookEntry struct {
	Foszam       int64      `bun:"foszam"`
	Alszam       int64      `bun:"alszam"`
	Number       string     `bun:"number"`
	RegisteredAt time.Time  `bun:"registered_at"`
	Direction    Direction  `bun:"direction"`
	Subject      string     `bun:"subject"`
	Partner      string     `bun:"partner"`
	ExternalRef  string     `bun:"external_ref"`
	RegisteredBy string     `bun:"registered_by"`
	VoidedAt     *time.Time `bun:"voided_at"`
	VoidReason   string     `bun:"void_reason"`
	DocumentID   uuid.UUID  `bun:"id"`
	// Preceding is the first number of the earlier year's case joined to
	// this one (előirat); Following that of the later case this case was
	// joined to (utóirat); Arrival the érkeztetési azonosító.
	Preceding string `bun:"-"`
	Following string `bun:"-"`
	Arrival   string `bun:"-"`
	// The cases joined to (előirat) and joined into (utóirat) this one.
	PrecedingCase *uuid.UUID `bun:"preceding_case,type:uuid"`
	MergedInto    *uuid.UUID `bun:"merged_into,type:uuid"`
}

// BookExport is a registration book with all its entries in number order.
type BookExport struct {
	Book    Book
	Entries []BookEntry
}

// LoadBookExport reads a book and its entries, főszám by főszám, alszám by
// alszám; nil when the tenant has no such book.
func LoadBookExport(ctx context.Context, tx bun.IDB, id uuid.UUID) (*BookExport, error) {
	var b Book
	if err := tx.NewSelect().Model(&b).Where("id = ?", id).Limit(1).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("book %s: %w", id, err)
	}
	e := &BookExport{Book: b}
	err := tx.NewRaw(`SELECT c.foszam, d.alszam, d.number, d.registered_at, d.direction, d.subject, d.partner,
			d.external_ref, d.registered_by, d.voided_at, d.void_reason, d.id, c.preceding_case, c.merged_into
		FROM records_documents d
		JOIN records_cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id
		WHERE d.tenant_id = ? AND c.book_id = ?
		ORDER BY c.foszam, d.alszam`, b.TenantID, b.ID).Scan(ctx, &e.Entries)
	if err != nil {
		return nil, fmt.Errorf("entries of %s/%d: %w", b.Code, b.Year, err)
	}
	if err := e.linkCases(ctx, tx); err != nil {
		return nil, err
	}
	// An item registered in this book arrived this year or, just before
	// New Year, the year before.
	var arrivals []struct {
		DocumentID uuid.UUID `bun:"document_id"`
		Year       int       `bun:"year"`
		Serial     int64     `bun:"serial"`
	}
	err = tx.NewRaw(`SELECT document_id, year, serial FROM records_arrivals
		WHERE tenant_id = ? AND year IN (?, ?) AND document_id IS NOT NULL`, b.TenantID, b.Year-1, b.Year).Scan(ctx, &arrivals)
	if err != nil {
		return nil, fmt.Errorf("arrivals of %s/%d: %w", b.Code, b.Year, err)
	}
	if len(arrivals) > 0 {
		byDoc := make(map[uuid.UUID]string, len(arrivals))
		for _, a := range arrivals {
			byDoc[a.DocumentID] = Arrival{Year: a.Year, Serial: a.Serial}.Number()
		}
		for i := range e.Entries {
			e.Entries[i].Arrival = byDoc[e.Entries[i].DocumentID]
		}
	}
	return e, nil
}

var directionHU = map[Direction]string{Incoming: "Bejövő", Outgoing: "Kimenő", Internal: "Belső"}

var channelHU = map[Channel]string{Paper: "Papíron", Email: "E-mailben", Electronic: "Elektronikusan", Personal: "Személyesen"}

// when shows a stored time in Budapest, the Hungarian way.
func when(t time.Time) string { return t.In(hu.Budapest()).Format("2006. 01. 02. 15:04") }

// timeSample is as wide as when's output, for a table column.
const timeSample = "2026. 12. 28. 20:08"

// longer returns the longer of two texts (in characters), for sizing a
// column by its longest value; very long values wrap anyway.
func longer(a, b string) string {
	if n := utf8.RuneCountInString(b); n > utf8.RuneCountInString(a) && n <= 28 {
		return b
	}
	return a
}

// linkCases fills in the előirat and utóirat numbers: the first
// documents of the cases joined by szerelés. Few cases are, so they are
// read apart, by key, rather than joined to every entry (which a planner
// without statistics, right after a bulk load, runs as a nested scan).
func (e *BookExport) linkCases(ctx context.Context, tx bun.IDB) error {
	seen := map[uuid.UUID]bool{}
	var ids []uuid.UUID
	for _, en := range e.Entries {
		for _, id := range []*uuid.UUID{en.PrecedingCase, en.MergedInto} {
			if id != nil && !seen[*id] {
				seen[*id] = true
				ids = append(ids, *id)
			}
		}
	}
	first, err := documentNumbers(ctx, tx, e.Book.TenantID, "case_id", ids)
	if err != nil {
		return fmt.Errorf("joined cases of %s/%d: %w", e.Book.Code, e.Book.Year, err)
	}
	for i, en := range e.Entries {
		if en.PrecedingCase != nil {
			e.Entries[i].Preceding = first[*en.PrecedingCase]
		}
		if en.MergedInto != nil {
			e.Entries[i].Following = first[*en.MergedInto]
		}
	}
	return nil
}

// documentNumbers maps ids to iktatószám: by document id (key "id"), or
// by case id to the case's first document (key "case_id").
func documentNumbers(ctx context.Context, tx bun.IDB, tenant db.TenantID, key string, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	cond := "id IN (?)"
	if key == "case_id" {
		cond = "case_id IN (?) AND alszam = 1"
	}
	out := make(map[uuid.UUID]string, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		var rows []struct {
			Key    uuid.UUID `bun:"key"`
			Number string    `bun:"number"`
		}
		if err := tx.NewRaw(`SELECT `+key+` AS key, number FROM records_documents WHERE tenant_id = ? AND `+cond,
			tenant, bun.In(chunk)).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Key] = r.Number
		}
	}
	return out, nil
}

func (e *BookExport) title() string {
	return fmt.Sprintf("Iktatókönyv – %s, %d", e.Book.Code, e.Book.Year)
}

func (e *BookExport) facts() []pdf.KV {
	b := e.Book
	kvs := []pdf.KV{{Key: "Iktatókönyv", Value: fmt.Sprintf("%s (kód: %s)", b.Title, b.Code)}, {Key: "Év", Value: strconv.Itoa(b.Year)}}
	if b.Prefix != "" {
		kvs = append(kvs, pdf.KV{Key: "Előtag", Value: b.Prefix})
	}
	if b.Status == "closed" {
		closed := "Lezárva"
		if b.ClosedAt != nil {
			closed += " " + when(*b.ClosedAt)
		}
		if b.ClosedBy != "" {
			closed += " (" + b.ClosedBy + ")"
		}
		kvs = append(kvs, pdf.KV{Key: "Állapot", Value: closed},
			pdf.KV{Key: "Bejegyzések a lezáráskor", Value: hu.GroupDigits(b.ClosureEntries)},
			pdf.KV{Key: "Lezárási lenyomat (SHA-256)", Value: b.ClosureHash})
	} else {
		kvs = append(kvs, pdf.KV{Key: "Állapot", Value: "Nyitott – a lista a készítés időpontjának állapotát mutatja"})
	}
	return append(kvs, pdf.KV{Key: "Bejegyzések száma", Value: hu.GroupDigits(int64(len(e.Entries)))})
}

func (en BookEntry) links() string {
	var s []string
	if en.Preceding != "" {
		s = append(s, "Előirat: "+en.Preceding)
	}
	if en.Following != "" {
		s = append(s, "Utóirat: "+en.Following)
	}
	return strings.Join(s, "\n")
}

func (en BookEntry) void() string {
	if en.VoidedAt == nil {
		return ""
	}
	return "ÉRVÉNYTELEN (" + when(*en.VoidedAt) + "): " + en.VoidReason
}

// PDF prints the book on landscape A4 pages.
func (e *BookExport) PDF(w io.Writer, m ExportMeta) error {
	d, err := pdf.New(pdf.Options{Issuer: m.Issuer, Title: e.title(), Subtitle: e.Book.Title, Landscape: true, GeneratedAt: m.At, Footer: m.By})
	if err != nil {
		return err
	}
	d.KeyValues(e.facts())
	number, links := "9999-99/2026", "Előirat: 9999-9/2026"
	for _, en := range e.Entries {
		number = longer(number, en.Number)
		links = longer(longer(links, "Előirat: "+en.Preceding), "Utóirat: "+en.Following)
	}
	t := d.Table(
		pdf.Column{Header: "Iktatószám", Width: 1, Min: number},
		pdf.Column{Header: "Iktatva", Width: 1, Min: timeSample},
		pdf.Column{Header: "Irány", Width: 0.5, Min: "Kimenő"},
		pdf.Column{Header: "Tárgy", Width: 3},
		pdf.Column{Header: "Ügyfél", Width: 1.8},
		pdf.Column{Header: "Hivatkozási szám", Width: 1},
		pdf.Column{Header: "Érkeztetés", Width: 0.8, Min: "É-9999/2026"},
		pdf.Column{Header: "Elő- és utóirat", Width: 1, Min: links},
		pdf.Column{Header: "Iktatta", Width: 0.8},
		pdf.Column{Header: "Megjegyzés", Width: 1.4},
	)
	for _, en := range e.Entries {
		t.Row(en.Number, when(en.RegisteredAt), directionHU[en.Direction], en.Subject, en.Partner, en.ExternalRef,
			en.Arrival, en.links(), en.RegisteredBy, en.void())
	}
	if len(e.Entries) == 0 {
		t.Row("", "", "", "Nincs bejegyzés.")
	}
	t.End()
	_, err = d.WriteTo(w)
	return err
}

// XLSX writes the book as a workbook: the entries, and a sheet of facts
// about the book and the export.
func (e *BookExport) XLSX(w io.Writer, m ExportMeta) error {
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties(e.title(), e.Book.Title, m.Issuer, m.At); err != nil {
		return err
	}
	s, err := wb.Sheet("Iktatókönyv",
		xlsx.Column{Header: "Iktatószám", Width: 18},
		xlsx.Column{Header: "Főszám", Kind: xlsx.Number},
		xlsx.Column{Header: "Alszám", Kind: xlsx.Number},
		xlsx.Column{Header: "Iktatva", Kind: xlsx.DateTime},
		xlsx.Column{Header: "Irány", Width: 9},
		xlsx.Column{Header: "Tárgy", Width: 50},
		xlsx.Column{Header: "Ügyfél", Width: 30},
		xlsx.Column{Header: "Hivatkozási szám", Width: 18},
		xlsx.Column{Header: "Érkeztetési azonosító", Width: 14},
		xlsx.Column{Header: "Előirat", Width: 16},
		xlsx.Column{Header: "Utóirat", Width: 16},
		xlsx.Column{Header: "Iktatta", Width: 14},
		xlsx.Column{Header: "Érvénytelenítve", Kind: xlsx.DateTime},
		xlsx.Column{Header: "Érvénytelenítés indoka", Width: 30},
	)
	if err != nil {
		return err
	}
	for _, en := range e.Entries {
		if err := s.Row(en.Number, en.Foszam, en.Alszam, en.RegisteredAt, directionHU[en.Direction], en.Subject, en.Partner,
			en.ExternalRef, en.Arrival, en.Preceding, en.Following, en.RegisteredBy, en.VoidedAt, en.VoidReason); err != nil {
			return err
		}
	}
	if err := factSheet(wb, m, e.facts()); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

// factSheet adds the sheet that says what a workbook is.
func factSheet(wb *xlsx.Workbook, m ExportMeta, kvs []pdf.KV) error {
	s, err := wb.Sheet("Adatok", xlsx.Column{Header: "Adat", Width: 28}, xlsx.Column{Header: "Érték", Width: 70})
	if err != nil {
		return err
	}
	rows := append([]pdf.KV{{Key: "Önkormányzat", Value: m.Issuer}}, kvs...)
	rows = append(rows, pdf.KV{Key: "Készült", Value: when(m.At)}, pdf.KV{Key: "Készítette", Value: m.By})
	for _, kv := range rows {
		if err := s.Row(kv.Key, kv.Value); err != nil {
			return err
		}
	}
	return nil
}

// ArrivalEntry is one line of the arrival register.
type ArrivalEntry struct {
	Arrival
	// DocumentNumber is the iktatószám the item was registered under.
	DocumentNumber string `bun:"-"`
}

// ArrivalsExport is the arrival register of a year, in serial order.
type ArrivalsExport struct {
	Year    int
	Entries []ArrivalEntry
}

// LoadArrivalsExport reads a year's arrival register inside a tenant
// transaction.
func LoadArrivalsExport(ctx context.Context, tx bun.IDB, year int) (*ArrivalsExport, error) {
	tenant, ok := db.TenantFrom(ctx)
	if !ok {
		return nil, db.ErrNoTenant
	}
	e := &ArrivalsExport{Year: year}
	err := tx.NewRaw(`SELECT * FROM records_arrivals WHERE tenant_id = ? AND year = ? ORDER BY serial`, tenant, year).Scan(ctx, &e.Entries)
	if err != nil {
		return nil, fmt.Errorf("arrivals of %d: %w", year, err)
	}
	var ids []uuid.UUID
	for _, a := range e.Entries {
		if a.DocumentID != nil {
			ids = append(ids, *a.DocumentID)
		}
	}
	numbers, err := documentNumbers(ctx, tx, tenant, "id", ids)
	if err != nil {
		return nil, fmt.Errorf("arrivals of %d: %w", year, err)
	}
	for i, a := range e.Entries {
		if a.DocumentID != nil {
			e.Entries[i].DocumentNumber = numbers[*a.DocumentID]
		}
	}
	return e, nil
}

func (e *ArrivalsExport) title() string {
	return fmt.Sprintf("Érkeztető nyilvántartás – %d", e.Year)
}

func (e *ArrivalsExport) facts() []pdf.KV {
	return []pdf.KV{{Key: "Év", Value: strconv.Itoa(e.Year)}, {Key: "Tételek száma", Value: hu.GroupDigits(int64(len(e.Entries)))}}
}

// PDF prints the register on landscape A4 pages.
func (e *ArrivalsExport) PDF(w io.Writer, m ExportMeta) error {
	d, err := pdf.New(pdf.Options{Issuer: m.Issuer, Title: e.title(), Landscape: true, GeneratedAt: m.At, Footer: m.By})
	if err != nil {
		return err
	}
	d.KeyValues(e.facts())
	number := "9999-99/2026"
	for _, a := range e.Entries {
		number = longer(number, a.DocumentNumber)
	}
	t := d.Table(
		pdf.Column{Header: "Érkeztetési azonosító", Width: 0.8, Min: "É-99999/2026"},
		pdf.Column{Header: "Beérkezett", Width: 1, Min: timeSample},
		pdf.Column{Header: "Mód", Width: 0.8, Min: "Elektronikusan"},
		pdf.Column{Header: "Küldő", Width: 1.8},
		pdf.Column{Header: "Küldő címe", Width: 1.8},
		pdf.Column{Header: "Postai azonosító", Width: 1},
		pdf.Column{Header: "Kézbesítési azonosító", Width: 1.1},
		pdf.Column{Header: "Megjegyzés", Width: 1.5},
		pdf.Column{Header: "Iktatószám", Width: 1, Min: number},
		pdf.Column{Header: "Érkeztette", Width: 0.8},
	)
	for _, a := range e.Entries {
		t.Row(a.Number(), when(a.ReceivedAt), channelHU[a.Channel], a.SenderName, a.SenderAddress, a.PostalID,
			a.DeliveryID, a.Note, a.DocumentNumber, a.CreatedBy)
	}
	if len(e.Entries) == 0 {
		t.Row("", "", "", "Nincs érkeztetett küldemény.")
	}
	t.End()
	_, err = d.WriteTo(w)
	return err
}

// XLSX writes the register as a workbook.
func (e *ArrivalsExport) XLSX(w io.Writer, m ExportMeta) error {
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties(e.title(), "", m.Issuer, m.At); err != nil {
		return err
	}
	s, err := wb.Sheet("Érkeztetés",
		xlsx.Column{Header: "Érkeztetési azonosító", Width: 14},
		xlsx.Column{Header: "Év", Kind: xlsx.Number, Width: 7},
		xlsx.Column{Header: "Sorszám", Kind: xlsx.Number},
		xlsx.Column{Header: "Beérkezett", Kind: xlsx.DateTime},
		xlsx.Column{Header: "Mód", Width: 14},
		xlsx.Column{Header: "Küldő", Width: 30},
		xlsx.Column{Header: "Küldő címe", Width: 30},
		xlsx.Column{Header: "Postai azonosító", Width: 16},
		xlsx.Column{Header: "Kézbesítési azonosító", Width: 18},
		xlsx.Column{Header: "Megjegyzés", Width: 30},
		xlsx.Column{Header: "Iktatószám", Width: 18},
		xlsx.Column{Header: "Érkeztette", Width: 14},
	)
	if err != nil {
		return err
	}
	for _, a := range e.Entries {
		if err := s.Row(a.Number(), a.Year, a.Serial, a.ReceivedAt, channelHU[a.Channel], a.SenderName, a.SenderAddress,
			a.PostalID, a.DeliveryID, a.Note, a.DocumentNumber, a.CreatedBy); err != nil {
			return err
		}
	}
	if err := factSheet(wb, m, e.facts()); err != nil {
		return err
	}
	_, err = wb.WriteTo(w)
	return err
}

// Receipt is what the iktatási igazolás of a registration shows.
type Receipt struct {
	Document Document
	Book     Book
	Arrival  *Arrival
}

// LoadReceipt reads a registration for its receipt; nil when the tenant
// has no such document.
func LoadReceipt(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Receipt, error) {
	d, err := documentByID(ctx, tx, id)
	if err != nil || d == nil {
		return nil, err
	}
	c, err := caseByID(ctx, tx, d.CaseID)
	if err != nil {
		return nil, err
	}
	b, err := bookByID(ctx, tx, c.BookID)
	if err != nil {
		return nil, err
	}
	r := &Receipt{Document: *d, Book: *b}
	var as []Arrival
	if err := tx.NewSelect().Model(&as).Where("document_id = ?", d.ID).Limit(1).Scan(ctx); err != nil {
		return nil, fmt.Errorf("arrival of %s: %w", d.Number, err)
	}
	if len(as) > 0 {
		r.Arrival = &as[0]
	}
	return r, nil
}

// PDF prints the receipt on a portrait A4 page.
func (r *Receipt) PDF(w io.Writer, m ExportMeta) error {
	doc := r.Document
	d, err := pdf.New(pdf.Options{Issuer: m.Issuer, Title: "Iktatási igazolás", Subtitle: "Iktatószám: " + doc.Number, GeneratedAt: m.At, Footer: m.By})
	if err != nil {
		return err
	}
	d.Paragraph("Igazoljuk, hogy az alábbi iratot nyilvántartásunkba iktattuk.")
	partner := doc.Partner
	if partner == "" {
		partner = "–"
	}
	kvs := []pdf.KV{
		{Key: "Iktatószám", Value: doc.Number},
		{Key: "Az iktatás időpontja", Value: when(doc.RegisteredAt)},
		{Key: "Irány", Value: directionHU[doc.Direction]},
		{Key: "Tárgy", Value: doc.Subject},
		{Key: "Ügyfél (küldő vagy címzett)", Value: partner},
	}
	if doc.ExternalRef != "" {
		kvs = append(kvs, pdf.KV{Key: "Hivatkozási szám", Value: doc.ExternalRef})
	}
	if r.Arrival != nil {
		kvs = append(kvs, pdf.KV{Key: "Érkeztetési azonosító", Value: r.Arrival.Number()},
			pdf.KV{Key: "Beérkezett", Value: when(r.Arrival.ReceivedAt)})
	}
	kvs = append(kvs,
		pdf.KV{Key: "Iktatókönyv", Value: fmt.Sprintf("%s (%s, %d)", r.Book.Title, r.Book.Code, r.Book.Year)},
		pdf.KV{Key: "Önkormányzat", Value: m.Issuer},
		pdf.KV{Key: "Iktatta", Value: doc.RegisteredBy})
	if doc.VoidedAt != nil {
		kvs = append(kvs, pdf.KV{Key: "ÉRVÉNYTELENÍTVE", Value: when(*doc.VoidedAt) + " – " + doc.VoidReason})
	}
	d.KeyValues(kvs)
	d.Paragraph("Az időpontok közép-európai (budapesti) idő szerint értendők.")
	_, err = d.WriteTo(w)
	return err
}
