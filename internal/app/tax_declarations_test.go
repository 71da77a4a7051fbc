package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// recordDemoDecree gives a tenant a decree for this year: IFA 500 Ft a
// night, HIPA 2 %.
func recordDemoDecree(t testing.TB, a *App, tenant db.TenantID, y int) {
	t.Helper()
	err := a.DB.InTenant(cliContext(context.Background()), tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: fmt.Sprintf("1/%d/%s", y, tenant), Title: fmt.Sprint("a helyi adókról ", y), AdoptedOn: hu.Date{Year: y - 1, Month: 11, Day: 2},
			EffectiveFrom: hu.Date{Year: y, Month: 1, Day: 1}, TaxYear: y, By: "test", Levier: tax.LevierFor(tenant), Rates: []tax.DecreeRate{
				{TaxType: caps.TouristTax, Basis: caps.PerGuestNight, Rate: 500 * caps.RateUnit},
				{TaxType: caps.BusinessTax, Basis: caps.PercentBusinessBase, Rate: 2 * caps.RateUnit}}}, time.Now())
		if err != nil {
			return err
		}
		_, err = (&tax.Service{}).RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Mecsek Panzió"}, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A clerk records an accommodation provider's monthly IFA return on the
// page, corrects it, and the portal files one through the API.
func TestDeclarationsPageAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	recordDemoDecree(t, a, "11730", hu.DateOf(a.Now()).Year)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	now := hu.DateOf(a.Now())
	month := now.String()[:7]

	if p := b.get("/tax/declarations"); p.Status != 200 || !strings.Contains(p.Body, `data-testid="form-ifa_monthly"`) {
		t.Fatalf("page: %d", p.Status)
	}
	form := url.Values{"kind": {"ifa_monthly"}, "tax_id": {"8123456786"}, "period": {month}, "guest_nights": {"120"},
		"exempt1_reason": {"under_18"}, "exempt1_nights": {"20"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("exempt1_nights", "200")
	if p := b.post("/tax/declarations", bad); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "többek, mint az összes") {
		t.Errorf("exempt above total: %d", p.Status)
	}
	p := b.post("/tax/declarations", form)
	m := regexp.MustCompile(`^/tax/declarations/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("file: %d %s", p.Status, p.Body)
	}
	view := b.get(p.Location).Body
	num := regexp.MustCompile(`<h1 class="govuk-heading-l">([^<]+)</h1>`).FindStringSubmatch(view)
	if !strings.Contains(view, `data-testid="tax">50`+"\u00a0"+`000 Ft`) || num == nil {
		t.Fatalf("view does not show the tax of 100 nights × 500 Ft")
	}
	if p := b.post("/tax/declarations", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "helyesbítő bevallást") {
		t.Errorf("second return for the month: %d", p.Status)
	}
	// The correction form comes filled in.
	if c := b.get("/tax/declarations?correct=" + m[1]).Body; !strings.Contains(c, `value="`+num[1]+`"`) {
		t.Errorf("correction form not filled in")
	}
	form.Set("guest_nights", "130")
	form.Set("corrects", num[1])
	form.Set("reason", "kimaradt 10 éjszaka")
	if p := b.post("/tax/declarations", form); p.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d", p.Status)
	}
	if l := b.get("/tax/declarations?kind=ifa_monthly&q=mecsek").Body; strings.Count(l, `href="/tax/declarations/`) != 2 || !strings.Contains(l, "helyesbítve") {
		t.Errorf("list does not show both")
	}

	// The API: the portal files the next return; Abaliget cannot read it.
	doc, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, doc))
	tok := tokenFor(t, a, "ugyintezo", "11730")
	if st, e := call("POST", "/api/v1/tax/declarations", tok, `{"kind":"ifa_monthly","tax_id":"8123456786","period":"`+month+`","figures":{"guest_nights":5}}`); st != 422 || e["errors"] == nil {
		t.Errorf("duplicate via API: %d %v", st, e)
	}
	y := now.Year
	prevYear := hu.Date{Year: y - 1, Month: 1, Day: 1}.String()[:4]
	if st, e := call("POST", "/api/v1/tax/declarations", tok, `{"kind":"hipa_annual","tax_id":"8123456786","period":"`+prevYear+`","figures":{"turnover":1000000}}`); st != 422 {
		t.Errorf("no decree for last year: %d %v", st, e)
	}
	prev := hu.Date{Year: now.Year, Month: now.Month, Day: 1}.AddDays(-1).String()[:7]
	if now.Month == 1 {
		t.Skip("January: the previous month is in a year without a decree")
	}
	st, d := call("POST", "/api/v1/tax/declarations", tok, `{"kind":"ifa_monthly","tax_id":"8123456786","period":"`+prev+`","figures":{"guest_nights":10,"exempt":[{"reason":"study_work","nights":2}]}}`)
	if st != 201 || d["tax"].(float64) != 4000 || d["source"] != "api" || len(d["charges"].([]any)) != 1 {
		t.Fatalf("API file: %d %v", st, d)
	}
	if st, g := call("GET", "/api/v1/tax/declarations/"+d["id"].(string), tok, ""); st != 200 || g["number"] != d["number"] {
		t.Errorf("API get: %d %v", st, g)
	}
	if st, _ := call("GET", "/api/v1/tax/declarations/"+d["id"].(string), tokenFor(t, a, "ugyintezo", "12548"), ""); st != 404 {
		t.Errorf("Abaliget reads Orfű's declaration: %d", st)
	}
}

