package interest

import (
	"errors"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

func d(s string) hu.Date {
	v, err := hu.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestDailyRate(t *testing.T) {
	for bp, want := range map[int64]int64{650: 31, 290: 21, 340: 23, 1300: 49, 0: 13, 90: 16} {
		if got := DailyMilli(bp); got != want {
			t.Errorf("DailyMilli(%d) = %d, want %d", bp, got, want)
		}
	}
}

// The worked examples of the domain brief, §A.7 and §A.8.
func TestWorkedExamples(t *testing.T) {
	// 1. 150,000 Ft due Monday 2025-09-15, credited 2025-11-14, base rate
	// 6.50 %: 0.031 % a day for 60 days.
	r, err := Late(150_000, d("2025-09-15"), d("2025-11-14"), []Payment{{On: d("2025-11-14"), Amount: 150_000}})
	if err != nil || r.Total != 2790 || len(r.Segments) != 1 || r.Segments[0].Days != 60 || r.Segments[0].DailyMilli != 31 || r.Moved {
		t.Errorf("example 1: %+v, %v", r, err)
	}
	// 2. 100,000 Ft due 2022-02-15, paid 2022-03-02: 7 days at 0.021 %
	// (base 2.90 %) and 8 days at 0.023 % (3.40 % from 2022-02-23).
	r, err = Late(100_000, d("2022-02-15"), d("2022-03-02"), []Payment{{On: d("2022-03-02"), Amount: 100_000}})
	if err != nil || r.Total != 331 || len(r.Segments) != 2 || r.Segments[0].Days != 7 || r.Segments[1].Days != 8 {
		t.Errorf("example 2: %+v, %v", r, err)
	}
	// 3. Self-revision of 200,000 Ft: due Saturday 2025-05-31, moved to
	// Monday 2 June; filed 2025-09-30: 120 days at half of 0.031 %.
	r, err = SelfRevision(200_000, d("2025-05-31"), d("2025-09-30"), false)
	if err != nil || r.Total != 3720 || !r.Moved || r.Start != d("2025-06-03") || r.Segments[0].Days != 120 {
		t.Errorf("example 3: %+v, %v", r, err)
	}
}

func TestPartPaymentsAndEdges(t *testing.T) {
	// Half paid on 2025-10-15: 150,000 for Sep 16 – Oct 15 (30 days), then
	// 75,000 for Oct 16 – Nov 14 (30 days): 1,395 + 697.5 = 2,092.5 → 2,093.
	r, err := Late(150_000, d("2025-09-15"), d("2025-11-14"), []Payment{{On: d("2025-11-14"), Amount: 75_000}, {On: d("2025-10-15"), Amount: 75_000}})
	if err != nil || r.Total != 2093 || len(r.Segments) != 2 || r.Segments[0].Days != 30 || r.Segments[1].Outstanding != 75_000 {
		t.Errorf("part payment: %+v, %v", r, err)
	}
	// Paid on the due date (or before): nothing.
	if r, err := Late(150_000, d("2025-09-15"), d("2025-09-15"), []Payment{{On: d("2025-09-15"), Amount: 150_000}}); err != nil || r.Total != 0 || len(r.Segments) != 0 {
		t.Errorf("on time: %+v, %v", r, err)
	}
	// Due on a rest day, paid the next working day: on time.
	if r, err := Late(150_000, d("2025-05-31"), d("2025-06-02"), nil); err != nil || r.Total != 0 || !r.Moved {
		t.Errorf("moved due date: %+v, %v", r, err)
	}
	// Still unpaid: interest up to the day asked for.
	if r, err := Late(150_000, d("2025-09-15"), d("2025-09-16"), nil); err != nil || r.Total != 47 { // 46.5 → 47
		t.Errorf("one day unpaid: %+v, %v", r, err)
	}
	// A repeated self-revision: 75 %.
	if r, err := SelfRevision(200_000, d("2025-05-31"), d("2025-09-30"), true); err != nil || r.Total != 5580 {
		t.Errorf("repeated self-revision: %+v, %v", r, err)
	}
	var p *Problem
	for name, err := range map[string]error{
		"zero amount":   second(Late(0, d("2025-09-15"), d("2025-11-14"), nil)),
		"overpaid":      second(Late(100, d("2025-09-15"), d("2025-11-14"), []Payment{{On: d("2025-10-01"), Amount: 101}})),
		"payment after": second(Late(100, d("2025-09-15"), d("2025-11-14"), []Payment{{On: d("2025-12-01"), Amount: 1}})),
		"negative pay":  second(Late(100, d("2025-09-15"), d("2025-11-14"), []Payment{{On: d("2025-10-01"), Amount: -1}})),
		"sixteen years": second(Late(100, d("2009-01-01"), d("2025-11-14"), nil)),
		"invalid date":  second(Late(100, hu.Date{}, d("2025-11-14"), nil)),
	} {
		if !errors.As(err, &p) || p.HU == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func second(_ Result, err error) error { return err }

// The sum of the segments' exact parts, rounded, is the total, and the
// days add up to the span, whatever the payments.
func FuzzLate(f *testing.F) {
	f.Add(int64(150_000), 60, int64(75_000), 30)
	f.Add(int64(1), 1, int64(1), 0)
	f.Fuzz(func(t *testing.T, amount int64, days int, part int64, partDay int) {
		if amount <= 0 || amount > 1e12 || days < 0 || days > 2000 || part <= 0 || part > amount || partDay < 0 || partDay > days {
			return
		}
		due := d("2023-03-15")
		through := due.AddDays(days)
		r, err := Late(hu.Forint(amount), due, through, []Payment{{On: due.AddDays(partDay), Amount: hu.Forint(part)}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range r.Segments {
			n += s.Days
			if s.Days != s.To.DaysSince(s.From)+1 || s.Outstanding <= 0 {
				t.Fatalf("segment %+v", s)
			}
		}
		if n > days {
			t.Fatalf("%d days counted in a span of %d", n, days)
		}
		if r.Total < 0 {
			t.Fatalf("negative interest %d", r.Total)
		}
	})
}
