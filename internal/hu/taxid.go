package hu

import "time"

// TaxID is a natural person's adóazonosító jel: ten digits issued by NAV,
// whose structure is set by Act XX of 1996 (1996. évi XX. törvény, the act
// on the identifiers that replaced the personal number):
//
//	digit 1      always 8 (natural person)
//	digits 2–6   days elapsed from 1867-01-01 to the birth date
//	digits 7–9   serial number among people born that day
//	digit 10     check digit: (Σ d_i·i for i = 1..9) mod 11;
//	             a remainder of 10 is never issued, so it is invalid
//
// The zero TaxID is empty; a non-empty TaxID is always valid because only
// ParseTaxID builds one.
type TaxID struct {
	digits string
}

var taxIDSubject = subject{"adoazonosito", "Az adóazonosító jel", "The tax ID"}

// taxIDEpoch is the day the birth-date field counts from.
var taxIDEpoch = Date{1867, time.January, 1}

// ParseTaxID validates and normalises an adóazonosító jel. Spaces and
// hyphens between the digits are ignored.
func ParseTaxID(s string) (TaxID, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return TaxID{}, taxIDSubject.errEmpty()
	case !ok:
		return TaxID{}, taxIDSubject.errDigitsOnly()
	case len(d) != 10:
		return TaxID{}, taxIDSubject.errLength("10", "10", digitCount(d))
	case d[0] != '8':
		return TaxID{}, taxIDSubject.err(CodeFormat,
			"Magánszemély adóazonosító jele 8-as számjeggyel kezdődik.",
			"A natural person's tax ID starts with the digit 8.")
	}
	if taxIDCheckDigit(d[:9]) != int(d[9]-'0') {
		return TaxID{}, taxIDSubject.errChecksum()
	}
	return TaxID{digits: d}, nil
}

// taxIDCheckDigit returns the check digit for the first nine digits, or -1
// when the remainder is 10 (such numbers are not issued).
func taxIDCheckDigit(first9 string) int {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(first9[i]-'0') * (i + 1)
	}
	r := sum % 11
	if r == 10 {
		return -1
	}
	return r
}

// String returns the ten digits without separators ("" for the zero TaxID).
func (t TaxID) String() string { return t.digits }

// IsZero reports whether t is the empty TaxID.
func (t TaxID) IsZero() bool { return t.digits == "" }

// BirthDate returns the birth date encoded in digits 2–6. It returns the
// zero Date for the zero TaxID.
func (t TaxID) BirthDate() Date {
	if t.digits == "" {
		return Date{}
	}
	days := 0
	for i := 1; i <= 5; i++ {
		days = days*10 + int(t.digits[i]-'0')
	}
	return taxIDEpoch.AddDays(days)
}

// Serial returns the serial number in digits 7–9, which tells apart people
// born on the same day.
func (t TaxID) Serial() int {
	if t.digits == "" {
		return 0
	}
	return int(t.digits[6]-'0')*100 + int(t.digits[7]-'0')*10 + int(t.digits[8]-'0')
}

// MarshalText implements encoding.TextMarshaler.
func (t TaxID) MarshalText() ([]byte, error) { return []byte(t.digits), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseTaxID. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (t *TaxID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = TaxID{}
		return nil
	}
	v, err := ParseTaxID(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
