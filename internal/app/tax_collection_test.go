package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
)

// grantRole gives a demo user one more role on a tenant.
func grantRole(t *testing.T, a *App, username string, tenant string, role string) {
	t.Helper()
	u, err := a.Identity.Users.ByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.InTenant(cliContext(context.Background()), db.TenantID(tenant), func(ctx context.Context, tx bun.Tx) error {
		return a.Grants.Add(ctx, tx, access.Grant{TenantID: db.TenantID(tenant), UserID: u.ID, Role: role, GrantedBy: "test", GrantedAt: a.Now().UTC()})
	}); err != nil {
		t.Fatal(err)
	}
}

// A collection manager sets the minimum refund; a clerk transfers an
// overpayment to cover the arrears, refunds the rest, and the treasury's
// list shows it; the API refuses what the page refuses.
func TestCollectionSettingsTransferRefund(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}})
	m := regexp.MustCompile(`^/tax/taxpayers/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("create taxpayer: %d", p.Status)
	}
	page := "/tax/taxpayers/" + m[1]
	year := hu.DateOf(a.Now()).Year
	due := hu.Date{Year: year, Month: 3, Day: 16}.String()
	for _, f := range []url.Values{
		{"tax_type": {"epitmenyado"}, "side": {"debit"}, "amount": {"100000"}, "on": {due}, "tax_year": {"2026"}},
		{"tax_type": {"epitmenyado"}, "side": {"credit"}, "amount": {"150000"}, "on": {due}, "tax_year": {"2026"}},
		{"tax_type": {"kommunalis_ado"}, "side": {"debit"}, "amount": {"20000"}, "on": {due}, "tax_year": {"2026"}},
	} {
		f.Set("tax_year", strconv.Itoa(year))
		if p := b.post(page+"/postings", f); p.Status != http.StatusSeeOther {
			t.Fatalf("post %v: %d", f, p.Status)
		}
	}
	settings := url.Values{"tax_type": {""}, "from_year": {"2020"}, "min_refund": {"40 000"}, "min_notice": {"1000"}, "min_collection": {"5000"},
		"strategy": {"statutory"}, "reminder_interval_days": {"60"}, "reminder_deadline_days": {"15"}}
	if p := b.get("/tax/settings"); p.Status != 200 || strings.Contains(p.Body, `action="/tax/settings"`) {
		t.Errorf("settings page for a clerk: %d", p.Status)
	}
	if p := b.post("/tax/settings", settings); p.Status != http.StatusForbidden {
		t.Errorf("a clerk sets the settings: %d", p.Status)
	}
	grantRole(t, a, "ugyintezo", "11730", "tax_collection_manager")
	bad := url.Values{}
	for k, v := range settings {
		bad[k] = v
	}
	bad.Set("strategy", "random")
	if p := b.post("/tax/settings", bad); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "elszámolás sorrendjét") {
		t.Errorf("bad strategy: %d", p.Status)
	}
	if p := b.post("/tax/settings", settings); p.Status != http.StatusSeeOther {
		t.Fatalf("save settings: %d", p.Status)
	}
	if p := b.get("/tax/settings"); !strings.Contains(p.Body, "40\u00a0000") {
		t.Errorf("the settings page does not show the minimum refund")
	}

	refund := url.Values{"tax_type": {"epitmenyado"}, "amount": {"30000"}, "bank_account": {"11773016-11111018"}}
	if p := b.post(page+"/refund", refund); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "hátraléka van") {
		t.Errorf("refund with arrears: %d %s", p.Status, p.Body)
	}
	if p := b.post(page+"/transfer", url.Values{"from": {"epitmenyado"}, "to": {""}, "reason": {"hivatalból"}, "ex_officio": {"1"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("transfer: %d", p.Status)
	}
	if acc := b.get(page).Body; !strings.Contains(acc, `data-testid="balance-kommunalis_ado">0 Ft`) || !strings.Contains(acc, `data-testid="balance-epitmenyado">30`+"\u00a0"+`000 Ft`) {
		t.Errorf("after the transfer the accounts do not show it")
	}
	if p := b.post(page+"/refund", refund); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "40\u00a0000 Ft alatti") {
		t.Errorf("refund below the municipality's minimum: %d", p.Status)
	}
	settings.Set("min_refund", "1000")
	b.post("/tax/settings", settings)
	if p := b.post(page+"/refund", refund); p.Status != http.StatusSeeOther {
		t.Fatalf("refund: %d %s", p.Status, p.Body)
	}
	today := hu.DateOf(a.Now()).String()
	csv := b.get("/tax/refunds?from=" + today + "&to=" + today + "&format=csv")
	if csv.Status != 200 || !strings.Contains(csv.Body, "8123456786") || !strings.Contains(csv.Body, "11773016-11111018") || !strings.Contains(csv.Body, ";30000;") {
		t.Errorf("refund list: %d %q", csv.Status, csv.Body)
	}
	if x := b.get("/tax/refunds?from=" + today + "&to=" + today + "&format=xlsx"); x.Status != 200 || !strings.HasPrefix(x.Body, "PK") {
		t.Errorf("refund list as XLSX: %d", x.Status)
	}
	if p := b.get("/tax/refunds?from=2026-13-01&to=" + today + "&format=csv"); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad period: %d", p.Status)
	}

	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "ugyintezo", "11730")
	if st, r := call("GET", "/api/v1/tax/settings", tok, ""); st != 200 || len(r["settings"].([]any)) != 1 {
		t.Errorf("settings through the API: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+m[1]+"/transfers", tok, `{"from":"epitmenyado","to":"birsag","amount":1,"reason":"kérelem"}`); st != 422 {
		t.Errorf("transfer without an overpayment: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/taxpayers/"+m[1]+"/refunds", tok, `{"tax_type":"epitmenyado","amount":5,"bank_account":"11773016-11111018"}`); st != 422 {
		t.Errorf("refund below the minimum: %d %v", st, r)
	}
	if st, _ := call("POST", "/api/v1/tax/taxpayers/"+m[1]+"/refunds", tokenFor(t, a, "ugyintezo", "12548"), `{"tax_type":"epitmenyado","amount":5000,"bank_account":"11773016-11111018"}`); st != 404 {
		t.Errorf("Abaliget's token refunds Orfű's taxpayer: %d", st)
	}

	// A taxpayer with arrears gets a registered reminder; the run's page
	// lists it with its PDF; a second run the same day sends none.
	p = b.post("/tax/taxpayers", url.Values{"tax_id": {"8000000008"}, "name": {"Hátralékos Hugó"}})
	m2 := regexp.MustCompile(`^/tax/taxpayers/([0-9a-f-]{36})$`).FindStringSubmatch(p.Location)
	if m2 == nil {
		t.Fatalf("create taxpayer: %d", p.Status)
	}
	b.post("/tax/taxpayers/"+m2[1]+"/postings", url.Values{"tax_type": {"epitmenyado"}, "side": {"debit"}, "amount": {"80000"}, "on": {due}, "tax_year": {strconv.Itoa(year)}})
	if p := b.post("/tax/reminders/run", url.Values{"on": {"holnap"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad day: %d", p.Status)
	}
	p = b.post("/tax/reminders/run", url.Values{"on": {today}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("reminder run: %d %s", p.Status, p.Body)
	}
	list := b.get(p.Location).Body
	pdfLink := regexp.MustCompile(`href="(/tax/reminders/[0-9a-f-]{36}/pdf)"`).FindAllStringSubmatch(list, -1)
	if len(pdfLink) != 1 || !strings.Contains(list, "Hátralékos Hugó") {
		t.Fatalf("the run's page lists %d reminders", len(pdfLink))
	}
	if pdf := b.get(pdfLink[0][1]); pdf.Status != 200 || !strings.Contains(strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Body), false)), " "), "80 000") {
		t.Errorf("reminder PDF: %d", pdf.Status)
	}
	b.post("/tax/reminders/run", url.Values{"on": {today}})
	if again := b.get("/tax/collection").Body; len(regexp.MustCompile(`/tax/reminders/[0-9a-f-]{36}/pdf`).FindAllString(again, -1)) != 1 {
		t.Errorf("a second run reminded the same debts again")
	}
	if z := b.get("/tax/notices.zip?on=" + today); z.Status != 200 || !strings.HasPrefix(z.Body, "PK") || !strings.Contains(z.Body, "egyenlegertesito-8000000008.pdf") {
		t.Errorf("balance notices: %d", z.Status)
	}

	// After the reminder's deadline Hugó is on the garnishment list.
	later := hu.DateOf(a.Now()).AddDays(20).String()
	if l := b.get("/tax/enforcement?on=" + later + "&measure=letiltas&format=csv"); l.Status != 200 || !strings.Contains(l.Body, "8000000008") || !strings.Contains(l.Body, "letiltás") {
		t.Errorf("garnishment list: %d %q", l.Status, l.Body)
	}
	if l := b.get("/tax/enforcement?on=" + later + "&measure=inkasszo&format=csv"); l.Status != 200 || strings.Contains(l.Body, "8000000008") {
		t.Errorf("a person without a known account on the collection order list: %d", l.Status)
	}
	if l := b.get("/tax/enforcement?on=x&format=csv"); l.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad day: %d", l.Status)
	}
	// The same runs through the API: a second reminder run the same day
	// sends nothing new; the enforcement list names Hugó for garnishment.
	if st, r := call("POST", "/api/v1/tax/reminder-runs", tok, `{}`); st != http.StatusUnprocessableEntity {
		t.Errorf("API reminder run without a day: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/reminder-runs", tok, `{"on":"`+today+`"}`); st != 200 || len(r["reminders"].([]any)) != 0 || r["recent"].(float64) != 1 {
		t.Errorf("API reminder run: %d %v", st, r)
	}
	if st, r := call("GET", "/api/v1/tax/enforcement?on=x", tok, ""); st != http.StatusUnprocessableEntity {
		t.Errorf("API enforcement list of a bad day: %d %v", st, r)
	}
	st, r := call("GET", "/api/v1/tax/enforcement?on="+later, tok, "")
	if cs, _ := r["candidates"].([]any); st != 200 || len(cs) != 1 || !strings.Contains(fmt.Sprint(cs[0]), "tax_id:8000000008") || !strings.Contains(fmt.Sprint(cs[0]), "measure:letiltas") {
		t.Errorf("API enforcement list: %d %v", st, r)
	}
	// Limitation: an interruption is recorded; an old debt is written off
	// after a preview and a confirmation.
	hugo := "/tax/taxpayers/" + m2[1]
	if p := b.post(hugo+"/interruptions", url.Values{"kind": {"levél"}, "on": {today}, "note": {"x"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "végrehajtási cselekmény vagy fizetési könnyítés") {
		t.Errorf("bad kind: %d", p.Status)
	}
	if p := b.post(hugo+"/interruptions", url.Values{"kind": {"facilitation"}, "on": {today}, "note": {"részletfizetés 7/2026"}}); p.Status != http.StatusSeeOther {
		t.Errorf("interruption: %d", p.Status)
	}
	// Hugó's facilitation interrupted all his debts; Kovács has an old one.
	b.post(page+"/postings", url.Values{"tax_type": {"kommunalis_ado"}, "side": {"debit"}, "amount": {"12000"}, "on": {"2015-03-16"}, "tax_year": {"2015"}})
	if p := b.get("/tax/write-off?year=tavaly"); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad year: %d", p.Status)
	}
	if p := b.get("/tax/write-off?year=2020"); p.Status != 200 || !strings.Contains(p.Body, `data-testid="writeoff-preview">1 tétel, összesen 12`+"\u00a0"+`000 Ft`) {
		t.Errorf("preview: %d", p.Status)
	}
	if st, r := call("POST", "/api/v1/tax/write-offs", tok, `{"year":1900}`); st != http.StatusUnprocessableEntity {
		t.Errorf("API write-off of 1900: %d %v", st, r)
	}
	if st, r := call("POST", "/api/v1/tax/write-offs", tok, `{"year":2020,"dry_run":true}`); st != 200 || r["total"].(float64) != 12_000 || len(r["items"].([]any)) != 1 || r["postings"].(float64) != 0 {
		t.Errorf("API write-off preview: %d %v", st, r)
	}
	if p := b.post("/tax/write-off", url.Values{"year": {"2020"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("without confirmation: %d", p.Status)
	}
	if p := b.post("/tax/write-off", url.Values{"year": {"2020"}, "confirm": {"1"}}); p.Status != 200 || !strings.Contains(p.Body, `data-testid="writeoff-done"`) {
		t.Errorf("write-off: %d", p.Status)
	}
	if acc := b.get(page).Body; !strings.Contains(acc, `data-testid="balance-kommunalis_ado">0 Ft`) || !strings.Contains(acc, "write_off") {
		t.Errorf("the written-off debt is still open")
	}
	// Written off once: the API's run finds nothing more.
	if st, r := call("POST", "/api/v1/tax/write-offs", tok, `{"year":2020}`); st != 200 || len(r["items"].([]any)) != 0 || r["postings"].(float64) != 0 {
		t.Errorf("API write-off after the page's: %d %v", st, r)
	}
}
