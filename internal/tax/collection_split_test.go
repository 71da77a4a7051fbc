package tax

import (
	"testing"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
)

func accountOf(t *testing.T, taxType string, on string, ps ...Posting) Account {
	t.Helper()
	for i := range ps {
		ps[i].TaxType = taxType
	}
	a, err := computeAccount(taxType, ps, date(on))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The statutory split takes the oldest arrears first whatever the tax
// type; costs first takes the enforcement costs, then fines, then
// surcharges, then the tax, and the same amounts give the same shares.
func TestSplitAcrossStrategies(t *testing.T) {
	accounts := []Account{
		accountOf(t, "epitmenyado", "2026-06-01", post(Debit, 100_000, "2025-03-16")),
		accountOf(t, "birsag", "2026-06-01", post(Debit, 20_000, "2025-09-15")),
		accountOf(t, "vegrehajtasi_koltseg", "2026-06-01", post(Debit, 5_000, "2026-01-10")),
		// Not yet due: no split takes it.
		accountOf(t, "kommunalis_ado", "2026-06-01", post(Debit, 30_000, "2026-09-15")),
	}
	shares, rest := SplitAcross(110_000, accounts, StrategyStatutory)
	want := []TypeAmount{{"birsag", 10_000}, {"epitmenyado", 100_000}}
	if rest != 0 || len(shares) != 2 || shares[0] != want[0] || shares[1] != want[1] {
		t.Errorf("statutory: %+v rest %d", shares, rest)
	}
	shares, rest = SplitAcross(110_000, accounts, StrategyCostsFirst)
	want = []TypeAmount{{"birsag", 20_000}, {"epitmenyado", 85_000}, {"vegrehajtasi_koltseg", 5_000}}
	if rest != 0 || len(shares) != 3 || shares[0] != want[0] || shares[1] != want[1] || shares[2] != want[2] {
		t.Errorf("costs first: %+v rest %d", shares, rest)
	}
	shares, rest = SplitAcross(200_000, accounts, StrategyCostsFirst)
	var got hu.Forint
	for _, s := range shares {
		got += s.Amount
	}
	if got != 125_000 || rest != 75_000 {
		t.Errorf("more than the arrears: %+v rest %d", shares, rest)
	}
}

// Arrears of two tax types due on the same day share an amount pro rata.
func TestSplitAcrossSameDueProRata(t *testing.T) {
	accounts := []Account{
		accountOf(t, "epitmenyado", "2026-06-01", post(Debit, 30_000, "2026-03-16")),
		accountOf(t, "kommunalis_ado", "2026-06-01", post(Debit, 10_000, "2026-03-16")),
	}
	shares, rest := SplitAcross(10_001, accounts, StrategyStatutory)
	if rest != 0 || len(shares) != 2 || shares[0] != (TypeAmount{"epitmenyado", 7_501}) || shares[1] != (TypeAmount{"kommunalis_ado", 2_500}) {
		t.Errorf("pro rata: %+v rest %d", shares, rest)
	}
}

// Whatever the accounts, a split never gives more than the amount or more
// than a tax type's arrears, and costs first and statutory hand out the
// same total.
func FuzzSplitAcross(f *testing.F) {
	f.Add(int64(50_000), int64(40_000), int64(3_000), int64(60_000), 10, 20, 30)
	f.Fuzz(func(t *testing.T, a1, a2, a3, amount int64, d1, d2, d3 int) {
		for _, x := range []int64{a1, a2, a3, amount} {
			if x <= 0 || x > 1e12 {
				return
			}
		}
		for _, d := range []int{d1, d2, d3} {
			if d < 0 || d > 2000 {
				return
			}
		}
		base := date("2020-01-01")
		mk := func(taxType string, amt int64, day int) Account {
			p := Posting{ID: uuid.Must(uuid.NewV7()), TaxType: taxType, Side: Debit, Amount: hu.Forint(amt), On: base.AddDays(day)}
			a, err := computeAccount(taxType, []Posting{p}, base.AddDays(2001))
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		accounts := []Account{mk("epitmenyado", a1, d1), mk("birsag", a2, d2), mk("vegrehajtasi_koltseg", a3, d3)}
		var totals [2]hu.Forint
		for i, st := range Strategies {
			shares, rest := SplitAcross(hu.Forint(amount), accounts, st)
			var sum hu.Forint
			for _, s := range shares {
				sum += s.Amount
				for _, a := range accounts {
					if a.TaxType == s.TaxType && s.Amount > a.Arrears {
						t.Fatalf("%s: %s gets %d of %d arrears", st, s.TaxType, s.Amount, a.Arrears)
					}
				}
			}
			if sum+rest != hu.Forint(amount) || rest < 0 {
				t.Fatalf("%s: shares %d + rest %d != %d", st, sum, rest, amount)
			}
			totals[i] = sum
		}
		if totals[0] != totals[1] {
			t.Fatalf("strategies differ in total: %v", totals)
		}
	})
}
