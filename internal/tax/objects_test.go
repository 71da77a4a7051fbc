package tax_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

type objectFixture struct {
	d   *db.DB
	s   *tax.Service
	reg *fakeRegistrar
	now time.Time
}

func (f *objectFixture) in(t *testing.T, tenant db.TenantID, fn func(ctx context.Context, tx bun.Tx) error) error {
	t.Helper()
	return f.d.InTenant(context.Background(), tenant, fn)
}

func newObjectFixture(t *testing.T) *objectFixture {
	f := &objectFixture{d: openTax(t), reg: &fakeRegistrar{}, now: time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)}
	f.s = &tax.Service{Now: func() time.Time { return f.now }}
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		for _, tp := range []tax.TaxpayerInput{{TaxID: "8123456786", Name: "Kovács Ödön"}, {TaxID: "8390164280", Name: "Kovács Éva"}} {
			if _, err := f.s.RegisterTaxpayer(ctx, tx, tp, "t"); err != nil {
				return err
			}
		}
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "1/2024. (XI. 28.)", Title: "Építményadó", AdoptedOn: day(2024, 11, 28),
			EffectiveFrom: day(2025, 1, 1), TaxYear: 2025, By: "t",
			Rates: []tax.DecreeRate{{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre, Rate: rate("1600")}}}, f.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func flatReport() tax.ObjectReport {
	return tax.ObjectReport{Kind: tax.ObjectBuilding, EffectiveOn: day(2020, 3, 1), HRSZ: "123/4/A/5", Address: "Orfű, Petőfi utca 1.", AreaM2: 120,
		Category: "lakas", ValidFrom: day(2010, 1, 1), Owners: []tax.OwnerInput{{TaxID: "8123456786", Share: "1/2"}, {TaxID: "8390164280", Share: "1/2"}}}
}

