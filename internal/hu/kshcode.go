package hu

import "strconv"

// KSHCode is a KSH településazonosító törzsszám (settlement identifier of
// the Hungarian Central Statistical Office), five digits: a four-digit
// serial and a check digit,
//
//	d5 = (1·d1 + 3·d2 + 7·d3 + 9·d4) mod 10
//
// The rule was derived from, and is proved against, all 3,178 codes of the
// KSH Helységnévtár 2018 (see TestKSHCodeAllOfHelysegnevtar2018). The
// sometimes quoted weights 7,3,1,9 do not fit the register; weights 9,7,3,1
// with a "10 minus" complement give the same digit as 1,3,7,9.
type KSHCode struct {
	digits string // 5 digits, leading zeros kept; "" for the zero value
}

var kshSubject = subject{"ksh_kod", "A KSH településkód", "The KSH settlement code"}

// kshWeights are the weights of the first four digits.
var kshWeights = []int{1, 3, 7, 9}

// ParseKSHCode validates a five-digit KSH settlement code ("02112" — the
// leading zero is significant and must be present).
func ParseKSHCode(s string) (KSHCode, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return KSHCode{}, kshSubject.errEmpty()
	case !ok:
		return KSHCode{}, kshSubject.errDigitsOnly()
	case len(d) != 5:
		return KSHCode{}, kshSubject.errLength("5", "5", digitCount(d))
	case kshCheckDigit(d[:4]) != int(d[4]-'0'):
		return KSHCode{}, kshSubject.errChecksum()
	}
	return KSHCode{digits: d}, nil
}

// KSHCodeFromSerial builds the full code from the four-digit serial (0–9999)
// by appending its check digit.
func KSHCodeFromSerial(serial int) (KSHCode, error) {
	if serial < 0 || serial > 9999 {
		return KSHCode{}, kshSubject.err(CodeRange,
			"A KSH településkód sorszáma 0 és 9999 között lehet.",
			"The KSH settlement code serial must be between 0 and 9999.")
	}
	s := strconv.Itoa(serial)
	for len(s) < 4 {
		s = "0" + s
	}
	return KSHCode{digits: s + strconv.Itoa(kshCheckDigit(s))}, nil
}

// kshCheckDigit computes the check digit of a four-digit serial.
func kshCheckDigit(first4 string) int {
	return weightedSum(first4, kshWeights) % 10
}

// String returns the five digits with leading zeros ("" for the zero value).
func (k KSHCode) String() string { return k.digits }

// IsZero reports whether k is the empty KSHCode.
func (k KSHCode) IsZero() bool { return k.digits == "" }

// MarshalText implements encoding.TextMarshaler.
func (k KSHCode) MarshalText() ([]byte, error) { return []byte(k.digits), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseKSHCode. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (k *KSHCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*k = KSHCode{}
		return nil
	}
	v, err := ParseKSHCode(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
