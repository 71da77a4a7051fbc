package finance_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

func reportDay(m, d int) hu.Date { return hu.Date{Year: 2026, Month: time.Month(m), Day: d} }

// reportBooks posts a small first quarter whose figures are worked out
// by hand in the tests: the municipality pays an invoice in part,
// assesses and collects a local tax, and passes 300 000 Ft of irányító
// szervi támogatás (K915) to its institution, which receives 200 000 Ft
// of it (B816) by the end of March.
func reportBooks(t *testing.T) (*fixture, finance.Entity, finance.Entity) {
	f := newFixture(t)
	m := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "900020")
	var inst finance.Entity
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		inst, err = f.s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Institution, Name: "Orfűi Óvoda", Functions: []string{"091110"}}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.budget(orfu, finance.BudgetChange{Entity: m.ID, Year: 2026, Kind: finance.Original, Decision: "1/2026.", Lines: []finance.AppropriationInput{
		{LineKey: finance.LineKey{Rovat: "K331", Funkcio: "011130"}, Amount: 1_000_000},
		{LineKey: finance.LineKey{Rovat: "K915", Funkcio: "011130"}, Amount: 300_000},
		{LineKey: finance.LineKey{Rovat: "B34", Funkcio: "900020"}, Amount: 2_000_000}}}))
	must(f.budget(orfu, finance.BudgetChange{Entity: inst.ID, Year: 2026, Kind: finance.Original, Decision: "1/2026.", Lines: []finance.AppropriationInput{
		{LineKey: finance.LineKey{Rovat: "B816", Funkcio: "091110"}, Amount: 300_000}}}))
	for _, ev := range []finance.Event{
		{Entity: m.ID, Kind: finance.EvCommitment, On: reportDay(1, 10), Rovat: "K331", Funkcio: "011130", Amount: 400_000, Partner: "Áram Zrt.", Commitment: "KV-1"},
		{Entity: m.ID, Kind: finance.EvInvoice, On: reportDay(1, 31), Rovat: "K331", Funkcio: "011130", Amount: 400_000, Partner: "Áram Zrt.", Commitment: "KV-1", Document: "SZ-1"},
		{Entity: m.ID, Kind: finance.EvPayment, On: reportDay(2, 10), Rovat: "K331", Funkcio: "011130", Amount: 250_000, Partner: "Áram Zrt.", Commitment: "KV-1", Document: "SZ-1"},
		{Entity: m.ID, Kind: finance.EvRevenueAssessed, On: reportDay(1, 15), Rovat: "B34", Funkcio: "900020", Amount: 900_000, Partner: "Adózó Kft."},
		{Entity: m.ID, Kind: finance.EvRevenueCollected, On: reportDay(2, 20), Rovat: "B34", Funkcio: "900020", Amount: 600_000, Partner: "Adózó Kft."},
		{Entity: m.ID, Kind: finance.EvInvoice, On: reportDay(3, 1), Rovat: "K915", Funkcio: "011130", Amount: 300_000, Partner: "Orfűi Óvoda"},
		{Entity: m.ID, Kind: finance.EvPayment, On: reportDay(3, 5), Rovat: "K915", Funkcio: "011130", Amount: 300_000, Partner: "Orfűi Óvoda"},
		{Entity: inst.ID, Kind: finance.EvRevenueAssessed, On: reportDay(3, 5), Rovat: "B816", Funkcio: "091110", Amount: 300_000},
		{Entity: inst.ID, Kind: finance.EvRevenueCollected, On: reportDay(3, 6), Rovat: "B816", Funkcio: "091110", Amount: 200_000},
	} {
		if _, err := f.post(orfu, ev); err != nil {
			t.Fatalf("%s %s: %v", ev.Kind, ev.Rovat, err)
		}
	}
	return f, m, inst
}

func (f *fixture) read(fn func(ctx context.Context, tx bun.Tx) error) {
	f.t.Helper()
	if err := f.d.InTenantRead(f.ctx, orfu, fn); err != nil {
		f.t.Fatal(err)
	}
}

func failing(cs []finance.Check) []string {
	var out []string
	for _, c := range cs {
		if !c.OK() {
			out = append(out, c.EN)
		}
	}
	return out
}

