package hu

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// The working-day calendar.
//
// Hungarian working days are Monday–Friday, except
//   - munkaszüneti nap: public holidays (Munka törvénykönyve 102. §),
//   - áthelyezett pihenőnap: a weekday turned into a rest day by the yearly
//     ministerial decree on working-day swaps, and
//   - áthelyezett munkanap: the Saturday worked in exchange, which is a
//     working day.
//
// The table comes from data/munkaszuneti_napok.csv (python-holidays' HU
// snapshot, 1950–2050). Swaps are decreed one year at a time, so years after
// CalendarCoverage().SwapsKnownThrough have holidays but no swaps; check the
// decree before relying on them. Years outside the table fall back to the
// holidays of the current law, computed (Easter by the Gregorian computus).

// DayKind classifies a date in the working-day calendar.
type DayKind int

// The kinds of day.
const (
	Workday        DayKind = iota // munkanap: Monday–Friday, not a holiday
	WeekendRestDay                // pihenőnap: an ordinary Saturday or Sunday
	PublicHoliday                 // munkaszüneti nap (also when on a weekend)
	SwappedRestDay                // áthelyezett pihenőnap: a weekday off
	SwappedWorkday                // áthelyezett munkanap: a Saturday worked
)

// String returns the Hungarian term for the kind.
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "munkanap"
	case WeekendRestDay:
		return "pihenőnap"
	case PublicHoliday:
		return "munkaszüneti nap"
	case SwappedRestDay:
		return "áthelyezett pihenőnap"
	case SwappedWorkday:
		return "áthelyezett munkanap"
	}
	return "ismeretlen"
}

// IsWorking reports whether a day of this kind is a working day.
func (k DayKind) IsWorking() bool { return k == Workday || k == SwappedWorkday }

// DayInfo describes one date of the calendar.
type DayInfo struct {
	Date Date
	Kind DayKind
	HU   string // Hungarian name of the holiday or swap; "" for plain days
	EN   string // English name, as in the source data
	Pair Date   // for swaps: the other day of the swap; zero otherwise
}

// calendarEntry is a special (non-ordinary) day in the table.
type calendarEntry struct {
	kind   DayKind
	hu, en string
	pair   int64 // day number of the paired date, for swaps
}

// Calendar is a working-day calendar. The package-level functions use the
// one built from the embedded table; ParseCalendarCSV builds one from a newer
// table. The zero Calendar knows only the computed holidays of the current
// law, and no swaps.
type Calendar struct {
	special      map[int64]calendarEntry // by day number
	firstYear    int                     // first year of the table
	lastYear     int                     // last year of the table
	firstDay     int64                   // day number of 1 January firstYear
	lastDay      int64                   // day number of 31 December lastYear
	swapsThrough int                     // last year with a decreed swap
}

// Coverage says which years a Calendar knows from its table.
type Coverage struct {
	FirstYear         int // first year with data
	LastYear          int // last year with data (holidays)
	SwapsKnownThrough int // last year whose working-day swaps are in the data
}

//go:embed data/munkaszuneti_napok.csv
var holidaysCSV []byte

// defaultCalendar parses the embedded table once.
var defaultCalendar = sync.OnceValues(func() (*Calendar, error) {
	return ParseCalendarCSV(holidaysCSV)
})

// rulesOnlyCalendar has no table: every year uses the computed holidays.
var rulesOnlyCalendar = &Calendar{}

// LoadCalendar returns the calendar built from the embedded table, or the
// error that prevented reading it.
func LoadCalendar() (*Calendar, error) { return defaultCalendar() }

// cal returns the embedded calendar, or — only if the embedded file were
// broken, which the tests rule out — one with computed holidays only.
func cal() *Calendar {
	c, err := defaultCalendar()
	if err != nil {
		return rulesOnlyCalendar
	}
	return c
}

