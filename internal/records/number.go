package records

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Number is an iktatószám: the main number of the case (főszám), the
// document's sequence within the case (alszám), the year of the főszám's
// registration, and optionally the book's prefix (Iratkr. 40–41. §).
type Number struct {
	Prefix string
	Foszam int64
	Alszam int64
	Year   int
}

// String renders the number in the default form, "ADO/1234-3/2026" or
// "1234-3/2026". The form is the one most municipal offices use; the
// exact ASP rendering is an assumption (domain §2.4), so it is kept in
// one place.
func (n Number) String() string {
	s := fmt.Sprintf("%d-%d/%d", n.Foszam, n.Alszam, n.Year)
	if n.Prefix != "" {
		s = n.Prefix + "/" + s
	}
	return s
}

var (
	numberPattern = regexp.MustCompile(`^(?:([A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._-]{1,20})/)?([0-9]{1,12})-([0-9]{1,9})/([0-9]{4})$`)
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._-]{0,20}$`)
)

// NumberError is a malformed iktatószám, with the message in both
// languages for the page that shows it.
type NumberError struct{ Input string }

func (e *NumberError) Error() string {
	return fmt.Sprintf("%q is not an iktatószám of the form 1234-3/2026 or PREFIX/1234-3/2026", e.Input)
}

// HU is the Hungarian message.
func (e *NumberError) HU() string {
	return fmt.Sprintf("A(z) „%s” nem iktatószám. A helyes alak: 1234-3/2026 vagy ELŐTAG/1234-3/2026.", e.Input)
}

// ParseNumber reads an iktatószám typed by a person or sent by another
// system. Spaces around it are ignored; anything else malformed is an
// error, never a guess.
func ParseNumber(s string) (Number, error) {
	in := strings.TrimSpace(s)
	m := numberPattern.FindStringSubmatch(in)
	if m == nil {
		return Number{}, &NumberError{Input: s}
	}
	f, err1 := strconv.ParseInt(m[2], 10, 64)
	a, err2 := strconv.ParseInt(m[3], 10, 64)
	y, err3 := strconv.Atoi(m[4])
	if err1 != nil || err2 != nil || err3 != nil || f < 1 || a < 1 || y < 1900 || y > 9999 {
		return Number{}, &NumberError{Input: s}
	}
	return Number{Prefix: m[1], Foszam: f, Alszam: a, Year: y}, nil
}
