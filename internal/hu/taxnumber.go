package hu

import (
	"maps"
	"strings"
)

// TaxNumber is an organisation's (or sole trader's) adószám, written
// xxxxxxxx-y-zz:
//
//	xxxxxxxx  törzsszám: seven digits and a check digit. The check digit is
//	          (10 − Σ d_i·w_i mod 10) mod 10 with weights 9,7,3,1,9,7,3.
//	y         ÁFA-kód (VAT status): 1 not VAT-liable / exempt, 2 VAT-liable,
//	          3 simplified entrepreneurial tax (EVA, historical),
//	          4 member of a VAT group, 5 the VAT group itself.
//	zz        területi kód: the NAV directorate the taxpayer belongs to.
//
// Only the törzsszám identifies the taxpayer; the VAT code and the
// territorial code can change over its life (NAV notice of 2007-02-20 on the
// last two digits), so compare TaxNumbers by Torzsszam when asking "is this
// the same taxpayer".
type TaxNumber struct {
	digits string // 11 digits, no separators; "" for the zero value
}

var (
	taxNumberSubject = subject{"adoszam", "Az adószám", "The tax number"}
	torzsszamSubject = subject{"adotorzsszam", "Az adószám törzsszáma", "The tax number's base"}
	euVATSubject     = subject{"kozossegi_adoszam", "A közösségi adószám", "The EU VAT number"}
)

// defaultAreaCodes is the NAV territorial-code table: 02–20 are the county
// directorates for companies, 22–40 the same counties for sole traders
// (egyéni vállalkozók), 41–43 the three Budapest directorates, 44 the
// directorate of large taxpayers and 51 that of priority cases. Source: the
// NAV directorate table in svraka/teroszt (nav_igazgatosagi_kodok.csv,
// columns nav_ig_tarsas / nav_ig_egyeni); TestAreaCodesMatchNAVTable checks
// this copy against it.
var defaultAreaCodes = func() map[string]string {
	counties := []string{
		"Baranya", "Bács-Kiskun", "Békés", "Borsod-Abaúj-Zemplén", "Csongrád-Csanád",
		"Fejér", "Győr-Moson-Sopron", "Hajdú-Bihar", "Heves", "Komárom-Esztergom",
		"Nógrád", "Pest", "Somogy", "Szabolcs-Szatmár-Bereg", "Jász-Nagykun-Szolnok",
		"Tolna", "Vas", "Veszprém", "Zala",
	}
	m := make(map[string]string, 45)
	for i, name := range counties {
		m[twoDigits(2+i)] = name
		m[twoDigits(22+i)] = name + " (egyéni vállalkozók)"
	}
	m["41"] = "Észak-Budapest"
	m["42"] = "Kelet-Budapest"
	m["43"] = "Dél-Budapest"
	m["44"] = "Kiemelt Adózók Adóigazgatósága"
	m["51"] = "Kiemelt Ügyek Adóigazgatósága"
	return m
}()

// twoDigits formats 0 ≤ n ≤ 99 as two digits.
func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

// TaxNumberRules holds the configurable part of tax-number validation: the
// table of accepted territorial codes. NAV has reorganised its directorates
// before, so the table is data, not code.
type TaxNumberRules struct {
	// AreaCodes maps each accepted territorial code ("02") to a name. A nil
	// map accepts any two digits.
	AreaCodes map[string]string
}

// DefaultTaxNumberRules returns the rules ParseTaxNumber uses, with a fresh
// copy of the territorial-code table that the caller may change.
func DefaultTaxNumberRules() TaxNumberRules {
	return TaxNumberRules{AreaCodes: maps.Clone(defaultAreaCodes)}
}

// ParseTaxNumber validates an adószám with the default rules. It accepts
// the digits with or without hyphens and spaces ("12345676-2-41",
// "12345676241").
func ParseTaxNumber(s string) (TaxNumber, error) {
	return TaxNumberRules{AreaCodes: defaultAreaCodes}.Parse(s)
}

