package finance_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// taxrevFake is ADÓ as the transfer sees it: collected amounts by month
// ("2026-03") and rovat, which a test changes to play a correction.
type taxrevFake struct {
	months map[string][]finance.TaxRevenueAmount
	calls  int
}

func (f *taxrevFake) TaxRevenueByRovat(_ context.Context, _ bun.IDB, from, to hu.Date) ([]finance.TaxRevenueAmount, error) {
	f.calls++
	if from.Day != 1 || to.Month != from.Month || to.Year != from.Year {
		panic("the transfer asks for one calendar month")
	}
	return f.months[from.String()[:7]], nil
}

func (f *fixture) taxrevTransfer(tenant db.TenantID, src finance.TaxRevenueSource, entity uuid.UUID, year, month int) (finance.TaxRevenueTransfer, error) {
	var t finance.TaxRevenueTransfer
	err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		t, err = f.s.TransferTaxRevenue(ctx, tx, src, entity, year, month, "t")
		return err
	})
	return t, err
}

func (f *fixture) taxrevStatus(tenant db.TenantID, entity uuid.UUID, rovat string) finance.Status {
	var st finance.Status
	if err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = finance.LineStatus(ctx, tx, entity, 2026, finance.LineKey{Rovat: rovat, Funkcio: "900020"})
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return st
}

