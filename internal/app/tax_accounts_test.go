package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/tax"
)

// A tax clerk records a taxpayer, posts a debit and a payment, and reads
// the account: overpayment, and the interest of the late payment.
func TestTaxpayerAccount(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	if p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456780"}, "name": {"Kovács Ödön"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "érvényes adóazonosító jelet") {
		t.Errorf("bad check digit: %d", p.Status)
	}
	p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}, "address": {"7677 Orfű, Fő utca 2."}})
	m := regexp.MustCompile(`^/tax/taxpayers/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create taxpayer: %d %s", p.Status, p.Location)
	}
	if p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Más"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "már van adózó") {
		t.Errorf("duplicate: %d", p.Status)
	}
	page := "/tax/taxpayers/" + m[1]
	postTo := page + "/postings"
	if p := b.post(postTo, url.Values{"tax_type": {"epitmenyado"}, "side": {"debit"}, "amount": {"-5"}, "on": {"2025-09-15"}, "tax_year": {"2025"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "pozitív, egész forint") {
		t.Errorf("negative amount: %d", p.Status)
	}
	for _, f := range []url.Values{
		{"tax_type": {"epitmenyado"}, "side": {"debit"}, "amount": {"150 000"}, "on": {"2025-09-15"}, "tax_year": {"2025"}, "kind": {"kivetés"}, "reference": {"1-1/2025"}},
		{"tax_type": {"epitmenyado"}, "side": {"credit"}, "amount": {"160000"}, "on": {"2025-11-14"}, "tax_year": {"2025"}, "kind": {"befizetés"}},
	} {
		if p := b.post(postTo, f); p.Status != http.StatusSeeOther {
			t.Fatalf("post %v: %d", f, p.Status)
		}
	}
	acc := b.get(page).Body
	if !strings.Contains(acc, `data-testid="balance-epitmenyado">10`+"\u00a0"+`000 Ft`) || !strings.Contains(acc, `data-testid="interest-epitmenyado">2`+"\u00a0"+`790 Ft`) {
		t.Errorf("account does not show the overpayment and the interest")
	}
	// Reverse the payment: the debt is open again; the entry stays.
	rev := regexp.MustCompile(`action="(/tax/postings/[0-9a-f-]{36}/reverse)"`).FindAllStringSubmatch(acc, -1)
	if len(rev) != 2 {
		t.Fatalf("%d reverse forms, want 2", len(rev))
	}
	if p := b.post(rev[1][1], url.Values{"reason": {""}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("reversal without reason: %d", p.Status)
	}
	if p := b.post(rev[1][1], url.Values{"reason": {"Téves azonosítás"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("reverse: %d", p.Status)
	}
	if acc := b.get(page).Body; !strings.Contains(acc, `data-testid="balance-epitmenyado">-150`+"\u00a0"+`000 Ft`) || !strings.Contains(acc, "Stornó") {
		t.Errorf("after the reversal")
	}
	// With arrears the certificate lists the debt.
	c := b.post(page+"/certificate", nil)
	if ct := strings.Join(strings.Fields(pdftest.Text(t, []byte(c.Body), false)), " "); c.Status != 200 || !strings.Contains(ct, "az alábbi tartozása van") || !strings.Contains(ct, "150 000") {
		t.Errorf("certificate with a debt: %d %s", c.Status, ct)
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
	if actions["tax.taxpayer_create"] != 1 || actions["tax.post"] != 2 || actions["tax.reverse"] != 1 || actions["tax.view"] == 0 || actions["tax.search"] == 0 {
		t.Errorf("tax events in the audit log: %v", actions)
	}

	// Abaliget's taxpayer and posting are out of Orfű's reach.
	var abaTP tax.Taxpayer
	var abaPosting tax.Posting
	var abaDecree tax.Decree
	var abaReminder tax.Reminder
	err = a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		s := &tax.Service{}
		var err error
		if abaTP, err = s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8345678904", Name: "Abaligeti Titkos Adózó"}, "test"); err != nil {
			return err
		}
		abaPosting, err = s.Post(ctx, tx, tax.PostingInput{TaxpayerID: abaTP.ID, TaxType: "kommunalis_ado", Side: tax.Debit, Amount: 12_000, On: hu.Date{Year: 2026, Month: 3, Day: 16}, TaxYear: 2026}, "test")
		if err != nil {
			return err
		}
		sts, err := bankstatement.ParseCSV(strings.NewReader(statementCSV))
		if err != nil {
			return err
		}
		if _, err = s.ImportStatements(ctx, tx, sts, "test"); err != nil {
			return err
		}
		abaDecree, err = tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "9/2026. (XI. 2.)", Title: "Abaligeti Titkos Adózó rendelete",
			AdoptedOn: hu.Date{Year: 2026, Month: 11, Day: 2}, EffectiveFrom: hu.Date{Year: 2027, Month: 1, Day: 1}, TaxYear: 2027,
			Rates: []tax.DecreeRate{{TaxType: "kommunalis_ado", Basis: "adotargy", Rate: 12_000_000}}, By: "test"}, time.Now())
		if err != nil {
			return err
		}
		abaReminder = tax.Reminder{ID: uuid.Must(uuid.NewV7()), TaxpayerID: abaTP.ID, On: hu.Date{Year: 2026, Month: 6, Day: 1}, Deadline: hu.Date{Year: 2026, Month: 6, Day: 16}, Number: "KOZ/9/2026", Arrears: 12_000, DebtsJSON: "[]", CreatedAt: time.Now(), CreatedBy: "test"}
		_, err = tx.NewInsert().Model(&abaReminder).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var abaEntry string
	err = a.DB.InTenantRead(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("SELECT id FROM tax_bank_entries WHERE tenant_id = ? AND status = 'unmatched' LIMIT 1", "12548").Scan(ctx, &abaEntry)
	})
	if err != nil {
		t.Fatal(err)
	}
	abaDeclaration := abaligetDeclaration(t, a, abaTP)
	separation.Check(t, separation.Case{
		BaseURL:    srv.URL,
		Actors:     []separation.Actor{{Name: "tax clerk of Orfű", Client: b.c}},
		IDsOfB:     map[string]string{"taxpayer": abaTP.ID.String(), "posting": abaPosting.ID.String(), "entry": abaEntry, "decree": abaDecree.ID.String(), "reminder": abaReminder.ID.String(), "declaration": abaDeclaration, "valuecert": abaValueCertificate(t, a, abaTP), "object": abaTP.ID.String(), "decision": abaTP.ID.String(), "run": abaTP.ID.String()},
		SecretsOfB: []string{"Abaligeti Titkos Adózó", "8345678904"},
		Routes:     tax.SeparationRoutes,
	})
	if p := b.get("/tax/taxpayers?q=Abaligeti"); strings.Contains(p.Body, "Abaligeti Titkos") {
		t.Error("Orfű's search finds Abaliget's taxpayer")
	}
}
