package hu

import (
	"cmp"
	"strconv"
	"strings"
)

// HRSZ is a helyrajzi szám (land-parcel number in the land registry):
//
//	123          parcel (főszám)
//	123/4        parcel with subdivision (alátörés)
//	0123/4       a leading 0 marks a parcel in the outskirts (külterület)
//	123/4/A/5    building letter (épület, e.g. of a társasház) and
//	             condominium unit (albetét)
//	123/A/5      building and unit on an undivided parcel
//
// The zero HRSZ is empty; Parse never returns it without an error.
type HRSZ struct {
	Outskirts bool   // külterület, written with a leading 0
	Parcel    int    // főszám, ≥ 1
	SubParcel int    // alátörés; 0 = none
	Building  string // épület letter(s), upper case; "" = none
	Unit      int    // albetét; 0 = none (only with a Building)
}

var hrszSubject = subject{"hrsz", "A helyrajzi szám", "The parcel number"}

// hrszMaxDigits bounds each number; real ones have at most six digits.
const hrszMaxDigits = 7

// errHRSZFormat is the general "does not look like a parcel number" error.
func errHRSZFormat() *ValidationError {
	return hrszSubject.err(CodeFormat,
		"A helyrajzi szám formája: 123, 123/4, 0123/4 vagy 123/4/A/5.",
		"A parcel number looks like 123, 123/4, 0123/4 or 123/4/A/5.")
}

// ParseHRSZ parses a helyrajzi szám. Spaces around the slashes are
// ignored, the building letter may be lower case, and the optional
// "hrsz." prefix or suffix is dropped.
func ParseHRSZ(s string) (HRSZ, error) {
	s = strings.TrimSpace(s)
	s = trimHRSZLabel(s)
	if s == "" {
		return HRSZ{}, hrszSubject.errEmpty()
	}
	parts := strings.Split(s, "/")
	if len(parts) > 4 {
		return HRSZ{}, errHRSZFormat()
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}

	var h HRSZ
	first := parts[0]
	if len(first) > 1 && first[0] == '0' {
		h.Outskirts = true
		first = first[1:]
	}
	n, ok := hrszNumber(first)
	if !ok || first[0] == '0' { // "00123" or "0": no such parcel
		return HRSZ{}, errHRSZFormat()
	}
	h.Parcel = n

	rest := parts[1:]
	if len(rest) > 0 {
		if n, ok := hrszNumber(rest[0]); ok {
			h.SubParcel = n
			rest = rest[1:]
		}
	}
	if len(rest) > 0 {
		b, ok := hrszBuilding(rest[0])
		if !ok {
			return HRSZ{}, errHRSZFormat()
		}
		h.Building = b
		rest = rest[1:]
	}
	if len(rest) > 0 {
		n, ok := hrszNumber(rest[0])
		if !ok {
			return HRSZ{}, errHRSZFormat()
		}
		h.Unit = n
		rest = rest[1:]
	}
	if len(rest) > 0 {
		return HRSZ{}, errHRSZFormat()
	}
	return h, nil
}

// trimHRSZLabel drops a "hrsz." label written before or after the number,
// in any letter case.
func trimHRSZLabel(s string) string {
	if len(s) >= 4 && strings.EqualFold(s[:4], "hrsz") {
		s = strings.TrimPrefix(s[4:], ".")
		s = strings.TrimPrefix(s, ":")
		return strings.TrimSpace(s)
	}
	t := strings.TrimSuffix(s, ".")
	if len(t) >= 4 && strings.EqualFold(t[len(t)-4:], "hrsz") {
		return strings.TrimSpace(t[:len(t)-4])
	}
	return s
}

// hrszNumber parses a positive number of at most hrszMaxDigits digits.
// Leading zeros are tolerated ("123/04" is 123/4) except that the value
// must not be zero.
func hrszNumber(s string) (int, bool) {
	if s == "" || len(s) > hrszMaxDigits {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

// hrszBuilding accepts one or two Latin letters as a building mark.
func hrszBuilding(s string) (string, bool) {
	if len(s) < 1 || len(s) > 2 {
		return "", false
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		default:
			return "", false
		}
	}
	return string(b), true
}

// String returns the canonical form, e.g. "0123/4" or "123/4/A/5".
func (h HRSZ) String() string {
	if h.Parcel <= 0 {
		return ""
	}
	var b strings.Builder
	if h.Outskirts {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(h.Parcel))
	if h.SubParcel > 0 {
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(h.SubParcel))
	}
	if h.Building != "" {
		b.WriteByte('/')
		b.WriteString(h.Building)
		if h.Unit > 0 {
			b.WriteByte('/')
			b.WriteString(strconv.Itoa(h.Unit))
		}
	}
	return b.String()
}

// IsZero reports whether h is the empty HRSZ.
func (h HRSZ) IsZero() bool { return h == HRSZ{} }

// Compare orders parcel numbers naturally: inner-area parcels before
// outskirts, then by number (123/2 before 123/10), a parcel before its
// subdivisions and buildings, and a building before its units.
func (h HRSZ) Compare(o HRSZ) int {
	if h.Outskirts != o.Outskirts {
		if h.Outskirts {
			return 1
		}
		return -1
	}
	if c := cmp.Compare(h.Parcel, o.Parcel); c != 0 {
		return c
	}
	if c := cmp.Compare(h.SubParcel, o.SubParcel); c != 0 {
		return c
	}
	// Shorter letter marks first, so that Z comes before AA.
	if c := cmp.Compare(len(h.Building), len(o.Building)); c != 0 {
		return c
	}
	if c := strings.Compare(h.Building, o.Building); c != 0 {
		return c
	}
	return cmp.Compare(h.Unit, o.Unit)
}

// Less reports whether h sorts before o in natural order (see Compare).
func (h HRSZ) Less(o HRSZ) bool { return h.Compare(o) < 0 }

// MarshalText implements encoding.TextMarshaler.
func (h HRSZ) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseHRSZ. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (h *HRSZ) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*h = HRSZ{}
		return nil
	}
	v, err := ParseHRSZ(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}