func TestReportGeneralLedgerAndAnalytics(t *testing.T) {
	f, m, _ := reportBooks(t)
	f.read(func(ctx context.Context, tx bun.Tx) error {
		// 331 through March: −250 000 (02-10), +600 000 (02-20), −300 000 (03-05).
		sh, err := finance.AccountSheetOf(ctx, tx, finance.LedgerFilter{Entity: m.ID, Account: "331", Year: 2026, Through: 3}, 1)
		if err != nil {
			return err
		}
		if sh.Opening != 0 || sh.Debit != 600_000 || sh.Credit != 550_000 || sh.Closing != 50_000 || len(sh.Lines) != 3 {
			t.Fatalf("331 sheet: %+v", sh)
		}
		want := []struct {
			on      string
			counter string
			balance hu.Forint
		}{{"2026-02-10", "4213", -250_000}, {"2026-02-20", "3513", 350_000}, {"2026-03-05", "4219", 50_000}}
		for i, w := range want {
			l := sh.Lines[i]
			if l.On.String() != w.on || l.CounterAccount != w.counter || l.Balance != w.balance {
				t.Errorf("line %d: %+v, want %+v", i, l, w)
			}
		}
		// From March: February's lines are the opening balance.
		sh, err = finance.AccountSheetOf(ctx, tx, finance.LedgerFilter{Entity: m.ID, Account: "331", Year: 2026, From: 3, Through: 3}, 1)
		if err != nil || sh.Opening != 350_000 || len(sh.Lines) != 1 || sh.Closing != 50_000 || sh.Lines[0].Credit != 300_000 {
			t.Errorf("331 from March: %+v %v", sh, err)
		}
		// One partner's lines only.
		sh, err = finance.AccountSheetOf(ctx, tx, finance.LedgerFilter{Entity: m.ID, Account: "4213", Year: 2026, Through: 12, Partner: "Áram Zrt."}, 1)
		if err != nil || sh.Closing != -150_000 || len(sh.Lines) != 2 {
			t.Errorf("4213 of Áram Zrt.: %+v %v", sh, err)
		}
		an, err := finance.AnalyticsOf(ctx, tx, finance.LedgerFilter{Entity: m.ID, Account: "331", Year: 2026, Through: 3}, "rovat")
		if err != nil {
			return err
		}
		got := map[string]hu.Forint{}
		for _, r := range an.Rows {
			got[r.Key] = r.Balance
		}
		if len(got) != 3 || got["K331"] != -250_000 || got["B34"] != 600_000 || got["K915"] != -300_000 || an.Balance != 50_000 {
			t.Errorf("331 by rovat: %+v", an)
		}
		an, err = finance.AnalyticsOf(ctx, tx, finance.LedgerFilter{Entity: m.ID, Account: "4213", Year: 2026, Through: 3}, "commitment")
		if err != nil || len(an.Rows) != 1 || an.Rows[0].Key != "KV-1" || an.Rows[0].Debit != 250_000 || an.Rows[0].Credit != 400_000 {
			t.Errorf("4213 by commitment: %+v %v", an, err)
		}
		for name, fl := range map[string]finance.LedgerFilter{
			"no account":      {Entity: m.ID, Account: "999", Year: 2026},
			"months reversed": {Entity: m.ID, Account: "331", Year: 2026, From: 5, Through: 2},
		} {
			if _, err := finance.AccountSheetOf(ctx, tx, fl, 1); code(err) == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := finance.AnalyticsOf(ctx, tx, finance.LedgerFilter{Entity: m.ID, Account: "331", Year: 2026}, "colour"); code(err) != "bad_dimension" {
			t.Errorf("bad dimension: %v", err)
		}
		return nil
	})
}

// A long account pages; each page starts from the running balance of
// the lines before it.
func TestReportAccountSheetPages(t *testing.T) {
	f, m, _ := reportBooks(t)
	var evs []finance.Event
	for i := 0; i < 205; i++ {
		evs = append(evs, finance.Event{Entity: m.ID, Kind: finance.EvCommitment, On: reportDay(4, 1+i%28), Rovat: "K331", Funkcio: "011130", Amount: hu.Forint(1000 + i)})
	}
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error { _, err := f.s.PostMany(ctx, tx, evs, "t"); return err }); err != nil {
		t.Fatal(err)
	}
	f.read(func(ctx context.Context, tx bun.Tx) error {
		fl := finance.LedgerFilter{Entity: m.ID, Account: "0513", Year: 2026, From: 4, Through: 4}
		p1, err := finance.AccountSheetOf(ctx, tx, fl, 1)
		if err != nil {
			return err
		}
		p2, err := finance.AccountSheetOf(ctx, tx, fl, 2)
		if err != nil {
			return err
		}
		// Opening: the commitment of 400 000 less the 250 000 paid on it.
		var all hu.Forint
		for i := 0; i < 205; i++ {
			all += hu.Forint(1000 + i)
		}
		if p1.Opening != 150_000 || p1.Pages != 2 || len(p1.Lines) != 200 || len(p2.Lines) != 5 || p2.LineCount != 205 {
			t.Fatalf("pages: opening %d, %d pages, %d + %d lines", p1.Opening, p1.Pages, len(p1.Lines), len(p2.Lines))
		}
		if p2.PageOpening != p1.Lines[199].Balance || p2.Lines[4].Balance != p2.Closing || p2.Closing != 150_000+all {
			t.Errorf("page 2 starts at %d (page 1 ended at %d), ends at %d, closing %d", p2.PageOpening, p1.Lines[199].Balance, p2.Lines[4].Balance, p2.Closing)
		}
		return nil
	})
}

