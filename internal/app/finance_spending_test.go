package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// Orfű's finance manager designates herself as countersignatory and
// commitment maker, drafts a commitment and countersigns it; the page
// then does not offer her the commitment and says why (Ávr. 60. § (1)),
// and a forced request is refused the same way; the API agrees and
// refuses a commitment beyond the free appropriation with the figures.
func TestSpendingControlPagesAndAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	p := m.post("/finance/entities", url.Values{"kind": {"institution"}, "name": {"Orfűi Óvoda"}, "functions": {"064010"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", p.Status, p.Body)
	}
	ent := p.Location
	id := strings.TrimPrefix(ent, "/finance/entities/")
	year := hu.DateOf(a.Now()).Year
	ys := strconv.Itoa(year)
	if p := m.post(ent+"/budget", url.Values{"kind": {"original"}, "year": {ys}, "rovat": {"K334"}, "funkcio": {"064010"}, "amount": {"500 000"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("budget: %d\n%s", p.Status, p.Body)
	}
	if p := m.post(ent+"/designations", url.Values{"username": {"kulcs.orfu"}, "role": {"countersign"}, "valid_from": {ys + "-01-01"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "kijelölő döntést") {
		t.Errorf("designation without decision: %d", p.Status)
	}
	for _, role := range []string{"countersign", "commitment"} {
		if p := m.post(ent+"/designations", url.Values{"username": {"kulcs.orfu"}, "role": {role}, "valid_from": {ys + "-01-01"}, "decision": {"jegyző 1/" + ys}}); p.Status != http.StatusSeeOther {
			t.Fatalf("designate %s: %d\n%s", role, p.Status, p.Body)
		}
	}
	if p := m.get(ent + "/designations"); !strings.Contains(p.Body, "pénzügyi ellenjegyző") || !strings.Contains(p.Body, "jegyző 1/"+ys) {
		t.Errorf("designations page: %d", p.Status)
	}
	on := hu.DateOf(a.Now()).String()
	draft := url.Values{"on": {on}, "rovat": {"K334"}, "funkcio": {"064010"}, "partner": {"Játszótér Kft."}, "subject": {"Homokozó javítása"}, "amount": {"200 000"}, "later": {strconv.Itoa(year+1) + ": 50 000"}}
	if p := m.post(ent+"/commitments", draft); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "írásban kell") {
		t.Errorf("draft of 250 000 without a document: %d", p.Status)
	}
	draft.Set("document", "SZ-3/"+ys)
	p = m.post(ent+"/commitments", draft)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("draft: %d\n%s", p.Status, p.Body)
	}
	cm := p.Location
	if p := m.get(cm); p.Status != 200 || !strings.Contains(p.Body, `data-testid="do-countersign"`) || !strings.Contains(p.Body, "50\u00a0000") {
		t.Fatalf("commitment page: %d\n%s", p.Status, p.Body)
	}
	if p := m.post(cm+"/countersign", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("countersign: %d\n%s", p.Status, p.Body)
	}
	p = m.get(cm)
	if strings.Contains(p.Body, `data-testid="do-commit"`) || !strings.Contains(p.Body, "Ávr. 60. § (1)") {
		t.Errorf("the commit button is offered to the countersignatory:\n%s", p.Body)
	}
	if p := m.post(cm+"/commit", nil); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Ávr. 60. § (1)") {
		t.Errorf("forced commit: %d", p.Status)
	}
	if p := m.get(ent + "/commitments?year=" + ys); !strings.Contains(p.Body, "Homokozó javítása") || !strings.Contains(p.Body, "ellenjegyzett") {
		t.Errorf("list: %d", p.Status)
	}
	// Another designated commitment maker commits; then an incoming
	// invoice is registered in IRAT and booked against the commitment.
	cid := strings.TrimPrefix(cm, "/finance/commitments/")
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		s := &finance.Service{Now: a.Now}
		e, _ := uuid.Parse(id)
		if _, err := s.Designate(ctx, tx, e, finance.DesignationInput{Username: "polgarmester", Role: finance.RoleCommit, ValidFrom: hu.Date{Year: year, Month: 1, Day: 1}, Decision: "SZMSZ"}, "test"); err != nil {
			return err
		}
		_, err := s.Commit(ctx, tx, uuid.MustParse(cid), finance.Actor{Username: "polgarmester"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := m.post(cm+"/invoices", url.Values{"number": {"SZLA-7"}, "amount": {"200 001"}, "received_on": {on}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nyitott része") {
		t.Errorf("invoice beyond commitment: %d", p.Status)
	}
	if p := m.post(cm+"/invoices", url.Values{"number": {"SZLA-7"}, "amount": {"150 000"}, "received_on": {on}}); p.Status != http.StatusSeeOther {
		t.Fatalf("invoice: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(cm); !strings.Contains(p.Body, "SZLA-7") || !strings.Contains(p.Body, "-1/"+ys) || !strings.Contains(p.Body, "igazolásra vár") {
		t.Errorf("the invoice with its iktatószám is not on the page:\n%s", p.Body)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	st, r := call("GET", "/api/v1/finance/commitments/"+cid, tok, "")
	if st != 200 || r["state"] != "committed" || len(r["invoices"].([]any)) != 1 || !strings.Contains(r["not_allowed"].(map[string]any)["certify"].(string), "teljesítésigazoló") {
		t.Errorf("commitment API: %d %v", st, r)
	}
	st, r = call("POST", "/api/v1/finance/entities/"+id+"/commitments", tok, `{"on":"`+on+`","rovat":"K334","funkcio":"064010","partner":"Nagy Zrt.","subject":"Új kerítés","document":"SZ-9","years":[{"year":`+ys+`,"amount":500001}]}`)
	if st != 201 {
		t.Fatalf("draft API: %d %v", st, r)
	}
	st, r = call("POST", "/api/v1/finance/commitments/"+r["id"].(string)+"/countersign", tok, "")
	if title, _ := r["title"].(string); st != 422 || !strings.Contains(title, "1 Ft-tal meghaladja") {
		t.Errorf("countersign beyond free: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/designations", tok, ""); st != 200 || len(r["designations"].([]any)) != 3 {
		t.Errorf("designations API: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/finance/entities/"+id+"/commitments?year="+ys, tok, ""); st != 200 || len(r["commitments"].([]any)) != 2 {
		t.Errorf("commitments API: %d %v", st, r)
	}
}