// ParseCalendarCSV builds a Calendar from a table in the format of
// data/munkaszuneti_napok.csv (header datum,tipus,megnevezes,parja). Use
// it to load a newer table when a new swap decree is published. The table
// is authoritative for every year from its first to its last row, so it
// must list all holidays of those years, not only the swaps; other years
// get the computed holidays.
func ParseCalendarCSV(data []byte) (*Calendar, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 4
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("holiday table: %w", err)
	}
	if strings.Join(header, ",") != "datum,tipus,megnevezes,parja" {
		return nil, fmt.Errorf("holiday table: unexpected header %q", header)
	}
	c := &Calendar{special: map[int64]calendarEntry{}}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("holiday table: %w", err)
		}
		d, err := ParseDate(rec[0])
		if err != nil {
			return nil, fmt.Errorf("holiday table line %d: bad date %q", line, rec[0])
		}
		e := calendarEntry{en: rec[2]}
		switch rec[1] {
		case "munkaszuneti_nap":
			e.kind = PublicHoliday
			e.hu = holidayNameHU(d, rec[2])
		case "athelyezett_pihenonap":
			e.kind = SwappedRestDay
			e.hu = "Áthelyezett pihenőnap"
		case "athelyezett_munkanap":
			e.kind = SwappedWorkday
			e.hu = "Áthelyezett munkanap"
		default:
			return nil, fmt.Errorf("holiday table line %d: unknown type %q", line, rec[1])
		}
		if e.kind != PublicHoliday {
			p, err := ParseDate(rec[3])
			if err != nil {
				return nil, fmt.Errorf("holiday table line %d: swap without a valid pair date", line)
			}
			e.pair = p.dayNumber()
			wd := d.Weekday()
			weekend := wd == time.Saturday || wd == time.Sunday
			if (e.kind == SwappedWorkday) != weekend {
				return nil, fmt.Errorf("holiday table line %d: %s on a %s", line, e.kind, wd)
			}
			if d.Year > c.swapsThrough {
				c.swapsThrough = d.Year
			}
		}
		n := d.dayNumber()
		if _, dup := c.special[n]; dup {
			return nil, fmt.Errorf("holiday table line %d: %s listed twice", line, d)
		}
		c.special[n] = e
		if c.firstYear == 0 || d.Year < c.firstYear {
			c.firstYear = d.Year
		}
		if d.Year > c.lastYear {
			c.lastYear = d.Year
		}
	}
	if len(c.special) == 0 {
		return nil, fmt.Errorf("holiday table: no rows")
	}
	c.firstDay = Date{c.firstYear, time.January, 1}.dayNumber()
	c.lastDay = Date{c.lastYear, time.December, 31}.dayNumber()
	// Each swap must name a partner that names it back.
	for n, e := range c.special {
		if e.kind == PublicHoliday {
			continue
		}
		p, ok := c.special[e.pair]
		if !ok || p.pair != n || p.kind == e.kind || p.kind == PublicHoliday {
			return nil, fmt.Errorf("holiday table: swap on %s has no matching pair", dateFromDayNumber(n))
		}
	}
	return c, nil
}

// Coverage reports which years the calendar's table covers.
func (c *Calendar) Coverage() Coverage {
	return Coverage{FirstYear: c.firstYear, LastYear: c.lastYear, SwapsKnownThrough: c.swapsThrough}
}

// CalendarCoverage reports which years the embedded table covers. Dates in
// years after SwapsKnownThrough may still get a swap by a later decree.
func CalendarCoverage() Coverage { return cal().Coverage() }

// Day describes d: its kind and, for holidays and swaps, names and pair.
func (c *Calendar) Day(d Date) DayInfo {
	n := d.dayNumber()
	info := DayInfo{Date: dateFromDayNumber(n)} // normalises e.g. Feb 30
	if e, ok := c.entry(n); ok {
		info.Kind, info.HU, info.EN = e.kind, e.hu, e.en
		if e.kind == SwappedRestDay || e.kind == SwappedWorkday {
			info.Pair = dateFromDayNumber(e.pair)
		}
		return info
	}
	if isWeekend(n) {
		info.Kind = WeekendRestDay
	} else {
		info.Kind = Workday
	}
	return info
}

// entry looks up day number n in the table, or in the computed holidays
// for years the table does not cover.
func (c *Calendar) entry(n int64) (calendarEntry, bool) {
	if c.special != nil && n >= c.firstDay && n <= c.lastDay {
		e, ok := c.special[n]
		return e, ok
	}
	return ruleHoliday(dateFromDayNumber(n))
}

// isWeekend reports whether day number n is a Saturday or Sunday.
func isWeekend(n int64) bool {
	w := (n + 4) % 7 // day 0 (1970-01-01) was a Thursday
	if w < 0 {
		w += 7
	}
	return w == int64(time.Saturday) || w == int64(time.Sunday)
}

// working is IsWorkingDay on a day number, the hot path of the counting
// functions.
func (c *Calendar) working(n int64) bool {
	if e, ok := c.entry(n); ok {
		return e.kind.IsWorking()
	}
	return !isWeekend(n)
}

// IsWorkingDay reports whether d is a working day in this calendar.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.working(d.dayNumber()) }

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d Date) Date {
	n := d.dayNumber() + 1
	// No real calendar has more than a handful of rest days in a row; the
	// bound only guarantees termination.
	for i := 0; i < 60 && !c.working(n); i++ {
		n++
	}
	return dateFromDayNumber(n)
}

// MaxWorkingDaySpan bounds the n of AddWorkingDays and the span of
// WorkingDaysBetween (in calendar days), so that a bad input cannot keep a
// request busy: about 400 years.
const MaxWorkingDaySpan = 146097

