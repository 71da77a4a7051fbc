package finance_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

func assetDate(s string) hu.Date {
	d, err := hu.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func assetBP(n int) *int { return &n }

// assetFixture is the package fixture with the clock in January 2027, so
// the quarters of 2026 are over and can be posted.
func assetFixture(t testing.TB) *fixture {
	f := newFixture(t)
	f.s.Now = func() time.Time { return time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC) }
	return f
}

func (f *fixture) assetRegister(tenant db.TenantID, in finance.AssetInput) (finance.Asset, error) {
	var a finance.Asset
	err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = f.s.RegisterAsset(ctx, tx, in, "t")
		return err
	})
	return a, err
}

func (f *fixture) assetRun(tenant db.TenantID, entity uuid.UUID, year, q int, dry bool) (finance.AssetRun, error) {
	var r finance.AssetRun
	err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = f.s.Depreciate(ctx, tx, entity, year, q, dry, "t")
		return err
	})
	return r, err
}

func (f *fixture) assetLoad(tenant db.TenantID, id uuid.UUID) finance.Asset {
	var a finance.Asset
	err := f.d.InTenantRead(f.ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = finance.AssetByID(ctx, tx, id)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// assetMachine is a machine of 1,200,000 Ft at 14.5% a year, in use from
// 10 February 2026.
func assetMachine(entity uuid.UUID, no string) finance.AssetInput {
	return finance.AssetInput{Entity: entity, InventoryNo: no, Name: "Fűnyíró traktor", Class: "gep", Funkcio: "066020",
		InUseOn: assetDate("2026-02-10"), Gross: 1_200_000, RateBP: assetBP(1450)}
}

// The quarterly run, by hand: the annual amount is 1,200,000 × 14.5% =
// 174,000 Ft. Q1 2026 covers 10 Feb – 31 Mar = 19 + 31 = 50 days:
// 174,000 × 50 / 365 = 23,835.6 → 23,836. Through 30 June it is 141 days:
// 174,000 × 141 / 365 = 67,216.4 → 67,216, so Q2 posts 67,216 − 23,836 =
// 43,380. A re-run posts nothing.
func TestAssetQuarterlyDepreciation(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	a, err := f.assetRegister(orfu, assetMachine(e.ID, "LT-000041"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Account != "131" || a.SmallValue || a.Net() != 1_200_000 {
		t.Fatalf("registered %+v", a)
	}
	prev, err := f.assetRun(orfu, e.ID, 2026, 1, true)
	if err != nil || prev.Assets != 1 || prev.Amount != 23_836 {
		t.Fatalf("preview = %+v, %v; want 1 asset, 23,836", prev, err)
	}
	if got := f.assetLoad(orfu, a.ID); got.Depreciated != 0 {
		t.Fatalf("the preview booked %d", got.Depreciated)
	}
	r1, err := f.assetRun(orfu, e.ID, 2026, 1, false)
	if err != nil || r1.Amount != 23_836 {
		t.Fatalf("Q1 = %+v, %v", r1, err)
	}
	again, err := f.assetRun(orfu, e.ID, 2026, 1, false)
	if err != nil || again.Assets != 0 || again.Amount != 0 {
		t.Fatalf("re-run of Q1 = %+v, %v; want nothing", again, err)
	}
	r2, err := f.assetRun(orfu, e.ID, 2026, 2, false)
	if err != nil || r2.Amount != 43_380 {
		t.Fatalf("Q2 = %+v, %v; want 43,380", r2, err)
	}
	got := f.assetLoad(orfu, a.ID)
	if got.Depreciated != 67_216 || got.Net() != 1_200_000-67_216 {
		t.Fatalf("after Q2: depreciated %d, net %d", got.Depreciated, got.Net())
	}
	// The ledger: the activation 131/151 and two 57/139 entries.
	tb := f.trialBalance(orfu, e.ID, 2026)
	if tb["139"] != -67_216 || tb["57"] != 67_216 || tb["131"] != 1_200_000 || tb["151"] != -1_200_000 {
		t.Fatalf("trial balance %v", tb)
	}
	// The next inventory number is offered after the highest one.
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		if n, _ := finance.NextInventoryNo(ctx, tx, e.ID); n != "LT-000042" {
			t.Errorf("next inventory number %q, want LT-000042", n)
		}
		return nil
	})
	if _, err := f.assetRegister(orfu, assetMachine(e.ID, "LT-000041")); code(err) != "inventory_taken" {
		t.Fatalf("a taken inventory number: %v", err)
	}
}

// trialBalance sums the financial ledger of a year: debit positive.
func (f *fixture) trialBalance(tenant db.TenantID, entity uuid.UUID, year int) map[string]hu.Forint {
	out := map[string]hu.Forint{}
	err := f.d.InTenantRead(f.ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		es, err := finance.Journal(ctx, tx, entity, year, 100000)
		for _, en := range es {
			for _, l := range en.Lines {
				if l.Ledger == finance.Financial {
					out[l.Debit] += l.Amount
					out[l.Credit] -= l.Amount
				}
			}
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// The residual floor: 1,000,000 Ft, residual 100,000, 60% a year from
// 1 January 2024. Through 2025 the plan is 900,000 × 60% × 2 = 1,080,000,
// more than the 900,000 that may be written off: the run of Q4 2025 posts
// 900,000 and leaves the residual 100,000; nothing follows.
func TestAssetResidualFloor(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	in := finance.AssetInput{Entity: e.ID, InventoryNo: "1", Name: "Kisbusz", Class: "jarmu", Funkcio: "066020", InUseOn: assetDate("2024-01-01"),
		Gross: 1_000_000, Residual: 100_000, RateBP: assetBP(6000)}
	a, err := f.assetRegister(orfu, in)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.assetRun(orfu, e.ID, 2025, 4, false)
	if err != nil || r.Amount != 900_000 {
		t.Fatalf("Q4 2025 = %+v, %v; want 900,000", r, err)
	}
	if r, err := f.assetRun(orfu, e.ID, 2026, 1, false); err != nil || r.Assets != 0 {
		t.Fatalf("Q1 2026 = %+v, %v; want nothing below the residual", r, err)
	}
	if got := f.assetLoad(orfu, a.ID); got.Net() != 100_000 {
		t.Fatalf("net %d, want the residual 100,000", got.Net())
	}
}

// A write-down shortens the plan: the machine of the first test, Q1
// 23,836; a write-down of 1,150,000 on 15 April leaves 26,164, less than
// Q2's planned 43,380, so Q2 posts 26,164 and the net value is 0.
func TestAssetWriteDownAndFloor(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	a, err := f.assetRegister(orfu, assetMachine(e.ID, "7"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.assetRun(orfu, e.ID, 2026, 1, false); err != nil {
		t.Fatal(err)
	}
	wd := func(amount hu.Forint, reason string) error {
		return f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.s.WriteDown(ctx, tx, a.ID, assetDate("2026-04-15"), amount, reason, "t")
			return err
		})
	}
	if err := wd(1_200_000, "jégkár"); code(err) != "bad_amount" {
		t.Fatalf("a write-down above the net value: %v", err)
	}
	if err := wd(1_000, ""); code(err) != "no_reason" {
		t.Fatalf("a write-down without reason: %v", err)
	}
	if err := wd(1_150_000, "jégkár"); err != nil {
		t.Fatal(err)
	}
	r, err := f.assetRun(orfu, e.ID, 2026, 2, false)
	if err != nil || r.Amount != 26_164 {
		t.Fatalf("Q2 = %+v, %v; want 26,164", r, err)
	}
	got := f.assetLoad(orfu, a.ID)
	if got.Net() != 0 || got.WrittenDown != 1_150_000 {
		t.Fatalf("after Q2 %+v", got)
	}
	if tb := f.trialBalance(orfu, e.ID, 2026); tb["138"] != -1_150_000 || tb["86"] != 1_150_000 {
		t.Fatalf("trial balance %v", tb)
	}
}

// Disposal: the machine depreciated for Q1 (23,836) is scrapped on
// 20 May. Through that day the plan is 50 + 30 + 20 = 100 days: 174,000 ×
// 100 / 365 = 47,671.2 → 47,671, so 23,835 is booked first; then 47,671
// leaves 139 and the net 1,152,329 goes to 86, both against 131.
func TestAssetDisposal(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	a, err := f.assetRegister(orfu, assetMachine(e.ID, "9"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.assetRun(orfu, e.ID, 2026, 1, false); err != nil {
		t.Fatal(err)
	}
	dispose := func(on, kind string) error {
		return f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.s.Dispose(ctx, tx, a.ID, assetDate(on), kind, "", "t")
			return err
		})
	}
	if err := dispose("2026-03-01", finance.AssetScrapped); code(err) != "bad_date" {
		t.Fatalf("disposal before the last depreciation: %v", err)
	}
	if err := dispose("2026-05-20", "eladas"); code(err) != "bad_disposal" {
		t.Fatalf("unknown disposal: %v", err)
	}
	if err := dispose("2026-05-20", finance.AssetScrapped); err != nil {
		t.Fatal(err)
	}
	tb := f.trialBalance(orfu, e.ID, 2026)
	if tb["131"] != 0 || tb["139"] != 0 || tb["57"] != 47_671 || tb["86"] != 1_152_329 {
		t.Fatalf("trial balance after disposal %v", tb)
	}
	got := f.assetLoad(orfu, a.ID)
	if got.State != "disposed" || got.Depreciated != 47_671 || got.Net() != 0 {
		t.Fatalf("disposed asset %+v", got)
	}
	if err := dispose("2026-05-21", finance.AssetSold); code(err) != "asset_disposed" {
		t.Fatalf("second disposal: %v", err)
	}
	if r, err := f.assetRun(orfu, e.ID, 2026, 2, false); err != nil || r.Assets != 0 {
		t.Fatalf("a disposed asset depreciated: %+v, %v", r, err)
	}
	var hist []finance.AssetEvent
	f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		hist, err = finance.AssetHistory(ctx, tx, a.ID)
		return err
	})
	if len(hist) != 4 || hist[0].Kind != "acquisition" || hist[3].Kind != "disposal" || hist[3].Amount != 1_152_329 {
		t.Fatalf("history %+v", hist)
	}
	// Registration, write-offs and disposal are audited on the asset.
	var actions []string
	f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		es, err := audit.List(ctx, tx, orfu, audit.Filter{ObjectID: a.ID.String(), Limit: 50})
		for _, e := range es {
			actions = append(actions, e.Action)
		}
		return err
	})
	slices.Sort(actions)
	if strings.Join(actions, " ") != "finance.asset_dispose finance.asset_register" {
		t.Fatalf("audit of the asset: %v", actions)
	}
}

// A small-value asset (≤ 200,000 Ft) is written off when put into use,
// unless the entity's setting says otherwise.
func TestAssetSmallValue(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	in := finance.AssetInput{Entity: e.ID, InventoryNo: "K-1", Name: "Laptop", Class: "informatikai", Funkcio: "066020", InUseOn: assetDate("2026-02-02"), Gross: 199_000}
	a, err := f.assetRegister(orfu, in)
	if err != nil || !a.SmallValue || a.Net() != 0 {
		t.Fatalf("small-value asset %+v, %v", a, err)
	}
	if r, _ := f.assetRun(orfu, e.ID, 2026, 1, false); r.Assets != 0 {
		t.Fatalf("a written-off asset depreciated again: %+v", r)
	}
	err = f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		return f.s.SetAssetSettings(ctx, tx, e.ID, finance.AssetSettings{Rates: map[string]int{"informatikai": 5000}, SmallWrite: false, SmallLimit: 200_000}, "t")
	})
	if err != nil {
		t.Fatal(err)
	}
	in.InventoryNo = "K-2"
	b, err := f.assetRegister(orfu, in)
	if err != nil || b.SmallValue || b.RateBP != 5000 {
		t.Fatalf("with the write-off off: %+v, %v", b, err)
	}
}

