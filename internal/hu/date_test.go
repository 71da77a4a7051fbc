package hu

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		code string
	}{
		{"2024-08-03", Date{2024, time.August, 3}, ""},
		{" 2024-8-3 ", Date{2024, time.August, 3}, ""},
		{"2024.08.03.", Date{2024, time.August, 3}, ""},
		{"2024. 08. 03.", Date{2024, time.August, 3}, ""},
		{"2024. 8. 3", Date{2024, time.August, 3}, ""},
		{"2024-02-29", Date{2024, time.February, 29}, ""},
		{"0001-01-01", Date{1, time.January, 1}, ""},
		{"9999-12-31", Date{9999, time.December, 31}, ""},
		{"2023-02-29", Date{}, CodeRange},
		{"1900-02-29", Date{}, CodeRange},
		{"2024-13-01", Date{}, CodeRange},
		{"2024-00-10", Date{}, CodeRange},
		{"0000-01-01", Date{}, CodeRange},
		{"2024-04-31", Date{}, CodeRange},
		{"", Date{}, CodeEmpty},
		{"24-08-03", Date{}, CodeFormat},
		{"2024/08/03", Date{}, CodeFormat},
		{"2024-08-03T00:00", Date{}, CodeFormat},
		{"2024-0a-03", Date{}, CodeFormat},
		{"2024-+8-03", Date{}, CodeFormat},
		{"2024-08", Date{}, CodeFormat},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.code != "" {
			if ve, ok := err.(*ValidationError); !ok || ve.Code != tt.code {
				t.Errorf("ParseDate(%q) error = %v, want code %s", tt.in, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestDateFormatting(t *testing.T) {
	tests := []struct {
		d        Date
		iso, hun string
	}{
		{Date{2024, time.August, 3}, "2024-08-03", "2024. 08. 03."},
		{Date{1867, time.January, 1}, "1867-01-01", "1867. 01. 01."},
		{Date{5, time.December, 31}, "0005-12-31", "0005. 12. 31."},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.iso {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.iso)
		}
		if got := tt.d.HungarianString(); got != tt.hun {
			t.Errorf("%#v.HungarianString() = %q, want %q", tt.d, got, tt.hun)
		}
	}
}

// TestDateArithmeticMatchesTime checks our day-number arithmetic against the
// standard library over a wide range of dates.
func TestDateArithmeticMatchesTime(t *testing.T) {
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	base := Date{1600, time.January, 1}
	for i := 0; i < 200000; i += 7 {
		tm := start.AddDate(0, 0, i)
		want := Date{tm.Year(), tm.Month(), tm.Day()}
		got := base.AddDays(i)
		if got != want {
			t.Fatalf("AddDays(%d) = %v, want %v", i, got, want)
		}
		if got.Weekday() != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", got, got.Weekday(), tm.Weekday())
		}
		if n := got.DaysSince(base); n != i {
			t.Fatalf("%v.DaysSince(%v) = %d, want %d", got, base, n, i)
		}
	}
	// Negative days and a literal that overflows its month.
	if got := (Date{2024, time.March, 1}).AddDays(-1); got != (Date{2024, time.February, 29}) {
		t.Errorf("2024-03-01 minus 1 = %v", got)
	}
	if got := (Date{2023, time.February, 30}).AddDays(0); got != (Date{2023, time.March, 2}) {
		t.Errorf("2023-02-30 normalises to %v, want 2023-03-02", got)
	}
	if got := (Date{2023, 14, 1}).AddDays(0); got != (Date{2024, time.February, 1}) {
		t.Errorf("month 14 normalises to %v, want 2024-02-01", got)
	}
}

func TestDateCompare(t *testing.T) {
	a, b := Date{2024, time.December, 31}, Date{2025, time.January, 1}
	if !a.Before(b) || b.Before(a) || !b.After(a) || a.After(b) || a.Compare(a) != 0 {
		t.Error("Before/After/Compare disagree")
	}
	if (Date{}).IsValid() || !(Date{}).IsZero() || !a.IsValid() {
		t.Error("IsValid/IsZero wrong")
	}
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		instant time.Time
		want    Date
	}{
		// 23:30 UTC on New Year's Eve is already 00:30 in Budapest (CET).
		{time.Date(2024, 12, 31, 23, 30, 0, 0, time.UTC), Date{2025, time.January, 1}},
		// Summer time (CEST, UTC+2): 22:30 UTC is 00:30 next day.
		{time.Date(2024, 8, 2, 22, 30, 0, 0, time.UTC), Date{2024, time.August, 3}},
		{time.Date(2024, 8, 2, 21, 30, 0, 0, time.UTC), Date{2024, time.August, 2}},
	}
	for _, tt := range tests {
		if got := DateOf(tt.instant); got != tt.want {
			t.Errorf("DateOf(%v) = %v, want %v", tt.instant, got, tt.want)
		}
	}
	d := Date{2024, time.March, 31} // DST starts that night
	if got := DateOf(d.Time()); got != d {
		t.Errorf("DateOf(%v.Time()) = %v", d, got)
	}
	if Budapest().String() != "Europe/Budapest" {
		t.Errorf("Budapest() = %v", Budapest())
	}
}

func TestDateJSON(t *testing.T) {
	in := struct{ D Date }{Date{2024, time.August, 3}}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"D":"2024-08-03"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var out struct{ D Date }
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("Unmarshal = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"2024-02-30"}`), &out); err == nil {
		t.Error("Unmarshal accepted 2024-02-30")
	}
}

func TestDateExtremes(t *testing.T) {
	// Nothing here may panic; results only need to be deterministic.
	for _, d := range []Date{
		{1 << 62, 1, 1}, {-1 << 62, 1, 1}, {2024, 1 << 40, 1}, {2024, 1, 1 << 62}, {2024, 1, -1 << 62},
	} {
		_ = d.AddDays(1 << 62).String()
		_ = d.AddDays(-1 << 62).Weekday()
		_ = d.DaysSince(Date{2024, 1, 1})
		_ = IsWorkingDay(d)
		_ = DeadlineEnd(d, 1<<62)
		_, _ = AddWorkingDays(d, 10)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-08-03", "2024. 08. 03.", "2024.8.3", "", "9999-12-31", "2023-02-29", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		if !d.IsValid() {
			t.Fatalf("ParseDate(%q) = invalid %v", s, d)
		}
		for _, form := range []string{d.String(), d.HungarianString()} {
			back, err := ParseDate(form)
			if err != nil || back != d {
				t.Fatalf("round trip %q -> %v -> %q -> %v, %v", s, d, form, back, err)
			}
		}
		if got := dateFromDayNumber(d.dayNumber()); got != d {
			t.Fatalf("day number round trip %v -> %v", d, got)
		}
	})
}

// Compare's field-by-field path agrees with the day numbers, for dates in
// and out of their months.
func TestCompareAgreesWithDayNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	for i := 0; i < 200_000; i++ {
		d := Date{2000 + r.IntN(3), time.Month(r.IntN(15) - 1), r.IntN(34) - 1}
		e := Date{2000 + r.IntN(3), time.Month(r.IntN(15) - 1), r.IntN(34) - 1}
		if r.IntN(4) == 0 {
			e = d
		}
		want := 0
		switch a, b := d.dayNumber(), e.dayNumber(); {
		case a < b:
			want = -1
		case a > b:
			want = 1
		}
		if got := d.Compare(e); got != want {
			t.Fatalf("%#v.Compare(%#v) = %d, want %d", d, e, got, want)
		}
	}
}
