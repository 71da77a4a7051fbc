package hu

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// PostalCode is a Hungarian irányítószám: four digits, 1000–9999. The first
// digit is the postal region (1 = Budapest).
type PostalCode int

var postalSubject = subject{"iranyitoszam", "Az irányítószám", "The postal code"}

// ParsePostalCode validates the form of an irányítószám (four digits,
// 1000–9999). It does not require the code to be in the Posta list; use
// KnownPostalCode for that, since new codes appear between list editions.
func ParsePostalCode(s string) (PostalCode, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return 0, postalSubject.errEmpty()
	case !ok:
		return 0, postalSubject.errDigitsOnly()
	case len(d) != 4:
		return 0, postalSubject.errLength("4", "4", digitCount(d))
	case d[0] == '0':
		return 0, postalSubject.err(CodeRange,
			"Az irányítószám 1000 és 9999 között lehet.",
			"The postal code must be between 1000 and 9999.")
	}
	n, _ := strconv.Atoi(d) // four ASCII digits: cannot fail
	return PostalCode(n), nil
}

// String returns the four digits ("" if p is not a valid code).
func (p PostalCode) String() string {
	if !p.Valid() {
		return ""
	}
	return strconv.Itoa(int(p))
}

// Valid reports whether p is in 1000–9999.
func (p PostalCode) Valid() bool { return p >= 1000 && p <= 9999 }

// MarshalText implements encoding.TextMarshaler.
func (p PostalCode) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParsePostalCode. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (p *PostalCode) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = 0
		return nil
	}
	v, err := ParsePostalCode(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// The Magyar Posta list of 2019-01-15: the "Települések" sheet, and the
// codes of the six street-coded cities derived from the street sheets (see
// internal/gendata and data/NOTICE.md).
var (
	//go:embed data/iranyitoszam_telepulesek.csv
	postalSettlementsCSV []byte
	//go:embed data/iranyitoszam_nagyvarosok.csv
	postalCitiesCSV []byte
)

// postalIndex is the parsed postal table.
type postalIndex struct {
	byCode       map[PostalCode][]string // settlements in file order, no repeats
	bySettlement map[string][]PostalCode // codes in ascending order
}

// postalTable parses the embedded tables once, on first use.
var postalTable = sync.OnceValues(func() (*postalIndex, error) {
	idx := &postalIndex{
		byCode:       map[PostalCode][]string{},
		bySettlement: map[string][]PostalCode{},
	}
	if err := idx.load(postalSettlementsCSV, "iranyitoszam_telepulesek.csv", 3); err != nil {
		return nil, err
	}
	if err := idx.load(postalCitiesCSV, "iranyitoszam_nagyvarosok.csv", 2); err != nil {
		return nil, err
	}
	for name, codes := range idx.bySettlement {
		slices.Sort(codes)
		idx.bySettlement[name] = slices.Compact(codes)
	}
	return idx, nil
})

// load reads one CSV with header iranyitoszam,telepules[,…] into idx.
func (idx *postalIndex) load(data []byte, name string, columns int) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = columns
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if header[0] != "iranyitoszam" || header[1] != "telepules" {
		return fmt.Errorf("%s: unexpected header %q", name, header)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		code, err := ParsePostalCode(rec[0])
		if err != nil {
			return fmt.Errorf("%s: bad postal code %q", name, rec[0])
		}
		settlement := strings.TrimSpace(rec[1])
		if settlement == "" {
			return fmt.Errorf("%s: empty settlement for %s", name, rec[0])
		}
		if !slices.Contains(idx.byCode[code], settlement) {
			idx.byCode[code] = append(idx.byCode[code], settlement)
			idx.bySettlement[settlement] = append(idx.bySettlement[settlement], code)
		}
	}
}

// SettlementsForPostalCode returns the settlements a postal code serves, in
// the order of the Posta list (the main settlement first), or nil if the
// code is not in the list. One code can serve several small villages, and
// a city (e.g. Budapest) has many codes.
func SettlementsForPostalCode(code PostalCode) []string {
	idx, err := postalTable()
	if err != nil {
		return nil
	}
	return append([]string(nil), idx.byCode[code]...)
}

// PostalCodesForSettlement returns the postal codes of a settlement (exact
// name as in the Posta list, e.g. "Budapest", "Hódmezővásárhely"), in
// ascending order, or nil if the name is not in the list.
func PostalCodesForSettlement(name string) []PostalCode {
	idx, err := postalTable()
	if err != nil {
		return nil
	}
	return append([]PostalCode(nil), idx.bySettlement[strings.TrimSpace(name)]...)
}

// KnownPostalCode reports whether the code is in the embedded Posta list
// (2019-01-15 edition).
func KnownPostalCode(code PostalCode) bool {
	idx, err := postalTable()
	if err != nil {
		return false
	}
	_, ok := idx.byCode[code]
	return ok
}