var calendarSubject = subject{"munkanap", "A munkanap-számítás", "The working-day calculation"}

// errSpan reports an n or span beyond MaxWorkingDaySpan.
func errSpan() *ValidationError {
	return calendarSubject.err(CodeRange,
		"A munkanap-számítás legfeljebb kb. 400 évet fog át.",
		"The working-day calculation spans at most about 400 years.")
}

// AddWorkingDays returns the n-th working day after d (n > 0) or before d
// (n < 0); d itself is never counted. n = 0 returns d (normalised).
func (c *Calendar) AddWorkingDays(d Date, n int) (Date, error) {
	if n > MaxWorkingDaySpan || n < -MaxWorkingDaySpan {
		return Date{}, errSpan()
	}
	day := d.dayNumber()
	step := int64(1)
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		day += step
		if c.working(day) {
			n--
		}
	}
	return dateFromDayNumber(day), nil
}

// WorkingDaysBetween counts the working days after a up to and including b.
// If b is before a the result is negative: minus the working days from b up
// to but not including a. So AddWorkingDays(a, n) == b implies
// WorkingDaysBetween(a, b) == n.
func (c *Calendar) WorkingDaysBetween(a, b Date) (int, error) {
	from, to := a.dayNumber(), b.dayNumber()
	span := to - from
	if span > MaxWorkingDaySpan || span < -MaxWorkingDaySpan {
		return 0, errSpan()
	}
	count := 0
	for n := from + 1; n <= to; n++ { // (a, b] when b is later
		if c.working(n) {
			count++
		}
	}
	for n := to; n < from; n++ { // [b, a) when b is earlier
		if c.working(n) {
			count--
		}
	}
	return count, nil
}

// DeadlineEnd returns the last day of a deadline of days calendar days
// starting from start, by the general rule of Ákr. (2016. évi CL. törvény)
// 52. §: the day of the triggering event is not counted, so the deadline
// ends on start + days; and if that day is not a working day, the deadline
// ends on the next working day. A non-working Saturday counts as a rest day
// here, and a swapped working Saturday as a working day.
//
// This is the rule for deadlines a client (ügyfél) must meet, and matches
// court practice for procedural deadlines. It is not for the authority's own
// ügyintézési határidő, which the Ákr. treats as a substantive deadline that
// expires even on a rest day. Deadlines set in months or years, and special
// rules of other acts (e.g. the tax procedure act), need their own handling.
func (c *Calendar) DeadlineEnd(start Date, days int) Date {
	end := start.AddDays(days)
	if c.IsWorkingDay(end) {
		return end
	}
	return c.NextWorkingDay(end)
}

// HolidayName returns the Hungarian name of the public holiday on d, and
// false if d is not a public holiday.
func (c *Calendar) HolidayName(d Date) (string, bool) {
	info := c.Day(d)
	if info.Kind != PublicHoliday {
		return "", false
	}
	return info.HU, true
}

// HolidayNameEN returns the English name of the public holiday on d, and
// false if d is not a public holiday.
func (c *Calendar) HolidayNameEN(d Date) (string, bool) {
	info := c.Day(d)
	if info.Kind != PublicHoliday {
		return "", false
	}
	return info.EN, true
}

// Package-level shortcuts on the embedded calendar.

// Day describes d in the embedded calendar.
func Day(d Date) DayInfo { return cal().Day(d) }

// IsWorkingDay reports whether d is a working day (munkanap).
func IsWorkingDay(d Date) bool { return cal().IsWorkingDay(d) }

// NextWorkingDay returns the first working day strictly after d.
func NextWorkingDay(d Date) Date { return cal().NextWorkingDay(d) }

// AddWorkingDays returns the n-th working day after (n > 0) or before
// (n < 0) d; see Calendar.AddWorkingDays.
func AddWorkingDays(d Date, n int) (Date, error) { return cal().AddWorkingDays(d, n) }

// WorkingDaysBetween counts working days after a up to and including b;
// see Calendar.WorkingDaysBetween.
func WorkingDaysBetween(a, b Date) (int, error) { return cal().WorkingDaysBetween(a, b) }

// DeadlineEnd applies the Ákr. 52. § rule; see Calendar.DeadlineEnd.
func DeadlineEnd(start Date, days int) Date { return cal().DeadlineEnd(start, days) }

// HolidayName returns the Hungarian name of the public holiday on d.
func HolidayName(d Date) (string, bool) { return cal().HolidayName(d) }

// HolidayNameEN returns the English name of the public holiday on d.
func HolidayNameEN(d Date) (string, bool) { return cal().HolidayNameEN(d) }
