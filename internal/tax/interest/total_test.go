package interest

import (
	"math/rand/v2"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

// LateTotal gives exactly Late's total and refusals, on ordinary debts and
// on amounts large enough to leave int64 (the big.Int path).
func TestLateTotalAgreesWithLate(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	big := 0
	for n := 0; n < 3000; n++ {
		due := hu.Date{Year: 1995 + r.IntN(30), Month: 1, Day: 1}.AddDays(r.IntN(366))
		through := due.AddDays(r.IntN(6000) - 30)
		amount := hu.Forint(1 + r.IntN(5_000_000))
		switch r.IntN(10) {
		case 0:
			amount = hu.Forint(r.Int64N(1 << 62))
		case 1:
			amount = 0
		}
		var ps []Payment
		left := amount
		for k := r.IntN(5); k > 0 && left > 0; k-- {
			a := hu.Forint(1 + r.Int64N(int64(left)))
			ps = append(ps, Payment{On: due.AddDays(r.IntN(max(1, through.DaysSince(due)+10))), Amount: a})
			left -= a
		}
		want, werr := Late(amount, due, through, ps)
		got, gerr := LateTotal(amount, due, through, ps)
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Fatalf("%d %s %s %v: errors %v and %v", amount, due, through, ps, werr, gerr)
		}
		if got != want.Total {
			t.Fatalf("%d %s %s %v: LateTotal %d, Late %d", amount, due, through, ps, got, want.Total)
		}
		if amount > 1<<50 && werr == nil && want.Total > 0 {
			big++
		}
	}
	if big == 0 {
		t.Fatal("no case left int64")
	}
}

// Carrying an accrual from a day on which nothing more is paid gives
// exactly what Late computes over the whole time.
func TestCarryAgreesWithLate(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 4))
	checked := 0
	for n := 0; n < 3000; n++ {
		due := hu.Date{Year: 2000 + r.IntN(25), Month: 1, Day: 1}.AddDays(r.IntN(366))
		last := due.AddDays(r.IntN(2000) - 10)
		through := last.AddDays(r.IntN(800))
		amount := hu.Forint(1 + r.IntN(5_000_000))
		if r.IntN(10) == 0 {
			amount = hu.Forint(r.Int64N(1 << 60))
		}
		var ps []Payment
		left := amount
		for k := r.IntN(4); k > 0 && left > 1; k-- {
			a := hu.Forint(1 + r.Int64N(int64(left)-1))
			if d := last.DaysSince(due); d >= 0 {
				ps = append(ps, Payment{On: due.AddDays(r.IntN(d + 1)), Amount: a})
				left -= a
			}
		}
		before, err := LateAccrual(amount, due, last, ps)
		if err != nil {
			continue
		}
		want, werr := Late(amount, due, through, ps)
		got, gerr := Carry(before, left, due, last, through)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%d %s %s→%s %v: errors %v and %v", amount, due, last, through, ps, werr, gerr)
		}
		if werr == nil && got.Total != want.Total {
			t.Fatalf("%d %s %s→%s %v: carried %d, Late %d", amount, due, last, through, ps, got.Total, want.Total)
		}
		if werr == nil && got.Total > before.Total {
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d cases accrued anything after the first day", checked)
	}
}
