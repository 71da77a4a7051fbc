package hu

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"
)

// d is shorthand for a date literal in tests.
func d(y int, m time.Month, day int) Date { return Date{y, m, day} }

func TestEmbeddedCalendarParses(t *testing.T) {
	c, err := LoadCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Coverage(); got != (Coverage{FirstYear: 1950, LastYear: 2050, SwapsKnownThrough: 2026}) {
		t.Errorf("Coverage() = %+v", got)
	}
	if CalendarCoverage() != c.Coverage() {
		t.Error("CalendarCoverage differs from LoadCalendar().Coverage()")
	}
}

func TestDayKinds(t *testing.T) {
	tests := []struct {
		date    Date
		kind    DayKind
		hu      string
		pair    Date
		working bool
	}{
		// 2024: Aug 3 (Saturday) was worked in exchange for Monday Aug 19.
		{d(2024, time.August, 3), SwappedWorkday, "Áthelyezett munkanap", d(2024, time.August, 19), true},
		{d(2024, time.August, 19), SwappedRestDay, "Áthelyezett pihenőnap", d(2024, time.August, 3), false},
		{d(2024, time.August, 20), PublicHoliday, "Államalapítás ünnepe", Date{}, false},
		{d(2024, time.August, 10), WeekendRestDay, "", Date{}, false}, // ordinary Saturday
		{d(2024, time.August, 21), Workday, "", Date{}, true},
		{d(2024, time.December, 7), SwappedWorkday, "Áthelyezett munkanap", d(2024, time.December, 24), true},
		{d(2024, time.December, 14), SwappedWorkday, "Áthelyezett munkanap", d(2024, time.December, 27), true},
		{d(2024, time.December, 24), SwappedRestDay, "Áthelyezett pihenőnap", d(2024, time.December, 7), false},
		{d(2024, time.December, 25), PublicHoliday, "Karácsony", Date{}, false},
		{d(2024, time.December, 26), PublicHoliday, "Karácsony másnapja", Date{}, false},
		{d(2025, time.May, 2), SwappedRestDay, "Áthelyezett pihenőnap", d(2025, time.May, 17), false},
		{d(2025, time.May, 17), SwappedWorkday, "Áthelyezett munkanap", d(2025, time.May, 2), true},
		{d(2025, time.May, 1), PublicHoliday, "A munka ünnepe", Date{}, false},
		{d(2024, time.March, 15), PublicHoliday, "Nemzeti ünnep", Date{}, false},
		{d(2024, time.October, 23), PublicHoliday, "Nemzeti ünnep (okt. 23.)", Date{}, false},
		{d(2024, time.March, 31), PublicHoliday, "Húsvét", Date{}, false}, // a Sunday
		{d(2024, time.April, 1), PublicHoliday, "Húsvéthétfő", Date{}, false},
		{d(2024, time.May, 20), PublicHoliday, "Pünkösdhétfő", Date{}, false},
		{d(2024, time.January, 1), PublicHoliday, "Újév", Date{}, false},
		{d(2024, time.November, 1), PublicHoliday, "Mindenszentek", Date{}, false},
		// Good Friday is a holiday only from 2017.
		{d(2016, time.March, 25), Workday, "", Date{}, true},
		{d(2017, time.April, 14), PublicHoliday, "Nagypéntek", Date{}, false},
		// 2026 swaps (the last decreed year in the data).
		{d(2026, time.January, 2), SwappedRestDay, "Áthelyezett pihenőnap", d(2026, time.January, 10), false},
		{d(2026, time.January, 10), SwappedWorkday, "Áthelyezett munkanap", d(2026, time.January, 2), true},
		// Historical holidays keep their names.
		{d(1985, time.November, 7), PublicHoliday, "A Nagy Októberi Szocialista Forradalom ünnepe", Date{}, false},
		{d(1960, time.April, 4), PublicHoliday, "A felszabadulás ünnepe", Date{}, false},
		// Beyond the table: computed holidays (Easter 2051 is April 2).
		{d(2051, time.March, 31), PublicHoliday, "Nagypéntek", Date{}, false},
		{d(2051, time.April, 3), PublicHoliday, "Húsvéthétfő", Date{}, false},
		{d(2051, time.May, 22), PublicHoliday, "Pünkösdhétfő", Date{}, false},
		{d(2051, time.December, 25), PublicHoliday, "Karácsony", Date{}, false},
		{d(2051, time.December, 27), Workday, "", Date{}, true},
		// A hand-built overflowing date is normalised: 2024-08-32 is Sept 1.
		{d(2024, time.August, 32), WeekendRestDay, "", Date{}, false},
	}
	for _, tt := range tests {
		info := Day(tt.date)
		if info.Kind != tt.kind || info.HU != tt.hu || info.Pair != tt.pair {
			t.Errorf("Day(%v) = %v %q pair %v; want %v %q pair %v",
				tt.date, info.Kind, info.HU, info.Pair, tt.kind, tt.hu, tt.pair)
		}
		if IsWorkingDay(tt.date) != tt.working {
			t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.date, !tt.working, tt.working)
		}
		name, ok := HolidayName(tt.date)
		if ok != (tt.kind == PublicHoliday) || (ok && name != tt.hu) {
			t.Errorf("HolidayName(%v) = %q, %v", tt.date, name, ok)
		}
	}
	if en, ok := HolidayNameEN(d(2024, time.August, 20)); !ok || en != "State Foundation Day" {
		t.Errorf("HolidayNameEN = %q, %v", en, ok)
	}
	if _, ok := HolidayNameEN(d(2024, time.August, 21)); ok {
		t.Error("HolidayNameEN on a working day")
	}
	if got := Day(d(1960, time.April, 18)).HU; got != "Húsvéthétfő" {
		t.Errorf("1960-04-18 = %q", got)
	}
	if got := Day(d(1955, time.April, 4)).HU; got != "A felszabadulás ünnepe" {
		t.Errorf("1955-04-04 = %q", got)
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		from Date
		n    int
		want Date
	}{
		{d(2024, time.December, 20), 1, d(2024, time.December, 23)},
		// Dec 24 swapped rest, 25–26 holidays, 27 swapped rest, 28–29 weekend.
		{d(2024, time.December, 20), 2, d(2024, time.December, 30)},
		{d(2024, time.December, 13), 1, d(2024, time.December, 14)}, // working Saturday
		{d(2024, time.December, 30), -1, d(2024, time.December, 23)},
		{d(2024, time.December, 16), -1, d(2024, time.December, 14)},
		{d(2024, time.August, 2), 1, d(2024, time.August, 3)},
		{d(2024, time.August, 16), 1, d(2024, time.August, 21)}, // 19 swapped, 20 holiday
		{d(2025, time.April, 17), 1, d(2025, time.April, 22)},   // Easter weekend
		{d(2024, time.August, 10), 0, d(2024, time.August, 10)},
		{d(2024, time.January, 1), 251, d(2024, time.December, 31)},
	}
	for _, tt := range tests {
		got, err := AddWorkingDays(tt.from, tt.n)
		if err != nil || got != tt.want {
			t.Errorf("AddWorkingDays(%v, %d) = %v, %v; want %v", tt.from, tt.n, got, err, tt.want)
		}
	}
	if _, err := AddWorkingDays(d(2024, 1, 1), MaxWorkingDaySpan+1); err == nil {
		t.Error("AddWorkingDays accepted a huge n")
	}
	if _, err := AddWorkingDays(d(2024, 1, 1), -MaxWorkingDaySpan-1); err == nil {
		t.Error("AddWorkingDays accepted a huge negative n")
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		a, b Date
		want int
	}{
		// 2024: 262 weekdays, 11 holidays on weekdays, 3 swapped rest days
		// and 3 worked Saturdays: 262 − 11 − 3 + 3 = 251.
		{d(2023, time.December, 31), d(2024, time.December, 31), 251},
		// Backwards the interval is [b, a): all of 2024 again.
		{d(2025, time.January, 1), d(2024, time.January, 1), -251},
		{d(2024, time.December, 20), d(2024, time.December, 30), 2},
		{d(2024, time.December, 30), d(2024, time.December, 20), -2},
		{d(2024, time.August, 10), d(2024, time.August, 10), 0},
		{d(2024, time.August, 2), d(2024, time.August, 3), 1},
	}
	for _, tt := range tests {
		got, err := WorkingDaysBetween(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("WorkingDaysBetween(%v, %v) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := WorkingDaysBetween(d(1, 1, 1), d(9999, 1, 1)); err == nil {
		t.Error("WorkingDaysBetween accepted a 10,000-year span")
	}
}

func TestNextWorkingDay(t *testing.T) {
	tests := []struct{ from, want Date }{
		{d(2024, time.December, 23), d(2024, time.December, 30)},
		{d(2024, time.December, 13), d(2024, time.December, 14)},
		{d(2024, time.August, 9), d(2024, time.August, 12)},
	}
	for _, tt := range tests {
		if got := NextWorkingDay(tt.from); got != tt.want {
			t.Errorf("NextWorkingDay(%v) = %v, want %v", tt.from, got, tt.want)
		}
	}
}

func TestDeadlineEnd(t *testing.T) {
	tests := []struct {
		start Date
		days  int
		want  Date
	}{
		// Ends on a working day: unchanged.
		{d(2024, time.December, 2), 8, d(2024, time.December, 10)},
		// Ends on a swapped rest day, then holidays, swap and weekend.
		{d(2024, time.December, 9), 15, d(2024, time.December, 30)},
		// Ends on a worked Saturday: that Saturday is the last day.
		{d(2024, time.November, 29), 15, d(2024, time.December, 14)},
		// Ends on an ordinary Saturday: moves to Monday.
		{d(2024, time.July, 26), 15, d(2024, time.August, 12)},
		// Ends on Good Friday: Easter weekend and Monday follow.
		{d(2025, time.April, 17), 1, d(2025, time.April, 22)},
		// Zero days: the start day itself, if it is a working day.
		{d(2024, time.August, 21), 0, d(2024, time.August, 21)},
	}
	for _, tt := range tests {
		if got := DeadlineEnd(tt.start, tt.days); got != tt.want {
			t.Errorf("DeadlineEnd(%v, %d) = %v, want %v", tt.start, tt.days, got, tt.want)
		}
	}
}

func TestDayKindString(t *testing.T) {
	for k, want := range map[DayKind]string{
		Workday: "munkanap", WeekendRestDay: "pihenőnap", PublicHoliday: "munkaszüneti nap",
		SwappedRestDay: "áthelyezett pihenőnap", SwappedWorkday: "áthelyezett munkanap", DayKind(99): "ismeretlen",
	} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
}

func TestParseCalendarCSVErrors(t *testing.T) {
	const h = "datum,tipus,megnevezes,parja\n"
	tests := map[string]string{
		"empty":           "",
		"bad header":      "date,type,name,pair\n2024-01-01,munkaszuneti_nap,New Year's Day,\n",
		"no rows":         h,
		"bad date":        h + "2024-13-01,munkaszuneti_nap,X,\n",
		"unknown type":    h + "2024-01-01,unnep,X,\n",
		"duplicate":       h + "2024-01-01,munkaszuneti_nap,X,\n2024-01-01,munkaszuneti_nap,X,\n",
		"swap no pair":    h + "2024-08-19,athelyezett_pihenonap,X,\n",
		"swap one-sided":  h + "2024-08-19,athelyezett_pihenonap,X,2024-08-03\n",
		"workday weekday": h + "2024-08-19,athelyezett_munkanap,X,2024-08-03\n2024-08-03,athelyezett_pihenonap,X,2024-08-19\n",
		"wrong columns":   h + "2024-01-01,munkaszuneti_nap\n",
		"bad quote":       h + "2024-01-01,\"munkaszuneti_nap,X,\n",
	}
	for name, data := range tests {
		if _, err := ParseCalendarCSV([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := h + "2024-08-03,athelyezett_munkanap,W,2024-08-19\n2024-08-19,athelyezett_pihenonap,R,2024-08-03\n"
	c, err := ParseCalendarCSV([]byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkingDay(d(2024, time.August, 3)) || c.IsWorkingDay(d(2024, time.August, 19)) {
		t.Error("custom table not applied")
	}
}

// TestEmbeddedCalendarMatchesCSV re-reads the CSV and checks every row.
func TestEmbeddedCalendarMatchesCSV(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(holidaysCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]DayKind{
		"munkaszuneti_nap": PublicHoliday, "athelyezett_pihenonap": SwappedRestDay, "athelyezett_munkanap": SwappedWorkday,
	}
	swaps := 0
	for _, row := range rows[1:] {
		day, err := ParseDate(row[0])
		if err != nil {
			t.Fatal(err)
		}
		info := Day(day)
		if info.Kind != want[row[1]] || info.EN != row[2] {
			t.Errorf("%s: got %v %q, want %s %q", row[0], info.Kind, info.EN, row[1], row[2])
		}
		if row[1] == "athelyezett_munkanap" {
			swaps++
		}
	}
	if swaps != 82 {
		t.Errorf("%d swaps, README says 82", swaps)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	start := d(2024, time.December, 2)
	for b.Loop() {
		_, _ = AddWorkingDays(start, 30)
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	day := d(2024, time.December, 24)
	for b.Loop() {
		_ = IsWorkingDay(day)
	}
}

// FuzzWorkingDays checks that AddWorkingDays and WorkingDaysBetween are
// inverse and land on working days.
func FuzzWorkingDays(f *testing.F) {
	f.Add(int32(0), int16(10))
	f.Add(int32(-9000), int16(-300))
	f.Add(int32(30000), int16(1))
	f.Fuzz(func(t *testing.T, offset int32, n int16) {
		start := d(2000, time.January, 1).AddDays(int(offset) % 60000)
		end, err := AddWorkingDays(start, int(n))
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 && !IsWorkingDay(end) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not a working day", start, n, end)
		}
		if got, err := WorkingDaysBetween(start, end); err != nil || got != int(n) {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, %v; want %d", start, end, got, err, n)
		}
		dl := DeadlineEnd(start, int(n))
		if !IsWorkingDay(dl) || dl.Before(start.AddDays(int(n))) {
			t.Fatalf("DeadlineEnd(%v, %d) = %v", start, n, dl)
		}
	})
}

func FuzzParseCalendarCSV(f *testing.F) {
	f.Add([]byte("datum,tipus,megnevezes,parja\n2024-01-01,munkaszuneti_nap,New Year's Day,\n"))
	f.Add(holidaysCSV[:2000])
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCalendarCSV(data)
		if err != nil {
			return
		}
		cov := c.Coverage()
		if cov.FirstYear > cov.LastYear {
			t.Fatalf("coverage %+v", cov)
		}
		day := d(cov.FirstYear, time.January, 1)
		_ = c.NextWorkingDay(day)
		_, _ = c.AddWorkingDays(day, 20)
	})
}

func TestZeroCalendar(t *testing.T) {
	var c Calendar
	tests := []struct {
		date    Date
		working bool
	}{
		{d(1970, time.January, 1), false}, // New Year's Day, computed
		{d(2024, time.August, 3), false},  // no swaps known: an ordinary Saturday
		{d(2024, time.August, 19), true},
		{d(2024, time.August, 20), false},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.date); got != tt.working {
			t.Errorf("zero Calendar IsWorkingDay(%v) = %v", tt.date, got)
		}
	}
	if c.Coverage() != (Coverage{}) {
		t.Errorf("zero Calendar coverage %+v", c.Coverage())
	}
}
