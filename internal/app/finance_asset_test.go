package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// Orfű's finance manager registers a building (a bad helyrajzi szám is
// refused), previews and posts a quarter's depreciation, writes down and
// disposes of a machine, downloads the register; the API does the same
// against its OpenAPI description.
func TestFinanceAssetPagesAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	p := m.post("/finance/entities", url.Values{"kind": {"institution"}, "name": {"Orfűi Óvoda"}, "functions": {"091110"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("entity: %d\n%s", p.Status, p.Body)
	}
	ent := p.Location
	id := strings.TrimPrefix(ent, "/finance/entities/")
	if p := m.get(ent); !strings.Contains(p.Body, ent+"/assets") {
		t.Errorf("the entity page does not link the register")
	}
	if p := m.get(ent + "/assets"); p.Status != 200 || !strings.Contains(p.Body, `value="000001"`) {
		t.Fatalf("register page: %d\n%s", p.Status, p.Body)
	}
	building := url.Values{"inventory_no": {"000001"}, "name": {"Óvodaépület"}, "class": {"epulet"}, "funkcio": {"091110"}, "hrsz": {"12/x/y/z/5"},
		"in_use_on": {"2026-01-01"}, "gross": {"73 000 000"}}
	if p := m.post(ent+"/assets", building); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "helyrajzi") {
		t.Fatalf("bad hrsz: %d\n%s", p.Status, p.Body)
	}
	building.Set("hrsz", "123/4")
	p = m.post(ent+"/assets", building)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", p.Status, p.Body)
	}
	card := p.Location
	// 73,000,000 × 2% = 1,460,000 a year; Q1 2026 is 90 days: 1,460,000 ×
	// 90 / 365 = 360,000.
	if p := m.post(ent+"/assets/depreciation", url.Values{"year": {"2026"}, "quarter": {"1"}, "preview": {"1"}}); p.Status != 200 || !strings.Contains(p.Body, "360\u00a0000") || !strings.Contains(p.Body, "Próba") {
		t.Fatalf("preview: %d\n%s", p.Status, p.Body)
	}
	if p := m.post(ent+"/assets/depreciation", url.Values{"year": {"2026"}, "quarter": {"1"}}); p.Status != 200 || !strings.Contains(p.Body, "Elszámolva") {
		t.Fatalf("run: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(card); p.Status != 200 || !strings.Contains(p.Body, "72\u00a0640\u00a0000") || !strings.Contains(p.Body, "2026Q1") {
		t.Fatalf("card: %d\n%s", p.Status, p.Body)
	}
	if p := m.post(card+"/writedown", url.Values{"on": {"2026-04-02"}, "amount": {"100"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "okát") {
		t.Errorf("write-down without reason: %d", p.Status)
	}
	if p := m.post(card+"/dispose", url.Values{"on": {"2026-04-30"}, "kind": {"ertekesites"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("dispose: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(card); !strings.Contains(p.Body, "kivezetve") {
		t.Errorf("card after disposal")
	}
	if p := m.get(ent + "/assets.xlsx"); p.Status != 200 || !strings.HasPrefix(p.Body, "PK") {
		t.Errorf("xlsx: %d", p.Status)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	st, r := call("POST", "/api/v1/finance/entities/"+id+"/assets", tok, `{"inventory_no":"G-1","name":"Fűnyíró","class":"gep","funkcio":"091110","in_use_on":"2026-02-10","gross":1200000,"rate_bp":1450}`)
	if st != 201 || r["net"].(float64) != 1_200_000 {
		t.Fatalf("register API: %d %v", st, r)
	}
	asset := r["id"].(string)
	if st, r := call("POST", "/api/v1/finance/entities/"+id+"/assets", tok, `{"inventory_no":"G-1","name":"X","class":"gep","funkcio":"091110","in_use_on":"2026-02-10","gross":1}`); st != 422 {
		t.Errorf("taken inventory number: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/finance/entities/"+id+"/assets/depreciation", tok, `{"year":2026,"quarter":1,"dry_run":true}`); st != 200 || r["amount"].(float64) != 23_836 {
		t.Errorf("dry run API: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/finance/assets/"+asset+"/writedown", tok, `{"on":"2026-03-15","amount":200000,"reason":"jégkár"}`); st != 200 || r["net"].(float64) != 1_000_000 {
		t.Errorf("write-down API: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/finance/assets/"+asset+"/dispose", tok, `{"on":"2026-03-31","kind":"selejtezes"}`); st != 200 || r["state"] != "disposed" {
		t.Errorf("dispose API: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/assets/"+asset, tok, ""); st != 200 || len(r["history"].([]any)) != 4 {
		t.Errorf("card API: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/assets", tok, ""); st != 200 || len(r["assets"].([]any)) != 2 || r["next_inventory_no"] != "G-2" {
		t.Errorf("register API: %d %v", st, r)
	}
}
