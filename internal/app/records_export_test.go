package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/records"
)

// download fetches an export and checks its type and file name.
func download(t *testing.T, b *browser, path, ctype, filename string) []byte {
	t.Helper()
	p := b.get(path)
	if p.Status != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, p.Status, p.Body)
	}
	if got := p.Header.Get("Content-Type"); got != ctype {
		t.Errorf("%s: Content-Type %q, want %q", path, got, ctype)
	}
	if got, want := p.Header.Get("Content-Disposition"), "attachment; filename="+filename; got != want {
		t.Errorf("%s: Content-Disposition %q, want %q", path, got, want)
	}
	if got := p.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Errorf("%s: Cache-Control %q: case data must not be cached", path, got)
	}
	return []byte(p.Body)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func exportCount(t *testing.T, a *App, tenant db.TenantID, objectType string) int {
	t.Helper()
	var n int
	err := a.DB.InTenantRead(cliContext(context.Background()), tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action = 'records.export' AND object_type = ? AND actor_name <> ''",
			tenant, objectType).Scan(ctx, &n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestClerkExportsTheBookArrivalsAndAReceipt(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	c := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	year := hu.DateOf(time.Now()).Year

	// An arrival, registered; a document with a follow-up.
	p := b.post("/records/arrivals", url.Values{"channel": {"paper"}, "sender_name": {"Hűvösvölgyi Ödön"}, "postal_id": {"RL-Ő-1"}})
	arrival := regexp.MustCompile(`href="/records/new\?arrival=([0-9a-f-]{36})"`).FindStringSubmatch(p.Body)
	if p.Status != http.StatusCreated || arrival == nil {
		t.Fatalf("arrival: %d", p.Status)
	}
	p = b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"árvíztűrő tükörfúrógép – kérelem"},
		"partner": {"Hűvösvölgyi Ödön"}, "external_ref": {"ŐR/1"}, "arrival": {arrival[1]}})
	first := docPath.FindStringSubmatch(p.Location)
	if first == nil {
		t.Fatalf("register: %d %s", p.Status, p.Location)
	}
	number := fmt.Sprintf("1-1/%d", year)
	p = b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"out"}, "subject": {"Ügyfél értesítése Őrszentmiklósról"}, "partner": {"Hűvösvölgyi Ödön"}, "predecessor": {number}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("follow-up: %d", p.Status)
	}

	// The book list links to the book's exports.
	list := b.get("/records")
	m := regexp.MustCompile(`href="/records/books/([0-9a-f-]{36})/export\.pdf"`).FindStringSubmatch(list.Body)
	if m == nil || !strings.Contains(list.Body, `/records/books/`+m[1]+`/export.xlsx"`) {
		t.Fatal("the book list has no export links")
	}
	bookID := m[1]
	name := fmt.Sprintf("iktatokonyv-KOZ-%d", year)
	text := pdftest.Text(t, download(t, b, "/records/books/"+bookID+"/export.pdf", "application/pdf", name+".pdf"), false)
	for _, want := range []string{"Orfű", fmt.Sprintf("Iktatókönyv – KOZ, %d", year), "Nyitott", number, fmt.Sprintf("1-2/%d", year),
		"árvíztűrő tükörfúrógép – kérelem", "Ügyfél értesítése Őrszentmiklósról", "Hűvösvölgyi Ödön", "ŐR/1", fmt.Sprintf("É-1/%d", year), "Kovács Anna", "1. oldal / 1"} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("book PDF lacks %q", want)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(download(t, b, "/records/books/"+bookID+"/export.xlsx", xlsxType, name+".xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Iktatókönyv")
	if len(rows) != 3 || rows[1][0] != number || rows[1][5] != "árvíztűrő tükörfúrógép – kérelem" || rows[2][2] != "2" || rows[1][8] != fmt.Sprintf("É-1/%d", year) {
		t.Errorf("book sheet: %q", rows)
	}
	if typ, _ := f.GetCellType("Iktatókönyv", "B2"); typ != excelize.CellTypeUnset {
		t.Errorf("főszám is stored as %v, not a number", typ)
	}
	if v, _ := f.GetCellValue("Adatok", "B2"); v != "Orfű" {
		t.Errorf("facts sheet names %q", v)
	}
	if n := exportCount(t, a, "11730", "book"); n != 2 {
		t.Errorf("%d book exports in the audit log, want 2", n)
	}

	// The arrival register, with a form on the arrivals page.
	arr := b.get("/records/arrivals")
	if !strings.Contains(arr.Body, `action="/records/arrivals/export.pdf"`) || !strings.Contains(arr.Body, `formaction="/records/arrivals/export.xlsx"`) ||
		!strings.Contains(arr.Body, fmt.Sprintf(`name="year" type="text" inputmode="numeric" value="%d"`, year)) {
		t.Error("the arrivals page has no export form")
	}
	y := strconv.Itoa(year)
	text = pdftest.Text(t, download(t, b, "/records/arrivals/export.pdf?year="+y, "application/pdf", "erkeztetes-"+y+".pdf"), false)
	for _, want := range []string{"Orfű", "Érkeztető nyilvántartás – " + y, "É-1/" + y, "Hűvösvölgyi Ödön", "RL-Ő-1", number} {
		if !strings.Contains(text, want) {
			t.Errorf("arrivals PDF lacks %q", want)
		}
	}
	f2, err := excelize.OpenReader(bytes.NewReader(download(t, b, "/records/arrivals/export.xlsx?year="+y, xlsxType, "erkeztetes-"+y+".xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if rows, _ := f2.GetRows("Érkeztetés"); len(rows) != 2 || rows[1][5] != "Hűvösvölgyi Ödön" || rows[1][10] != number {
		t.Errorf("arrivals sheet: %q", rows)
	}
	// Without a year: this year's.
	if p := b.get("/records/arrivals/export.pdf"); p.Status != http.StatusOK || !strings.Contains(p.Header.Get("Content-Disposition"), "erkeztetes-"+y) {
		t.Errorf("no year: %d %s", p.Status, p.Header.Get("Content-Disposition"))
	}
	for _, bad := range []string{"tavaly", "1800", strconv.Itoa(year + 5), "2026.5"} {
		p := b.get("/records/arrivals/export.xlsx?year=" + url.QueryEscape(bad))
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Az év nem megfelelő") {
			t.Errorf("year %q: %d", bad, p.Status)
		}
	}
	b.lang = "en"
	if p := b.get("/records/arrivals/export.pdf?year=x"); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "The year is not valid") {
		t.Errorf("bad year in English: %d", p.Status)
	}
	b.lang = "hu"
	if n := exportCount(t, a, "11730", "arrivals"); n != 3 {
		t.Errorf("%d arrival exports in the audit log, want 3", n)
	}

	// The receipt, linked from the document's page.
	doc := b.get("/records/documents/" + first[1])
	if !strings.Contains(doc.Body, `href="/records/documents/`+first[1]+`/receipt.pdf"`) {
		t.Fatal("the document page has no receipt link")
	}
	text = pdftest.Text(t, download(t, b, "/records/documents/"+first[1]+"/receipt.pdf", "application/pdf", fmt.Sprintf("iktatasi-igazolas-1-1-%d.pdf", year)), false)
	for _, want := range []string{"Orfű", "Iktatási igazolás", "Iktatószám: " + number, "árvíztűrő tükörfúrógép – kérelem", "Hűvösvölgyi Ödön", "ugyintezo", fmt.Sprintf("É-1/%d", year)} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if n := exportCount(t, a, "11730", "document"); n != 1 {
		t.Errorf("%d receipts in the audit log, want 1", n)
	}

	// Abaliget's book and document do not exist for Orfű's clerk, though
	// she is Abaliget's clerk too: the ids are read in the tenant she
	// acts for.
	var abaDoc records.Document
	var abaBook string
	err = a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		var err error
		if abaDoc, err = (&records.Service{}).Register(ctx, tx, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "Abaligeti titkos ügy", By: "test"}); err != nil {
			return err
		}
		return tx.NewRaw("SELECT id FROM records_books WHERE tenant_id = '12548' AND code = 'KOZ'").Scan(ctx, &abaBook)
	})
	if err != nil {
		t.Fatal(err)
	}
	var bookRoutes, docRoutes []separation.Route
	for _, r := range records.SeparationRoutes {
		switch {
		case strings.Contains(r.Pattern, "/books/{id}/export"):
			bookRoutes = append(bookRoutes, r)
		case strings.Contains(r.Pattern, "/receipt.pdf"):
			docRoutes = append(docRoutes, r)
		}
	}
	if len(bookRoutes) != 2 || len(docRoutes) != 1 {
		t.Fatalf("export routes missing from SeparationRoutes: %v %v", bookRoutes, docRoutes)
	}
	actors := []separation.Actor{{Name: "registry clerk of Orfű", Client: b.c}}
	separation.Check(t, separation.Case{BaseURL: srv.URL, Actors: actors, IDsOfB: map[string]string{"id": abaBook}, SecretsOfB: []string{"Abaligeti titkos ügy"}, Routes: bookRoutes})
	separation.Check(t, separation.Case{BaseURL: srv.URL, Actors: actors, IDsOfB: map[string]string{"id": abaDoc.ID.String()}, SecretsOfB: []string{"Abaligeti titkos ügy"}, Routes: docRoutes})
	// Orfű's own arrival register does not list Abaliget's items.
	if text := pdftest.Text(t, download(t, b, "/records/arrivals/export.pdf?year="+y, "application/pdf", "erkeztetes-"+y+".pdf"), false); strings.Contains(text, "Abaligeti") {
		t.Error("Abaliget's data in Orfű's export")
	}
	// Without the read permission there is no export: the operator has
	// no tenant at all.
	op := demoLogin(t, "uzemelteto")
	ob := newBrowser(t, srv)
	ob.login(op.Username, op.Password, op.TOTPSecret)
	if p := ob.get("/records/books/" + bookID + "/export.pdf"); p.Status == http.StatusOK {
		t.Error("the operator downloaded a municipality's book")
	}
}
