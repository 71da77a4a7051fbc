package interest

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

// dayByDay is the computation as first written, one day at a time: the
// reference the stretch-by-stretch walk must agree with.
func dayByDay(amount hu.Forint, start, through hu.Date, ps []Payment) ([]Segment, hu.Forint) {
	var segs []Segment
	outstanding, next := amount, 0
	var seg *Segment
	for d := start; !d.After(through); d = d.AddDays(1) {
		for next < len(ps) && ps[next].On.Before(d) {
			outstanding -= ps[next].Amount
			next++
		}
		if outstanding == 0 {
			break
		}
		bp, _ := hu.BaseRateOn(d)
		if seg == nil || seg.Outstanding != outstanding || seg.BaseRateBP != bp || seg.To.AddDays(1) != d {
			segs = append(segs, Segment{From: d, Outstanding: outstanding, BaseRateBP: bp, DailyMilli: DailyMilli(bp)})
			seg = &segs[len(segs)-1]
		}
		seg.To = d
		seg.Days++
	}
	total := new(big.Rat)
	for _, s := range segs {
		total.Add(total, new(big.Rat).SetFrac(big.NewInt(int64(s.Outstanding)*s.DailyMilli*int64(s.Days)), big.NewInt(100_000)))
	}
	t, _ := roundHalfUp(total)
	return segs, t
}

func TestStretchesAgreeWithDayByDay(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for n := 0; n < 1000; n++ {
		due := hu.Date{Year: 1995 + r.IntN(30), Month: 1, Day: 1}.AddDays(r.IntN(366))
		through := due.AddDays(r.IntN(4000))
		amount := hu.Forint(1 + r.IntN(5_000_000))
		var ps []Payment
		left := amount
		for k := r.IntN(5); k > 0 && left > 0; k-- {
			a := hu.Forint(1 + r.IntN(int(left)))
			ps = append(ps, Payment{On: due.AddDays(r.IntN(through.DaysSince(due) + 1)), Amount: a})
			left -= a
		}
		res, err := Late(amount, due, through, ps)
		if err != nil {
			continue
		}
		sorted := append([]Payment(nil), ps...)
		for i := 1; i < len(sorted); i++ {
			for j := i; j > 0 && sorted[j].On.Before(sorted[j-1].On); j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		segs, total := dayByDay(amount, res.Start, through, sorted)
		if total != res.Total || len(segs) != len(res.Segments) {
			t.Fatalf("%d %s %s %v: %d in %d segments, day by day %d in %d", amount, due, through, ps, res.Total, len(res.Segments), total, len(segs))
		}
		for i := range segs {
			a, b := segs[i], res.Segments[i]
			if a.From != b.From || a.To != b.To || a.Days != b.Days || a.Outstanding != b.Outstanding || a.BaseRateBP != b.BaseRateBP {
				t.Fatalf("segment %d: %+v, day by day %+v", i, b, a)
			}
		}
	}
}
