package hu

import (
	"strconv"
	"strings"
)

// IBAN is an International Bank Account Number (ISO 13616), stored in
// electronic form: upper case, no spaces. Only EU/EEA countries are
// accepted, because those are the accounts a Hungarian municipality pays to
// or collects from via SEPA; for HU the embedded domestic account number is
// validated as well.
type IBAN struct {
	s string // "" for the zero value
}

var ibanSubject = subject{"iban", "Az IBAN", "The IBAN"}

// ibanLengths is the IBAN length per EU/EEA country, from the SWIFT IBAN
// registry.
var ibanLengths = map[string]int{
	// EU member states
	"AT": 20, "BE": 16, "BG": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
	"EE": 20, "ES": 24, "FI": 18, "FR": 27, "GR": 27, "HR": 21, "HU": 28,
	"IE": 22, "IT": 27, "LT": 20, "LU": 20, "LV": 21, "MT": 31, "NL": 18,
	"PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
	// the other EEA states
	"IS": 26, "LI": 21, "NO": 15,
}

// ParseIBAN validates an IBAN: known EU/EEA country, the country's length,
// letters and digits only, and the ISO 7064 mod-97 check. Spaces and
// hyphens are ignored and letters may be lower case.
func ParseIBAN(s string) (IBAN, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isSeparator(r):
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			return IBAN{}, ibanSubject.err(CodeFormat,
				"Az IBAN csak betűket, számjegyeket és szóközt tartalmazhat.",
				"The IBAN may contain only letters, digits and spaces.")
		}
	}
	v := b.String()
	if v == "" {
		return IBAN{}, ibanSubject.errEmpty()
	}
	if len(v) < 4 || !isUpperLetter(v[0]) || !isUpperLetter(v[1]) || !isDigit(v[2]) || !isDigit(v[3]) {
		return IBAN{}, ibanSubject.err(CodeFormat,
			"Az IBAN két betűs országkóddal és két ellenőrző számjeggyel kezdődik.",
			"An IBAN starts with a two-letter country code and two check digits.")
	}
	want, ok := ibanLengths[v[:2]]
	if !ok {
		return IBAN{}, ibanSubject.err(CodeRange,
			"Az IBAN országkódja ("+v[:2]+") nem EU/EGT-tagállamé.",
			"The IBAN's country code ("+v[:2]+") is not an EU/EEA country.")
	}
	if len(v) != want {
		return IBAN{}, ibanSubject.err(CodeLength,
			"Az IBAN hossza ebben az országban "+strconv.Itoa(want)+" karakter, a megadott "+strconv.Itoa(len(v))+".",
			"An IBAN of this country has "+strconv.Itoa(want)+" characters, got "+strconv.Itoa(len(v))+".")
	}
	if mod97(v[4:]+v[:4]) != 1 {
		return IBAN{}, ibanSubject.errChecksum()
	}
	if v[:2] == "HU" {
		if _, err := ParseBankAccount(v[4:]); err != nil {
			if !isAllDigits(v[4:]) {
				return IBAN{}, ibanSubject.err(CodeFormat,
					"A magyar IBAN a HU és az ellenőrző számjegyek után csak számjegyeket tartalmazhat.",
					"A Hungarian IBAN has only digits after HU and the check digits.")
			}
			return IBAN{}, ibanSubject.err(CodeChecksum,
				"Az IBAN-ban szereplő magyar bankszámlaszám ellenőrző számjegye nem egyezik.",
				"The Hungarian account number inside the IBAN has a wrong check digit.")
		}
	}
	return IBAN{s: v}, nil
}

// isUpperLetter reports whether c is A–Z.
func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// isDigit reports whether c is 0–9.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isAllDigits reports whether s is non-empty and all ASCII digits.
func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// mod97 computes the ISO 7064 MOD 97-10 remainder of s read as a number, with
// letters replaced by 10..35. It works digit by digit so no big integers are
// needed. s must be upper-case alphanumeric.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r
}

// ibanCheckDigits returns the two check digits for country + bban.
func ibanCheckDigits(country, bban string) string {
	c := 98 - mod97(bban+country+"00")
	return string([]byte{byte('0' + c/10), byte('0' + c%10)})
}

// String returns the print form in groups of four, "HU42 1177 3016 …".
func (i IBAN) String() string {
	var b strings.Builder
	for k := 0; k < len(i.s); k++ {
		if k > 0 && k%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(i.s[k])
	}
	return b.String()
}

// Electronic returns the IBAN without spaces, as used in payment files.
func (i IBAN) Electronic() string { return i.s }

// Country returns the two-letter country code.
func (i IBAN) Country() string {
	if len(i.s) < 2 {
		return ""
	}
	return i.s[:2]
}

// IsZero reports whether i is the empty IBAN.
func (i IBAN) IsZero() bool { return i.s == "" }

// BankAccount returns the Hungarian account number inside a HU IBAN.
func (i IBAN) BankAccount() (BankAccount, error) {
	if i.Country() != "HU" {
		return BankAccount{}, ibanSubject.err(CodeRange,
			"Csak magyar (HU) IBAN alakítható belföldi számlaszámmá.",
			"Only a Hungarian (HU) IBAN converts to a domestic account number.")
	}
	return ParseBankAccount(i.s[4:])
}

// MarshalText implements encoding.TextMarshaler (electronic form).
func (i IBAN) MarshalText() ([]byte, error) { return []byte(i.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseIBAN. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (i *IBAN) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*i = IBAN{}
		return nil
	}
	v, err := ParseIBAN(string(b))
	if err != nil {
		return err
	}
	*i = v
	return nil
}
