package hu

import (
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // so Europe/Budapest loads on machines without a zoneinfo database
)

// Date is a civil (calendar) date with no time of day and no time zone, the
// way deadlines, holidays and birth dates are stated in Hungarian law. We use
// it instead of time.Time because a time.Time at "midnight" silently changes
// day when converted between zones or across a DST change, and deadline
// arithmetic must never do that.
//
// The zero Date is not a valid date. Dates built with NewDate or ParseDate
// are valid and normalised; a Date literal with an out-of-range day (e.g.
// February 30) is treated like time.Date does, as the day it overflows to.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Limits of the year accepted by NewDate and ParseDate. Arithmetic beyond
// them does not panic, but such dates report IsValid() == false.
const (
	MinDateYear = 1
	MaxDateYear = 9999
)

// maxDayNumber bounds internal day numbers so that no arithmetic can
// overflow int64, whatever a caller passes (about ±2.9 billion years).
const maxDayNumber = 1 << 40

var dateSubject = subject{"datum", "A dátum", "The date"}

// NewDate returns the date y-m-d, or an error if it does not exist (e.g.
// 2023-02-29) or the year is outside MinDateYear..MaxDateYear.
func NewDate(year int, month time.Month, day int) (Date, error) {
	if year < MinDateYear || year > MaxDateYear {
		return Date{}, dateSubject.err(CodeRange,
			"Az év 1 és 9999 között lehet.", "The year must be between 1 and 9999.")
	}
	if month < time.January || month > time.December {
		return Date{}, dateSubject.err(CodeRange,
			"A hónap 1 és 12 között lehet.", "The month must be between 1 and 12.")
	}
	if day < 1 || day > daysIn(year, month) {
		return Date{}, dateSubject.err(CodeRange,
			"Ilyen nap nincs az adott hónapban.", "That day does not exist in the given month.")
	}
	return Date{year, month, day}, nil
}

// ParseDate parses an ISO date "2024-08-03" or the Hungarian written forms
// "2024.08.03.", "2024. 08. 03." and "2024. 8. 3." (trailing dot optional).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, dateSubject.errEmpty()
	}
	var parts []string
	if strings.Contains(s, "-") {
		parts = strings.Split(s, "-")
	} else {
		t := strings.TrimSuffix(s, ".")
		parts = strings.Split(t, ".")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
	}
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 ||
		len(parts[2]) < 1 || len(parts[2]) > 2 {
		return Date{}, dateSubject.err(CodeFormat,
			"A dátum formája ÉÉÉÉ-HH-NN vagy ÉÉÉÉ. HH. NN. legyen.",
			"The date must look like YYYY-MM-DD or YYYY. MM. DD.")
	}
	var n [3]int
	for i, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return Date{}, dateSubject.err(CodeFormat,
					"A dátum csak számjegyeket és elválasztókat tartalmazhat.",
					"The date may contain only digits and separators.")
			}
		}
		n[i], _ = strconv.Atoi(p) // cannot fail: at most 4 ASCII digits
	}
	return NewDate(n[0], time.Month(n[1]), n[2])
}

// budapest returns the Europe/Budapest location. The tzdata import makes the
// load succeed everywhere; the fixed-offset fallback only guards against a
// broken build and is right for winter time.
var budapest = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Budapest")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
})

// Budapest returns the Europe/Budapest time zone, the one the service uses
// to decide which civil day an instant belongs to.
func Budapest() *time.Location { return budapest() }

// DateOf returns the civil date of t in Europe/Budapest: an instant at
// 23:30 UTC on 31 December is already 1 January in Hungary.
func DateOf(t time.Time) Date {
	y, m, d := t.In(budapest()).Date()
	return Date{y, m, d}
}

// Today returns today's date in Europe/Budapest.
func Today() Date { return DateOf(time.Now()) }

// Time returns midnight at the start of d in Europe/Budapest.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, budapest())
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d is an existing date within MinDateYear..MaxDateYear.
func (d Date) IsValid() bool {
	_, err := NewDate(d.Year, d.Month, d.Day)
	return err == nil
}

