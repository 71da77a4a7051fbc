package hu

import (
	"strings"
	"time"
)

// Hungarian names of the holidays. The source table names holidays in
// English (python-holidays); the service shows Hungarian by default.

// holidayHU maps the source's English names to Hungarian ones. "National
// Day" is handled by date because it names both 15 March and 23 October.
var holidayHU = map[string]string{
	"New Year's Day":          "Újév",
	"Good Friday":             "Nagypéntek",
	"Easter":                  "Húsvét",
	"Easter Monday":           "Húsvéthétfő",
	"Labor Day":               "A munka ünnepe",
	"Pentecost":               "Pünkösd",
	"Pentecost Monday":        "Pünkösdhétfő",
	"State Foundation Day":    "Államalapítás ünnepe",
	"All Saints' Day":         "Mindenszentek",
	"Christmas Day":           "Karácsony",
	"Second Day of Christmas": "Karácsony másnapja",
	// Holidays of 1950–1989 that appear in the historical part of the table.
	"Bread Day":                              "Alkotmány ünnepe (az új kenyér ünnepe)",
	"Proclamation of Soviet Republic Day":    "A Tanácsköztársaság kikiáltásának ünnepe",
	"Liberation Day":                         "A felszabadulás ünnepe",
	"Great October Socialist Revolution Day": "A Nagy Októberi Szocialista Forradalom ünnepe",
}

// holidayNameHU translates a source name for date d. Names joined with
// "; " (two holidays on one day) are translated one by one; an unknown
// name is kept as it is rather than lost.
func holidayNameHU(d Date, en string) string {
	parts := strings.Split(en, "; ")
	for i, p := range parts {
		switch {
		case p == "National Day" && d.Month == time.October:
			parts[i] = "Nemzeti ünnep (okt. 23.)"
		case p == "National Day":
			parts[i] = "Nemzeti ünnep"
		default:
			if hu, ok := holidayHU[p]; ok {
				parts[i] = hu
			}
		}
	}
	return strings.Join(parts, "; ")
}

// easterSunday returns the date of Western (Gregorian) Easter Sunday in
// year y, by the anonymous Gregorian computus (Meeus/Jones/Butcher).
func easterSunday(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}

// ruleHoliday returns the public holiday on d under the current law
// (Mt. 102. § (1), Good Friday since 2017), for years the table does not
// cover. It knows no swaps: those are decreed year by year.
func ruleHoliday(d Date) (calendarEntry, bool) {
	type fixed struct {
		m   time.Month
		day int
		en  string
	}
	for _, f := range []fixed{
		{time.January, 1, "New Year's Day"},
		{time.March, 15, "National Day"},
		{time.May, 1, "Labor Day"},
		{time.August, 20, "State Foundation Day"},
		{time.October, 23, "National Day"},
		{time.November, 1, "All Saints' Day"},
		{time.December, 25, "Christmas Day"},
		{time.December, 26, "Second Day of Christmas"},
	} {
		if d.Month == f.m && d.Day == f.day {
			return calendarEntry{kind: PublicHoliday, en: f.en, hu: holidayNameHU(d, f.en)}, true
		}
	}
	if d.Month < time.March || d.Month > time.June || d.Year < 1583 {
		return calendarEntry{}, false // Easter-based days fall in March–June
	}
	offset := d.DaysSince(easterSunday(d.Year))
	var en string
	switch offset {
	case -2:
		en = "Good Friday"
	case 0:
		en = "Easter"
	case 1:
		en = "Easter Monday"
	case 49:
		en = "Pentecost"
	case 50:
		en = "Pentecost Monday"
	default:
		return calendarEntry{}, false
	}
	return calendarEntry{kind: PublicHoliday, en: en, hu: holidayNameHU(d, en)}, true
}
