package tax_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

type reportFixture struct {
	t   *testing.T
	d   *db.DB
	s   *tax.Service
	ctx context.Context
}

func newReportFixture(t *testing.T) *reportFixture {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: tax.Module().Migrations})
	return &reportFixture{t: t, d: d, s: &tax.Service{Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }}, ctx: context.Background()}
}

func (f *reportFixture) taxpayer(tenant db.TenantID, id, name string) tax.Taxpayer {
	f.t.Helper()
	var tp tax.Taxpayer
	err := f.d.InTenant(f.ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		tp, err = f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: id, Name: name}, "t")
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return tp
}

func (f *reportFixture) post(tenant db.TenantID, tp tax.Taxpayer, taxType, side string, amount hu.Forint, on hu.Date, kind string) tax.Posting {
	f.t.Helper()
	var p tax.Posting
	err := f.d.InTenant(f.ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		p, err = f.s.Post(ctx, tx, tax.PostingInput{TaxpayerID: tp.ID, TaxType: taxType, Side: side, Amount: amount, On: on, TaxYear: on.Year, Kind: kind}, "t")
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// Only money received counts as revenue: reductions, interest taken back
// and reversed payments do not; periods and rovats add up.
func TestRevenueReport(t *testing.T) {
	f := newReportFixture(t)
	a := f.taxpayer(orfu, "8123456786", "Kovács Ödön")
	b := f.taxpayer(orfu, "8234567896", "Nagy Éva")
	other := f.taxpayer(aba, "8123456786", "Kovács Ödön (Abaliget)")

	f.post(orfu, a, "epitmenyado", tax.Debit, 200_000, day(2026, 3, 16), "kivetés")
	f.post(orfu, a, "epitmenyado", tax.Credit, 100_000, day(2026, 3, 10), "befizetés")
	f.post(orfu, a, "epitmenyado", tax.Credit, 40_000, day(2026, 5, 2), "befizetés")
	f.post(orfu, a, "epitmenyado", tax.Credit, 60_000, day(2026, 5, 3), "törlés") // reduction by decision: no money
	wrong := f.post(orfu, b, "iparuzesi_ado", tax.Credit, 999_000, day(2026, 4, 1), "befizetés")
	f.post(orfu, b, "iparuzesi_ado", tax.Credit, 500_000, day(2026, 4, 2), "befizetés")
	f.post(orfu, b, "kesedelmi_potlek", tax.Credit, 1_500, day(2026, 6, 30), "befizetés")
	f.post(orfu, b, "kesedelmi_potlek", tax.Credit, 700, day(2026, 6, 30), "kesedelmi_potlek") // interest taken back
	f.post(orfu, b, "talajterhelesi_dij", tax.Credit, 12_000, day(2026, 12, 31), "befizetés")  // outside the range
	f.post(orfu, a, "telekado", tax.Credit, 8_000, day(2025, 12, 31), "befizetés")             // outside the range
	f.post(aba, other, "epitmenyado", tax.Credit, 77_000, day(2026, 3, 10), "befizetés")       // another municipality
	if err := f.d.InTenant(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := f.s.Reverse(ctx, tx, wrong.ID, "rossz adózóhoz könyvelve", "t")
		return err
	}); err != nil {
		t.Fatal(err)
	}

	var rep tax.RevenueReport
	read := func(from, to hu.Date, period string) error {
		return f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			rep, err = f.s.Revenue(ctx, tx, from, to, period)
			return err
		})
	}
	if err := read(day(2026, 1, 1), day(2026, 12, 30), tax.PeriodQuarter); err != nil {
		t.Fatal(err)
	}
	if rep.Total != 100_000+40_000+500_000+1_500 {
		t.Errorf("total %d", rep.Total)
	}
	type row struct {
		period, taxType, rovat string
		amount                 hu.Forint
		n                      int
	}
	var got []row
	for _, r := range rep.Rows {
		got = append(got, row{r.Period, r.TaxType, r.Rovat.Code, r.Collected, r.Payments})
	}
	want := []row{
		{"2026-Q1", "epitmenyado", "B34", 100_000, 1},
		{"2026-Q2", "epitmenyado", "B34", 40_000, 1},
		{"2026-Q2", "iparuzesi_ado", "B351", 500_000, 1},
		{"2026-Q2", "kesedelmi_potlek", "B36", 1_500, 1},
	}
	if len(got) != len(want) {
		t.Fatalf("rows %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if r := rep.Rows[0]; r.From != day(2026, 1, 1) || r.To != day(2026, 3, 31) || r.Rovat.Of != "ebből: építményadó" {
		t.Errorf("first row %+v", r)
	}
	if len(rep.ByRovat) != 3 || rep.ByRovat[0].Code != "B34" || rep.ByRovat[0].Collected != 140_000 || rep.ByRovat[2].Code != "B36" || rep.ByRovat[2].Collected != 1_500 {
		t.Errorf("by rovat %+v", rep.ByRovat)
	}

	// By month, the range cuts the first and last period.
	if err := read(day(2026, 3, 5), day(2026, 5, 2), tax.PeriodMonth); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 3 || rep.Rows[0].Period != "2026-03" || rep.Rows[0].From != day(2026, 3, 5) || rep.Rows[2].Period != "2026-05" || rep.Rows[2].To != day(2026, 5, 2) || rep.Total != 640_000 {
		t.Errorf("by month %+v", rep.Rows)
	}
	if err := read(day(2025, 1, 1), day(2026, 12, 31), tax.PeriodYear); err != nil || len(rep.Rows) != 5 || rep.Rows[0].Period != "2025" || rep.Rows[0].Rovat.Of != "ebből: telekadó" {
		t.Errorf("by year %+v %v", rep.Rows, err)
	}

	for name, tc := range map[string]struct {
		from, to hu.Date
		period   string
		code     string
	}{
		"backwards": {day(2026, 5, 1), day(2026, 4, 1), tax.PeriodMonth, "bad_range"},
		"no day":    {hu.Date{}, day(2026, 4, 1), tax.PeriodMonth, "bad_range"},
		"too long":  {day(1990, 1, 1), day(2026, 4, 1), tax.PeriodMonth, "bad_range"},
		"weekly":    {day(2026, 1, 1), day(2026, 4, 1), "week", "bad_period"},
	} {
		if err := read(tc.from, tc.to, tc.period); code(err) != tc.code {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Every tax type an account can have has a rovat, and the rovats are
// those of the rovatrend.
func TestEveryTaxTypeHasARovat(t *testing.T) {
	ct, err := caps.Default()
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{"kesedelmi_potlek", "onellenorzesi_potlek", "birsag", "vegrehajtasi_koltseg"}
	for _, ty := range ct.Types() {
		codes = append(codes, string(ty.Code))
	}
	for _, c := range codes {
		if r, ok := tax.RovatOf(c); !ok || !strings.HasPrefix(r.Code, "B3") {
			t.Errorf("%s: no rovat in B3 (%+v)", c, r)
		}
	}
	if len(tax.RevenueRovats) != len(codes) {
		t.Errorf("%d rovat rows for %d tax types", len(tax.RevenueRovats), len(codes))
	}
	// The shared data set is outside the repository; checked where it is.
	file, err := os.Open("/work/shared/data/allamhaztartasi_kodok/rovatrend_BK.tsv")
	if err != nil {
		t.Skip("rovatrend_BK.tsv not here:", err)
	}
	defer file.Close()
	lines := map[string]bool{}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		lines[sc.Text()] = true
	}
	for _, r := range tax.RevenueRovats {
		if !lines[r.Code+"\t"+r.Name] {
			t.Errorf("%s: %q is not in the rovatrend", r.TaxType, r.Code+" "+r.Name)
		}
		if r.Of != "" && !lines[r.Code+"\t"+r.Of] {
			t.Errorf("%s: %q is not in the rovatrend", r.TaxType, r.Code+" "+r.Of)
		}
	}
}

// Arrears are aged by their due date; payments settle the oldest first,
// what is not yet due is not arrears, and the largest debtors come first.
func TestArrearsAgeing(t *testing.T) {
	f := newReportFixture(t)
	a := f.taxpayer(orfu, "8123456786", "Kovács Ödön")
	b := f.taxpayer(orfu, "8234567896", "Nagy Éva")
	c := f.taxpayer(orfu, "10773381-2-44", "Példa Kft.")
	other := f.taxpayer(aba, "8123456786", "Titkos")
	on := day(2026, 11, 20)

	f.post(orfu, a, "epitmenyado", tax.Debit, 100_000, on.AddDays(-10), "kivetés")     // 0–30
	f.post(orfu, a, "epitmenyado", tax.Debit, 50_000, on.AddDays(-31), "kivetés")      // 31–90
	f.post(orfu, a, "epitmenyado", tax.Debit, 70_000, on.AddDays(-400), "kivetés")     // 1–2 years
	f.post(orfu, a, "epitmenyado", tax.Credit, 30_000, on.AddDays(-100), "befizetés")  // pays the oldest: 40 000 left of it
	f.post(orfu, a, "epitmenyado", tax.Debit, 90_000, on.AddDays(5), "kivetés")        // not yet due
	f.post(orfu, b, "kommunalis_ado", tax.Debit, 20_000, on.AddDays(-2000), "kivetés") // over 5 years
	f.post(orfu, b, "kommunalis_ado", tax.Debit, 20_000, on, "kivetés")                // due today: 0–30
	f.post(orfu, c, "iparuzesi_ado", tax.Debit, 500_000, on.AddDays(-91), "bevallás")  // 91–365
	f.post(orfu, c, "iparuzesi_ado", tax.Credit, 500_000, on.AddDays(-1), "befizetés") // paid: no arrears
	f.post(aba, other, "epitmenyado", tax.Debit, 9_999_999, on.AddDays(-10), "kivetés")

	var ag tax.Ageing
	read := func(on hu.Date, top int) error {
		return f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			ag, err = f.s.Ageing(ctx, tx, on, top)
			return err
		})
	}
	if err := read(on, 2); err != nil {
		t.Fatal(err)
	}
	if ag.Total != 100_000+50_000+40_000+40_000 {
		t.Errorf("total %d", ag.Total)
	}
	if len(ag.Rows) != 2 || ag.Rows[0].TaxType != "epitmenyado" || ag.Rows[1].TaxType != "kommunalis_ado" {
		t.Fatalf("rows %+v", ag.Rows)
	}
	if got, want := ag.Rows[0].Buckets, []hu.Forint{100_000, 50_000, 0, 40_000, 0, 0}; !equalForints(got, want) {
		t.Errorf("építményadó buckets %v, want %v", got, want)
	}
	if got, want := ag.Rows[1].Buckets, []hu.Forint{20_000, 0, 0, 0, 0, 20_000}; !equalForints(got, want) {
		t.Errorf("kommunális adó buckets %v, want %v", got, want)
	}
	if got, want := ag.Totals, []hu.Forint{120_000, 50_000, 0, 40_000, 0, 20_000}; !equalForints(got, want) {
		t.Errorf("totals %v, want %v", got, want)
	}
	if len(ag.Top) != 2 || ag.Top[0].Name != "Kovács Ödön" || ag.Top[0].Arrears != 190_000 || ag.Top[0].Oldest != on.AddDays(-400) ||
		ag.Top[1].TaxID != "8234567896" || ag.Top[1].Arrears != 40_000 {
		t.Errorf("top %+v", ag.Top)
	}
	// Before the payment and the later debits, the picture was different.
	if err := read(on.AddDays(-200), 10); err != nil || ag.Total != 70_000+20_000 || len(ag.Top) != 2 {
		t.Errorf("earlier: %+v %v", ag, err)
	}
	if err := read(on, tax.MaxTopDebtors+1); code(err) != "bad_top" {
		t.Errorf("too many: %v", err)
	}
	if err := read(hu.Date{}, 1); code(err) != "bad_date" {
		t.Errorf("no day: %v", err)
	}
}

