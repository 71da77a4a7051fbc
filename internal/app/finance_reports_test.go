package app

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
)

// Orfű's finance manager pays an invoice and reads every report as a
// page, a PDF, a spreadsheet and data: the figures agree, the checks
// show no difference, a bad parameter is refused in Hungarian.
func TestFinanceReportsPagesDocumentsAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	_, list := call("GET", "/api/v1/finance/entities", tok, "")
	id := list["entities"].([]any)[0].(map[string]any)["id"].(string)
	ent := "/finance/entities/" + id
	for _, ev := range []string{"commitment", "invoice_received", "payment"} {
		if p := m.post(ent+"/events", url.Values{"form": {"event"}, "event": {ev}, "on": {"2026-02-02"}, "rovat": {"K331"}, "funkcio": {"064010"}, "amount": {"500 000"}, "commitment": {"KV-1"}, "partner": {"Áram Zrt."}}); p.Status != 303 {
			t.Fatalf("%s: %d\n%s", ev, p.Status, p.Body)
		}
	}
	if p := m.get(ent + "/reports?year=2026"); !strings.Contains(p.Body, ent+"/reports/balance-sheet?year=2026") || !strings.Contains(p.Body, "/finance/reports/consolidated") {
		t.Errorf("no links from the reports page:\n%s", p.Body)
	}
	pages := map[string]string{
		"/reports/budget?year=2026&month=3":                    "Havi időközi költségvetési jelentés",
		"/reports/trial-balance?year=2026":                     "Főkönyvi kivonat",
		"/reports/general-ledger?year=2026&account=331":        "Áram Zrt.",
		"/reports/analytics?year=2026&account=4213&by=partner": "Áram Zrt.",
		"/reports/balance-sheet?year=2026&quarter=1":           "Eszközök összesen",
		"/reports/maradvany?year=2026":                         "Költségvetési maradvány (A &#43; B)",
	}
	for path, want := range pages {
		p := m.get(ent + path)
		if p.Status != 200 || !strings.Contains(p.Body, want) || strings.Contains(p.Body, "govuk-tag--red") || !strings.Contains(p.Body, `data-testid="checks"`) {
			t.Errorf("%s: %d, want %q and no difference\n%s", path, p.Status, want, p.Body)
		}
	}
	if p := m.get("/finance/reports/consolidated?year=2026"); p.Status != 200 || !strings.Contains(p.Body, "Összevont") || !strings.Contains(p.Body, "Orfű Község Önkormányzata") {
		t.Errorf("consolidated: %d", p.Status)
	}
	if p := m.get(ent + "/reports/general-ledger?year=2026&account=999"); p.Status != 422 || !strings.Contains(p.Body, "számla a számlatükörben") {
		t.Errorf("bad account: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(ent + "/reports/general-ledger?year=2026"); p.Status != 200 || !strings.Contains(p.Body, `id="account"`) || strings.Contains(p.Body, "govuk-error-summary") {
		t.Errorf("general ledger without an account: %d", p.Status)
	}
	if p := m.get(ent + "/reports/nonsense"); p.Status != 404 && p.Status != 405 {
		t.Errorf("unknown report: %d", p.Status)
	}

	// The documents: the PDF's text is the page's; the workbook opens
	// and holds the numbers as numbers.
	pdfText := func(path string) string {
		p := m.get(ent + path)
		if p.Status != 200 || p.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s: %d %s", path, p.Status, p.Header.Get("Content-Type"))
		}
		return strings.Join(strings.Fields(pdftest.Text(t, []byte(p.Body), false)), " ")
	}
	if s := pdfText("/reports/balance-sheet?year=2026&quarter=1&format=pdf"); !strings.Contains(s, "Negyedéves időközi mérlegjelentés") || !strings.Contains(s, "Eszközök összesen") || !strings.Contains(s, "Pénzeszközök") {
		t.Errorf("balance sheet PDF: %s", s)
	}
	if s := pdfText("/reports/general-ledger?year=2026&account=331&format=pdf"); !strings.Contains(s, "Forintszámlák") || !strings.Contains(s, "-500 000") || !strings.Contains(s, "4213") {
		t.Errorf("account sheet PDF: %s", s)
	}
	if s := pdfText("/reports/budget?year=2026&format=pdf"); !strings.Contains(s, "Havi időközi költségvetési jelentés") || !strings.Contains(s, "rendben") || strings.Contains(s, "ELTÉRÉS") {
		t.Errorf("budget PDF: %s", s)
	}
	if s := pdfText("/reports/trial-balance?year=2026&format=pdf"); !strings.Contains(s, "Főkönyvi kivonat") {
		t.Errorf("trial balance PDF: %s", s)
	}
	p := m.get(ent + "/reports/maradvany?year=2026&format=xlsx")
	x, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
	if err != nil {
		t.Fatalf("maradvány XLSX: %d %v", p.Status, err)
	}
	rows, _ := x.GetRows(x.GetSheetList()[0])
	found := false
	for _, r := range rows {
		if len(r) == 2 && strings.HasPrefix(r[0], "C) Költségvetési maradvány") && r[1] == "-500000" {
			found = true
		}
	}
	if !found {
		t.Errorf("maradvány XLSX rows: %v", rows)
	}

	// The data for the warehouse, checked against the OpenAPI document.
	st, r := call("GET", "/api/v1"+ent+"/reports/general-ledger?year=2026&account=331", tok, "")
	if st != 200 || r["report"].(map[string]any)["closing_balance"].(float64) != -500_000 {
		t.Errorf("general ledger API: %d %v", st, r)
	}
	st, r = call("GET", "/api/v1"+ent+"/reports/balance-sheet?year=2026&quarter=1", tok, "")
	if bs, _ := r["report"].(map[string]any); st != 200 || bs["total_assets"] != bs["total_liabilities"] || bs["total_assets"].(float64) != -500_000 {
		t.Errorf("balance sheet API: %d %v", st, r)
	}
	for _, kind := range []string{"budget", "trial-balance", "analytics?account=4213&by=commitment", "maradvany"} {
		sep := "?"
		if strings.Contains(kind, "?") {
			sep = "&"
		}
		st, r := call("GET", "/api/v1"+ent+"/reports/"+kind+sep+"year=2026", tok, "")
		if st != 200 {
			t.Errorf("%s: %d %v", kind, st, r)
			continue
		}
		for _, c := range r["checks"].([]any) {
			if !c.(map[string]any)["ok"].(bool) {
				t.Errorf("%s: difference %v", kind, c)
			}
		}
	}
	if st, r := call("GET", "/api/v1/finance/reports/consolidated?year=2026&month=6", tok, ""); st != 200 || len(r["report"].(map[string]any)["entities"].([]any)) != 1 {
		t.Errorf("consolidated API: %d %v", st, r)
	}
	if st, _ := call("GET", "/api/v1"+ent+"/reports/budget?month=13", tok, ""); st != 422 {
		t.Errorf("month 13: %d", st)
	}

	// Support paid to an institution that has not booked it: the
	// consolidated report shows the difference as a red line.
	if st, r := call("POST", "/api/v1/finance/entities/"+id+"/budget", tok, `{"year":2026,"kind":"amendment","decision":"8/2026.","lines":[{"rovat":"K915","funkcio":"011130","amount":100000}]}`); st != 201 {
		t.Fatalf("K915 appropriation: %d %v", st, r)
	}
	for _, ev := range []string{"invoice_received", "payment"} {
		if st, r := call("POST", "/api/v1/finance/entities/"+id+"/events", tok, `{"event":"`+ev+`","on":"2026-03-03","rovat":"K915","funkcio":"011130","amount":100000}`); st != 201 {
			t.Fatalf("K915 %s: %d %v", ev, st, r)
		}
	}
	if p := m.get("/finance/reports/consolidated?year=2026"); p.Status != 200 || !strings.Contains(p.Body, "govuk-tag--red") || !strings.Contains(p.Body, "(K915)") {
		t.Errorf("consolidated with unmatched K915: %d\n%s", p.Status, p.Body)
	}
	if p := m.get("/finance/reports/consolidated?year=2026&format=pdf"); !strings.Contains(strings.Join(strings.Fields(pdftest.Text(t, []byte(p.Body), false)), " "), "ELTÉRÉS 100 000") {
		t.Errorf("the consolidated PDF hides the difference")
	}

	// In English the page and its documents speak English.
	m.post("/lang", url.Values{"lang": {"en"}, "back": {"/finance"}})
	if p := m.get(ent + "/reports/balance-sheet?year=2026&quarter=1"); p.Status != 200 || !strings.Contains(p.Body, "Quarterly interim balance sheet report") || !strings.Contains(p.Body, "Total assets") {
		t.Errorf("English balance sheet: %d", p.Status)
	}
}
