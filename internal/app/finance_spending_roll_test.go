package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// The spending-control loose ends from the pages and the API: a
// designation revoked from a day, the written-commitment threshold as a
// setting shown on the form, and last year's multi-year commitment rolled
// into this year.
func TestFinanceSpendingRollRevokeSettings(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	today := hu.DateOf(a.Now())
	year := today.Year
	last := year - 1

	// Last year's commitment with a part for this year.
	var ent finance.Entity
	var cm finance.Commitment
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		s := &finance.Service{Now: a.Now}
		var err error
		if ent, err = s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Institution, Name: "Orfűi Óvoda", Functions: []string{"064010"}}, "t"); err != nil {
			return err
		}
		if _, err := s.RecordBudget(ctx, tx, finance.BudgetChange{Entity: ent.ID, Year: last, Kind: finance.Original, Decision: "1/" + strconv.Itoa(last),
			Lines: []finance.AppropriationInput{{LineKey: finance.LineKey{Rovat: "K334", Funkcio: "064010"}, Amount: 1_000_000}}}, "t"); err != nil {
			return err
		}
		for _, g := range []struct{ who, role string }{{"ellenjegyzo", finance.RoleCountersign}, {"polgarmester", finance.RoleCommit}} {
			if _, err := s.Designate(ctx, tx, ent.ID, finance.DesignationInput{Username: g.who, Role: g.role, ValidFrom: hu.Date{Year: last, Month: 1, Day: 1}, Decision: "jegyző 1/" + strconv.Itoa(last)}, "t"); err != nil {
				return err
			}
		}
		if cm, err = s.DraftCommitment(ctx, tx, ent.ID, finance.CommitmentInput{On: hu.Date{Year: last, Month: 6, Day: 1}, Rovat: "K334", Funkcio: "064010", Partner: "Fényes Kft.",
			Subject: "Közvilágítás karbantartása", Document: "SZ-12", Years: []finance.CommitmentYear{{Year: last, Amount: 300_000}, {Year: year, Amount: 250_000}}}, finance.Actor{Username: "eloado"}); err != nil {
			return err
		}
		if _, err := s.Countersign(ctx, tx, cm.ID, finance.Actor{Username: "ellenjegyzo"}); err != nil {
			return err
		}
		_, err = s.Commit(ctx, tx, cm.ID, finance.Actor{Username: "polgarmester"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	base := "/finance/entities/" + ent.ID.String()
	ys := strconv.Itoa(year)
	if p := m.get(base + "/commitments?year=" + ys); !strings.Contains(p.Body, base+"/commitments/roll") || !strings.Contains(p.Body, "200\u00a0000 Ft alatti") {
		t.Errorf("commitments page: %d", p.Status)
	}
	p := m.get(base + "/commitments/roll?year=" + ys)
	if p.Status != 200 || !strings.Contains(p.Body, "Fényes Kft.") || !strings.Contains(p.Body, `data-testid="roll-post"`) || !strings.Contains(p.Body, "250\u00a0000 Ft") {
		t.Fatalf("roll page: %d\n%s", p.Status, p.Body)
	}
	if p := m.post(base+"/commitments/roll", url.Values{"year": {strconv.Itoa(year + 1)}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "megnyílt évbe") {
		t.Errorf("next year: %d", p.Status)
	}
	p = m.post(base+"/commitments/roll", url.Values{"year": {ys}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "done=1") {
		t.Fatalf("roll: %d %s\n%s", p.Status, p.Location, p.Body)
	}
	if p := m.get(p.Location); !strings.Contains(p.Body, `data-testid="roll-nothing"`) || !strings.Contains(p.Body, cm.ID.String()) {
		t.Errorf("after the roll: %d", p.Status)
	}
	var st finance.Status
	if err := a.DB.InTenantRead(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = finance.LineStatus(ctx, tx, ent.ID, year, finance.LineKey{Rovat: "K334", Funkcio: "064010"})
		return err
	}); err != nil || st.Committed != 250_000 {
		t.Errorf("this year's 0513: %+v %v", st, err)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	if st, r := call("POST", "/api/v1/finance/entities/"+ent.ID.String()+"/commitments/roll", tok, `{"year":`+ys+`}`); st != 200 || r["already_rolled"].(float64) != 1 || len(r["items"].([]any)) != 0 {
		t.Errorf("API roll again: %d %v", st, r)
	}

	// Revocation from the register page.
	p = m.get(base + "/designations")
	ids := regexp.MustCompile(`/designations/([0-9a-f-]{36})/revoke`).FindAllStringSubmatch(p.Body, -1)
	if len(ids) != 2 {
		t.Fatalf("revoke forms: %d\n%s", len(ids), p.Body)
	}
	if p := m.post(base+"/designations/"+ids[0][1]+"/revoke", url.Values{"revoked_from": {"2000-01-01"}, "decision": {"jegyző 9/" + ys}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "visszamenőleges") {
		t.Errorf("backdated: %d", p.Status)
	}
	if p := m.post(base+"/designations/"+ids[0][1]+"/revoke", url.Values{"revoked_from": {today.String()}, "decision": {"jegyző 9/" + ys}}); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(base + "/designations"); !strings.Contains(p.Body, `data-testid="revoked"`) || !strings.Contains(p.Body, "jegyző 9/"+ys) {
		t.Errorf("register after the revocation: %d", p.Status)
	}
	if st, r := call("POST", "/api/v1/finance/designations/"+ids[1][1]+"/revoke", tok, `{"revoked_from":"`+today.AddDays(30).String()+`","decision":"jegyző 10/`+ys+`"}`); st != 200 || r["revocation"] == nil {
		t.Errorf("API revoke: %d %v", st, r)
	}
	if st, _ := call("POST", "/api/v1/finance/designations/"+ids[1][1]+"/revoke", tok, `{"revoked_from":"`+today.AddDays(30).String()+`","decision":"x"}`); st != 422 {
		t.Errorf("API revoke twice: %d", st)
	}

	// The settings: the threshold lowered shows on the commitment form.
	if p := m.get("/finance/settings"); p.Status != 200 || !strings.Contains(p.Body, "900020") {
		t.Errorf("settings page: %d", p.Status)
	}
	if p := m.post("/finance/settings", url.Values{"tax_revenue_funkcio": {"90002"}, "written_commitment_limit": {"100 000"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "kormányzati funkció") {
		t.Errorf("bad funkció setting: %d", p.Status)
	}
	if p := m.post("/finance/settings", url.Values{"tax_revenue_funkcio": {"900020"}, "written_commitment_limit": {"100 000"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("settings: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(base + "/commitments?year=" + ys); !strings.Contains(p.Body, "100\u00a0000 Ft alatti") {
		t.Errorf("the lowered threshold is not on the form")
	}
	if st, r := call("GET", "/api/v1/finance/settings", tok, ""); st != 200 || r["written_commitment_limit"].(float64) != 100_000 {
		t.Errorf("API settings: %d %v", st, r)
	}
	if st, _ := call("PUT", "/api/v1/finance/settings", tok, `{"tax_revenue_funkcio":"011220","written_commitment_limit":-5}`); st != 422 {
		t.Errorf("API bad settings: %d", st)
	}
}
