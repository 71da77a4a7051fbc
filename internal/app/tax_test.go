package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// Anyone in the tax office computes interest on a page and through the
// API; the figures are those of the brief's worked examples.
func TestInterestCalculator(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	if p := b.get("/tax/interest"); p.Status != 200 || strings.Contains(p.Body, `data-testid="interest-result"`) {
		t.Fatalf("empty calculator: %d", p.Status)
	}
	q := url.Values{"amount": {"150 000"}, "due": {"2025-09-15"}, "paid": {"2025-11-14"}}
	p := b.get("/tax/interest?" + q.Encode())
	if p.Status != 200 || !strings.Contains(p.Body, "Késedelmi pótlék: 2\u00a0790 Ft") || !strings.Contains(p.Body, "0,031 %") || !strings.Contains(p.Body, "60 nap") {
		t.Errorf("example 1 on the page: %d", p.Status)
	}
	q = url.Values{"amount": {"200000"}, "due": {"2025-05-31"}, "paid": {"2025-09-30"}, "self_revision": {"1"}}
	if p := b.get("/tax/interest?" + q.Encode()); !strings.Contains(p.Body, "Önellenőrzési pótlék: 3\u00a0720 Ft") || !strings.Contains(p.Body, "munkaszüneti nap") {
		t.Errorf("example 3 on the page")
	}
	q = url.Values{"amount": {"150000"}, "due": {"2025-09-15"}, "paid": {"2025-11-14"}, "part1_on": {"2025-10-15"}, "part1_amount": {"75000"}}
	if p := b.get("/tax/interest?" + q.Encode()); !strings.Contains(p.Body, "2\u00a0093 Ft") {
		t.Errorf("part payment on the page")
	}
	for field, q := range map[string]url.Values{
		"amount": {"amount": {"sok"}, "due": {"2025-09-15"}, "paid": {"2025-11-14"}},
		"due":    {"amount": {"100"}, "due": {"2025-02-30"}, "paid": {"2025-11-14"}},
		"paid":   {"amount": {"100"}, "due": {"2025-09-15"}, "paid": {"2025-11-14"}, "part1_on": {"2025-10-01"}, "part1_amount": {"500"}},
	} {
		if p := b.get("/tax/interest?" + q.Encode()); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `href="#`+field+`"`) {
			t.Errorf("bad %s: %d", field, p.Status)
		}
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "ugyintezo", "11730")
	st, r := call("POST", "/api/v1/tax/interest", tok, `{"amount":100000,"due":"2022-02-15","paid":"2022-03-02"}`)
	if st != 200 || r["total"] != float64(331) || len(r["segments"].([]any)) != 2 {
		t.Errorf("example 2 through the API: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/interest", tok, `{"amount":100,"due":"2025-09-15","paid":"2025-11-14","payments":[{"on":"2025-12-01","amount":1}]}`); st != 422 {
		t.Errorf("payment after the day: %d %v", st, r)
	}
	// Taxpayers and their accounts through the API.
	st, tp := call("POST", "/api/v1/tax/taxpayers", tok, `{"tax_id":"8123456786","name":"Kovács Ödön"}`)
	if st != 201 || tp["kind"] != "person" {
		t.Fatalf("create taxpayer: %d %v", st, tp)
	}
	if st, p := call("POST", "/api/v1/tax/taxpayers", tok, `{"tax_id":"8123456780","name":"x"}`); st != 422 || p["errors"].(map[string]any)["tax_id"] == nil {
		t.Errorf("bad tax id: %d %v", st, p)
	}
	st, acc := call("GET", "/api/v1/tax/taxpayers/"+tp["id"].(string)+"/accounts", tok, "")
	if st != 200 || len(acc["accounts"].([]any)) != 0 {
		t.Errorf("accounts: %d %v", st, acc)
	}
	if st, _ := call("GET", "/api/v1/tax/taxpayers/"+tp["id"].(string)+"/accounts", tokenFor(t, a, "ugyintezo", "12548"), ""); st != 404 {
		t.Errorf("Abaliget's token reads Orfű's taxpayer: %d", st)
	}
	// The operator's token has no tax permission.
	if st, _ := call("POST", "/api/v1/tax/interest", tokenFor(t, a, "kulcs.orfu", "11730"), `{"amount":1,"due":"2025-09-15","paid":"2025-11-14"}`); st != 403 {
		t.Errorf("someone without the tax role: %d", st)
	}
}
