package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/tax"
)

// A tax clerk reports a private person's plot for the communal tax on
// the new-object form (one select of the tax and the kind), sees the tax
// on the object and in the list, and gets the refusal of a tax the kind
// does not bear in Hungarian and English; the API takes and answers the
// tax the same way, and a report naming no tax keeps the kind's.
func TestTaxObjectTaxTypeFormAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("taxpayer: %d", p.Status)
	}
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "13/2026. (XI. 20.)", Title: "Kommunális adó", AdoptedOn: hu.Date{Year: 2026, Month: 11, Day: 20},
			EffectiveFrom: hu.Date{Year: 2027, Month: 1, Day: 1}, TaxYear: 2027, By: "test",
			Rates: []tax.DecreeRate{{TaxType: "kommunalis_ado", Basis: "adotargy", Rate: 15_000_000}}}, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	form := b.get("/tax/objects").Body
	for _, want := range []string{`<label class="govuk-label" for="kind_tax">Adónem és adótárgy</label>`,
		`<option value="building:epitmenyado">Építmény – építményadó</option>`, `<option value="plot:telekado">Telek – telekadó</option>`,
		`<option value="dwelling:kommunalis_ado">Lakás – magánszemélyek kommunális adója</option>`,
		`<option value="building:kommunalis_ado">Építmény (nem lakás) – kommunális adó</option>`, `<option value="plot:kommunalis_ado">Telek – kommunális adó</option>`} {
		if !strings.Contains(form, want) {
			t.Errorf("the new-object form lacks %s", want)
		}
	}
	plot := url.Values{"kind_tax": {"building:telekado"}, "hrsz": {"0456/8"}, "address": {"7677 Orfű, Kert utca 3."}, "area_m2": {"900"},
		"valid_from": {"2015-01-01"}, "effective_on": {"2015-01-01"}, "owner1_tax_id": {"8123456786"}, "owner1_share": {"1"}}
	p := b.post("/tax/objects", plot)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="kind_tax-error"`) ||
		!strings.Contains(p.Body, "építményhez építményadó vagy magánszemélyek kommunális adója választható, telekadó nem") {
		t.Errorf("land tax on a building: %d %s", p.Status, p.Body)
	}
	b.lang = "en"
	if p := b.post("/tax/objects", plot); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "a building is reported for the building tax or communal tax, not the land tax") {
		t.Errorf("land tax on a building in English: %d", p.Status)
	}
	b.lang = "hu"
	plot.Set("kind_tax", "plot:kommunalis_ado")
	p = b.post("/tax/objects", plot)
	m := regexp.MustCompile(`^/tax/objects/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("communal plot: %d %s", p.Status, p.Body)
	}
	if obj := b.get("/tax/objects/" + m[1]).Body; !strings.Contains(obj, `data-testid="tax-type">Magánszemélyek kommunális adója`) {
		t.Errorf("the object page does not show the tax")
	}
	if list := b.get("/tax/objects?q=Kert").Body; !strings.Contains(list, "<td class=\"govuk-table__cell\">Telek</td><td class=\"govuk-table__cell\">Magánszemélyek kommunális adója</td>") {
		t.Errorf("the list does not show the tax: %s", list)
	}
	// A change form of the object carries no tax: the new version keeps it.
	change := url.Values{"hrsz": {"0456/8"}, "address": {"7677 Orfű, Kert utca 3."}, "area_m2": {"950"}, "valid_from": {"2015-01-01"},
		"effective_on": {"2025-06-01"}, "owner1_tax_id": {"8123456786"}, "owner1_share": {"1"}}
	if p := b.post("/tax/objects/"+m[1], change); p.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", p.Status, p.Body)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	token := tokenFor(t, a, "ugyintezo", "11730")
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	st, res := call("GET", "/api/v1/tax/objects/"+m[1], token, "")
	if st != http.StatusOK || res["tax_type"] != "kommunalis_ado" || res["kind"] != "plot" || len(res["versions"].([]any)) != 2 {
		t.Errorf("API object: %d %v", st, res)
	}
	body := func(kind, taxType string) string {
		tt := ""
		if taxType != "" {
			tt = `"tax_type":"` + taxType + `",`
		}
		return `{"kind":"` + kind + `",` + tt + `"hrsz":"88","address":"7677 Orfű, Malom utca 8.","area_m2":70,"valid_from":"2015-01-01","effective_on":"2015-01-01","owners":[{"tax_id":"8123456786","share":"1"}]}`
	}
	for _, tc := range []struct{ taxType, want string }{{"telekado", "tax_not_for_kind"}, {"ebado", "bad_tax_type"}} {
		st, res := call("POST", "/api/v1/tax/objects", token, body("building", tc.taxType))
		if st != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(res), "tax_type") {
			t.Errorf("API %s on a building: %d %v", tc.taxType, st, res)
		}
	}
	if st, res = call("POST", "/api/v1/tax/objects", token, body("building", "kommunalis_ado")); st != http.StatusCreated || res["tax_type"] != "kommunalis_ado" {
		t.Errorf("API communal building: %d %v", st, res)
	}
	if st, res = call("POST", "/api/v1/tax/objects", token, body("building", "")); st != http.StatusCreated || res["tax_type"] != "epitmenyado" {
		t.Errorf("API building naming no tax: %d %v", st, res)
	}
	id, _ := res["id"].(string)
	if st, res = call("POST", "/api/v1/tax/objects/"+id, token, strings.Replace(body("building", "kommunalis_ado"), `"2015-01-01","owners"`, `"2025-01-01","owners"`, 1)); st != http.StatusUnprocessableEntity {
		t.Errorf("API new version for another tax: %d %v", st, res)
	}

	// The assessment taxes the plot for the communal tax, per object.
	st, res = call("POST", "/api/v1/tax/assessments", token, `{"tax_year":2027,"dry_run":true}`)
	if st != http.StatusOK || res["decisions"].(float64) != 1 {
		t.Errorf("dry run: %d %v", st, res)
	}
	err = a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		objs, _, err := tax.Snapshot(ctx, tx, 2027)
		if err != nil {
			return err
		}
		parts, _ := tax.Assess(2027, objs, tax.AssessRules{Rates: mustRates(ctx, t, tx, 2027)})
		var communal hu.Forint
		for _, p := range parts {
			if p.TaxType == "kommunalis_ado" {
				communal += p.Part
			}
		}
		if communal != 2*15_000 {
			t.Errorf("communal tax of the plot and the building: %s", communal)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustRates(ctx context.Context, t *testing.T, tx bun.Tx, year int) []tax.RateInForce {
	t.Helper()
	rs, err := tax.RatesFor(ctx, tx, year)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
