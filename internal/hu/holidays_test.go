package hu

import (
	"strings"
	"testing"
	"time"
)

func TestHolidayNameHU(t *testing.T) {
	tests := []struct {
		date Date
		en   string
		want string
	}{
		{d(2024, time.March, 15), "National Day", "Nemzeti ünnep"},
		{d(2024, time.October, 23), "National Day", "Nemzeti ünnep (okt. 23.)"},
		{d(2024, time.May, 19), "Pentecost", "Pünkösd"},
		{d(1983, time.April, 4), "Easter Monday; Liberation Day", "Húsvéthétfő; A felszabadulás ünnepe"},
		{d(2024, time.June, 1), "Some New Day", "Some New Day"}, // unknown names are kept
	}
	for _, tt := range tests {
		if got := holidayNameHU(tt.date, tt.en); got != tt.want {
			t.Errorf("holidayNameHU(%v, %q) = %q, want %q", tt.date, tt.en, got, tt.want)
		}
	}
}

func TestEasterSunday(t *testing.T) {
	tests := map[int]Date{
		2024: d(2024, time.March, 31), 2025: d(2025, time.April, 20), 2038: d(2038, time.April, 25),
		2285: d(2285, time.March, 22), 1818: d(1818, time.March, 22), 1943: d(1943, time.April, 25),
		2051: d(2051, time.April, 2),
	}
	for y, want := range tests {
		if got := easterSunday(y); got != want {
			t.Errorf("easterSunday(%d) = %v, want %v", y, got, want)
		}
	}
}

func TestRuleHolidayOutsideRange(t *testing.T) {
	// Before the Gregorian reform no Easter-based day is computed; fixed
	// days still are. Nothing may panic for odd years.
	if _, ok := ruleHoliday(d(1000, time.April, 1)); ok {
		t.Error("Easter-based holiday computed for 1000")
	}
	if e, ok := ruleHoliday(d(-5, time.January, 1)); !ok || e.hu != "Újév" {
		t.Errorf("1 January of year -5: %+v %v", e, ok)
	}
	_, _ = ruleHoliday(d(1<<40, time.April, 1))
}

// TestEveryHolidayHasHungarianName makes sure the name table covers every
// holiday name of the embedded data.
func TestEveryHolidayHasHungarianName(t *testing.T) {
	c, err := LoadCalendar()
	if err != nil {
		t.Fatal(err)
	}
	for n, e := range c.special {
		if e.kind != PublicHoliday {
			continue
		}
		for _, part := range strings.Split(e.hu, "; ") {
			if _, untranslated := holidayHU[part]; untranslated || part == "National Day" || part == "" {
				t.Errorf("%s: holiday %q has no Hungarian name", dateFromDayNumber(n), e.en)
			}
		}
	}
}

// TestRulesMatchTable compares the computed holidays (used beyond the table)
// with the table for every year since Good Friday became a holiday.
func TestRulesMatchTable(t *testing.T) {
	c, err := LoadCalendar()
	if err != nil {
		t.Fatal(err)
	}
	for day := d(2017, time.January, 1); day.Year <= 2050; day = day.AddDays(1) {
		table, inTable := c.special[day.dayNumber()]
		isHoliday := inTable && table.kind == PublicHoliday
		rule, ok := ruleHoliday(day)
		if ok != isHoliday || (ok && rule.en != table.en) {
			t.Errorf("%v: table %q (%v), rule %q (%v)", day, table.en, isHoliday, rule.en, ok)
		}
	}
}
