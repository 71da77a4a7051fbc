package app

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// Orfű's finance manager issues an outgoing invoice on the page (a
// refusal first), downloads its PDF, records the entity's account,
// uploads a statement that pays it (matched and posted), uploads it
// again (nothing changes, and the page says so), and settles the entry
// left waiting; the API lists the same and issues and cancels another.
func TestOutgoingInvoicesAndBankStatementsPagesAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	p := m.post("/finance/entities", url.Values{"kind": {"institution"}, "name": {"Orfűi Településüzemeltető"}, "functions": {"064010 011130"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", p.Status, p.Body)
	}
	ent := p.Location
	id := strings.TrimPrefix(ent, "/finance/entities/")
	if p := m.get(ent); !strings.Contains(p.Body, ent+"/outgoing") || !strings.Contains(p.Body, ent+"/bank") {
		t.Errorf("the entity page does not link the new pages")
	}
	today := hu.DateOf(a.Now()).String()
	inv := url.Values{"partner_name": {"Fénylő Kft."}, "partner_tax_number": {"12345676-2-02"}, "issue_date": {today}, "performance_date": {today}, "due_date": {today},
		"description": {"Oszlopbérlet"}, "rovat": {"K334"}, "funkcio": {"064010"}, "net": {"100 000"}, "vat_rate": {"27"}}
	if p := m.post(ent+"/outgoing", inv); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "B406") || !strings.Contains(p.Body, `value="Fénylő Kft."`) {
		t.Errorf("issue on a K rovat: %d\n%s", p.Status, p.Body)
	}
	inv.Set("rovat", "B402")
	// Without the entity's adószám no invoice goes out; the key user
	// records it on the entity's page (a wrong one is refused there).
	if p := m.post(ent+"/outgoing", inv); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Áfa tv. 169. §") {
		t.Errorf("issue without the seller's tax number: %d", p.Status)
	}
	if p := m.post(ent+"/tax-number", url.Values{"form": {"tax_number"}, "tax_number": {"15730151-2-02"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "ellenőrző számjegy") {
		t.Errorf("a wrong tax number: %d", p.Status)
	}
	if p := m.post(ent+"/tax-number", url.Values{"form": {"tax_number"}, "tax_number": {"15730150-2-02"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("tax number: %d", p.Status)
	}
	if p := m.get(ent); !strings.Contains(p.Body, "adószám 15730150-2-02") {
		t.Errorf("the entity page does not show the tax number")
	}
	p = m.post(ent+"/outgoing", inv)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("issue: %d\n%s", p.Status, p.Body)
	}
	invoice := p.Location
	year := today[:4]
	number := "KSZ-" + year + "-000001"
	if p := m.get(invoice); !strings.Contains(p.Body, number) || !strings.Contains(p.Body, "127\u00a0000") {
		t.Errorf("invoice page: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(invoice + "/pdf"); p.Status != 200 || !strings.HasPrefix(p.Body, "%PDF") {
		t.Errorf("PDF: %d", p.Status)
	}
	if p := m.post(ent+"/bank/accounts", url.Values{"account": {"11773016-00204000-00000009"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "pénzforgalmi jelzőszámot") {
		t.Errorf("bad account: %d", p.Status)
	}
	if p := m.post(ent+"/bank/accounts", url.Values{"account": {"11773016-00204000-00000008"}, "name": {"Költségvetési számla"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("account: %d\n%s", p.Status, p.Body)
	}
	csv := "K;11773016-00204000-00000008;" + year + "/50;;" + today + ";" + today + ";0;127777;HUF\n" +
		"T;" + today + ";;127000;J;R-1;;Fénylő Kft.;;" + number + "\n" +
		"T;" + today + ";;777;J;R-2;;Ismeretlen;;adomány\n"
	p = m.uploadFile(ent+"/bank/statements", "kivonat.csv", []byte(csv))
	if p.Status != 200 || !strings.Contains(p.Body, "1 párosítva") || !strings.Contains(p.Body, "adomány") {
		t.Fatalf("import: %d\n%s", p.Status, p.Body)
	}
	if p := m.uploadFile(ent+"/bank/statements", "kivonat.csv", []byte(csv)); p.Status != 200 || !strings.Contains(p.Body, "semmi sem változott") {
		t.Errorf("re-import: %d\n%s", p.Status, p.Body)
	}
	if p := m.uploadFile(ent+"/bank/statements", "kivonat.csv", []byte(strings.Replace(csv, "127777", "127778", 1))); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "egyenleg") {
		t.Errorf("a statement that does not balance: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(invoice); !strings.Contains(p.Body, "127\u00a0000 Ft (Nyitott: 0 Ft)") {
		t.Errorf("the invoice is not shown as collected:\n%s", p.Body)
	}

	// The same pages in English.
	m.post("/lang", url.Values{"lang": {"en"}, "back": {"/"}})
	if p := m.get(ent + "/bank"); p.Status != 200 || !strings.Contains(p.Body, "Entries waiting for a clerk") || !strings.Contains(p.Body, "names no open outgoing invoice") {
		t.Errorf("English bank page: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(ent + "/outgoing"); p.Status != 200 || !strings.Contains(p.Body, "Outgoing invoices") || !strings.Contains(p.Body, number) {
		t.Errorf("English invoice list: %d", p.Status)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	st, r := call("GET", "/api/v1/finance/entities/"+id+"/bank-entries?status=unmatched", tok, "")
	if st != 200 || len(r["entries"].([]any)) != 1 {
		t.Fatalf("waiting entries: %d %v", st, r)
	}
	entry := r["entries"].([]any)[0].(map[string]any)["id"].(string)
	if st, r := call("POST", "/api/v1/finance/bank-entries/"+entry+"/resolve", tok, `{"action":"rovat","rovat":"K334","funkcio":"064010"}`); st != 422 {
		t.Errorf("a credit on a K rovat: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/finance/bank-entries/"+entry+"/resolve", tok, `{"action":"rovat","rovat":"B411","funkcio":"064010"}`); st != 200 || r["status"] != "resolved" {
		t.Errorf("resolve: %d %v", st, r)
	}
	st, r = call("POST", "/api/v1/finance/entities/"+id+"/outgoing-invoices", tok, `{"partner_name":"Sport Egyesület","issue_date":"`+today+`","performance_date":"`+today+`","due_date":"`+today+`","description":"Teremhasználat","rovat":"B402","funkcio":"011130","net":10000,"vat_rate":0}`)
	if st != 201 || r["number"] != "KSZ-"+year+"-000002" || r["vat"] != float64(0) {
		t.Fatalf("issue API: %d %v", st, r)
	}
	st, r = call("POST", "/api/v1/finance/outgoing-invoices/"+r["id"].(string)+"/storno", tok, `{"on":"`+today+`","reason":"téves"}`)
	if st != 201 || r["number"] != "KSZ-"+year+"-000003" || r["kind"] != "storno" {
		t.Errorf("stornó API: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/outgoing-invoices?year="+year, tok, ""); st != 200 || len(r["invoices"].([]any)) != 3 {
		t.Errorf("list API: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/bank-accounts", tok, ""); st != 200 || len(r["accounts"].([]any)) != 1 {
		t.Errorf("accounts API: %d %v", st, r)
	}
	// The statement through the API: the same file again changes nothing.
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/finance/entities/"+id+"/bank-statements", bytes.NewReader([]byte(csv)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("statement API: %d", res.StatusCode)
	}
}