func TestReportBalanceSheet(t *testing.T) {
	f, m, _ := reportBooks(t)
	f.read(func(ctx context.Context, tx bun.Tx) error {
		bs, err := finance.BalanceSheetOf(ctx, tx, finance.Scope{Entity: m.ID, Year: 2026}, 1)
		if err != nil {
			return err
		}
		line := func(rows []finance.BalanceRow, code string) hu.Forint {
			for _, r := range rows {
				if r.Code == code {
					return r.Amount
				}
			}
			t.Errorf("no line %s", code)
			return 0
		}
		// Cash 600 000 − 250 000 − 300 000; the tax still due 900 000 −
		// 600 000; the invoice's unpaid 150 000; result 900 000 tax
		// revenue − 400 000 services − 300 000 support.
		if line(bs.Assets, "C") != 50_000 || line(bs.Assets, "D/I") != 300_000 || bs.TotalAssets != 350_000 {
			t.Errorf("assets: %+v", bs.Assets)
		}
		if line(bs.Liabilities, "H/I") != 150_000 || bs.Result != 200_000 || bs.TotalLiabilities != 350_000 {
			t.Errorf("liabilities: %+v result %d", bs.Liabilities, bs.Result)
		}
		if !bs.Balanced() || len(failing(bs.Checks())) > 0 {
			t.Errorf("not balanced: %v", failing(bs.Checks()))
		}
		// At the end of Q1 nothing later counts; a later quarter sees the
		// same books here.
		if _, err := finance.BalanceSheetOf(ctx, tx, finance.Scope{Entity: m.ID, Year: 2026}, 5); code(err) != "bad_quarter" {
			t.Errorf("quarter 5: %v", err)
		}
		return nil
	})
}

func TestReportMaradvany(t *testing.T) {
	f, m, inst := reportBooks(t)
	f.read(func(ctx context.Context, tx bun.Tx) error {
		mr, err := finance.MaradvanyOf(ctx, tx, finance.Scope{Entity: m.ID, Year: 2026, Through: 3})
		if err != nil {
			return err
		}
		// 600 000 tax − 250 000 services = 350 000; financing −300 000;
		// 150 000 of the commitment is still open.
		if mr.BudgetBalance != 350_000 || mr.OperatingBalance != 350_000 || mr.CapitalBalance != 0 || mr.FinancingBalance != -300_000 ||
			mr.Total != 50_000 || mr.Committed != 150_000 || mr.Free != -100_000 || mr.Basic != 50_000 || mr.EnterpriseModelled {
			t.Errorf("maradvány: %+v", mr)
		}
		if fs := failing(mr.Checks()); len(fs) > 0 {
			t.Errorf("identities: %v", fs)
		}
		// Through January only the tax's assessment happened: no cash.
		if mr, _ := finance.MaradvanyOf(ctx, tx, finance.Scope{Entity: m.ID, Year: 2026, Through: 1}); mr.Total != 0 || mr.Committed != 400_000 {
			t.Errorf("January: %+v", mr)
		}
		if mr, _ := finance.MaradvanyOf(ctx, tx, finance.Scope{Entity: inst.ID, Year: 2026, Through: 3}); mr.FinancingRevenue != 200_000 || mr.Total != 200_000 {
			t.Errorf("institution: %+v", mr)
		}
		return nil
	})
}

func TestReportConsolidated(t *testing.T) {
	f, _, inst := reportBooks(t)
	check := func(wantDiff bool) finance.Consolidated {
		var c finance.Consolidated
		f.read(func(ctx context.Context, tx bun.Tx) error {
			var err error
			c, err = finance.ConsolidatedOf(ctx, tx, finance.Scope{Year: 2026, Through: 3})
			return err
		})
		if fs := failing(c.Checks()); (len(fs) > 0) != wantDiff {
			t.Errorf("checks: %v", fs)
		}
		return c
	}
	// 300 000 paid out, 200 000 received: the difference shows.
	c := check(true)
	if len(c.Entities) != 2 || c.K915.Performance != 300_000 || c.B816.Performance != 200_000 {
		t.Fatalf("consolidated: %+v", c)
	}
	k9, b8 := c.Row("K9"), c.Row("B8")
	if k9.Sum.Performance != 300_000 || k9.Consolidated.Performance != 0 || b8.Sum.Performance != 200_000 || b8.Consolidated.Performance != 0 {
		t.Errorf("K9 %+v, B8 %+v", k9, b8)
	}
	if r := c.Row("B1-B7"); r.Consolidated.Performance != 600_000 {
		t.Errorf("budget revenue: %+v", r)
	}
	if r := c.Row("balance"); r.Consolidated.Performance != 350_000 {
		t.Errorf("balance: %+v", r)
	}
	if r := c.Row("B8"); r.Sum.Modified != 300_000 || r.Consolidated.Modified != 0 {
		t.Errorf("B8 appropriation: %+v", r)
	}
	if _, err := f.post(orfu, finance.Event{Entity: inst.ID, Kind: finance.EvRevenueCollected, On: reportDay(3, 20), Rovat: "B816", Funkcio: "091110", Amount: 100_000}); err != nil {
		t.Fatal(err)
	}
	check(false)
}