// abaligetDeclaration files a real declaration of Abaliget's taxpayer (for
// the separation harness), with a decree of this year for its rate.
func abaligetDeclaration(t *testing.T, a *App, tp tax.Taxpayer) string {
	t.Helper()
	now := hu.DateOf(a.Now())
	var id string
	err := a.DB.InTenant(cliContext(context.Background()), "12548", func(ctx context.Context, tx bun.Tx) error {
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "2/abaliget", Title: "idegenforgalmi adó", AdoptedOn: hu.Date{Year: now.Year - 1, Month: 11, Day: 2},
			EffectiveFrom: hu.Date{Year: now.Year, Month: 1, Day: 1}, TaxYear: now.Year, By: "test", Levier: tax.LevierFor("12548"),
			Rates: []tax.DecreeRate{{TaxType: caps.TouristTax, Basis: caps.PerGuestNight, Rate: 400 * caps.RateUnit}}}, time.Now())
		if err != nil {
			return err
		}
		d, err := (&tax.Service{}).FileDeclaration(ctx, tx, recordsRegistrar{svc: &records.Service{}}, tax.DeclarationInput{Kind: tax.KindIFAMonthly,
			TaxpayerID: tp.ID, Period: now.String()[:7], Figures: tax.Figures{GuestNights: 7}, Source: tax.SourceClerk}, "test")
		id = d.ID.String()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// asp tax import-hipa: the example file of docs/hipa-import.md, moved to
// last year, into Orfű; again, and nothing changes.
func TestTaxImportHIPACommand(t *testing.T) {
	a := demoApp(t)
	y := hu.DateOf(a.Now()).Year - 1
	recordDemoDecree(t, a, "11730", y)
	b, err := os.ReadFile("../tax/testdata/hipa-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "hipa.xml")
	if err := os.WriteFile(file, bytes.ReplaceAll(b, []byte(`adoev="2025"`), []byte(fmt.Sprintf(`adoev="%d"`, y))), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := importHIPAFile(cliContext(t.Context()), a, "11730", file, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "5 a fájlban, 2 új (ebből 0 helyesbítő), 0 már korábban átvéve, 1 más településé, 2 új adózó, 2 elutasítva") ||
		!strings.Contains(out.String(), "3. bevallás (26HIPA-0000000003): Az adószám hibás") {
		t.Errorf("output: %s", out.String())
	}
	out.Reset()
	if err := importHIPAFile(cliContext(t.Context()), a, "11730", file, &out); err != nil || !strings.Contains(out.String(), "0 új (ebből 0 helyesbítő), 2 már korábban átvéve") {
		t.Errorf("again: %s %v", out.String(), err)
	}
	var errb bytes.Buffer
	if code := Main([]string{"tax", "import-hipa", "--tenant", "11730", "--data", t.TempDir()}, &out, &errb); code != 2 {
		t.Errorf("no file: exit %d", code)
	}
}

// The upload on the declarations page: the example file moved to last
// year; the result and each rejected return with its reason are shown; a
// file that is not XML is refused in words.
func TestHIPAUploadPage(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	y := hu.DateOf(a.Now()).Year - 1
	recordDemoDecree(t, a, "11730", y)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	raw, err := os.ReadFile("../tax/testdata/hipa-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	file := bytes.ReplaceAll(raw, []byte(`adoev="2025"`), []byte(fmt.Sprintf(`adoev="%d"`, y)))
	p := b.upload("/tax/declarations/import", nil, "hipa.xml", bytes.NewReader(file))
	if p.Status != 200 || !strings.Contains(p.Body, "A fájlban 5 bevallás: 2 új") || !strings.Contains(p.Body, "26HIPA-0000000004") ||
		!strings.Contains(p.Body, "nem egyezik az adóalappal") {
		t.Errorf("upload: %d", p.Status)
	}
	if l := b.get("/tax/declarations?kind=hipa_annual").Body; strings.Count(l, `href="/tax/declarations/`) != 2 || !strings.Contains(l, "NAV-tól továbbítva") {
		t.Errorf("imported declarations not listed")
	}
	if p := b.upload("/tax/declarations/import", nil, "x.xml", strings.NewReader("nem xml")); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nem olvasható") {
		t.Errorf("not XML: %d", p.Status)
	}
	if p := b.upload("/tax/declarations/import", nil, "", nil); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("no file: %d", p.Status)
	}

	// The same file through the API changes nothing; a file that is not
	// XML is refused.
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	v := openapitest.LoadDocument(t, spec)
	tok := tokenFor(t, a, "ugyintezo", "11730")
	send := func(body []byte) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/tax/declarations/hipa-import", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/xml")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		v.Check(t, req, res, got)
		return res.StatusCode, string(got)
	}
	if st, body := send(file); st != 200 || !strings.Contains(body, `"returns":5,"imported":0,"corrections":0,"unchanged":2`) || !strings.Contains(body, "26HIPA-0000000004") {
		t.Errorf("API re-import: %d %s", st, body)
	}
	if st, body := send([]byte("nem xml")); st != 422 || !strings.Contains(body, "nem olvasható") {
		t.Errorf("API, not XML: %d %s", st, body)
	}
}
