package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// Orfű's finance manager records the municipality with its funkciók, its
// budget from a spreadsheet (a sheet with a bad cell is refused whole,
// every bad cell named), posts an event and reads the reports; the API
// gives the same; the clerk without a finance role gets nothing.
func TestFinancePagesAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := m.get("/finance"); p.Status != 200 || !strings.Contains(p.Body, "Orfű Község Önkormányzata") { // the demo's
		t.Fatalf("overview: %d", p.Status)
	}
	form := url.Values{"kind": {"joint_office"}, "name": {"Orfűi Közös Önkormányzati Hivatal"}, "pir": {"734567"}, "functions": {"11130, 064010"}}
	if p := m.post("/finance/entities", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "vezető nullát") || !strings.Contains(p.Body, "011130") {
		t.Fatalf("stripped zero: %d\n%s", p.Status, p.Body)
	}
	form.Set("functions", "011130 Önkormányzatok…\n064010\n900020")
	p := m.post("/finance/entities", form)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", p.Status, p.Body)
	}
	ent := p.Location
	id := strings.TrimPrefix(ent, "/finance/entities/")

	bad := "Rovat;011130 Igazgatás;082044 Könyvtár\nIlletmények (K1101);1 000 000;5\nÖsszesen;1 000 000;\n"
	p = m.upload(ent+"/budget/import", map[string]string{"year": "2026", "kind": "original"}, "k.csv", strings.NewReader(bad))
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "C1") || !strings.Contains(p.Body, "C2") || !strings.Contains(p.Body, "B3") || !strings.Contains(p.Body, "semmit sem rögzítettünk") {
		t.Fatalf("bad sheet: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(ent + "?year=2026"); !strings.Contains(p.Body, "Erre az évre még nincs előirányzat") {
		t.Errorf("a refused sheet wrote something")
	}
	good := "Rovat;011130 Igazgatás;064010 Közvilágítás;900020 Bevételek\nIlletmények (K1101);12 000 000;;\nKözüzemi díjak (K331);800 000;2 400 000;\nVagyoni típusú adók (B34);;;15 000 000\n"
	if p := m.upload(ent+"/budget/import", map[string]string{"year": "2026", "kind": "original", "decision": "1/2026. (II. 12.) ör."}, "k.csv", strings.NewReader(good)); p.Status != http.StatusSeeOther {
		t.Fatalf("good sheet: %d\n%s", p.Status, p.Body)
	}
	if p := m.post(ent+"/budget", url.Values{"form": {"budget"}, "kind": {"amendment"}, "year": {"2026"}, "rovat": {"K331"}, "funkcio": {"064010"}, "amount": {"100 000"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "döntést") {
		t.Errorf("amendment without a decision: %d", p.Status)
	}
	if p := m.post(ent+"/events", url.Values{"form": {"event"}, "event": {"commitment"}, "on": {"2026-03-02"}, "rovat": {"K331"}, "funkcio": {"082044"}, "amount": {"50 000"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nem használhatja") {
		t.Errorf("funkció not permitted: %d", p.Status)
	}
	for _, ev := range []string{"commitment", "invoice_received", "payment"} {
		if p := m.post(ent+"/events", url.Values{"form": {"event"}, "event": {ev}, "on": {"2026-03-02"}, "rovat": {"K331"}, "funkcio": {"064010"}, "amount": {"500 000"}, "commitment": {"KV-1"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", ev, p.Status, p.Body)
		}
	}
	if p := m.get(ent + "?year=2026"); p.Status != 200 || !strings.Contains(p.Body, "2\u00a0400\u00a0000") || !strings.Contains(p.Body, "T 4213 / K 331") {
		t.Errorf("entity page: %d", p.Status)
	}
	if p := m.get(ent + "/reports?year=2026&month=3"); p.Status != 200 || !strings.Contains(p.Body, "Főkönyvi kivonat") || strings.Contains(p.Body, "govuk-tag--red") || !strings.Contains(p.Body, "15\u00a0200\u00a0000") {
		t.Errorf("reports: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(ent + "/trial-balance.xlsx?year=2026"); p.Status != 200 || !strings.HasPrefix(p.Body, "PK") {
		t.Errorf("xlsx: %d", p.Status)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	st, r := call("GET", "/api/v1/finance/entities/"+id+"/budget?year=2026", tok, "")
	if st != 200 || r["budget_expenditure"].(map[string]any)["original"].(float64) != 15_200_000 {
		t.Fatalf("budget API: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/finance/entities/"+id+"/events", tok, `{"event":"payment","on":"2026-03-03","rovat":"B34","funkcio":"900020","amount":5}`); st != 422 {
		t.Errorf("payment on a revenue rovat: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/finance/entities/"+id+"/budget", tok, `{"year":2026,"kind":"reallocation","decision":"7/2026.","lines":[{"rovat":"K1101","funkcio":"011130","amount":-100000},{"rovat":"K331","funkcio":"011130","amount":100000}]}`); st != 201 {
		t.Errorf("reallocation: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/trial-balance?year=2026", tok, ""); st != 200 || len(r["accounts"].([]any)) < 5 {
		t.Errorf("trial balance: %d %v", st, r)
	}
	if st, _ := call("GET", "/api/v1/finance/entities", tokenFor(t, a, "ugyintezo", "11730"), ""); st != 403 {
		t.Errorf("clerk without a finance role: %d", st)
	}
}