// Parse validates an adószám against these rules.
func (r TaxNumberRules) Parse(s string) (TaxNumber, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return TaxNumber{}, taxNumberSubject.errEmpty()
	case !ok:
		return TaxNumber{}, taxNumberSubject.errDigitsOnly()
	case len(d) != 11:
		return TaxNumber{}, taxNumberSubject.errLength("11 (8+1+2)", "11 (8+1+2)", digitCount(d))
	}
	if !torzsszamValid(d[:8]) {
		return TaxNumber{}, taxNumberSubject.errChecksum()
	}
	if d[8] < '1' || d[8] > '5' {
		return TaxNumber{}, taxNumberSubject.err(CodeRange,
			"Az adószám 9. számjegye (ÁFA-kód) 1 és 5 között lehet.",
			"The tax number's 9th digit (VAT code) must be 1 to 5.")
	}
	if r.AreaCodes != nil {
		if _, ok := r.AreaCodes[d[9:]]; !ok {
			return TaxNumber{}, taxNumberSubject.err(CodeRange,
				"Az adószám utolsó két számjegye ("+d[9:]+") nem érvényes területi kód.",
				"The tax number's last two digits ("+d[9:]+") are not a valid territorial code.")
		}
	}
	return TaxNumber{digits: d}, nil
}

// torzsszamWeights are the weights of the first seven digits of a törzsszám.
var torzsszamWeights = []int{9, 7, 3, 1, 9, 7, 3}

// torzsszamValid checks the 8th digit of an 8-digit törzsszám.
func torzsszamValid(d string) bool {
	sum := weightedSum(d[:7], torzsszamWeights)
	return (10-sum%10)%10 == int(d[7]-'0')
}

// ParseTorzsszam validates the 8-digit base of a tax number on its own (as
// found e.g. in court registry extracts) and returns it without separators.
func ParseTorzsszam(s string) (string, error) {
	return parseTorzsszam(s, torzsszamSubject)
}

// parseTorzsszam does ParseTorzsszam, naming subj in its errors.
func parseTorzsszam(s string, subj subject) (string, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return "", subj.errEmpty()
	case !ok:
		return "", subj.errDigitsOnly()
	case len(d) != 8:
		return "", subj.errLength("8", "8", digitCount(d))
	case !torzsszamValid(d):
		return "", subj.errChecksum()
	}
	return d, nil
}

// ParseEUVAT validates a Hungarian EU VAT number (közösségi adószám),
// "HU12345676", and returns it normalised: "HU", no spaces. The prefix may
// be omitted or written in lower case.
func ParseEUVAT(s string) (string, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && strings.EqualFold(t[:2], "HU") {
		t = t[2:]
	}
	d, err := parseTorzsszam(t, euVATSubject)
	if err != nil {
		return "", err
	}
	return "HU" + d, nil
}

// String returns the hyphenated form "12345676-2-41" ("" for the zero value).
func (t TaxNumber) String() string {
	if t.digits == "" {
		return ""
	}
	return t.digits[:8] + "-" + t.digits[8:9] + "-" + t.digits[9:]
}

// IsZero reports whether t is the empty TaxNumber.
func (t TaxNumber) IsZero() bool { return t.digits == "" }

// Torzsszam returns the 8-digit base that identifies the taxpayer.
func (t TaxNumber) Torzsszam() string {
	if t.digits == "" {
		return ""
	}
	return t.digits[:8]
}

// VATCode returns the ÁFA-kód, 1–5 (0 for the zero value).
func (t TaxNumber) VATCode() int {
	if t.digits == "" {
		return 0
	}
	return int(t.digits[8] - '0')
}

// AreaCode returns the two-digit territorial code, e.g. "41".
func (t TaxNumber) AreaCode() string {
	if t.digits == "" {
		return ""
	}
	return t.digits[9:]
}

// AreaName returns the NAV directorate named by the territorial code in the
// default table, or "" if it is not in it.
func (t TaxNumber) AreaName() string {
	return defaultAreaCodes[t.AreaCode()]
}

// EUVAT returns the EU VAT form of the number, "HU" + törzsszám.
func (t TaxNumber) EUVAT() string {
	if t.digits == "" {
		return ""
	}
	return "HU" + t.digits[:8]
}

// MarshalText implements encoding.TextMarshaler.
func (t TaxNumber) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseTaxNumber. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (t *TaxNumber) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = TaxNumber{}
		return nil
	}
	v, err := ParseTaxNumber(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
