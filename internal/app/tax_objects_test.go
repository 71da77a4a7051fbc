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
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

func buildingDecree(ctx context.Context, tx bun.Tx, number string) (tax.Decree, error) {
	return tax.RecordDecree(ctx, tx, tax.NewDecree{Number: number, Title: "Építményadó", AdoptedOn: hu.Date{Year: 2026, Month: 11, Day: 20},
		EffectiveFrom: hu.Date{Year: 2027, Month: 1, Day: 1}, TaxYear: 2027, By: "test",
		Rates:   []tax.DecreeRate{{TaxType: "epitmenyado", Basis: "m2", Rate: 1_600_000}},
		Reliefs: []tax.DecreeRelief{{TaxType: "epitmenyado", Kind: tax.Exemption, Description: "szükséglakás"}}}, time.Now())
}

// A tax clerk records a flat owned half and half, runs the assessment
// from the page, and downloads a decision; a re-run issues nothing.
func TestTaxObjectsAndAssessment(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	var tpIDs []string
	for _, f := range []url.Values{{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}}, {"tax_id": {"8390164280"}, "name": {"Kovács Éva"}}} {
		p := b.post("/tax/taxpayers", f)
		m := regexp.MustCompile(`^/tax/taxpayers/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
		if m == nil {
			t.Fatalf("taxpayer: %d", p.Status)
		}
		tpIDs = append(tpIDs, m[1])
	}
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		_, err := buildingDecree(ctx, tx, "12/2026. (XI. 20.)")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	flat := url.Values{"kind": {"building"}, "hrsz": {"123/4/A/5"}, "address": {"7677 Orfű, Petőfi utca 1."}, "area_m2": {"120"}, "category": {"lakas"},
		"valid_from": {"2010-05-01"}, "effective_on": {"2020-01-01"}, "owner1_tax_id": {"8123456786"}, "owner1_share": {"1/2"}, "owner2_tax_id": {"8390164280"}, "owner2_share": {"2/3"}}
	if p := b.post("/tax/objects", flat); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "pontosan 1") {
		t.Errorf("shares over one: %d", p.Status)
	}
	flat.Set("owner2_share", "1/2")
	p := b.post("/tax/objects", flat)
	m := regexp.MustCompile(`^/tax/objects/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("object: %d %s", p.Status, p.Body)
	}
	obj := b.get("/tax/objects/" + m[1]).Body
	if !strings.Contains(obj, `data-testid="hrsz">123/4/A/5`) || !strings.Contains(obj, "Kovács Éva") {
		t.Errorf("object page lacks its data")
	}
	if list := b.get("/tax/objects?q=123/4").Body; !strings.Contains(list, "Petőfi utca 1.") {
		t.Errorf("search by hrsz does not find it")
	}

	p = b.post("/tax/assessment", url.Values{"tax_year": {"2027"}})
	m = regexp.MustCompile(`^/tax/assessment/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("run: %d %s", p.Status, p.Body)
	}
	runPage := "/tax/assessment/" + m[1]
	for i := 0; ; i++ {
		p = b.get(runPage)
		if strings.Contains(p.Body, "Elkészült PDF: 2 / 2.") && p.Header.Get("Refresh") == "" {
			break
		}
		if i > 100 {
			t.Fatalf("PDFs not made: %s", p.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tpPage := b.get("/tax/taxpayers/" + tpIDs[0] + "/objects").Body
	dm := regexp.MustCompile(`/tax/decisions/([0-9a-f-]{36})/pdf`).FindStringSubmatch(tpPage)
	if dm == nil || !strings.Contains(tpPage, "Kivetési határozat") {
		t.Fatalf("taxpayer page lacks the decision: %s", tpPage)
	}
	p = b.get(dm[0])
	if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("decision PDF: %d", p.Status)
	}
	text := pdftest.Text(t, []byte(p.Body), false)
	for _, want := range []string{"Határozat adó kivetéséről", "Orfű", "8123456786", "96 000", "48 000", "2027. 03. 16.", "2027. 09. 15."} {
		if !strings.Contains(text, want) {
			t.Errorf("decision PDF lacks %q:\n%s", want, text)
		}
	}
	if p := b.post("/tax/assessment", url.Values{"tax_year": {"2027"}}); p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="nothing-new"`) {
		t.Errorf("re-run: %d", p.Status)
	}

	// The same through the API, with a token of the clerk.
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	token := tokenFor(t, a, "ugyintezo", "11730")
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	st, res := call("POST", "/api/v1/tax/objects", token, `{"kind":"plot","hrsz":"0456/7","address":"7677 Orfű, külterület","area_m2":5000,"valid_from":"2015-01-01","effective_on":"2015-01-01","owners":[{"tax_id":"8123456786","share":"1/3"},{"tax_id":"8390164280","share":"1/3"}]}`)
	if st != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(res), "2/3") {
		t.Errorf("API shares of 2/3: %d %v", st, res)
	}
	st, res = call("POST", "/api/v1/tax/objects", token, `{"kind":"plot","hrsz":"0456/7","address":"7677 Orfű, külterület","area_m2":5000,"valid_from":"2015-01-01","effective_on":"2015-01-01","owners":[{"tax_id":"8123456786","share":"1/3"},{"tax_id":"8390164280","share":"2/3"}]}`)
	if st != http.StatusCreated {
		t.Fatalf("API object: %d %v", st, res)
	}
	id, _ := res["id"].(string)
	st, res = call("POST", "/api/v1/tax/objects/"+id, token, `{"hrsz":"0456/7","address":"7677 Orfű, külterület","area_m2":4000,"valid_from":"2015-01-01","effective_on":"2026-02-01","reason":"megosztás","owners":[{"tax_id":"8123456786","share":"1/1"}]}`)
	if st != http.StatusOK {
		t.Fatalf("API change: %d %v", st, res)
	}
	if st, res = call("GET", "/api/v1/tax/objects/"+id, token, ""); st != http.StatusOK || len(res["versions"].([]any)) != 2 {
		t.Errorf("API object history: %d %v", st, res)
	}

	// The assessment through the API: a refused year, a dry run that
	// writes nothing, a run that assesses the new building, a re-run that
	// finds nothing new.
	if st, res = call("POST", "/api/v1/tax/assessments", token, `{"tax_year":12}`); st != http.StatusUnprocessableEntity {
		t.Errorf("API assessment of year 12: %d %v", st, res)
	}
	if st, res = call("POST", "/api/v1/tax/objects", token, `{"kind":"building","hrsz":"99","address":"7677 Orfű, Tó utca 9.","area_m2":50,"valid_from":"2020-01-01","effective_on":"2020-01-01","owners":[{"tax_id":"8390164280","share":"1/1"}]}`); st != http.StatusCreated {
		t.Fatalf("API building: %d %v", st, res)
	}
	// Twice: the first dry run left nothing for the second to skip.
	for range 2 {
		st, res = call("POST", "/api/v1/tax/assessments", token, `{"tax_year":2027,"dry_run":true}`)
		if st != http.StatusOK || res["decisions"].(float64) != 1 || res["run_id"] != nil {
			t.Fatalf("API dry run: %d %v", st, res)
		}
	}
	st, res = call("POST", "/api/v1/tax/assessments", token, `{"tax_year":2027}`)
	if st != http.StatusCreated || res["decisions"].(float64) != 1 || res["debited"].(float64) != 80_000 || res["progress"] != "/tax/assessment/"+res["run_id"].(string) {
		t.Fatalf("API run: %d %v", st, res)
	}
	// The caller follows the PDFs until they are all made.
	progress := res["progress_api"].(string)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st, pr := call("GET", progress, token, "")
		pdfs, _ := pr["pdfs"].(map[string]any)
		if st != http.StatusOK || pdfs == nil || pdfs["total"] != float64(1) {
			t.Fatalf("progress: %d %v", st, pr)
		}
		if pdfs["done"] == float64(1) && pdfs["running"] == false {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the PDFs are not made: %v", pr)
		}
	}
	if st, res = call("POST", "/api/v1/tax/assessments", token, `{"tax_year":2027}`); st != http.StatusOK || res["decisions"].(float64) != 0 || res["postings"].(float64) != 0 {
		t.Errorf("API re-run: %d %v", st, res)
	}

	// Abaliget's object, decision and run are out of Orfű's reach.
	var abaObj tax.ObjectView
	var abaRun tax.RunResult
	var abaDecision, abaTP string
	err = a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		s := &tax.Service{}
		tp, err := s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8345678904", Name: "Abaligeti Titkos Adózó"}, "test")
		if err != nil {
			return err
		}
		abaTP = tp.ID.String()
		if _, err := buildingDecree(ctx, tx, "3/2026. (XI. 20.)"); err != nil {
			return err
		}
		reg := recordsRegistrar{svc: &records.Service{}}
		abaObj, err = s.ReportObject(ctx, tx, reg, tax.ObjectReport{Kind: tax.ObjectBuilding, EffectiveOn: hu.Date{Year: 2020, Month: 1, Day: 1}, HRSZ: "77",
			Address: "Abaliget, Titkos köz 1.", AreaM2: 50, ValidFrom: hu.Date{Year: 2000, Month: 1, Day: 1}, Owners: []tax.OwnerInput{{TaxID: "8345678904", Share: "1/1"}}}, "test")
		if err != nil {
			return err
		}
		if abaRun, err = s.RunAssessment(ctx, tx, reg, tax.RunOptions{TaxYear: 2027}, "test"); err != nil {
			return err
		}
		return tx.NewRaw("SELECT id FROM tax_decisions WHERE tenant_id = ? LIMIT 1", "12548").Scan(ctx, &abaDecision)
	})
	if err != nil || abaRun.Decisions != 1 {
		t.Fatal(err, abaRun)
	}
	separation.Check(t, separation.Case{
		BaseURL: srv.URL,
		Actors:  []separation.Actor{{Name: "tax clerk of Orfű", Client: b.c}},
		// The other tax routes get real objects of Abaliget in
		// TestTaxpayerAccount; here any identifier of B will do for them.
		IDsOfB: map[string]string{"taxpayer": abaTP, "posting": abaDecision, "entry": abaDecision, "decree": abaDecision,
			"reminder": abaDecision, "declaration": abaDecision, "valuecert": abaDecision,
			"object": abaObj.ID.String(), "decision": abaDecision, "run": abaRun.Run.ID.String()},
		SecretsOfB: []string{"Abaligeti Titkos Adózó", "8345678904", "Titkos köz"},
		Routes:     tax.SeparationRoutes,
	})
	if p := b.get("/tax/objects?q=Titkos"); strings.Contains(p.Body, "Titkos köz") {
		t.Error("Orfű's search finds Abaliget's object")
	}
}
