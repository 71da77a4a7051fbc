package app

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
)

// upload posts a multipart form with a file, as a browser does.
func (b *browser) upload(path string, fields map[string]string, fileName string, content io.Reader) page {
	b.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if content != nil {
			fw, err := mw.CreateFormFile("file", fileName)
			if err == nil {
				_, err = io.Copy(fw, content)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", b.srv.URL+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// oldSystemExport is a previous system's export: last year's volume (to
// be closed) and this year's up to today, which continues a case of last
// year.
func oldSystemExport(year int) string {
	return fmt.Sprintf("iktatószám;iktatókönyv;iktatás ideje;irány;tárgy;ügyfél;előzmény;érvénytelen;érvénytelenítés oka\n"+
		"1-1/%[1]d;KOZ;%[1]d.02.03. 10:00;bejövő;Régi építési ügy;Kiss Péter;;;\n"+
		"1-2/%[1]d;KOZ;%[1]d.02.20.;kimenő;Régi építési ügy – végzés;Kiss Péter;;;\n"+
		"3-1/%[1]d;KOZ;%[1]d.05.06.;belső;Téves iktatás;;;igen;rossz ügyfél\n"+
		"1-1/%[2]d;KOZ;%[2]d.01.01. 00:10;bejövő;Újévi kérelem, régi ügyből;Kiss Péter;1-1/%[1]d;;\n"+
		"2-1/%[2]d;KOZ;%[2]d.01.01. 00:20;bejövő;Lomtalanítási kérelem;Őri Ödön;;;\n", year-1, year)
}

// The head of records takes over the previous system's book in the
// browser: a broken file is refused with the report (422) and nothing is
// written; a good one is checked, then imported, and its documents are
// found, shown and continued.
func TestHeadOfRecordsImportsTheOldBook(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	ku := demoLogin(t, "kulcs.orfu")
	head := newBrowser(t, srv)
	head.login(ku.Username, ku.Password, ku.TOTPSecret)
	c := demoLogin(t, "ugyintezo")
	clerk := newBrowser(t, srv)
	clerk.login(c.Username, c.Password, "")
	clerk.post("/tenants/switch", map[string][]string{"tenant": {"11730"}})
	year := hu.DateOf(time.Now()).Year
	if time.Now().Before(time.Date(year, 1, 1, 0, 30, 0, 0, hu.Budapest())) {
		t.Skip("the export's current-year rows lie in the future for the first half hour of the year")
	}

	if p := head.get("/records"); !strings.Contains(p.Body, `href="/records/import"`) {
		t.Error("the records page does not link to the import")
	}
	if p := clerk.get("/records/import"); p.Status != http.StatusForbidden {
		t.Errorf("registry clerk opened the import: %d", p.Status)
	}
	if p := clerk.get("/records"); strings.Contains(p.Body, `href="/records/import"`) {
		t.Error("the registry clerk is offered the import")
	}
	page := head.get("/records/import")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `enctype="multipart/form-data"`) || !strings.Contains(page.Body, `type="file"`) {
		t.Fatalf("import page: %d", page.Status)
	}
	if p := clerk.upload("/records/import", map[string]string{"action": "import"}, "x.csv", strings.NewReader(oldSystemExport(year))); p.Status != http.StatusForbidden {
		t.Errorf("registry clerk imported: %d", p.Status)
	}

	// No file chosen.
	if p := head.upload("/records/import", map[string]string{"action": "check"}, "", strings.NewReader("")); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Válassza ki a feltöltendő CSV-fájlt.") {
		t.Errorf("no file: %d", p.Status)
	}

	// A broken file: every bad row in the report, nothing written.
	good := oldSystemExport(year)
	broken := good + fmt.Sprintf("1-1/%d;KOZ;%d.02.03.;oldalra;;;;;\n", year-1, year-1) + "7/2020;KOZ;tegnap;bejövő;x;;;;\n"
	p := head.upload("/records/import", map[string]string{"action": "import"}, "regi.csv", strings.NewReader(broken))
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("broken file: %d", p.Status)
	}
	for _, want := range []string{`id="report"`, "A fájlt nem vettük át: 2 sor hibás a(z) 7 sorból.",
		"Ismeretlen irány: „oldalra”", "Hiányzik az irat tárgya.", fmt.Sprintf("A(z) 1-1/%d iktatószám már szerepel a(z) 2. sorban.", year-1),
		"A(z) „7/2020” nem iktatószám.", "A(z) „tegnap” nem dátum.", `<td class="govuk-table__cell">7</td>`, `<td class="govuk-table__cell">8</td>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if list := clerk.get("/records?q=R%C3%A9gi"); strings.Contains(list.Body, "Régi építési ügy") {
		t.Error("the rejected file was partly imported")
	}
	// The report as CSV, both languages in their columns.
	p = head.upload("/records/import", map[string]string{"action": "report"}, "regi.csv", strings.NewReader(broken))
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(p.Body, "Unknown direction \"\"oldalra\"\"") {
		t.Errorf("CSV report: %d %s\n%s", p.Status, p.Header.Get("Content-Type"), p.Body)
	}

	// A number form that cannot be read back is refused.
	if p := head.upload("/records/import", map[string]string{"action": "check", "number_template": "{főszám}{alszám}/{év}"}, "regi.csv", strings.NewReader(good)); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "A minta a {főszám}, {alszám} és {év} részeket") || !strings.Contains(p.Body, `value="{főszám}{alszám}/{év}"`) {
		t.Errorf("bad number form: %d", p.Status)
	}
	// Check first: valid, nothing written.
	p = head.upload("/records/import", map[string]string{"action": "check", "encoding": "utf-8"}, "regi.csv", strings.NewReader(good))
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "A fájl hibátlan: 5 irat, 4 ügyirat") || !strings.Contains(p.Body, "hiányzó főszámok (1 db): 2.") {
		t.Fatalf("check: %d", p.Status)
	}
	if list := clerk.get("/records"); strings.Contains(list.Body, "Lomtalanítási kérelem") {
		t.Error("the check imported")
	}
	// Then import.
	p = head.upload("/records/import", map[string]string{"action": "import"}, "regi.csv", strings.NewReader(good))
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Átvettük: 5 irat, 4 ügyirat, 2 iktatókönyv-kötet.") || !strings.Contains(p.Body, "Lezárási lenyomat:") {
		t.Fatalf("import: %d", p.Status)
	}
	// The imported documents are found and shown.
	list := clerk.get("/records?q=lomtalan")
	m := regexp.MustCompile(`href="/records/documents/([0-9a-f-]{36})">2-1/` + fmt.Sprint(year) + `<`).FindStringSubmatch(list.Body)
	if m == nil {
		t.Fatalf("imported document not found by search")
	}
	if d := clerk.get("/records/documents/" + m[1]); d.Status != http.StatusOK || !strings.Contains(d.Body, "Őri Ödön") {
		t.Errorf("imported document page: %d", d.Status)
	}
	if d := clerk.get("/records?q=t%C3%A9ves"); !strings.Contains(d.Body, "Érvénytelen") {
		t.Error("the voided registration is not shown as void")
	}
	// New registrations go on after the imported numbers.
	p = clerk.post("/records", map[string][]string{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Első új iktatás"}})
	if doc := clerk.get(p.Location); !strings.Contains(doc.Body, fmt.Sprintf(`"number">3-1/%d<`, year)) {
		t.Errorf("new registration does not continue after the import")
	}
	// Last year's volume is closed; the log has the import.
	if l := head.get("/records"); !strings.Contains(l.Body, "Lezárva (3 bejegyzés)") {
		t.Error("last year's imported volume is not closed")
	}
	if l := head.get("/audit?action=records.import"); !strings.Contains(l.Body, "records.import") {
		t.Error("the import is not in the audit log")
	}
	// The same file again is refused: the volumes are in use now.
	if p := head.upload("/records/import", map[string]string{"action": "import"}, "regi.csv", strings.NewReader(good)); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("second import: %d", p.Status)
	}
}

// An upload over the limit is refused before it is read to the end.
func TestImportUploadLimit(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	ku := demoLogin(t, "kulcs.orfu")
	head := newBrowser(t, srv)
	head.login(ku.Username, ku.Password, ku.TOTPSecret)
	big := io.LimitReader(repeatReader('x'), 51<<20)
	if p := head.upload("/records/import", map[string]string{"action": "check"}, "big.csv", big); p.Status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Body, "nagyobb 50 MB-nál") {
		t.Errorf("too large: %d", p.Status)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// asp records import: a rejected file exits 1 and says why; a dry run
// writes nothing; the import closes last year's volume, which then
// verifies.
func TestRecordsImportCommand(t *testing.T) {
	if os.Getenv("ASP_DATABASE_URL") != "" {
		t.Skip("the command test uses its own SQLite database")
	}
	dir := t.TempDir()
	year := hu.DateOf(time.Now()).Year
	if time.Now().Before(time.Date(year, 1, 1, 0, 30, 0, 0, hu.Budapest())) {
		t.Skip("the export's current-year rows lie in the future for the first half hour of the year")
	}
	good := filepath.Join(dir, "regi.csv")
	bad := filepath.Join(dir, "hibas.csv")
	report := filepath.Join(dir, "jelentes.csv")
	os.WriteFile(good, []byte(oldSystemExport(year)), 0o600)
	os.WriteFile(bad, []byte(oldSystemExport(year)+"9-1/2019;KOZ;2019.01.01.;oda-vissza;x;;;;\n"), 0o600)
	run := func(args ...string) (int, string) {
		var out, errs bytes.Buffer
		code := Main(append(args, "--data", dir), &out, &errs)
		return code, out.String() + errs.String()
	}
	code, out := run("records", "import", "--tenant", "11730", "--file", bad, "--report", report)
	if code != 1 || !strings.Contains(out, `line 7, "irány": Ismeretlen irány: „oda-vissza”`) || !strings.Contains(out, "rejected: 1 of 6 rows; nothing was imported") {
		t.Errorf("rejected file: exit %d\n%s", code, out)
	}
	if csv, _ := os.ReadFile(report); !strings.Contains(string(csv), "oda-vissza") {
		t.Errorf("report file: %s", csv)
	}
	code, out = run("records", "import", "--tenant", "11730", "--file", good, "--dry-run", "--lang", "en")
	if code != 0 || !strings.Contains(out, "checked (dry run, nothing written): 5 documents in 4 cases, 1 voided, 1 joined") {
		t.Errorf("dry run: exit %d\n%s", code, out)
	}
	code, out = run("records", "import", "--tenant", "11730", "--file", good)
	if code != 0 || !strings.Contains(out, "imported: 5 documents") || !strings.Contains(out, fmt.Sprintf("book KOZ/%d: 2 cases, 3 documents (closed, manifest ", year-1)) ||
		!strings.Contains(out, fmt.Sprintf("book KOZ/%d: 2 cases, 2 documents (open, next főszám 3)", year)) {
		t.Errorf("import: exit %d\n%s", code, out)
	}
	code, out = run("records", "verify-book", "--tenant", "11730", "--book", "KOZ", "--year", fmt.Sprint(year-1))
	if code != 0 || !strings.Contains(out, "is as closed: 3 entries") {
		t.Errorf("verify-book after import: exit %d\n%s", code, out)
	}
	if code, out = run("records", "import", "--tenant", "11730"); code != 2 {
		t.Errorf("without --file: exit %d\n%s", code, out)
	}
}
