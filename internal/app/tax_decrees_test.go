package app

import (
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

	// Abaliget's clerk gets a 404 for Orfű's decree.
	clerk.post("/tenants/switch", url.Values{"tenant": {"12548"}})
	if p := clerk.get(view); p.Status != http.StatusNotFound {
		t.Errorf("Orfű's decree from Abaliget: %d", p.Status)
	}
}