func (f *fixture) taxrevTrial(tenant db.TenantID, entity uuid.UUID) map[string]hu.Forint {
	out := map[string]hu.Forint{}
	if err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		tb, err := finance.TrialBalanceOf(ctx, tx, finance.Scope{Entity: entity, Year: 2026})
		for _, r := range tb.Rows {
			out[r.Account.Code] = r.Balance()
		}
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestTaxRevenueTransfer(t *testing.T) {
	f := newFixture(t)
	mun := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "900020")
	src := &taxrevFake{months: map[string][]finance.TaxRevenueAmount{
		"2026-02": {{Rovat: "B34", Collected: 300_000}, {Rovat: "B351", Collected: 1_200_000}, {Rovat: "B34", Collected: 50_000}, {Rovat: "B36", Collected: 7_000, Uncertain: true}},
	}}

	// Preview: B34's "ebből" lines are one rovat; nothing is written.
	var pv finance.TaxRevenueTransfer
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		pv, err = f.s.TaxRevenuePreview(ctx, tx, src, mun.ID, 2026, 2)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(pv.Rows) != 3 || pv.Rows[0].Rovat != "B34" || pv.Rows[0].Difference != 350_000 || pv.Total != 1_557_000 || pv.Funkcio != "900020" || !pv.Rows[2].Uncertain || pv.On.String() != "2026-02-28" {
		t.Fatalf("preview: %+v", pv)
	}
	if st := f.taxrevStatus(orfu, mun.ID, "B34"); st.Performance != 0 {
		t.Fatalf("the preview posted: %+v", st)
	}

	tr, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Posted || tr.RunNo != 1 || len(tr.Entries) != 6 {
		t.Fatalf("transfer: %+v", tr)
	}
	for rovat, want := range map[string]hu.Forint{"B34": 350_000, "B351": 1_200_000, "B36": 7_000} {
		if st := f.taxrevStatus(orfu, mun.ID, rovat); st.Performance != want || st.Receivable != want || st.OpenReceivable != 0 {
			t.Errorf("%s after the transfer: %+v", rovat, st)
		}
	}
	tb := f.taxrevTrial(orfu, mun.ID)
	if tb["331"] != 1_557_000 || tb["92"] != -1_557_000 || tb["3513"] != 0 || tb["0523"] != 0 {
		t.Errorf("trial balance: %v", tb)
	}

	// A re-run posts nothing and records no run.
	again, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 2)
	if err != nil || again.Posted || !again.Nothing() || again.Runs != 1 || len(again.Entries) != 0 {
		t.Fatalf("re-run: %+v %v", again, err)
	}
	if st := f.taxrevStatus(orfu, mun.ID, "B351"); st.Performance != 1_200_000 {
		t.Fatalf("re-run posted: %+v", st)
	}

	// A correction in ADÓ: a B351 payment reversed, a late B34 payment
	// found; only the differences are posted, in a new run.
	src.months["2026-02"] = []finance.TaxRevenueAmount{{Rovat: "B34", Collected: 380_000}, {Rovat: "B351", Collected: 1_000_000}, {Rovat: "B36", Collected: 7_000}}
	corr, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 2)
	if err != nil || !corr.Posted || corr.RunNo != 2 || len(corr.Entries) != 4 || corr.ToPost != -170_000 {
		t.Fatalf("correction: %+v %v", corr, err)
	}
	for rovat, want := range map[string]hu.Forint{"B34": 380_000, "B351": 1_000_000, "B36": 7_000} {
		if st := f.taxrevStatus(orfu, mun.ID, rovat); st.Performance != want || st.OpenReceivable != 0 {
			t.Errorf("%s after the correction: %+v", rovat, st)
		}
	}
	if tb := f.taxrevTrial(orfu, mun.ID); tb["331"] != 1_387_000 || tb["92"] != -1_387_000 {
		t.Errorf("trial balance after the correction: %v", tb)
	}

	// Refusals: a closed month, a month not begun, an institution, a
	// funkció the entity may not use, a tax type without a rovat, another
	// entity for the same month, and no ADÓ at all.
	src.months["2026-01"] = []finance.TaxRevenueAmount{{Rovat: "B34", Collected: 10_000}}
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error { return f.s.ClosePeriod(ctx, tx, mun.ID, 2026, 1, "t") }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 1); code(err) != "period_closed" {
		t.Errorf("closed month: %v", err)
	}
	if _, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 4); code(err) != "future_month" {
		t.Errorf("future month: %v", err)
	}
	var inst finance.Entity
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		inst, err = f.s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Institution, Name: "Orfűi Óvoda", Functions: []string{"900020"}}, "t")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.taxrevTransfer(orfu, src, inst.ID, 2026, 2); code(err) != "not_municipality" {
		t.Errorf("institution: %v", err)
	}
	other := f.entity(orfu, "Másik Önkormányzat", "011130")
	if _, err := f.taxrevTransfer(orfu, src, other.ID, 2026, 2); code(err) != "transferred_elsewhere" {
		t.Errorf("second entity for the same month: %v", err)
	}
	src.months["2026-03"] = []finance.TaxRevenueAmount{{Rovat: "B34", Collected: 5_000}}
	if _, err := f.taxrevTransfer(orfu, src, other.ID, 2026, 3); code(err) != "funkcio_not_permitted" {
		t.Errorf("funkció not permitted: %v", err)
	}
	src.months["2026-03"] = []finance.TaxRevenueAmount{{Rovat: "B34", Collected: 5_000}, {Rovat: "?", Collected: 1}}
	if _, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 3); code(err) != "unmapped_tax" {
		t.Errorf("tax type without a rovat: %v", err)
	}
	if _, err := f.taxrevTransfer(orfu, nil, mun.ID, 2026, 3); code(err) != "no_tax_source" {
		t.Errorf("no source: %v", err)
	}
	// Nothing half-posted: the refused March left no run and no entry.
	if st := f.taxrevStatus(orfu, mun.ID, "B34"); st.Performance != 380_000 {
		t.Errorf("a refused run posted: %+v", st)
	}
	// Another tenant cannot reach the entity.
	if _, err := f.taxrevTransfer(aba, src, mun.ID, 2026, 2); code(err) != "no_entity" {
		t.Errorf("other tenant: %v", err)
	}

	// The funkció is a setting: 011220 once set is used for March.
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.AddFunctions(ctx, tx, mun.ID, []string{"011220"}, "t"); err != nil {
			return err
		}
		_, err := f.s.SetControlSettings(ctx, tx, finance.ControlSettings{TaxRevenueFunkcio: "011220", WrittenCommitmentLimit: 200_000}, "t")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	src.months["2026-03"] = []finance.TaxRevenueAmount{{Rovat: "B34", Collected: 5_000}}
	if mar, err := f.taxrevTransfer(orfu, src, mun.ID, 2026, 3); err != nil || mar.Funkcio != "011220" || !mar.Posted {
		t.Fatalf("march: %+v %v", mar, err)
	}
	var st finance.Status
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = finance.LineStatus(ctx, tx, mun.ID, 2026, finance.LineKey{Rovat: "B34", Funkcio: "011220"})
		return err
	}); err != nil || st.Performance != 5_000 {
		t.Errorf("march on 011220: %+v %v", st, err)
	}

	// Audited: one event per run that posted.
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		es, err := audit.List(ctx, tx, orfu, audit.Filter{Action: "finance.tax_revenue_transfer"})
		if err == nil && len(es) != 3 {
			t.Errorf("audit: %d events", len(es))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestTaxRevenueMonthParse(t *testing.T) {
	for in, ok := range map[string]bool{"2026-03": true, " 2026-12 ": true, "2026-13": false, "2026-3": false, "26-03": false, "2026/03": false, "": false, "abcd-ef": false} {
		_, _, p := finance.ParseTaxRevenueMonth(in)
		if (p == nil) != ok {
			t.Errorf("%q: %v", in, p)
		}
	}
}

func FuzzTaxRevenueMonth(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-00", "9999-99", "-000-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, p := finance.ParseTaxRevenueMonth(s)
		if p == nil && (y < 2000 || y > 2100 || m < 1 || m > 12) {
			t.Fatalf("%q accepted as %d-%d", s, y, m)
		}
	})
}