// String formats d as ISO 8601, "2024-08-03". Years outside 0..9999 are
// written with as many digits as they need.
func (d Date) String() string {
	var b []byte
	y := d.Year
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, '-')
	b = appendPadded(b, d.Day, 2)
	return string(b)
}

// HungarianString formats d the Hungarian way, "2024. 08. 03.".
func (d Date) HungarianString() string {
	var b []byte
	b = appendPadded(b, d.Year, 4)
	b = append(b, ". "...)
	b = appendPadded(b, int(d.Month), 2)
	b = append(b, ". "...)
	b = appendPadded(b, d.Day, 2)
	b = append(b, '.')
	return string(b)
}

// appendPadded appends n (≥ 0 expected) zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		n = -n
		b = append(b, '-')
	}
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// MarshalText implements encoding.TextMarshaler (ISO form; empty for the
// zero Date, matching UnmarshalText).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using ParseDate. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddDays returns the date n calendar days after d (before it if n < 0).
func (d Date) AddDays(n int) Date {
	return dateFromDayNumber(d.dayNumber() + clampDays(int64(n)))
}

// DaysSince returns the number of calendar days from e to d (negative if d
// is earlier).
func (d Date) DaysSince(e Date) int {
	return int(d.dayNumber() - e.dayNumber())
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	// Dates surely in their month (day 1–28) compare field by field: the
	// interest calculation compares dates millions of times a run. Others
	// (a 31st, a hand-built 32 January) through the day number.
	if d.Day >= 1 && d.Day <= 28 && e.Day >= 1 && e.Day <= 28 && d.Month >= 1 && d.Month <= 12 && e.Month >= 1 && e.Month <= 12 {
		switch {
		case d.Year != e.Year:
			return cmpInt(d.Year, e.Year)
		case d.Month != e.Month:
			return cmpInt(int(d.Month), int(e.Month))
		case d.Day != e.Day:
			return cmpInt(d.Day, e.Day)
		}
		return 0
	}
	a, b := d.dayNumber(), e.dayNumber()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int) int {
	if a < b {
		return -1
	}
	return 1 // only called when a != b
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// Day 0 (1970-01-01) was a Thursday.
	w := (d.dayNumber() + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// isLeap reports whether y is a Gregorian leap year.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// clampDays keeps day numbers far from int64 overflow; nothing meaningful
// lies beyond the bound.
func clampDays(n int64) int64 {
	if n > maxDayNumber {
		return maxDayNumber
	}
	if n < -maxDayNumber {
		return -maxDayNumber
	}
	return n
}

// floorDiv is integer division rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// dayNumber returns the days since 1970-01-01 in the proleptic Gregorian
// calendar (the "days from civil" algorithm on 400-year eras). Out-of-range
// months and days are normalised the way time.Date does.
func (d Date) dayNumber() int64 {
	y := int64(d.Year)
	// Keep absurd years (possible only in hand-built Dates) from overflowing.
	if y > 1<<31 {
		y = 1 << 31
	} else if y < -(1 << 31) {
		y = -(1 << 31)
	}
	m := int64(d.Month) - 1 // 0-based; may be out of range in a literal
	y += floorDiv(m, 12)
	m -= floorDiv(m, 12) * 12
	m++ // back to 1..12
	day := int64(d.Day)
	if day > maxDayNumber {
		day = maxDayNumber
	} else if day < -maxDayNumber {
		day = -maxDayNumber
	}

	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                     // [0, 399]
	mp := (m + 9) % 12                     // March = 0
	doy := (153*mp+2)/5 + day - 1          // day of the (March-based) year
	doe := yoe*365 + yoe/4 - yoe/100 + doy // day of the era
	return era*146097 + doe - 719468
}

// dateFromDayNumber is the inverse of dayNumber.
func dateFromDayNumber(z int64) Date {
	z = clampDays(z)
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(day)}
}
