// Package interest computes the late-payment interest (késedelmi pótlék)
// of the tax procedure act, Art. 206.–209. §, and the self-revision
// surcharge (önellenőrzési pótlék, Art. 211.–212. §) built on it.
//
// The rules (domain brief Part A §A.7, text verified):
//   - interest runs from the day after the due date; a due date on a rest
//     day first moves to the next working day (§A.5);
//   - the daily rate is (MNB base rate valid that day + 5 percentage
//     points) / 365, truncated to three decimals of a percent: with a base
//     rate of 6.50 % it is 0.031 %;
//   - it is computed day by day on the amount still outstanding that day,
//     so a change of the base rate or a part payment starts a new segment;
//     the day the payment is credited still counts;
//   - the sum is rounded once, at the end, to whole forints, half up.
//
// Two points the brief marks UNCERTAIN are choices here, each in one
// place: the crediting day counts (Through), and rounding is on the total.
//
// Everything is exact integer arithmetic: rates in basis points, the daily
// rate in thousandths of a percent, amounts in forints.
package interest

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"sync"

	"github.com/openasp-hu/asp/internal/hu"
)

// Payment is an amount credited to the municipality's account on a day.
type Payment struct {
	On     hu.Date
	Amount hu.Forint
}

// Segment is a run of days with the same outstanding amount and daily rate.
type Segment struct {
	From, To    hu.Date // both counted
	Days        int
	Outstanding hu.Forint
	BaseRateBP  int64 // MNB base rate in basis points (650 = 6.50 %)
	// DailyMilli is the daily rate in thousandths of a percent (31 =
	// 0.031 %), already truncated.
	DailyMilli int64
	// Exact is the segment's interest before rounding, in forints.
	Exact *big.Rat
}

// Result is a computed interest with how it was reached.
type Result struct {
	Amount hu.Forint // the debit
	Due    hu.Date   // as given
	// Start is the first day interest runs: the day after the due date
	// moved to a working day.
	Start    hu.Date
	Moved    bool // the due date was a rest day
	Through  hu.Date
	Segments []Segment
	Total    hu.Forint // rounded, half up
	// Num/Den scale the result (1/1 for late-payment interest, 1/2 for
	// the self-revision surcharge).
	Num, Den int64
}

// DailyMilli is the daily rate for a base rate, in thousandths of a
// percent, truncated: (bp/100 + 5) / 365 % = (bp + 500) / 36 500 %, and in
// thousandths (bp + 500)·1000 / 36 500 = (bp + 500)·2 / 73.
func DailyMilli(baseRateBP int64) int64 {
	return (baseRateBP + 500) * 2 / 73
}

// Problem is a refusal of the input, in both languages.
type Problem struct{ HU, EN string }

func (p *Problem) Error() string { return p.EN }

// Late computes the late-payment interest on amount due on due, paid by
// the payments (in any order), up to and including through: the day of
// the last payment, or the day the interest is computed for when it is
// still unpaid.
func Late(amount hu.Forint, due, through hu.Date, payments []Payment) (Result, error) {
	return compute(amount, due, through, payments, 1, 1)
}

// SelfRevision computes the önellenőrzési pótlék on the additional tax
// from the day after the original due date until the day the
// self-revision is filed: 50 % of the late-payment interest, 75 % for a
// repeated self-revision of the same tax and period (Art. 212. §; the 75 %
// is marked UNCERTAIN in the brief, older law had 70 %).
func SelfRevision(additional hu.Forint, due, filed hu.Date, repeated bool) (Result, error) {
	if repeated {
		return compute(additional, due, filed, nil, 3, 4)
	}
	return compute(additional, due, filed, nil, 1, 2)
}

var baseRateTable struct {
	once  sync.Once
	rates []hu.BaseRate
	err   error
}

// baseRates is the MNB table, read once.
func baseRates() ([]hu.BaseRate, error) {
	baseRateTable.once.Do(func() { baseRateTable.rates, baseRateTable.err = hu.BaseRates() })
	return baseRateTable.rates, baseRateTable.err
}

// maxDays bounds the computation: a debit older than this is past every
// limitation period (Art. 164. §: five years, extended at most to ten).
const maxDays = 15 * 366

// LateTotal is Late(…).Total without the segments: settling an account
// needs only the sum, and building each segment's exact fraction was most
// of the cost of an interest run's arithmetic. The sum is the same exact
// integer arithmetic (every segment has the denominator 100 000), in
// int64 where it cannot overflow.
func LateTotal(amount hu.Forint, due, through hu.Date, payments []Payment) (hu.Forint, error) {
	r, err := computeWith(amount, due, through, payments, 1, 1, false, nil)
	return r.Total, err
}

