package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// abaValueCertificate issues a value certificate in Abaliget, for the
// separation harness.
func abaValueCertificate(t *testing.T, a *App, taxpayer tax.Taxpayer) string {
	t.Helper()
	var c tax.ValueCertificate
	err := a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = (&tax.Service{}).IssueValueCertificate(ctx, tx, recordsRegistrar{svc: &records.Service{}}, tax.ValueCertificateInput{TaxpayerID: taxpayer.ID,
			HRSZ: "12/3", Address: "7678 Abaliget, Titkos utca 1.", Purpose: "hagyatek", Value: 1_000_000, ValueBasis: "teszt"}, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID.String()
}

// A clerk reads the revenue report and the ageing of arrears (page, XLSX,
// PDF, API), and issues an adó- és értékbizonyítvány registered in IRAT.
func TestTaxReportsAndValueCertificate(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}, "address": {"7677 Orfű, Fő utca 2."}})
	m := regexp.MustCompile(`^/tax/taxpayers/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("create taxpayer: %d", p.Status)
	}
	tpPage := "/tax/taxpayers/" + m[1]
	for _, f := range []url.Values{
		{"tax_type": {"epitmenyado"}, "side": {"debit"}, "amount": {"150 000"}, "on": {"2025-09-15"}, "tax_year": {"2025"}, "kind": {"kivetés"}},
		{"tax_type": {"epitmenyado"}, "side": {"credit"}, "amount": {"40000"}, "on": {"2025-11-14"}, "tax_year": {"2025"}, "kind": {"befizetés"}},
		{"tax_type": {"epitmenyado"}, "side": {"credit"}, "amount": {"10000"}, "on": {"2025-11-20"}, "tax_year": {"2025"}, "kind": {"törlés"}},
	} {
		if p := b.post(tpPage+"/postings", f); p.Status != http.StatusSeeOther {
			t.Fatalf("post %v: %d", f, p.Status)
		}
	}

	// Revenue: the payment counts, the reduction does not.
	rp := b.get("/tax/reports?from=2025-01-01&to=2025-12-31&period=quarter")
	if rp.Status != 200 || !strings.Contains(rp.Body, `data-testid="revenue-total"><strong>40`+"\u00a0"+`000 Ft`) || !strings.Contains(rp.Body, "2025-Q4") || !strings.Contains(rp.Body, "ebből: építményadó") {
		t.Errorf("revenue page: %d", rp.Status)
	}
	if p := b.get("/tax/reports?from=2025-13-01"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "ÉÉÉÉ-HH-NN") {
		t.Errorf("bad day: %d", p.Status)
	}
	if p := b.get("/tax/reports/revenue.xlsx?from=2025-01-01&to=2025-12-31"); p.Status != 200 || !strings.HasPrefix(p.Body, "PK") {
		t.Errorf("revenue xlsx: %d", p.Status)
	}
	if p := b.get("/tax/reports/revenue.pdf?from=2025-01-01&to=2025-12-31"); p.Status != 200 ||
		!strings.Contains(strings.Join(strings.Fields(pdftest.Text(t, []byte(p.Body), false)), " "), "B34 ebből: építményadó 40 000") {
		t.Errorf("revenue pdf: %d %s", p.Status, pdftest.Text(t, []byte(p.Body), false))
	}
	api := b.get("/api/v1/tax/reports/revenue?from=2025-01-01&to=2025-12-31&period=year")
	var rep tax.RevenueReport
	if err := json.Unmarshal([]byte(api.Body), &rep); err != nil || api.Status != 200 || rep.Total != 40_000 || len(rep.Rows) != 1 || rep.Rows[0].Rovat.Code != "B34" {
		t.Errorf("revenue api: %d %s %v", api.Status, api.Body, err)
	}
	if p := b.get("/api/v1/tax/reports/revenue?from=2025-12-01&to=2025-01-01"); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("api backwards: %d %s", p.Status, p.Body)
	}

	// Arrears: 100 000 open since 2025-09-15.
	ap := b.get("/tax/reports/arrears?on=2025-12-31&top=5")
	if ap.Status != 200 || !strings.Contains(ap.Body, `data-testid="arrears-total"><strong>100`+"\u00a0"+`000`) || !strings.Contains(ap.Body, "Kovács Ödön") {
		t.Errorf("arrears page: %d", ap.Status)
	}
	if p := b.get("/tax/reports/arrears.xlsx?on=2025-12-31"); p.Status != 200 || !strings.HasPrefix(p.Body, "PK") {
		t.Errorf("arrears xlsx: %d", p.Status)
	}
	api = b.get("/api/v1/tax/reports/arrears?on=2025-12-31")
	var ag tax.Ageing
	if err := json.Unmarshal([]byte(api.Body), &ag); err != nil || ag.Total != 100_000 || len(ag.Top) != 1 || ag.Top[0].TaxID != "8123456786" || ag.Rows[0].Buckets[2] != 100_000 {
		t.Errorf("arrears api: %d %s", api.Status, api.Body)
	}
	if p := b.get("/tax/reports/arrears?top=x"); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad top: %d", p.Status)
	}

	// The value certificate: a bad parcel number is refused on the page.
	vc := tpPage + "/value-certificates"
	form := url.Values{"hrsz": {"12//3"}, "address": {"7677 Orfű, Fő utca 2."}, "purpose": {"hagyatek"}, "value": {"25 000 000"}, "value_basis": {"helyszíni szemle"}}
	if p := b.post(vc, form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "A helyrajzi szám formája") || !strings.Contains(p.Body, "helyszíni szemle") {
		t.Errorf("bad hrsz: %d", p.Status)
	}
	form.Set("hrsz", "123/4")
	c := b.post(vc, form)
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(c.Body), false)), " ")
	number := regexp.MustCompile(`Iktatószám: (\S+)`).FindStringSubmatch(text)
	if c.Status != 200 || number == nil || !strings.Contains(text, "123/4") || !strings.Contains(text, "25 000 000 Ft") || !strings.Contains(text, "építményadó 100 000") {
		t.Fatalf("value certificate: %d %s", c.Status, text)
	}
	page := b.get(tpPage).Body
	link := regexp.MustCompile(`href="(/tax/value-certificates/[0-9a-f-]{36}/pdf)">` + regexp.QuoteMeta(number[1])).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("the taxpayer page does not list the certificate %s", number[1])
	}
	if p := b.get(link[1]); p.Status != 200 || !strings.Contains(pdftest.Text(t, []byte(p.Body), false), number[1]) {
		t.Errorf("copy: %d", p.Status)
	}

	actions := map[string]int{}
	err := a.DB.InTenantRead(context.Background(), "11730", func(ctx context.Context, tx bun.Tx) error {
		es, err := audit.List(ctx, tx, "11730", audit.Filter{Action: "tax."})
		for _, e := range es {
			actions[e.Action]++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if actions["tax.arrears_report"] != 3 || actions["tax.value_certificate"] != 1 || actions["tax.value_certificate_copy"] != 1 {
		t.Errorf("audit: %v", actions)
	}
}
