package app

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
)

// The same payment flow through the API: a statement posted as the bank
// gave it, re-posted without change, the unmatched entry read from the
// queue and booked, and an adóigazolás as data and as a PDF. Another
// municipality sees none of it.
func TestPaymentsAndCertificatesThroughTheAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	taxpayer := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}}).Location
	if p := b.post("/tax/payments/accounts", url.Values{"account": {"11773016-00204000-00000008"}, "tax_type": {"epitmenyado"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("collection account: %d", p.Status)
	}
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	v := openapitest.LoadDocument(t, spec)
	call := apiCaller(t, srv.URL, v)
	tok := tokenFor(t, a, "ugyintezo", "11730")
	post := func(path, contentType, accept, body string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", contentType)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body2, _ := io.ReadAll(res.Body)
		res.Body.Close()
		v.Check(t, req, res, body2)
		return res, body2
	}
	if res, body := post("/api/v1/tax/statements", "text/csv", "", strings.Replace(statementCSV, "154000", "154001", 1)); res.StatusCode != 422 {
		t.Errorf("a statement that does not add up: %d %s", res.StatusCode, body)
	}
	res, body := post("/api/v1/tax/statements", "text/csv", "", statementCSV)
	if res.StatusCode != 200 || !strings.Contains(string(body), `"entries":3,"duplicates":0,"matched":1,"unmatched":1,"ignored":1,"matched_amount":150000`) {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	if res, body := post("/api/v1/tax/statements", "text/csv", "", statementCSV); res.StatusCode != 200 || !strings.Contains(string(body), `"duplicates":3,"matched":0`) {
		t.Errorf("re-import: %d %s", res.StatusCode, body)
	}
	st, q := call("GET", "/api/v1/tax/payments/unmatched", tok, "")
	entries, _ := q["entries"].([]any)
	if st != 200 || len(entries) != 1 {
		t.Fatalf("queue: %d %v", st, q)
	}
	entry := entries[0].(map[string]any)["id"].(string)
	if st, _ := call("POST", "/api/v1/tax/payments/entries/"+entry+"/assign", tokenFor(t, a, "ugyintezo", "12548"), `{"tax_id":"8123456786","tax_type":"epitmenyado"}`); st != 404 {
		t.Errorf("Abaliget assigns Orfű's entry: %d", st)
	}
	if st, r := call("POST", "/api/v1/tax/payments/entries/"+entry+"/assign", tok, `{"tax_id":"8345678904","tax_type":"epitmenyado"}`); st != 422 || !strings.Contains(fmt.Sprint(r), "tax_id:") {
		t.Errorf("unknown taxpayer: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/payments/entries/"+entry+"/assign", tok, `{"tax_id":"8123456786","tax_type":"epitmenyado"}`); st != 200 || r["status"] != "matched" {
		t.Fatalf("assign: %d %v", st, r)
	}
	if st, q := call("GET", "/api/v1/tax/payments/unmatched", tok, ""); st != 200 || len(q["entries"].([]any)) != 0 {
		t.Errorf("the queue is not empty: %v", q)
	}
	// A debit booked by hand and reversed with a reason.
	id := strings.TrimPrefix(taxpayer, "/tax/taxpayers/")
	debit := `{"tax_type":"epitmenyado","side":"debit","amount":200000,"on":"2026-03-16","tax_year":2026,"kind":"assessment","note":"kézi előírás"}`
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+id+"/postings", tok, strings.Replace(debit, "200000", "0", 1)); st != 422 || !strings.Contains(fmt.Sprint(r), "amount:") {
		t.Errorf("a zero debit: %d %v", st, r)
	}
	if st, _ := call("POST", "/api/v1/tax/taxpayers/"+id+"/postings", tokenFor(t, a, "ugyintezo", "12548"), debit); st != 404 {
		t.Errorf("Abaliget posts on Orfű's taxpayer: %d", st)
	}
	st, ps := call("POST", "/api/v1/tax/taxpayers/"+id+"/postings", tok, debit)
	if st != 201 || ps["amount"] != float64(200000) {
		t.Fatalf("debit: %d %v", st, ps)
	}
	posting := ps["id"].(string)
	if st, r := call("POST", "/api/v1/tax/postings/"+posting+"/reverse", tok, `{"reason":""}`); st != 422 {
		t.Errorf("a reversal without a reason: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/postings/"+posting+"/reverse", tok, `{"reason":"téves előírás"}`); st != 201 || r["reverses"] != posting || r["side"] != "credit" {
		t.Errorf("reversal: %d %v", st, r)
	}
	if st, _ := call("POST", "/api/v1/tax/postings/"+posting+"/reverse", tokenFor(t, a, "ugyintezo", "12548"), `{"reason":"x"}`); st != 404 {
		t.Errorf("Abaliget reverses Orfű's posting: %d", st)
	}

	// An enforcement act interrupts the limitation of every open debit.
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+id+"/interruptions", tok, `{"kind":"seizure","on":"2026-03-20"}`); st != 422 || !strings.Contains(fmt.Sprint(r), "kind:") {
		t.Errorf("unknown kind: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+id+"/interruptions", tok, `{"kind":"enforcement","on":"2026-03-20","note":"inkasszó"}`); st != 201 || r["kind"] != "enforcement" {
		t.Errorf("interruption: %d %v", st, r)
	}

	// The certificate: 155,000 Ft paid, nothing owed; then the PDF.
	st, c := call("POST", "/api/v1/tax/taxpayers/"+id+"/certificates", tok, "")
	if st != 201 || c["no_debt"] != true || c["number"] == "" {
		t.Fatalf("certificate: %d %v", st, c)
	}
	res, body = post("/api/v1/tax/taxpayers/"+id+"/certificates", "application/json", "application/pdf", "")
	if res.StatusCode != 201 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if text := strings.Join(strings.Fields(pdftest.Text(t, body, false)), " "); !strings.Contains(text, "nincs adótartozása") || !strings.Contains(text, "Kovács Ödön") {
		t.Errorf("certificate text: %s", text)
	}
	if st, _ := call("POST", "/api/v1/tax/taxpayers/"+id+"/certificates", tokenFor(t, a, "ugyintezo", "12548"), ""); st != 404 {
		t.Errorf("Abaliget certifies Orfű's taxpayer: %d", st)
	}
	// An adó- és értékbizonyítvány for a probate procedure.
	vc := `{"hrsz":"123/4","address":"7677 Orfű, Fő utca 1.","purpose":"hagyatek","value":25000000,"value_basis":"helyszíni szemle"}`
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+id+"/value-certificates", tok, strings.Replace(vc, "123/4", "12//", 1)); st != 422 || !strings.Contains(fmt.Sprint(r), "hrsz:") {
		t.Errorf("a bad hrsz: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+id+"/value-certificates", tok, vc); st != 201 || r["number"] == "" || r["value"] != float64(25000000) || r["debt_total"] != float64(0) {
		t.Errorf("value certificate: %d %v", st, r)
	}
	res, body = post("/api/v1/tax/taxpayers/"+id+"/value-certificates", "application/json", "application/pdf", vc)
	if text := strings.Join(strings.Fields(pdftest.Text(t, body, false)), " "); res.StatusCode != 201 || !strings.Contains(text, "123/4") {
		t.Errorf("value certificate PDF: %d %s", res.StatusCode, text)
	}
}
