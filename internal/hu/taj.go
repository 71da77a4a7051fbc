package hu

// TAJ is a társadalombiztosítási azonosító jel (social-security number):
// nine digits, the ninth a check digit over the first eight,
//
//	d9 = (3·d1 + 7·d2 + 3·d3 + 7·d4 + 3·d5 + 7·d6 + 3·d7 + 7·d8) mod 10
//
// as set by Act XX of 1996. It is written in groups of three, "123 456 788".
type TAJ struct {
	digits string // 9 digits; "" for the zero value
}

var tajSubject = subject{"taj", "A TAJ-szám", "The TAJ number"}

// tajWeights alternate 3 and 7 over the first eight digits.
var tajWeights = []int{3, 7}

// ParseTAJ validates a TAJ number. Spaces and hyphens are ignored.
func ParseTAJ(s string) (TAJ, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return TAJ{}, tajSubject.errEmpty()
	case !ok:
		return TAJ{}, tajSubject.errDigitsOnly()
	case len(d) != 9:
		return TAJ{}, tajSubject.errLength("9", "9", digitCount(d))
	case weightedSum(d[:8], tajWeights)%10 != int(d[8]-'0'):
		return TAJ{}, tajSubject.errChecksum()
	}
	return TAJ{digits: d}, nil
}

// String returns the display form "123 456 788" ("" for the zero value).
func (t TAJ) String() string {
	if t.digits == "" {
		return ""
	}
	return t.digits[:3] + " " + t.digits[3:6] + " " + t.digits[6:]
}

// Digits returns the nine digits without spaces, the form used in data
// exchange with NEAK.
func (t TAJ) Digits() string { return t.digits }

// IsZero reports whether t is the empty TAJ.
func (t TAJ) IsZero() bool { return t.digits == "" }

// MarshalText implements encoding.TextMarshaler; it writes the bare digits
// because that is what other systems expect.
func (t TAJ) MarshalText() ([]byte, error) { return []byte(t.digits), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseTAJ. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (t *TAJ) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = TAJ{}
		return nil
	}
	v, err := ParseTAJ(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