// Accrual is late-payment interest accrued up to a day, exactly: Num
// over 100 000 forints before rounding, and Total rounded.
type Accrual struct {
	Num   *big.Int
	Total hu.Forint
}

// LateAccrual is LateTotal with the exact sum, from which Carry goes on.
func LateAccrual(amount hu.Forint, due, through hu.Date, payments []Payment) (Accrual, error) {
	a := Accrual{Num: new(big.Int)}
	r, err := computeWith(amount, due, through, payments, 1, 1, false, a.Num)
	a.Total = r.Total
	return a, err
}

// Carry continues an accrual of a debit due on due, computed up to last,
// to through, on an outstanding amount that stayed the same after last
// (no payment credited after last): the days after last each add
// outstanding at that day's rate, as Late counts them, so Carry(LateAccrual(…,
// last, ps), amount − Σps, due, last, through) is Late(…, through, ps).
func Carry(a Accrual, outstanding hu.Forint, due, last, through hu.Date) (Accrual, error) {
	if outstanding <= 0 || !due.IsValid() || !last.IsValid() || !through.IsValid() || through.Before(last) {
		return Accrual{}, &Problem{"Érvénytelen folytatás.", "Nothing to carry on."}
	}
	start := due
	if !hu.IsWorkingDay(due) {
		start = hu.NextWorkingDay(due)
	}
	start = start.AddDays(1)
	if through.DaysSince(start) > maxDays {
		return Accrual{}, &Problem{"Legfeljebb 15 évre számolunk pótlékot; ennél régebbi tartozás elévült.", "Interest is computed for at most 15 years; an older debt is time-barred."}
	}
	rates, err := baseRates()
	if err != nil {
		return Accrual{}, err
	}
	n := new(big.Int).Set(a.Num)
	from := last.AddDays(1)
	if from.Before(start) {
		from = start
	}
	for d := from; !d.After(through); {
		bp, err := hu.BaseRateOn(d)
		if err != nil {
			return Accrual{}, err
		}
		end := through
		if i := sort.Search(len(rates), func(i int) bool { return rates[i].From.After(d) }); i < len(rates) && rates[i].From.AddDays(-1).Before(end) {
			end = rates[i].From.AddDays(-1)
		}
		t := new(big.Int).Mul(big.NewInt(int64(outstanding)), big.NewInt(DailyMilli(bp)))
		n.Add(n, t.Mul(t, big.NewInt(int64(end.DaysSince(d)+1))))
		d = end.AddDays(1)
	}
	total, err := roundHalfUp(new(big.Rat).SetFrac(n, big.NewInt(100_000)))
	return Accrual{Num: n, Total: total}, err
}

func compute(amount hu.Forint, due, through hu.Date, payments []Payment, num, den int64) (Result, error) {
	return computeWith(amount, due, through, payments, num, den, true, nil)
}

