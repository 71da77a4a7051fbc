package app

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/openasp-hu/asp/internal/hu"
)

// The import page in a real browser: the form, a rejected file's report
// and a check that passed, each audited (axe, reflow); the file is chosen
// in the file input as a person would.
func TestBrowserRecordsImport(t *testing.T) {
	srv := newServer(t, demoApp(t))
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "kulcs.orfu")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	if st := tb.open("/records/import"); st != http.StatusOK {
		t.Fatalf("import page: %d", st)
	}
	tb.click(`//summary[contains(normalize-space(.), "A fájl formája")]`)
	tb.audit("records-import")

	year := hu.DateOf(time.Now()).Year
	dir := t.TempDir()
	broken := filepath.Join(dir, "hibas.csv")
	os.WriteFile(broken, []byte(oldSystemExport(year)+fmt.Sprintf("2-1/%d;KOZ;%d.03.01.;oldalra;;;;;\n", year-1, year-1)), 0o600)
	tb.fatal("choose file", chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{broken})))
	if st := tb.press(`button[value="import"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("broken file: %d", st)
	}
	if s := tb.text(".govuk-error-summary"); !strings.Contains(s, "1 sor hibás") {
		t.Errorf("error summary: %q", s)
	}
	if rows := tb.texts(`[data-testid="report"] tbody tr`); len(rows) != 2 || !strings.HasPrefix(rows[0], "7") {
		t.Errorf("report rows: %q", rows)
	}
	tb.audit("records-import-rejected")

	good := filepath.Join(dir, "regi.csv")
	os.WriteFile(good, []byte(oldSystemExport(year)), 0o600)
	tb.fatal("choose file", chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{good})))
	if st := tb.press(`button[value="check"]`); st != http.StatusOK {
		t.Fatalf("check: %d", st)
	}
	if s := tb.text(`[data-testid="valid"]`); !strings.Contains(s, "A fájl hibátlan") {
		t.Errorf("check result: %q", s)
	}
	tb.audit("records-import-checked")
}