func equalForints(a, b []hu.Forint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// certRegistrar numbers documents like IRAT and keeps what it registered, or refuses.
type certRegistrar struct {
	n      int
	refuse error
	got    []string
}

func (r *certRegistrar) RegisterOutgoing(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	if r.refuse != nil {
		return "", r.refuse
	}
	r.n++
	r.got = append(r.got, book+"|"+subject+"|"+partner)
	return "KOZ/" + string(rune('0'+r.n)) + "-1/2026", nil
}

func (r *certRegistrar) RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	return r.RegisterOutgoing(ctx, tx, book, subject, partner, by)
}

func (r *certRegistrar) RegisterOutgoingMany(ctx context.Context, tx bun.Tx, book string, items []tax.RegistrationItem, by string) ([]string, error) {
	return nil, errors.New("not used")
}

func (r *certRegistrar) RegisterIncomingMany(ctx context.Context, tx bun.Tx, book string, items []tax.RegistrationItem, by string) ([]string, error) {
	return nil, errors.New("not used")
}

// A value certificate: refusals write nothing; the debts are those of the
// property taxes only; a refusal of the records module leaves no record.
func TestValueCertificate(t *testing.T) {
	f := newReportFixture(t)
	a := f.taxpayer(orfu, "8123456786", "Kovács Ödön")
	f.post(orfu, a, "epitmenyado", tax.Debit, 100_000, day(2026, 3, 16), "kivetés")
	f.post(orfu, a, "iparuzesi_ado", tax.Debit, 700_000, day(2026, 3, 16), "bevallás") // not the property's
	reg := &certRegistrar{}
	good := tax.ValueCertificateInput{TaxpayerID: a.ID, HRSZ: " 0123/4 ", Address: "7677 Orfű, Fő utca 2.", Purpose: "hagyatek",
		Value: 25_000_000, ValueBasis: "Összehasonlító adatok: három hasonló ingatlan 2026-os adásvétele."}
	issue := func(in tax.ValueCertificateInput, r tax.Registrar) (tax.ValueCertificate, error) {
		var c tax.ValueCertificate
		err := f.d.InTenant(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			c, err = f.s.IssueValueCertificate(ctx, tx, r, in, "ugyintezo")
			return err
		})
		return c, err
	}
	for name, tc := range map[string]struct {
		edit func(*tax.ValueCertificateInput)
		code string
	}{
		"bad hrsz":      {func(in *tax.ValueCertificateInput) { in.HRSZ = "12/x/y/z/w" }, "bad_hrsz"},
		"no address":    {func(in *tax.ValueCertificateInput) { in.Address = " " }, "bad_address"},
		"no purpose":    {func(in *tax.ValueCertificateInput) { in.Purpose = "adasvetel" }, "bad_purpose"},
		"other unnamed": {func(in *tax.ValueCertificateInput) { in.Purpose = "egyeb" }, "no_purpose_note"},
		"no value":      {func(in *tax.ValueCertificateInput) { in.Value = 0 }, "bad_value"},
		"no basis":      {func(in *tax.ValueCertificateInput) { in.ValueBasis = "" }, "no_value_basis"},
		"unknown":       {func(in *tax.ValueCertificateInput) { in.TaxpayerID = a.ID; in.TaxpayerID[15] ^= 1 }, "no_taxpayer"},
	} {
		in := good
		tc.edit(&in)
		if _, err := issue(in, reg); code(err) != tc.code {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := issue(good, nil); code(err) != "no_records" {
		t.Errorf("without IRAT: %v", err)
	}
	if _, err := issue(good, &certRegistrar{refuse: errors.New("book closed")}); err == nil {
		t.Error("a refusal of IRAT went through")
	}
	if reg.n != 0 {
		t.Fatalf("refusals registered %d documents", reg.n)
	}
	c, err := issue(good, reg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Number != "KOZ/1-1/2026" || c.HRSZ != "0123/4" || len(c.Debts) != 1 || c.Debts[0].TaxType != "epitmenyado" || c.Debts[0].Arrears != 100_000 ||
		c.DebtTotal != 100_000+c.Debts[0].Interest || c.Debts[0].Interest == 0 {
		t.Errorf("certificate %+v", c)
	}
	if len(reg.got) != 1 || !strings.Contains(reg.got[0], "0123/4 hrsz. (hagyatéki eljárás)") || !strings.Contains(reg.got[0], "Kovács Ödön (8123456786)") {
		t.Errorf("registered %v", reg.got)
	}
	var buf strings.Builder
	if err := c.PDF(&buf); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(buf.String()), false)), " ")
	for _, want := range []string{"Iktatószám: KOZ/1-1/2026", "0123/4", "25 000 000 Ft", "hagyatéki eljárás", "Összehasonlító adatok", "építményadó 100 000", "Összes tartozás: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q: %s", want, text)
		}
	}
	if strings.Contains(text, "700 000") {
		t.Errorf("PDF shows the business tax: %s", text)
	}
	// Only this one was recorded, and only for this tenant.
	for tenant, want := range map[db.TenantID]int64{orfu: 1, aba: 0} {
		var n int64
		err := f.d.InTenantRead(f.ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			n, err = db.Count(ctx, tx.NewSelect().Model((*tax.ValueCertificate)(nil)))
			return err
		})
		if err != nil || n != want {
			t.Errorf("%s: %d certificates, want %d (%v)", tenant, n, want, err)
		}
	}
}