func TestObjectReportsAndTheirRefusals(t *testing.T) {
	f := newObjectFixture(t)
	for name, tc := range map[string]struct {
		mod  func(*tax.ObjectReport)
		code string
	}{
		"shares over one":  {func(r *tax.ObjectReport) { r.Owners[1].Share = "2/3" }, "shares_not_one"},
		"shares under one": {func(r *tax.ObjectReport) { r.Owners = r.Owners[:1] }, "shares_not_one"},
		"bad share":        {func(r *tax.ObjectReport) { r.Owners[0].Share = "fél" }, "bad_share"},
		"bad hrsz":         {func(r *tax.ObjectReport) { r.HRSZ = "12//" }, "bad_hrsz"},
		"unknown owner":    {func(r *tax.ObjectReport) { r.Owners[0].TaxID = "8000000008" }, "unknown_owner"},
		"same owner twice": {func(r *tax.ObjectReport) { r.Owners[1].TaxID = "8123456786" }, "duplicate_owner"},
		"sole not owner":   {func(r *tax.ObjectReport) { r.SoleTaxID = "8000000008" }, "bad_sole"},
		"demolished first": {func(r *tax.ObjectReport) { r.ValidTo = day(2009, 1, 1) }, "bad_valid_to"},
		"no kind":          {func(r *tax.ObjectReport) { r.Kind = "castle" }, "bad_kind"},
	} {
		r := flatReport()
		tc.mod(&r)
		err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
			return err
		})
		if code(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	if f.reg.n != 0 {
		t.Errorf("refusals registered %d documents", f.reg.n)
	}
	var v tax.ObjectView
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = f.s.ReportObject(ctx, tx, f.reg, flatReport(), "t")
		if err != nil {
			return err
		}
		next := flatReport()
		next.ObjectID, next.EffectiveOn, next.AreaM2 = &v.ID, day(2025, 6, 1), 130
		next.SoleTaxID = "8390164280"
		v, err = f.s.ReportObject(ctx, tx, f.reg, next, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Versions) != 2 || v.Versions[0].AreaM2 != 120 || v.Current().AreaM2 != 130 || v.Current().FilingNumber != "KOZ/2/2026" ||
		v.Current().HRSZ != "123/4/A/5" || len(v.Current().Owners) != 2 || v.Current().SoleTaxpayer == nil {
		t.Errorf("history: %+v", v)
	}
	// Reliefs are claimed by their decree line, of the object's own tax.
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		dec, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "2/2024. (XI. 28.)", Title: "Kedvezmények", AdoptedOn: day(2024, 11, 28),
			EffectiveFrom: day(2025, 1, 1), TaxYear: 2025, By: "t", Reliefs: []tax.DecreeRelief{
				{TaxType: caps.BuildingTax, Kind: tax.Exemption, Description: "szükséglakás"},
				{TaxType: caps.LandTax, Kind: tax.Exemption, Description: "építési tilalom"}}}, f.now)
		if err != nil {
			return err
		}
		r := flatReport()
		r.ObjectID, r.EffectiveOn, r.AreaM2, r.SoleTaxID = &v.ID, day(2025, 7, 1), 130, "8390164280"
		for _, bad := range [][]string{{"nincs"}, {dec.ID.String() + ":2"}, {dec.ID.String() + ":9"}} {
			r.Reliefs = bad
			if _, err := f.s.ReportObject(ctx, tx, f.reg, r, "t"); code(err) != "bad_relief" {
				t.Errorf("relief %v: %v", bad, err)
			}
		}
		r.Reliefs = []string{dec.ID.String() + ":1"}
		got, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
		if err != nil {
			return err
		}
		if got.Current().Reliefs != dec.ID.String()+":1" {
			t.Errorf("relief stored as %q", got.Current().Reliefs)
		}
		_, claimed, err := tax.Snapshot(ctx, tx, 2026)
		if err != nil || len(claimed[v.ID]) != 1 {
			t.Errorf("claimed: %v %v", claimed, err)
		}
		rs, err := tax.ReliefsFor(ctx, tx, 2025)
		if err != nil || len(rs) != 2 {
			t.Errorf("reliefs in force: %+v %v", rs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The other tenant does not see it.
	err = f.in(t, aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := tax.LoadObject(ctx, tx, v.ID)
		return err
	})
	if code(err) != "no_object" {
		t.Errorf("other tenant: %v", err)
	}
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tax.SearchObjects(ctx, tx, "petőfi", 10)
		if err != nil || len(rows) != 1 || rows[0].AreaM2 != 130 {
			t.Errorf("search: %+v %v", rows, err)
		}
		rows, err = tax.SearchObjects(ctx, tx, "123/4", 10)
		if err != nil || len(rows) != 1 {
			t.Errorf("search by hrsz: %+v %v", rows, err)
		}
		// 1 January 2025 sees the first version, 2026 the second.
		s25, _, err := tax.Snapshot(ctx, tx, 2025)
		if err != nil || len(s25) != 1 || s25[0].AreaM2 != 120 || s25[0].SoleTaxpayer != nil {
			t.Errorf("2025: %+v %v", s25, err)
		}
		s26, _, err := tax.Snapshot(ctx, tx, 2026)
		if err != nil || len(s26) != 1 || s26[0].AreaM2 != 130 || s26[0].SoleTaxpayer == nil {
			t.Errorf("2026: %+v %v", s26, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func accountsOf(t *testing.T, f *objectFixture, taxID string) []tax.Posting {
	t.Helper()
	var ps []tax.Posting
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&ps).Join("JOIN tax_taxpayers AS tp ON tp.tenant_id = ps.tenant_id AND tp.id = ps.taxpayer_id").
			Where("tp.tax_id = ?", taxID).OrderExpr("ps.on_date, ps.side").Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// The mass run on the §A.15 example: two decisions, halves on the
// shifted days; a re-run changes nothing; a correction of the object
// effective for the year gives correcting decisions with the difference.
func TestAssessmentRun(t *testing.T) {
	f := newObjectFixture(t)
	var objID uuid.UUID
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		v, err := f.s.ReportObject(ctx, tx, f.reg, flatReport(), "t")
		objID = v.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func() tax.RunResult {
		t.Helper()
		var res tax.RunResult
		err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2025}, "t")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := run()
	if res.Decisions != 2 || res.Postings != 4 || res.Debited != 192_000 || res.Corrections != 0 {
		t.Fatalf("first run: %+v", res)
	}
	ps := accountsOf(t, f, "8123456786")
	if len(ps) != 2 || ps[0].Amount != 48_000 || ps[0].On != day(2025, 3, 17) || ps[1].On != day(2025, 9, 15) || ps[0].Kind != "assessment" || ps[0].Reference == "" {
		t.Errorf("postings: %+v", ps)
	}
	if again := run(); again.Decisions != 0 || again.Postings != 0 || again.Unchanged != 2 {
		t.Errorf("re-run: %+v", again)
	}
	// The decisions' PDFs, rendered in the background into the files
	// store, say what was assessed and when it is due.
	r := &tax.Renderer{DB: f.d, Files: files.NewFS(t.TempDir()), Workers: 2,
		Issuer: func(context.Context, db.TenantID) (string, error) { return "Orfű Község Önkormányzata", nil }}
	if err := r.Render(context.Background(), orfu, res.Run.ID); err != nil {
		t.Fatal(err)
	}
	prog, err := r.Progress(context.Background(), orfu, res.Run.ID)
	if err != nil || prog.Total != 2 || prog.Done != 2 {
		t.Errorf("progress: %+v %v", prog, err)
	}
	var dv tax.DecisionView
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		var ds []tax.Decision
		if err := tx.NewSelect().Model(&ds).Where("run_id = ?", res.Run.ID).OrderExpr("number").Limit(1).Scan(ctx); err != nil {
			return err
		}
		dv, err = tax.LoadDecision(ctx, tx, ds[0].ID)
		return err
	})
	if err != nil || dv.FileKey == "" || len(dv.Lines) != 1 || len(dv.Postings) != 2 {
		t.Fatalf("decision: %+v %v", dv, err)
	}
	pdfBytes, err := r.DecisionPDF(context.Background(), orfu, dv)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, pdfBytes, false)
	for _, want := range []string{"Határozat adó kivetéséről", dv.Number, "Orfű Község Önkormányzata", "123/4/A/5", "120 m² × 1600 Ft/m², hányad 1/2",
		"96 000", "48 000", "2025. 03. 17.", "2025. 09. 15.", dv.Taxpayer.TaxID} {
		if !strings.Contains(text, want) {
			t.Errorf("the decision PDF lacks %q:\n%s", want, text)
		}
	}
	// The area was wrong from the start: 100 m², not 120 — a correction.
	f.now = time.Date(2025, 5, 5, 9, 0, 0, 0, time.UTC)
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		r := flatReport()
		r.ObjectID, r.AreaM2, r.Reason = &objID, 100, "helyszíni szemle"
		_, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res = run()
	if res.Decisions != 2 || res.Corrections != 2 || res.Credited != 32_000 || res.Postings != 2 {
		t.Errorf("correction: %+v", res)
	}
	ps = accountsOf(t, f, "8390164280")
	if len(ps) != 3 || ps[1].Side != tax.Credit || ps[1].Amount != 16_000 || ps[1].Note == "" || ps[1].On != day(2025, 5, 5) {
		t.Errorf("correction postings: %+v", ps)
	}
	if again := run(); again.Decisions != 0 {
		t.Errorf("re-run after correction: %+v", again)
	}
	var ds []tax.Decision
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&ds).OrderExpr("number").Scan(ctx)
	})
	if err != nil || len(ds) != 4 {
		t.Errorf("decisions: %+v %v", ds, err)
	}
	// A first assessment issued after the first instalment day: what was
	// due before falls due 15 days after the decision (§A.4).
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8345678904", Name: "Késő Kálmán"}, "t"); err != nil {
			return err
		}
		r := flatReport()
		r.HRSZ, r.Owners = "77", []tax.OwnerInput{{TaxID: "8345678904", Share: "1/1"}}
		_, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := run(); res.Decisions != 1 || res.Corrections != 0 {
		t.Errorf("late assessment: %+v", res)
	}
	if ps := accountsOf(t, f, "8345678904"); len(ps) != 2 || ps[0].On != day(2025, 5, 20) || ps[1].On != day(2025, 9, 15) || ps[0].Amount != 96_000 {
		t.Errorf("late assessment postings: %+v", ps)
	}
	// The other tenant has nothing to assess.
	err = f.in(t, aba, func(ctx context.Context, tx bun.Tx) error {
		res, err := f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2025}, "t")
		if err == nil && res.Decisions != 0 {
			t.Errorf("other tenant assessed: %+v", res)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
