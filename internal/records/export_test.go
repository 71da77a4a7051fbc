package records_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/records"
)

var meta = records.ExportMeta{Issuer: "Őrszentmiklós", By: "Hűvösvölgyi Ödön", At: time.Date(2027, 1, 10, 8, 0, 0, 0, time.UTC)}

func loadBook(t testing.TB, d *db.DB, tenant db.TenantID, code string, year int) *records.BookExport {
	t.Helper()
	var e *records.BookExport
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var b records.Book
		if err := tx.NewSelect().Model(&b).Where("code = ? AND year = ?", code, year).Scan(ctx); err != nil {
			return err
		}
		var err error
		e, err = records.LoadBookExport(ctx, tx, b.ID)
		return err
	})
	if err != nil || e == nil {
		t.Fatalf("book %s/%d: %v", code, year, err)
	}
	return e
}

func render(t testing.TB, f func(w *bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// flat joins a PDF's text into one line: a table cell's text wraps
// wherever its column ends.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// sample keeps a made document to look at when ASP_EXPORT_SAMPLES names
// a folder.
func sample(t testing.TB, name string, b []byte) []byte {
	if dir := os.Getenv("ASP_EXPORT_SAMPLES"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A book as a clerk fills it in a year: a szerelés from last year, a
// follow-up, a voided registration, an arrival registered; then both
// books exported.
func TestBookExportHasEveryEntryInNumberOrder(t *testing.T) {
	d, s, c := setup(t)
	c.t = budapest(2025, 12, 1, 10, 0)
	if err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.OpenBook(ctx, tx, "KOZ", "Általános iktatókönyv", "", 2025)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	old := mustRegister(t, d, s, orfu, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "Fakivágás – Hűvösvölgy", Partner: "Ődön Ügyfél", By: "ugyintezo"})
	c.t = budapest(2026, 3, 2, 9, 0)
	first := mustRegister(t, d, s, orfu, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "árvíztűrő tükörfúrógép beszerzése",
		Partner: "Őrszentmiklósi Ügyfél Kft.", ExternalRef: "ŐK/12/2026", By: "ugyintezo"})
	joined := mustRegister(t, d, s, orfu, records.Registration{BookCode: "KOZ", Direction: records.Outgoing, Subject: "Válasz a fakivágásra", Partner: "Ődön Ügyfél", Predecessor: old.Number, By: "ugyintezo"})
	follow := mustRegister(t, d, s, orfu, records.Registration{BookCode: "KOZ", Direction: records.Outgoing, Subject: "Hiánypótlás", Partner: "Őrszentmiklósi Ügyfél Kft.", Predecessor: first.Number, By: "ugyintezo"})
	var arrival records.Arrival
	if err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		arrival, err = s.Arrive(ctx, tx, records.ArrivalInput{Channel: records.Paper, SenderName: "Hűvösvölgyi Ödön", PostalID: "RL123", By: "erkezteto"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	arrived := mustRegister(t, d, s, orfu, records.Registration{BookCode: "KOZ", Direction: records.Internal, Subject: "Belső feljegyzés", Arrival: arrival.ID.String(), By: "ugyintezo"})
	if err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.Void(ctx, tx, joined.Number, "Téves ügyfélhez iktatva", "vezeto")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mustRegister(t, d, s, aba, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "Abai titok", By: "x"})

	e := loadBook(t, d, orfu, "KOZ", 2026)
	var numbers []string
	for _, en := range e.Entries {
		numbers = append(numbers, en.Number)
	}
	if want := []string{first.Number, follow.Number, joined.Number, arrived.Number}; strings.Join(numbers, " ") != strings.Join(want, " ") {
		t.Fatalf("entries %v, want %v (főszám, then alszám)", numbers, want)
	}
	if e.Entries[2].Preceding != old.Number || e.Entries[3].Arrival != arrival.Number() || e.Entries[2].VoidedAt == nil {
		t.Errorf("links: %+v", e.Entries[2:])
	}

	text := flat(pdftest.Text(t, sample(t, "book.pdf", render(t, func(w *bytes.Buffer) error { return e.PDF(w, meta) })), false))
	for _, want := range []string{"Őrszentmiklós", "Iktatókönyv – KOZ, 2026", "Általános iktatókönyv", "Nyitott",
		first.Number, "árvíztűrő tükörfúrógép", "Őrszentmiklósi Ügyfél", "ŐK/12/2026", "Bejövő", "Kimenő", "Belső",
		"Előirat: " + old.Number, arrival.Number(), "ÉRVÉNYTELEN", "Téves ügyfélhez", "ugyintezo",
		"Készült: 2027. 01. 10. 09:00 · Hűvösvölgyi Ödön", "1. oldal / 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("book PDF lacks %q", want)
		}
	}
	if strings.Contains(text, "Abai titok") {
		t.Error("another tenant's entry in the book")
	}
	// Registration time in Budapest (09:00 CET = 08:00 UTC).
	if !strings.Contains(text, "2026. 03. 02. 09:00") {
		t.Error("registration time not in Budapest time")
	}

	f := openXLSX(t, render(t, func(w *bytes.Buffer) error { return e.XLSX(w, meta) }))
	rows, err := f.GetRows("Iktatókönyv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "Iktatószám" || rows[1][0] != first.Number || rows[3][9] != old.Number || rows[3][13] != "Téves ügyfélhez iktatva" || rows[4][8] != arrival.Number() {
		t.Errorf("sheet rows: %q", rows)
	}
	if typ, _ := f.GetCellType("Iktatókönyv", "B3"); typ != excelize.CellTypeUnset { // numbers have no type attribute
		t.Errorf("főszám is not a number: %v", typ)
	}
	if v, _ := f.GetCellValue("Iktatókönyv", "C3"); v != "2" {
		t.Errorf("alszám of the follow-up = %q", v)
	}
	if v, _ := f.GetCellValue("Iktatókönyv", "D2"); v != "2026.03.02. 09:00" {
		t.Errorf("registered at = %q", v)
	}
	if v, _ := f.GetCellValue("Adatok", "B2"); v != "Őrszentmiklós" {
		t.Errorf("facts sheet: %q", v)
	}

	// Last year's book, closed: its manifest, and the utóirat.
	if err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.CloseBook(ctx, tx, "KOZ", 2025, "Jegyző Judit")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	closed := loadBook(t, d, orfu, "KOZ", 2025)
	text = flat(pdftest.Text(t, sample(t, "closed-book.pdf", render(t, func(w *bytes.Buffer) error { return closed.PDF(w, meta) })), false))
	for _, want := range []string{"Lezárva", "Jegyző Judit", "Bejegyzések a lezáráskor", closed.Book.ClosureHash, "Utóirat: " + joined.Number, "Fakivágás – Hűvösvölgy"} {
		if !strings.Contains(text, want) {
			t.Errorf("closed book PDF lacks %q", want)
		}
	}
	if len(closed.Book.ClosureHash) != 64 {
		t.Errorf("closure hash %q", closed.Book.ClosureHash)
	}
}

func TestABookIsOnlyItsTenants(t *testing.T) {
	d, _, _ := setup(t)
	orfuBook := loadBook(t, d, orfu, "KOZ", 2026)
	err := d.InTenantRead(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		e, err := records.LoadBookExport(ctx, tx, orfuBook.Book.ID)
		if e != nil {
			t.Error("Aba read Orfű's book")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestArrivalsExportAndReceipt(t *testing.T) {
	d, s, c := setup(t)
	var as []records.Arrival
	for _, name := range []string{"Őrszentmiklós Önkormányzata", "Hűvösvölgyi Ödön", "Ügyfél Ágnes"} {
		c.t = c.t.Add(time.Hour)
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			a, err := s.Arrive(ctx, tx, records.ArrivalInput{Channel: records.Electronic, SenderName: name, DeliveryID: "HK-" + name[:2], Note: "árvíztűrő", By: "erkezteto"})
			as = append(as, a)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	doc := mustRegister(t, d, s, orfu, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "Kérelem tükörfúrógépről", Partner: "Hűvösvölgyi Ödön",
		ExternalRef: "H/1", Arrival: as[1].ID.String(), By: "ugyintezo"})

	var e *records.ArrivalsExport
	var rc *records.Receipt
	err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if e, err = records.LoadArrivalsExport(ctx, tx, 2026); err != nil {
			return err
		}
		rc, err = records.LoadReceipt(ctx, tx, doc.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Entries) != 3 || e.Entries[1].DocumentNumber != doc.Number {
		t.Fatalf("arrivals %+v", e.Entries)
	}
	text := flat(pdftest.Text(t, sample(t, "arrivals.pdf", render(t, func(w *bytes.Buffer) error { return e.PDF(w, meta) })), false))
	for _, want := range []string{"Érkeztető nyilvántartás – 2026", "É-1/2026", "É-3/2026", "Őrszentmiklós Önkormányzata", "Ügyfél Ágnes", "Elektronikusan", doc.Number, "erkezteto"} {
		if !strings.Contains(text, want) {
			t.Errorf("arrivals PDF lacks %q", want)
		}
	}
	f := openXLSX(t, render(t, func(w *bytes.Buffer) error { return e.XLSX(w, meta) }))
	rows, _ := f.GetRows("Érkeztetés")
	if len(rows) != 4 || rows[2][0] != "É-2/2026" || rows[2][5] != "Hűvösvölgyi Ödön" || rows[2][10] != doc.Number {
		t.Errorf("arrival rows %q", rows)
	}
	if v, _ := f.GetCellValue("Érkeztetés", "C4", excelize.Options{RawCellValue: true}); v != "3" {
		t.Errorf("serial = %q", v)
	}

	// Another year has an empty register, not an error.
	var empty *records.ArrivalsExport
	if err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		empty, err = records.LoadArrivalsExport(ctx, tx, 2019)
		return err
	}); err != nil || len(empty.Entries) != 0 {
		t.Errorf("2019: %v %v", empty, err)
	}
	if text := pdftest.Text(t, render(t, func(w *bytes.Buffer) error { return empty.PDF(w, meta) }), false); !strings.Contains(text, "Nincs érkeztetett küldemény.") {
		t.Error("an empty register does not say so")
	}

	text = flat(pdftest.Text(t, sample(t, "receipt.pdf", render(t, func(w *bytes.Buffer) error { return rc.PDF(w, meta) })), false))
	for _, want := range []string{"Iktatási igazolás", "Iktatószám: " + doc.Number, "Őrszentmiklós", "2026. 03. 02. 12:00", "Kérelem tükörfúrógépről",
		"Hűvösvölgyi Ödön", "H/1", as[1].Number(), "ugyintezo", "Általános iktatókönyv (KOZ, 2026)"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	// Another tenant's document has no receipt here.
	if err := d.InTenantRead(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		r, err := records.LoadReceipt(ctx, tx, doc.ID)
		if r != nil {
			t.Error("Aba got Orfű's receipt")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// fillBook registers n documents in Orfű's 2026 book in one transaction,
// with subjects and partners of a realistic length.
func fillBook(b *testing.B, d *db.DB, s *records.Service, n int) {
	b.Helper()
	subjects := []string{"Építési engedély iránti kérelem – Hűvösvölgy utca 12.", "Fakivágási kérelem", "Adó- és értékbizonyítvány kiállítása hagyatéki eljáráshoz",
		"Hiánypótlási felhívás árvíztűrő tükörfúrógép ügyben", "Közterület-használati engedély kérelem rendezvényhez a főtéren"}
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		for i := range n {
			_, err := s.Register(ctx, tx, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: subjects[i%len(subjects)],
				Partner: fmt.Sprintf("Őrszentmiklósi Ügyfél %d", i), ExternalRef: fmt.Sprintf("K/%d/2026", i), By: "ugyintezo"})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExport exports a book of 20,000 entries: reading it from the
// database and making the PDF or the XLSX.
//
//	go test -run '^$' -bench Export -benchtime 3x ./internal/records/
func BenchmarkExport(b *testing.B) {
	const n = 20000
	d, s, _ := setup(b)
	fillBook(b, d, s, n)
	var id uuid.UUID
	for _, f := range []string{"PDF", "XLSX"} {
		b.Run(f, func(b *testing.B) {
			var size int
			for range b.N {
				var e *records.BookExport
				err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
					if id == uuid.Nil {
						var bk records.Book
						if err := tx.NewSelect().Model(&bk).Where("code = 'KOZ' AND year = 2026").Scan(ctx); err != nil {
							return err
						}
						id = bk.ID
					}
					var err error
					e, err = records.LoadBookExport(ctx, tx, id)
					return err
				})
				if err != nil || len(e.Entries) != n {
					b.Fatalf("%v, %d entries", err, len(e.Entries))
				}
				var buf bytes.Buffer
				if f == "PDF" {
					err = e.PDF(&buf, meta)
				} else {
					err = e.XLSX(&buf, meta)
				}
				if err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
				sample(b, "book-20000."+strings.ToLower(f), buf.Bytes())
			}
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}