// computeWith computes the interest; without segments it keeps only the
// total's numerator over 100 000·den, and sets accrued to it when given.
func computeWith(amount hu.Forint, due, through hu.Date, payments []Payment, num, den int64, segments bool, accrued *big.Int) (Result, error) {
	if amount <= 0 {
		return Result{}, &Problem{"Az összeg legyen pozitív, egész forint.", "The amount must be a positive whole number of forints."}
	}
	if !due.IsValid() || !through.IsValid() {
		return Result{}, &Problem{"Adjon meg érvényes dátumokat.", "Give valid dates."}
	}
	r := Result{Amount: amount, Due: due, Through: through, Num: num, Den: den, Total: 0}
	start := due
	if !hu.IsWorkingDay(due) {
		start, r.Moved = hu.NextWorkingDay(due), true
	}
	r.Start = start.AddDays(1)
	if through.DaysSince(r.Start) > maxDays {
		return Result{}, &Problem{"Legfeljebb 15 évre számolunk pótlékot; ennél régebbi tartozás elévült.", "Interest is computed for at most 15 years; an older debt is time-barred."}
	}
	ps := append([]Payment(nil), payments...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].On.Before(ps[j].On) })
	var paid hu.Forint
	for _, p := range ps {
		if p.Amount <= 0 {
			return Result{}, &Problem{"A befizetés összege legyen pozitív.", "A payment must be positive."}
		}
		if p.On.After(through) {
			return Result{}, &Problem{"A befizetés nem lehet a számítás napja után.", "A payment cannot be after the day computed for."}
		}
		paid += p.Amount
	}
	if paid > amount {
		return Result{}, &Problem{"A befizetések többet tesznek ki, mint a tartozás.", "The payments exceed the debt."}
	}
	if through.Before(r.Start) {
		return r, nil // paid on time: no interest
	}

	total := new(big.Rat)
	outstanding := amount
	next := 0 // payments credited before the current day are applied
	// The same day-by-day rule, walked from change to change: between a
	// payment taking effect and a change of the base rate nothing changes,
	// so the days in between form one stretch (a debit open for years is
	// a few dozen steps, not thousands).
	rates, err := baseRates()
	if err != nil {
		return Result{}, err
	}
	var seg *Segment
	// Without segments: the sum of outstanding·daily·days·num, in int64
	// while it fits, in big.Int from the first term that might not.
	var sum int64
	var bigSum *big.Int
	for d := r.Start; !d.After(through); {
		// A payment credited on day p still counts on p and stops the
		// interest from p+1.
		for next < len(ps) && ps[next].On.Before(d) {
			outstanding -= ps[next].Amount
			next++
		}
		if outstanding == 0 {
			break
		}
		bp, err := hu.BaseRateOn(d)
		if err != nil {
			return Result{}, err
		}
		// The last day of this stretch: the day before the next rate
		// change, the day of the next payment, or through.
		last := through
		if i := sort.Search(len(rates), func(i int) bool { return rates[i].From.After(d) }); i < len(rates) && rates[i].From.AddDays(-1).Before(last) {
			last = rates[i].From.AddDays(-1)
		}
		if next < len(ps) && ps[next].On.Before(last) {
			last = ps[next].On
		}
		days := last.DaysSince(d) + 1
		daily := DailyMilli(bp)
		if !segments {
			if t, ok := mulFits(int64(outstanding), daily, int64(days)*num); ok && bigSum == nil && sum <= math.MaxInt64-t {
				sum += t
			} else {
				if bigSum == nil {
					bigSum = big.NewInt(sum)
				}
				n := new(big.Int).Mul(big.NewInt(int64(outstanding)), big.NewInt(daily))
				bigSum.Add(bigSum, n.Mul(n, big.NewInt(int64(days)*num)))
			}
			d = last.AddDays(1)
			continue
		}
		if seg == nil || seg.Outstanding != outstanding || seg.BaseRateBP != bp || seg.To.AddDays(1) != d {
			r.Segments = append(r.Segments, Segment{From: d, Outstanding: outstanding, BaseRateBP: bp, DailyMilli: daily})
			seg = &r.Segments[len(r.Segments)-1]
		}
		seg.To = last
		seg.Days += days
		d = last.AddDays(1)
	}
	if !segments {
		if accrued != nil {
			if bigSum == nil {
				accrued.SetInt64(sum)
			} else {
				accrued.Set(bigSum)
			}
		}
		// floor(N/D + 1/2) = floor((2N + D) / 2D), as roundHalfUp does.
		if D := 100_000 * den; bigSum == nil && sum <= (math.MaxInt64-D)/2 {
			r.Total = hu.Forint((2*sum + D) / (2 * D))
			return r, nil
		}
		if bigSum == nil {
			bigSum = big.NewInt(sum)
		}
		t, err := roundHalfUp(new(big.Rat).SetFrac(bigSum, big.NewInt(100_000*den)))
		r.Total = t
		return r, err
	}
	for i := range r.Segments {
		s := &r.Segments[i]
		// amount × (milli/1000) % × days = amount·milli·days / 100 000,
		// scaled by num/den.
		n := new(big.Int).Mul(big.NewInt(int64(s.Outstanding)), big.NewInt(s.DailyMilli))
		n.Mul(n, big.NewInt(int64(s.Days)*num))
		s.Exact = new(big.Rat).SetFrac(n, big.NewInt(100_000*den))
		total.Add(total, s.Exact)
	}
	t, err := roundHalfUp(total)
	if err != nil {
		return Result{}, err
	}
	r.Total = t
	return r, nil
}

func roundHalfUp(x *big.Rat) (hu.Forint, error) {
	// floor(x + 1/2) for x ≥ 0
	h := new(big.Rat).Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(h.Num(), h.Denom())
	if !q.IsInt64() {
		return 0, fmt.Errorf("interest: total out of range")
	}
	return hu.Forint(q.Int64()), nil
}

// mulFits returns a·b·c when it fits in an int64 (all three non-negative).
func mulFits(a, b, c int64) (int64, bool) {
	if a < 0 || b < 0 || c < 0 {
		return 0, false
	}
	if a != 0 && b > math.MaxInt64/a {
		return 0, false
	}
	ab := a * b
	if ab != 0 && c > math.MaxInt64/ab {
		return 0, false
	}
	return ab * c, true
}
