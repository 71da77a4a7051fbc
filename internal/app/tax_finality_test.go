package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// A decision of 15 October 2025 left both halves of the year past: they
// stand on 30 October, provisionally. The registry records the pick-up on
// 20 October; the clerk takes that day from IRAT on the decision page,
// the appeal deadline (4 November) has passed, so the decision is final
// on 5 November and the halves move to 20 November. The other owner's
// decision goes through the API: an appeal, then its upholding.
func TestTaxDecisionFinality(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	decisions, tpA := finalityDecisions(t, a)
	dA, dB := decisions["8123456786"], decisions["8390164280"]
	if dA.Number == "" || dB.Number == "" {
		t.Fatalf("decisions: %+v", decisions)
	}
	pageA := "/tax/decisions/" + dA.ID.String()

	p := b.get(pageA)
	for _, want := range []string{dA.Number, "2025-10-15", "nincs rögzítve", "az iratkezelés szerint 2025-10-20 napján kézbesítették", `data-testid="from-irat"`,
		"2025-10-30", "ideiglenes", "a véglegessé válás után 15 nappal", "nincs közölve"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("decision page lacks %q", want)
		}
	}
	account := b.get("/tax/taxpayers/" + tpA).Body
	if !strings.Contains(account, `data-testid="provisional"`) {
		t.Errorf("the account page does not mark the provisional due date")
	}
	balance := between(account, `data-testid="balance-epitmenyado">`, "</dd>")
	if tpObjects := b.get("/tax/taxpayers/" + tpA + "/objects").Body; !strings.Contains(tpObjects, `href="`+pageA+`"`) {
		t.Errorf("the taxpayer's decisions do not link the decision page")
	}

	// Refusals, each with its reason, in the form.
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"event": {"communicated"}, "communicated_on": {"2025-10-14"}}, "nem lehet korábbi a határozat keltezésénél"},
		{url.Values{"event": {"communicated"}, "communicated_on": {"tegnap"}}, "ÉÉÉÉ-HH-NN"},
		{url.Values{"event": {"waived"}, "waived_on": {"2025-10-20"}}, "Előbb rögzítse a határozat közlésének napját"},
		{url.Values{"event": {"appeal_decided"}, "appeal_decided_on": {"2025-10-20"}, "outcome": {"upheld"}}, "Nincs rögzített fellebbezés"},
		{url.Values{"event": {"settle"}}, "még nem végleges"},
	} {
		p := b.post(pageA+"/finality", tc.form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, tc.want) {
			t.Errorf("%v: %d, want the refusal %q", tc.form, p.Status, tc.want)
		}
	}
	// The day from IRAT: the deadline is long past, so final at once.
	p = b.post(pageA+"/finality", url.Values{"event": {"communicated"}, "source": {"irat"}})
	if p.Status != http.StatusSeeOther || p.Location != pageA {
		t.Fatalf("from IRAT: %d %s", p.Status, p.Body)
	}
	p = b.get(pageA)
	for _, want := range []string{"2025-10-20 (az iratkezelés kézbesítési adata szerint)", `data-testid="appeal-deadline">` + "\n    2025-11-04",
		`data-testid="final-on">` + "\n    2025-11-05", "2025-11-20 <strong class=\"govuk-tag govuk-tag--green\">áthelyezve", ">végleges<"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("final decision page lacks %q", want)
		}
	}
	if ASPShots := os.Getenv("ASP_SCREENSHOT_DIR"); ASPShots != "" {
		os.WriteFile(filepath.Join(ASPShots, "decision-final.html"), []byte(p.Body), 0o644)
	}
	b.lang = "en"
	if en := b.get(pageA).Body; !strings.Contains(en, "Final on") || !strings.Contains(en, "delivery data)") || !strings.Contains(en, "moved</strong>") {
		t.Errorf("the English decision page lacks its words")
	}
	b.lang = "hu"
	account = b.get("/tax/taxpayers/" + tpA).Body
	if strings.Contains(account, `data-testid="provisional"`) || between(account, `data-testid="balance-epitmenyado">`, "</dd>") != balance || balance == "" {
		t.Errorf("after the move: provisional still marked, or the balance changed (%q)", balance)
	}
	// The same again changes nothing; another day is refused; so is an
	// appeal after the deadline.
	if p := b.post(pageA+"/finality", url.Values{"event": {"communicated"}, "communicated_on": {"2025-10-20"}}); p.Status != http.StatusSeeOther ||
		!strings.Contains(b.get(p.Location).Body, `data-testid="unchanged"`) {
		t.Errorf("the same day again: %d %s", p.Status, p.Location)
	}
	if p := b.post(pageA+"/finality", url.Values{"event": {"communicated"}, "communicated_on": {"2025-10-21"}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Body, "már rögzítve") {
		t.Errorf("a second communication: %d", p.Status)
	}
	if p := b.post(pageA+"/finality", url.Values{"event": {"appealed"}, "appealed_on": {"2025-11-10"}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Body, "elkésett") {
		t.Errorf("a late appeal: %d", p.Status)
	}

	// B through the API.
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	token := tokenFor(t, a, "ugyintezo", "11730")
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	apiB := "/api/v1/tax/decisions/" + dB.ID.String()
	st, res := call("GET", apiB, token, "")
	fin, _ := res["finality"].(map[string]any)
	moves, _ := res["moves"].([]any)
	if st != http.StatusOK || fin["state"] != "not_communicated" || fin["due_on_provisional"] != true || len(moves) != 2 || res["number"] != dB.Number {
		t.Fatalf("API decision: %d %v", st, res)
	}
	if p := b.get("/tax/decisions/" + dB.ID.String()); !strings.Contains(p.Body, "az iratkezelés szerint még nincs kézbesítve") || strings.Contains(p.Body, `data-testid="from-irat"`) {
		t.Errorf("B's page offers IRAT's day, which IRAT does not know")
	}
	if st, res = call("POST", apiB+"/finality", token, `{"event":"communicated","source":"irat"}`); st != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(res), "nincs kézbesítve") {
		t.Errorf("API communication from IRAT without a delivery: %d %v", st, res)
	}
	if st, res = call("POST", apiB+"/finality", token, `{"event":"waived","on":"2025-10-20"}`); st != http.StatusUnprocessableEntity {
		t.Errorf("API waiver before communication: %d %v", st, res)
	}
	if st, res = call("POST", apiB+"/finality", token, `{"event":"appealed","on":"2025-10-25"}`); st != http.StatusOK || res["changed"] != true ||
		res["finality"].(map[string]any)["state"] != "under_appeal" {
		t.Errorf("API appeal: %d %v", st, res)
	}
	if st, res = call("POST", apiB+"/finality", token, `{"event":"communicated","on":"2025-10-20"}`); st != http.StatusOK ||
		res["finality"].(map[string]any)["appeal_deadline"] != "2025-11-04" {
		t.Errorf("API communication: %d %v", st, res)
	}
	st, res = call("POST", apiB+"/finality", token, `{"event":"appeal_decided","on":"2025-12-01","outcome":"upheld"}`)
	fin, _ = res["finality"].(map[string]any)
	moves, _ = res["moves"].([]any)
	if st != http.StatusOK || fin["state"] != "final" || fin["final_on"] != "2025-12-01" || fin["due_on"] != "2025-12-16" || fin["due_on_provisional"] != false ||
		len(moves) != 2 || moves[0].(map[string]any)["moved"] != true {
		t.Errorf("API appeal decided: %d %v", st, res)
	}
	if st, res = call("POST", apiB+"/finality", token, `{"event":"appeal_decided","on":"2025-12-01","outcome":"upheld"}`); st != http.StatusOK || res["changed"] != false {
		t.Errorf("API the same again: %d %v", st, res)
	}
	if st, res = call("POST", "/api/v1/tax/decisions/finality", token, ""); st != http.StatusOK || res["settled"] != float64(0) {
		t.Errorf("API sweep: %d %v", st, res)
	}
	if p := b.post("/tax/decisions/finality", nil); p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="sweep"`) {
		t.Errorf("sweep page: %d", p.Status)
	}
}

// finalityDecisions assesses 2025 in Orfű on 15 October 2025 for a flat
// owned half and half, and has IRAT dispatch the first owner's decision
// and record its pick-up on 20 October. It returns the decisions by tax
// id and the first owner's id.
func finalityDecisions(t *testing.T, a *App) (map[string]tax.Decision, string) {
	t.Helper()
	at := func(y int, m time.Month, d, h int) func() time.Time {
		return func() time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	}
	decisions := map[string]tax.Decision{}
	var tpA string
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		s := &tax.Service{Now: at(2025, 10, 15, 9)}
		for _, in := range []tax.TaxpayerInput{{TaxID: "8123456786", Name: "Véglegh Vilma"}, {TaxID: "8390164280", Name: "Fellebbező Ferenc"}} {
			tp, err := s.RegisterTaxpayer(ctx, tx, in, "test")
			if err != nil {
				return err
			}
			if tpA == "" {
				tpA = tp.ID.String()
			}
		}
		if _, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "9/2024. (XI. 20.)", Title: "Építményadó", AdoptedOn: hu.Date{Year: 2024, Month: 11, Day: 20},
			EffectiveFrom: hu.Date{Year: 2025, Month: 1, Day: 1}, TaxYear: 2025, By: "test",
			Rates: []tax.DecreeRate{{TaxType: "epitmenyado", Basis: "m2", Rate: 1_000_000}}}, time.Now()); err != nil {
			return err
		}
		reg := recordsRegistrar{svc: &records.Service{}}
		if _, err := s.ReportObject(ctx, tx, reg, tax.ObjectReport{Kind: tax.ObjectBuilding, EffectiveOn: hu.Date{Year: 2020, Month: 1, Day: 1}, HRSZ: "555/1",
			Address: "7677 Orfű, Véglegesség utca 1.", AreaM2: 100, Category: "lakas", ValidFrom: hu.Date{Year: 2010, Month: 1, Day: 1},
			Owners: []tax.OwnerInput{{TaxID: "8123456786", Share: "1/2"}, {TaxID: "8390164280", Share: "1/2"}}}, "test"); err != nil {
			return err
		}
		if _, err := s.RunAssessment(ctx, tx, reg, tax.RunOptions{TaxYear: 2025}, "test"); err != nil {
			return err
		}
		var ds []tax.Decision
		if err := tx.NewSelect().Model(&ds).Where("tax_year = 2025").Scan(ctx); err != nil {
			return err
		}
		for _, d := range ds {
			var taxID string
			if err := tx.NewSelect().Model((*tax.Taxpayer)(nil)).Column("tax_id").Where("id = ?", d.TaxpayerID).Scan(ctx, &taxID); err != nil {
				return err
			}
			decisions[taxID] = d
		}
		// The registry sends A's decision by post; it is picked up on 20
		// October.
		var docID uuid.UUID
		if err := tx.NewSelect().Model((*records.Document)(nil)).Column("id").Where("number = ?", decisions["8123456786"].Number).Scan(ctx, &docID); err != nil {
			return err
		}
		rs := &records.Service{Now: at(2025, 10, 16, 8)}
		dp, err := rs.Dispatch(ctx, tx, docID, records.DispatchInput{Channel: records.DispatchPost, Addressee: "Véglegh Vilma", Address: "7677 Orfű, Fő utca 2."}, "test")
		if err != nil {
			return err
		}
		rs.Now = at(2025, 10, 21, 8)
		if _, err := rs.RecordDelivery(ctx, tx, dp.ID, records.EventSent, at(2025, 10, 16, 10)(), "", "test"); err != nil {
			return err
		}
		_, err = rs.RecordDelivery(ctx, tx, dp.ID, records.EventPickedUp, at(2025, 10, 20, 10)(), "", "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return decisions, tpA
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// The decision page passes the accessibility checks before and after the
// communication is recorded, and with a refusal in its form.
func TestBrowserTaxDecisionFinality(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	decisions, _ := finalityDecisions(t, a)
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "ugyintezo")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	tb.click(`//label[contains(normalize-space(.), "Orfű")]`)
	tb.press(`form[action="/tenants/switch"] button[type=submit]`)
	tb.open("/tax/decisions/" + decisions["8123456786"].ID.String())
	if got := tb.text("[data-testid=state]"); got != "nincs közölve" {
		t.Errorf("state = %q", got)
	}
	tb.audit("tax-decision")
	tb.typeIn("#communicated_on", "2025-10-14")
	if st := tb.press(`[data-testid=record-communication]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("a day before the decision: %d", st)
	}
	tb.audit("tax-decision-error")
	if st := tb.press(`[data-testid=from-irat]`); st != http.StatusOK {
		t.Fatalf("from IRAT: %d", st)
	}
	if got := tb.text("[data-testid=state]"); got != "végleges" {
		t.Errorf("state after IRAT's day = %q", got)
	}
	tb.audit("tax-decision-final")
	tb.open("/tax/decisions/" + decisions["8390164280"].ID.String())
	tb.typeIn("#appealed_on", "2025-10-25")
	if st := tb.press(`[data-testid=record-appeal]`); st != http.StatusOK {
		t.Fatalf("appeal: %d", st)
	}
	tb.audit("tax-decision-appeal")
}