// Real estate needs a valid helyrajzi szám (§C.4), others may not have
// one; bad input is refused with a reason and writes nothing.
func TestAssetBadInput(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	other := f.entity(aba, "Abaliget Község Önkormányzata", "066020")
	ok := finance.AssetInput{Entity: e.ID, InventoryNo: "I-1", Name: "Kultúrház", Class: "epulet", Funkcio: "066020", InUseOn: assetDate("2026-01-15"),
		Gross: 80_000_000, HRSZ: "123/4"}
	cases := []struct {
		name string
		edit func(*finance.AssetInput)
		code string
	}{
		{"no hrsz", func(in *finance.AssetInput) { in.HRSZ = "" }, "bad_hrsz"},
		{"bad hrsz", func(in *finance.AssetInput) { in.HRSZ = "12/x/y/z/5" }, "bad_hrsz"},
		{"hrsz on a machine", func(in *finance.AssetInput) { in.Class = "gep" }, "hrsz_not_real_estate"},
		{"no class", func(in *finance.AssetInput) { in.Class = "hajo" }, "bad_class"},
		{"funkcio not permitted", func(in *finance.AssetInput) { in.Funkcio = "011130" }, "funkcio_not_permitted"},
		{"zero gross", func(in *finance.AssetInput) { in.Gross = 0 }, "bad_amount"},
		{"residual above gross", func(in *finance.AssetInput) { in.Residual = in.Gross }, "bad_residual"},
		{"no use date", func(in *finance.AssetInput) { in.InUseOn = hu.Date{} }, "bad_date"},
		{"acquired after use", func(in *finance.AssetInput) { in.AcquiredOn = assetDate("2026-02-01") }, "bad_date"},
		{"rate over 100%", func(in *finance.AssetInput) { in.RateBP = assetBP(12000) }, "bad_rate"},
		{"no inventory number", func(in *finance.AssetInput) { in.InventoryNo = " " }, "bad_inventory_no"},
		{"other tenant's entity", func(in *finance.AssetInput) { in.Entity = other.ID }, "no_entity"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		if _, err := f.assetRegister(orfu, in); code(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	a, err := f.assetRegister(orfu, finance.AssetInput{Entity: e.ID, InventoryNo: "I-2", Name: "Telek", Class: "telek", Funkcio: "066020",
		InUseOn: assetDate("2026-01-15"), Gross: 5_000_000, HRSZ: "0123/4"})
	if err != nil || a.HRSZ != "0123/4" || a.RateBP != 0 {
		t.Fatalf("land %+v, %v", a, err)
	}
	if _, err := f.assetRegister(orfu, ok); err != nil {
		t.Fatal(err)
	}
	// For the cadastre (§C.7): the land on 0123/4 and the building on 123/4.
	f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		ps, err := finance.AssetParcels(ctx, tx)
		if err != nil || len(ps) != 2 || ps[0].HRSZ != "0123/4" || ps[0].Gross != 5_000_000 || ps[1].HRSZ != "123/4" || ps[1].Gross != 80_000_000 {
			t.Errorf("parcels %+v, %v", ps, err)
		}
		return nil
	})
	// Land is not depreciated; the building (2%) is.
	r, err := f.assetRun(orfu, e.ID, 2026, 1, true)
	if err != nil || r.Assets != 1 {
		t.Fatalf("preview %+v, %v", r, err)
	}
	if _, err := f.assetRun(orfu, e.ID, 2027, 1, false); code(err) != "quarter_not_over" {
		t.Fatalf("a quarter not over: %v", err)
	}
	if r, err := f.assetRun(orfu, e.ID, 2027, 1, true); err != nil || r.Assets != 1 {
		t.Fatalf("preview of a quarter not over: %+v, %v", r, err)
	}
	if _, err := f.assetRun(orfu, e.ID, 2026, 5, false); code(err) != "bad_quarter" {
		t.Fatalf("quarter 5: %v", err)
	}
	// A closed March refuses Q1.
	if err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error { return f.s.ClosePeriod(ctx, tx, e.ID, 2026, 3, "t") }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.assetRun(orfu, e.ID, 2026, 1, false); code(err) != "period_closed" {
		t.Fatalf("closed period: %v", err)
	}
	// The other tenant sees none of it.
	if err := f.d.InTenantRead(f.ctx, aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := finance.AssetByID(ctx, tx, a.ID)
		return err
	}); code(err) != "no_asset" {
		t.Fatalf("other tenant read the asset: %v", err)
	}
}

