package hu

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The MNB base rate (jegybanki alapkamat) table: each row gives the rate in
// force from a date until the day before the next row. Late-payment
// surcharges (késedelmi pótlék) and default interest are computed from it.
// Rates are kept in basis points (1 % = 100 bp) so that no float touches
// money.

// BaseRate is one decision: the rate in basis points from a date on.
type BaseRate struct {
	From        Date
	BasisPoints int64
}

//go:embed data/mnb_alapkamat.csv
var baseRateCSV []byte

var baseRateSubject = subject{"alapkamat", "A jegybanki alapkamat", "The MNB base rate"}

// baseRateTable parses the embedded table once, on first use.
var baseRateTable = sync.OnceValues(func() ([]BaseRate, error) {
	return parseBaseRates(baseRateCSV)
})

// parseBaseRates reads hatalyos_tol,alapkamat_szazalek rows, which must be
// in strictly increasing date order.
func parseBaseRates(data []byte) ([]BaseRate, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("base-rate table: %w", err)
	}
	if header[0] != "hatalyos_tol" || header[1] != "alapkamat_szazalek" {
		return nil, fmt.Errorf("base-rate table: unexpected header %q", header)
	}
	var out []BaseRate
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("base-rate table: %w", err)
		}
		d, err := ParseDate(rec[0])
		if err != nil {
			return nil, fmt.Errorf("base-rate table line %d: bad date %q", line, rec[0])
		}
		bp, err := percentToBasisPoints(rec[1])
		if err != nil {
			return nil, fmt.Errorf("base-rate table line %d: %w", line, err)
		}
		if len(out) > 0 && !d.After(out[len(out)-1].From) {
			return nil, fmt.Errorf("base-rate table line %d: %s is not after the previous row", line, d)
		}
		out = append(out, BaseRate{From: d, BasisPoints: bp})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("base-rate table: no rows")
	}
	return out, nil
}

// percentToBasisPoints converts a decimal percentage such as "6.25" (or
// "6,25") to basis points exactly, without floating point. More than two
// decimals would not be a whole basis point and is rejected.
func percentToBasisPoints(s string) (int64, error) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if whole == "" || !isAllDigits(whole) || (frac != "" && !isAllDigits(frac)) ||
		len(frac) > 2 || len(whole) > 6 {
		return 0, fmt.Errorf("bad percentage %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64) // ≤ 6 digits: cannot fail
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// BaseRateOn returns the MNB base rate in force on d, in basis points
// (e.g. 650 for 6.50 %). It returns an error for dates before the first
// row of the table (1990-10-15) and if the embedded table is unreadable.
// After the last row the last rate stays in force.
func BaseRateOn(d Date) (int64, error) {
	rates, err := baseRateTable()
	if err != nil {
		return 0, baseRateSubject.errData(err)
	}
	// Index of the first row that starts after d; the row before it applies.
	i := sort.Search(len(rates), func(i int) bool { return rates[i].From.After(d) })
	if i == 0 {
		return 0, baseRateSubject.err(CodeRange,
			"A jegybanki alapkamat táblázata "+rates[0].From.HungarianString()+" napjától kezdődik.",
			"The MNB base-rate table starts on "+rates[0].From.String()+".")
	}
	return rates[i-1].BasisPoints, nil
}

// BaseRates returns a copy of the whole table, oldest first.
func BaseRates() ([]BaseRate, error) {
	rates, err := baseRateTable()
	if err != nil {
		return nil, baseRateSubject.errData(err)
	}
	return append([]BaseRate(nil), rates...), nil
}
