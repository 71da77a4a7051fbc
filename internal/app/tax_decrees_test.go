package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// The tax office's head records Orfű's tax decree; a rate above the cap is
// refused on the form with the cap named; the clerk reads the rates in
// force on the page and through the API; Abaliget sees none of it.
func TestTaxDecrees(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)

	clerk := newBrowser(t, srv)
	cl := demoLogin(t, "ugyintezo")
	clerk.login(cl.Username, cl.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := clerk.get("/tax/decrees"); p.Status != 200 || !strings.Contains(p.Body, "Még nincs rögzített adórendelet") || strings.Contains(p.Body, `href="/tax/decrees/new"`) {
		t.Fatalf("clerk's empty list: %d", p.Status)
	}
	if p := clerk.get("/tax/decrees/new"); p.Status != http.StatusForbidden {
		t.Errorf("clerk opens the form: %d", p.Status)
	}
	if p := clerk.post("/tax/decrees", url.Values{"number": {"1/2026"}}); p.Status != http.StatusForbidden {
		t.Errorf("clerk records: %d", p.Status)
	}

	head := newBrowser(t, srv)
	hl := demoLogin(t, "kulcs.orfu")
	head.login(hl.Username, hl.Password, hl.TOTPSecret)
	head.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := head.get("/tax/decrees/new"); p.Status != 200 || !strings.Contains(p.Body, `value="epitmenyado/m2"`) {
		t.Fatalf("form: %d", p.Status)
	}
	form := url.Values{"number": {"12/2026. (XI. 28.)"}, "title": {"a helyi adókról"}, "adopted_on": {"2026-11-28"},
		"effective_from": {"2027-01-01"}, "tax_year": {"2027"},
		"rate1_tax_type": {"epitmenyado/m2"}, "rate1_rate": {"1000"}, "rate1_zone": {"belterület"},
		"rate2_tax_type": {"epitmenyado/m2"}, "rate2_rate": {"3200"}, "rate2_zone": {"külterület"},
		"relief1_tax_type": {"epitmenyado"}, "relief1_kind": {"exemption"}, "relief1_description": {"lakás"}}
	p := head.post("/tax/decrees", form)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `href="#rate2_rate"`) || !strings.Contains(p.Body, "3193,9") {
		t.Fatalf("above the cap: %d\n%s", p.Status, p.Body)
	}
	form.Set("rate1_rate", "abc")
	if p := head.post("/tax/decrees", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `href="#rate1_rate"`) {
		t.Fatalf("bad rate: %d", p.Status)
	}
	form.Set("rate1_rate", "1000")
	form.Set("rate2_rate", "600")
	// A tax that excludes itself is refused at its field.
	form.Set("exclusion1_tax_type", "epitmenyado")
	form.Set("exclusion1_prevails", "epitmenyado")
	form.Set("exclusion1_description", "A kommunális adó alá eső lakás mentes az építményadó alól.")
	if p := head.post("/tax/decrees", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `href="#exclusion1_prevails"`) {
		t.Fatalf("exclusion of itself: %d", p.Status)
	}
	form.Set("exclusion1_prevails", "kommunalis_ado")
	p = head.post("/tax/decrees", form)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/tax/decrees/") {
		t.Fatalf("record: %d %s\n%s", p.Status, p.Location, p.Body)
	}
	view := strings.TrimSuffix(p.Location, "?done=recorded")
	if p := head.get(p.Location); p.Status != 200 || !strings.Contains(p.Body, "12/2026. (XI. 28.)") || !strings.Contains(p.Body, "mentesség – lakás") ||
		!strings.Contains(p.Body, "építményadó nem terheli a tárgyat, ha ugyanazon a helyrajzi számon magánszemélyek kommunális adója terheli") {
		t.Fatalf("view: %d", p.Status)
	}

	if p := clerk.get("/tax/decrees?year=2027"); p.Status != 200 || !strings.Contains(p.Body, "építményadó") || !strings.Contains(p.Body, "belterület") {
		t.Errorf("clerk's 2027 list: %d", p.Status)
	}
	if p := clerk.get("/tax/decrees?year=2026"); !strings.Contains(p.Body, "Erre az adóévre nincs rögzített adómérték") {
		t.Errorf("2026 has rates")
	}
	if p := clerk.get("/tax/decrees?year=x"); p.Status != http.StatusBadRequest {
		t.Errorf("bad year: %d", p.Status)
	}
	if p := clerk.get(view); p.Status != 200 {
		t.Errorf("clerk views the decree: %d", p.Status)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	st, r := call("GET", "/api/v1/tax/rates?year=2027", tokenFor(t, a, "ugyintezo", "11730"), "")
	if st != 200 || len(r["rates"].([]any)) != 2 {
		t.Fatalf("rates 2027: %d %v", st, r)
	}
	first := r["rates"].([]any)[0].(map[string]any)
	if first["tax_type"] != "epitmenyado" || first["rate"] != "1000" && first["rate"] != "600" {
		t.Errorf("rate: %v", first)
	}
	if st, r := call("GET", "/api/v1/tax/rates?year=2027", tokenFor(t, a, "ugyintezo", "12548"), ""); st != 200 || len(r["rates"].([]any)) != 0 {
		t.Errorf("Abaliget's rates: %d %v", st, r)
	}

	// The decrees through the API: a clerk reads them; the key user records
	// a second one for 2027, refused first for its exclusion, then with it.
	st, r = call("GET", "/api/v1/tax/decrees", tokenFor(t, a, "ugyintezo", "11730"), "")
	if st != 200 || len(r["decrees"].([]any)) != 1 {
		t.Fatalf("decrees: %d %v", st, r)
	}
	id := r["decrees"].([]any)[0].(map[string]any)["id"].(string)
	if st, r := call("GET", "/api/v1/tax/decrees/"+id, tokenFor(t, a, "ugyintezo", "11730"), ""); st != 200 || len(r["rates"].([]any)) != 2 ||
		len(r["exclusions"].([]any)) != 1 || len(r["reliefs"].([]any)) != 1 {
		t.Errorf("decree: %d %v", st, r)
	}
	if st, _ := call("GET", "/api/v1/tax/decrees/"+id, tokenFor(t, a, "ugyintezo", "12548"), ""); st != 404 {
		t.Errorf("Orfű's decree from Abaliget: %d", st)
	}
	body := `{"number":"13/2026. (XI. 30.)","title":"a kommunális adóról","adopted_on":"2026-11-30","effective_from":"2027-01-01","tax_year":2027,
		"rates":[{"tax_type":"kommunalis_ado","basis":"adotargy","rate":"12000"}],
		"exclusions":[{"tax_type":"kommunalis_ado","prevails":"kommunalis_ado","description":"x"}]}`
	if st, _ := call("POST", "/api/v1/tax/decrees", tokenFor(t, a, "ugyintezo", "11730"), body); st != 403 {
		t.Errorf("clerk records through the API: %d", st)
	}
	key := tokenFor(t, a, "kulcs.orfu", "11730")
	if st, r := call("POST", "/api/v1/tax/decrees", key, body); st != 422 || !strings.Contains(fmt.Sprint(r), "exclusions[0].prevails:") {
		t.Errorf("self-exclusion: %d %v", st, r)
	}
	body = strings.Replace(body, `"tax_type":"kommunalis_ado","prevails"`, `"tax_type":"epitmenyado","prevails"`, 1)
	if st, r := call("POST", "/api/v1/tax/decrees", key, strings.Replace(body, `"rate":"12000"`, `"rate":"99999"`, 1)); st != 422 || !strings.Contains(fmt.Sprint(r), "rates[0].rate:") {
		t.Errorf("above the cap: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/decrees", key, body); st != 201 || r["number"] != "13/2026. (XI. 30.)" || len(r["exclusions"].([]any)) != 1 {
		t.Errorf("record: %d %v", st, r)
	}

	// Abaliget's clerk gets a 404 for Orfű's decree.
	clerk.post("/tenants/switch", url.Values{"tenant": {"12548"}})
	if p := clerk.get(view); p.Status != http.StatusNotFound {
		t.Errorf("Orfű's decree from Abaliget: %d", p.Status)
	}
}