// The quarterly run over 10,000 assets of one entity: preview (dry run)
// and the posting run (10,000 entries, each 57 / 139).
func BenchmarkAssetQuarterlyRun(b *testing.B) {
	f := assetFixture(b)
	f.s.Now = func() time.Time { return time.Date(2090, 1, 1, 9, 0, 0, 0, time.UTC) } // every quarter of b.N is over
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	const n = 10_000
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < n; i++ {
			in := assetMachine(e.ID, fmt.Sprintf("B-%05d", i))
			in.Gross = hu.Forint(300_000 + 1_000*i)
			in.InUseOn = assetDate("2025-01-01").AddDays(i % 365)
			if _, err := f.s.RegisterAsset(ctx, tx, in, "bench"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("preview", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if r, err := f.assetRun(orfu, e.ID, 2026, 1, true); err != nil || r.Assets != n {
				b.Fatalf("%d assets, %v", r.Assets, err)
			}
		}
	})
	b.Run("post", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			// Each iteration a later quarter, so each posts 10,000 entries.
			y, q := 2026+i/4, i%4+1
			if r, err := f.assetRun(orfu, e.ID, y, q, false); err != nil || r.Assets != n {
				b.Fatalf("%d-Q%d: %d assets, %v", y, q, r.Assets, err)
			}
		}
	})
}

// Two clerks starting the same quarter's run at once post it once: the
// second waits for the first and finds the quarter done.
func TestAssetRunTwiceAtOnce(t *testing.T) {
	f := assetFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "066020")
	for i := 0; i < 5; i++ {
		if _, err := f.assetRegister(orfu, assetMachine(e.ID, fmt.Sprintf("LT-%06d", 100+i))); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		run finance.AssetRun
		err error
	}
	out := make(chan result, 2)
	for i := 0; i < 2; i++ {
		go func() {
			r, err := f.assetRun(orfu, e.ID, 2026, 1, false)
			out <- result{r, err}
		}()
	}
	a, b := <-out, <-out
	if a.err != nil || b.err != nil {
		t.Fatal(a.err, b.err)
	}
	if total := a.run.Amount + b.run.Amount; total != 5*23_836 || (a.run.Amount != 0 && b.run.Amount != 0) {
		t.Errorf("the two runs posted %d and %d; want %d once", a.run.Amount, b.run.Amount, 5*23_836)
	}
}
