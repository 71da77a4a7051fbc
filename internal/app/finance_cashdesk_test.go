package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// Orfű's finance manager opens a cash desk, withdraws cash, pays from it,
// is refused a payment beyond the cash and a bad amount, reverses a
// voucher, reads the cash book (page, PDF, XLSX) with the excess over the
// limit, closes the day and counts the cash; the API agrees.
func TestCashDeskPagesAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	p := m.post("/finance/entities", url.Values{"kind": {"joint_office"}, "name": {"Orfűi Közös Önkormányzati Hivatal"}, "functions": {"011130"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create entity: %d\n%s", p.Status, p.Body)
	}
	ent := p.Location
	id := strings.TrimPrefix(ent, "/finance/entities/")
	if p := m.get(ent); !strings.Contains(p.Body, `href="`+ent+`/cash-desks"`) {
		t.Errorf("the entity page does not link the cash desks")
	}
	if p := m.post(ent+"/cash-desks", url.Values{"name": {"Házipénztár"}, "closing_limit": {"sok"}, "cashier": {"Pénztáros Piroska"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "limitje egész forint") {
		t.Errorf("bad limit: %d", p.Status)
	}
	p = m.post(ent+"/cash-desks", url.Values{"name": {"Házipénztár"}, "closing_limit": {"100 000"}, "cashier": {"Pénztáros Piroska"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create desk: %d\n%s", p.Status, p.Body)
	}
	desk := p.Location
	deskID := strings.TrimPrefix(desk, "/finance/cash-desks/")
	today := hu.DateOf(a.Now()).String()
	voucher := func(v url.Values) page {
		v.Set("form", "voucher")
		if v.Get("on") == "" {
			v.Set("on", today)
		}
		return m.post(desk+"/vouchers", v)
	}
	if p := voucher(url.Values{"kind": {"receipt"}, "event": {"cash_withdrawal"}, "partner": {"Pénztáros Piroska"}, "purpose": {"Ellátmány"}, "amount": {"300 000"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("withdrawal: %d\n%s", p.Status, p.Body)
	}
	if p := voucher(url.Values{"kind": {"payment"}, "partner": {"Magyar Posta Zrt."}, "purpose": {"Bélyeg"}, "amount": {"400 000"}, "rovat": {"K334"}, "funkcio": {"011130"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "negatív lenne") {
		t.Errorf("payment beyond the cash: %d", p.Status)
	}
	if p := voucher(url.Values{"kind": {"payment"}, "partner": {"Magyar Posta Zrt."}, "purpose": {"Bélyeg"}, "amount": {"12 502"}, "rovat": {"K334"}, "funkcio": {"011130"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "0-ra vagy 5-re") {
		t.Errorf("unrounded payment: %d", p.Status)
	}
	if p := voucher(url.Values{"kind": {"payment"}, "partner": {"Magyar Posta Zrt."}, "purpose": {"Bélyeg"}, "amount": {"12 500"}, "rovat": {"K334"}, "funkcio": {"011130"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("payment: %d\n%s", p.Status, p.Body)
	}
	p = m.get(desk)
	if p.Status != 200 || !strings.Contains(p.Body, "BP-") || !strings.Contains(p.Body, "KP-") || !strings.Contains(p.Body, "287\u00a0500") || !strings.Contains(p.Body, `data-testid="cash-excess"`) {
		t.Fatalf("desk page: %d\n%s", p.Status, p.Body)
	}
	year := today[:4]
	if !strings.Contains(p.Body, "KP-"+year+"-000001") {
		t.Errorf("no KP-%s-000001 on the page", year)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	st, r := call("GET", "/api/v1/finance/cash-desks/"+deskID, tok, "")
	if st != 200 || r["balance"] != 287_500.0 || r["excess"] != 187_500.0 || len(r["vouchers"].([]any)) != 2 {
		t.Fatalf("desk API: %d %v", st, r)
	}
	var kp string
	for _, v := range r["vouchers"].([]any) {
		if v := v.(map[string]any); v["kind"] == "payment" {
			kp = v["id"].(string)
		}
	}
	// The PDF of the voucher.
	if p := m.get("/finance/cash-vouchers/" + kp + "/pdf"); p.Status != 200 || !strings.HasPrefix(p.Body, "%PDF") {
		t.Errorf("voucher PDF: %d", p.Status)
	}
	// Reversal without a reason is refused on the page; with one it is
	// a stornó voucher of the payment series.
	if p := m.post("/finance/cash-vouchers/"+kp+"/reverse", url.Values{"form": {"reverse"}, "on": {today}, "reason": {""}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "miért stornózza") {
		t.Errorf("reversal without reason: %d", p.Status)
	}
	st, r = call("POST", "/api/v1/finance/cash-vouchers/"+kp+"/reverse", tok, `{"on":"`+today+`","reason":"Téves összeg"}`)
	if st != 201 || r["number"] != "KP-"+year+"-000002" || r["reverses"] != kp {
		t.Fatalf("reversal API: %d %v", st, r)
	}
	if p := m.get(desk); !strings.Contains(p.Body, "Stornózva: KP-"+year+"-000002") {
		t.Errorf("the reversed voucher is not marked")
	}
	st, r = call("POST", "/api/v1/finance/cash-desks/"+deskID+"/vouchers", tok, `{"kind":"payment","on":"`+today+`","partner":"X","purpose":"Y","amount":100,"rovat":"K334","funkcio":"066020"}`)
	if title, _ := r["title"].(string); st != 422 || !strings.Contains(title, "066020") {
		t.Errorf("voucher with a funkció not permitted: %d %v", st, r)
	}
	st, r = call("POST", "/api/v1/finance/cash-desks/"+deskID+"/vouchers", tok, `{"kind":"receipt","on":"`+today+`","partner":"Kiss János","purpose":"Teremhasználat","amount":5005,"rovat":"B402","funkcio":"011130"}`)
	if st != 201 || r["number"] != "BP-"+year+"-000002" {
		t.Fatalf("receipt API: %d %v", st, r)
	}

	// The book agrees with the desk.
	if p := m.get(desk + "/book?from=" + today + "&to=" + today); p.Status != 200 || !strings.Contains(p.Body, "305\u00a0005") || !strings.Contains(p.Body, "Befizetendő: 205\u00a0005") {
		t.Errorf("book page: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(desk + "/book?from=tegnap"); p.Status != http.StatusBadRequest {
		t.Errorf("book with a bad day: %d", p.Status)
	}
	if p := m.get(desk + "/book.pdf?from=" + today + "&to=" + today); p.Status != 200 || !strings.HasPrefix(p.Body, "%PDF") {
		t.Errorf("book PDF: %d", p.Status)
	}
	if p := m.get(desk + "/book.xlsx?from=" + today + "&to=" + today); p.Status != 200 || !strings.HasPrefix(p.Body, "PK") {
		t.Errorf("book XLSX: %d", p.Status)
	}
	st, r = call("GET", "/api/v1/finance/cash-desks/"+deskID+"/book?from="+today+"&to="+today, tok, "")
	if st != 200 || r["closing"] != 305_005.0 || r["opening"] != 0.0 || len(r["lines"].([]any)) != 4 {
		t.Errorf("book API: %d %v", st, r)
	}

	// A count by denomination: 15 × 20 000 + 1 × 5 000 = 305 000, 5 short.
	if p := m.post(desk+"/counts", url.Values{"form": {"count"}, "on": {today}, "counted_by": {"Ellenőr Erzsébet"}, "count_20000": {"15"}, "count_5000": {"1"}, "count_1": {"3"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "2008") {
		t.Errorf("count with 1 Ft coins: %d", p.Status)
	}
	if p := m.post(desk+"/counts", url.Values{"form": {"count"}, "on": {today}, "counted_by": {"Ellenőr Erzsébet"}, "count_20000": {"15"}, "count_5000": {"1"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("count: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(desk); !strings.Contains(p.Body, "-5 Ft (hiány)") {
		t.Errorf("the shortage is not shown:\n%s", p.Body)
	}
	st, r = call("POST", "/api/v1/finance/cash-desks/"+deskID+"/counts", tok, `{"on":"`+today+`","counted_by":"E","denominations":[{"value":20000,"pieces":15},{"value":5000,"pieces":1},{"value":5,"pieces":1}]}`)
	if st != 201 || r["difference"] != 0.0 {
		t.Errorf("count API: %d %v", st, r)
	}
	// Closing the day records the excess; the day then takes no voucher.
	if p := m.post(desk+"/closings", url.Values{"form": {"close"}, "on": {today}}); p.Status != http.StatusSeeOther {
		t.Fatalf("close: %d\n%s", p.Status, p.Body)
	}
	st, r = call("POST", "/api/v1/finance/cash-desks/"+deskID+"/vouchers", tok, `{"kind":"receipt","event":"cash_withdrawal","on":"`+today+`","partner":"X","purpose":"Y","amount":5}`)
	if title, _ := r["title"].(string); st != 422 || !strings.Contains(title, "le van zárva") {
		t.Errorf("voucher on a closed day: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/cash-desks", tok, ""); st != 200 || len(r["cash_desks"].([]any)) != 1 {
		t.Errorf("desks API: %d %v", st, r)
	}
	if st, _ := call("POST", "/api/v1/finance/entities/"+id+"/cash-desks", tok, `{"name":"","closing_limit":1,"cashier":"P"}`); st != 422 {
		t.Errorf("desk without a name: %d", st)
	}
}
