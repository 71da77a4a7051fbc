package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
)

// taxrevSeed records taxpayers and their postings through ADÓ's own
// service in month (first day given): a property-tax payment, a local
// business tax payment and a reduction by decision (not money), and
// returns the property-tax payment, for a test to reverse.
func taxrevSeed(t *testing.T, d *db.DB, tenant db.TenantID, month hu.Date) uuid.UUID {
	t.Helper()
	s := &tax.Service{}
	var pay uuid.UUID
	day := func(n int) hu.Date { return hu.Date{Year: month.Year, Month: month.Month, Day: n} }
	err := d.InTenant(cliContext(context.Background()), tenant, func(ctx context.Context, tx bun.Tx) error {
		tp, err := s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Kovács Ödön", Address: "7677 Orfű, Fő utca 2."}, "t")
		if err != nil {
			return err
		}
		for _, in := range []tax.PostingInput{
			{TaxType: "epitmenyado", Side: tax.Debit, Amount: 150_000, On: day(1), TaxYear: month.Year, Kind: "kivetés"},
			{TaxType: "epitmenyado", Side: tax.Credit, Amount: 40_000, On: day(14), TaxYear: month.Year, Kind: "befizetés"},
			{TaxType: "epitmenyado", Side: tax.Credit, Amount: 10_000, On: day(20), TaxYear: month.Year, Kind: "törlés"},
			{TaxType: "iparuzesi_ado", Side: tax.Debit, Amount: 125_000, On: day(1), TaxYear: month.Year, Kind: "bevallás"},
			{TaxType: "iparuzesi_ado", Side: tax.Credit, Amount: 125_000, On: day(15), TaxYear: month.Year, Kind: "befizetés"},
		} {
			in.TaxpayerID = tp.ID
			p, err := s.Post(ctx, tx, in, "t")
			if err != nil {
				return fmt.Errorf("%+v: %w", in, err)
			}
			if in.TaxType == "epitmenyado" && in.Kind == "befizetés" {
				pay = p.ID
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pay
}

// taxrevPerformance is the teljesítés of a B rovat on funkció 900020.
func taxrevPerformance(t *testing.T, d *db.DB, entity uuid.UUID, year int, rovat string) hu.Forint {
	t.Helper()
	var st finance.Status
	if err := d.InTenantRead(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = finance.LineStatus(ctx, tx, entity, year, finance.LineKey{Rovat: rovat, Funkcio: "900020"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st.Performance
}

func taxrevPrevMonth(now time.Time) hu.Date {
	d := hu.DateOf(now)
	first := time.Date(d.Year, d.Month, 1, 12, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	return hu.DateOf(first)
}

// The tax revenue ADÓ collected in a month reaches Orfű's books from the
// entity page: preview, post, a re-run that posts nothing, a correction
// after a payment is reversed in ADÓ, and the same through the API.
func TestFinanceTaxRevenueTransfer(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	m := newBrowser(t, srv)
	l := demoLogin(t, "kulcs.orfu")
	m.login(l.Username, l.Password, l.TOTPSecret)
	m.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	month := taxrevPrevMonth(a.Now())
	ms := month.String()[:7]
	pay := taxrevSeed(t, a.DB, "11730", month)

	var ent finance.Entity
	if err := a.DB.InTenantRead(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		es, err := finance.Entities(ctx, tx)
		for _, e := range es {
			if e.Kind == finance.Municipality {
				ent = e
			}
		}
		return err
	}); err != nil || ent.ID == uuid.Nil {
		t.Fatalf("the demo's municipality: %v", err)
	}
	base := "/finance/entities/" + ent.ID.String()
	if p := m.get(base); !strings.Contains(p.Body, base+"/tax-revenue") {
		t.Errorf("entity page has no link to the transfer")
	}
	p := m.get(base + "/tax-revenue?month=" + ms)
	if p.Status != 200 || !strings.Contains(p.Body, "B34") || !strings.Contains(p.Body, "B351") || !strings.Contains(p.Body, `data-testid="taxrev-total">165`+"\u00a0"+`000 Ft`) || !strings.Contains(p.Body, `data-testid="taxrev-post"`) {
		t.Fatalf("preview: %d\n%s", p.Status, p.Body)
	}
	if p := m.get(base + "/tax-revenue?month=2026-13"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "ÉÉÉÉ-HH") {
		t.Errorf("bad month: %d", p.Status)
	}
	p = m.post(base+"/tax-revenue", url.Values{"month": {ms}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "result=posted&run=1") {
		t.Fatalf("post: %d %s\n%s", p.Status, p.Location, p.Body)
	}
	if got := taxrevPerformance(t, a.DB, ent.ID, month.Year, "B34"); got != 40_000 {
		t.Errorf("B34 after the transfer: %s", got)
	}
	if got := taxrevPerformance(t, a.DB, ent.ID, month.Year, "B351"); got != 125_000 {
		t.Errorf("B351 after the transfer: %s", got)
	}
	p = m.post(base+"/tax-revenue", url.Values{"month": {ms}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Location, "result=nothing") {
		t.Fatalf("re-run: %d %s", p.Status, p.Location)
	}
	if p := m.get(p.Location); !strings.Contains(p.Body, "Nincs mit könyvelni") || strings.Contains(p.Body, `data-testid="taxrev-post"`) {
		t.Errorf("re-run page: %d", p.Status)
	}

	// The payment was wrongly booked: ADÓ reverses it, the next run takes
	// it back from B34.
	if err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		_, err := (&tax.Service{}).Reverse(ctx, tx, pay, "rossz adózóra könyvelve", "t")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "kulcs.orfu", "11730")
	st, r := call("POST", "/api/v1/finance/entities/"+ent.ID.String()+"/tax-revenue", tok, `{"month":"`+ms+`","dry_run":true}`)
	if tr, _ := r["transfer"].(map[string]any); st != 200 || tr == nil || tr["difference"].(float64) != -40_000 || r["nothing_to_post"] != false {
		t.Fatalf("dry run: %d %v", st, r)
	}
	if got := taxrevPerformance(t, a.DB, ent.ID, month.Year, "B34"); got != 40_000 {
		t.Errorf("the dry run posted: %s", got)
	}
	st, r = call("POST", "/api/v1/finance/entities/"+ent.ID.String()+"/tax-revenue", tok, `{"month":"`+ms+`"}`)
	if tr, _ := r["transfer"].(map[string]any); st != 201 || tr == nil || tr["run_no"].(float64) != 2 {
		t.Fatalf("correction: %d %v", st, r)
	}
	if got := taxrevPerformance(t, a.DB, ent.ID, month.Year, "B34"); got != 0 {
		t.Errorf("B34 after the correction: %s", got)
	}
	if st, r := call("POST", "/api/v1/finance/entities/"+ent.ID.String()+"/tax-revenue", tok, `{"month":"`+ms+`"}`); st != 200 || r["nothing_to_post"] != true {
		t.Errorf("API re-run: %d %v", st, r)
	}
	if st, _ := call("POST", "/api/v1/finance/entities/"+ent.ID.String()+"/tax-revenue", tok, `{"month":"03/2026"}`); st != 422 {
		t.Errorf("API bad month: %d", st)
	}
	if st, r := call("POST", "/api/v1/finance/entities/"+uuid.NewString()+"/tax-revenue", tok, `{"month":"`+ms+`"}`); st != 404 {
		t.Errorf("API unknown entity: %d %v", st, r)
	}
}

// The command line does the same transfer, for a monthly job.
func TestFinanceTaxRevenueCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main([]string{"migrate", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("migrate: %d %s", code, errb.String())
	}
	ctx := cliContext(context.Background())
	a, err := Open(ctx, Config{DataDir: dir, LogFormat: "text"}, &errb)
	if err != nil {
		t.Fatal(err)
	}
	month := taxrevPrevMonth(a.Now())
	ms := month.String()[:7]
	var ent finance.Entity
	err = a.DB.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		var err error
		ent, err = (&finance.Service{}).CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Orfű Község Önkormányzata", Functions: []string{"011130", "900020"}}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	taxrevSeed(t, a.DB, "11730", month)
	a.Close()
	run := func(args ...string) (int, string) {
		out.Reset()
		errb.Reset()
		code := Main(append([]string{"finance", "tax-revenue", "--data", dir}, args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, o := run("--tenant", "11730", "--entity", ent.ID.String(), "--month", ms, "--dry-run"); code != 0 || !strings.Contains(o, "Próba") || !strings.Contains(o, "165\u00a0000 Ft") {
		t.Fatalf("dry run: %d %s", code, o)
	}
	if code, o := run("--tenant", "11730", "--entity", ent.ID.String(), "--month", ms); code != 0 || !strings.Contains(o, "Könyvelve (1. futás)") || !strings.Contains(o, "B351") {
		t.Fatalf("run: %d %s", code, o)
	}
	if code, o := run("--tenant", "11730", "--entity", ent.ID.String(), "--month", ms); code != 0 || !strings.Contains(o, "Nincs mit könyvelni") {
		t.Fatalf("re-run: %d %s", code, o)
	}
	for _, bad := range [][]string{
		{"--entity", ent.ID.String(), "--month", ms},
		{"--tenant", "11730", "--month", ms},
		{"--tenant", "11730", "--entity", ent.ID.String(), "--month", "2026-3"},
		{"--tenant", "17376", "--entity", ent.ID.String(), "--month", ms},
	} {
		if code, o := run(bad...); code != 2 || o == "" {
			t.Errorf("%v: exit %d %q", bad, code, o)
		}
	}
}
