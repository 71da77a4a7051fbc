package hu

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Forint is an amount in whole forints. Amounts are exact integers: the
// forint has had no fillér in circulation since 1999 and public charges
// (taxes, fees, fines) are set in whole forints, so fractions appear only
// inside calculations, where MulRat rounds them explicitly.
//
// Forint deliberately has no text marshalling, so JSON carries it as a
// plain number; use String or Grouped for display.
//
// The valid range is symmetric, MinForint..MaxForint, so that negating an
// amount can never overflow; math.MinInt64 itself is treated as invalid.
type Forint int64

// Bounds of a valid Forint.
const (
	MaxForint Forint = math.MaxInt64
	MinForint Forint = -MaxForint
)

var forintSubject = subject{"osszeg", "Az összeg", "The amount"}

// nbsp is the no-break space used between digit groups and before "Ft", so
// an amount is never split across lines.
const nbsp = "\u00a0"

// String formats f the Hungarian way: "1 234 567 Ft", "-1 234 Ft", with
// U+00A0 no-break spaces as group separator and before "Ft".
func (f Forint) String() string {
	return f.Grouped() + nbsp + "Ft"
}

// Grouped formats the number without the currency, "1 234 567", for table
// columns that state the unit in the header.
func (f Forint) Grouped() string {
	s := strconv.FormatInt(int64(f), 10) // handles math.MinInt64 too
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3*len(nbsp) + 1)
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ParseForint reads an amount as people write it: "1 234 567", "1234567 Ft",
// "1.234.567", "1 234 567,-", "-1 234 Ft", "HUF 1 000", "1 000,00". Digit
// groups may be separated by spaces (including no-break and thin spaces) or
// dots, but then every group after the first must have three digits, so that
// "1.5" is not silently read as fifteen. A decimal part is accepted only if
// it is zero; anything else is a fraction of a forint and is rejected.
func ParseForint(s string) (Forint, error) {
	t := strings.TrimFunc(s, isSpaceLike)
	if t == "" {
		return 0, forintSubject.errEmpty()
	}
	t = trimCurrency(t)

	neg := false
	if r, size := utf8.DecodeRuneInString(t); r == '-' || r == '\u2212' || r == '+' {
		neg = r != '+'
		t = strings.TrimLeftFunc(t[size:], isSpaceLike)
	}
	t = trimCurrency(t) // "-1 000 Ft" and "HUF -1 000" both end up here

	// The ",-" ending means "no fillér"; it carries no digits.
	for _, dash := range []string{",-", ",\u2013", ",\u2014"} {
		if v, ok := strings.CutSuffix(t, dash); ok {
			t = strings.TrimRightFunc(v, isSpaceLike)
			break
		}
	}
	if whole, frac, ok := strings.Cut(t, ","); ok {
		if frac == "" || !isAllDigits(frac) {
			return 0, errForintFormat()
		}
		if strings.Trim(frac, "0") != "" {
			return 0, forintSubject.err(CodeFraction,
				"Az összeg csak egész forint lehet, fillér nélkül.",
				"The amount must be in whole forints, without fractions.")
		}
		t = strings.TrimRightFunc(whole, isSpaceLike)
	}

	digits, ok := ungroup(t)
	if !ok {
		return 0, errForintFormat()
	}
	u, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || u > uint64(MaxForint) {
		return 0, forintSubject.err(CodeOverflow,
			"Az összeg túl nagy.", "The amount is too large.")
	}
	v := Forint(u)
	if neg {
		v = -v
	}
	return v, nil
}

// errForintFormat is the general "not an amount" error.
func errForintFormat() *ValidationError {
	return forintSubject.err(CodeFormat,
		"Az összeg formája nem megfelelő (példa: 1 234 567 Ft).",
		"The amount is not well formed (example: 1 234 567 Ft).")
}

// isSpaceLike reports whether r is a space of any width.
func isSpaceLike(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u2009', '\u202f':
		return true
	}
	return false
}

// trimCurrency removes one "Ft", "Ft.", "HUF" or "forint" unit, written
// before or after the number, in any letter case.
func trimCurrency(t string) string {
	for _, unit := range []string{"ft.", "ft", "huf", "forint"} {
		n := len(unit)
		if len(t) >= n && strings.EqualFold(t[len(t)-n:], unit) {
			return strings.TrimRightFunc(t[:len(t)-n], isSpaceLike)
		}
		if len(t) >= n && unit != "ft." && strings.EqualFold(t[:n], unit) {
			return strings.TrimLeftFunc(t[n:], isSpaceLike)
		}
	}
	return t
}

// ungroup checks the digit grouping of t and returns the bare digits.
func ungroup(t string) (string, bool) {
	var groups []string
	cur := strings.Builder{}
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
		case isSpaceLike(r) || r == '.':
			if cur.Len() == 0 {
				return "", false // two separators in a row, or a leading one
			}
			groups = append(groups, cur.String())
			cur.Reset()
		default:
			return "", false
		}
	}
	if cur.Len() == 0 {
		return "", false
	}
	groups = append(groups, cur.String())
	if len(groups) > 1 {
		if len(groups[0]) > 3 {
			return "", false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", false
			}
		}
	}
	return strings.Join(groups, ""), true
}

// errForintOverflow reports a result outside MinForint..MaxForint.
func errForintOverflow() *ValidationError {
	return forintSubject.err(CodeOverflow,
		"Az eredmény túl nagy összeg.", "The result is too large an amount.")
}

// Add returns f + g, or an error if the sum leaves MinForint..MaxForint.
func (f Forint) Add(g Forint) (Forint, error) {
	if f == math.MinInt64 || g == math.MinInt64 ||
		(g > 0 && f > MaxForint-g) || (g < 0 && f < MinForint-g) {
		return 0, errForintOverflow()
	}
	return f + g, nil
}

// Sub returns f − g, or an error if the difference leaves MinForint..MaxForint.
func (f Forint) Sub(g Forint) (Forint, error) {
	if g == math.MinInt64 {
		return 0, errForintOverflow()
	}
	return f.Add(-g)
}

// MulRat returns amount·num/den rounded to whole forints, half away from
// zero (2.5 → 3, −2.5 → −3), the usual rounding of forint amounts in
// Hungarian practice (fractions of 0.5 and above round up). It computes exactly with big integers; it returns an error for
// den = 0 or when the result does not fit.
//
// Example: 3 % of 12 345 Ft is MulRat(12345, 3, 100) = 370 (370.35).
func MulRat(amount Forint, num, den int64) (Forint, error) {
	if den == 0 {
		return 0, forintSubject.err(CodeRange,
			"Nullával nem lehet osztani.", "Division by zero.")
	}
	p := new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(num))
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(p, d, new(big.Int)) // truncated towards zero
	// |2r| ≥ |den| means the dropped part is at least one half.
	twoR := new(big.Int).Abs(r)
	twoR.Lsh(twoR, 1)
	if twoR.Cmp(new(big.Int).Abs(d)) >= 0 {
		if (p.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() || q.Int64() == math.MinInt64 {
		return 0, errForintOverflow()
	}
	return Forint(q.Int64()), nil
}

// RoundToFive applies Hungarian cash rounding (kerekítés készpénzes
// fizetésnél, since 2008): amounts ending in 1 or 2 round down to 0, in 3,
// 4, 6 or 7 to 5, and in 8 or 9 up to 10. Negative amounts round
// symmetrically. It is meant for the amount actually paid in cash, never
// for a tax base. math.MinInt64, outside the valid range, is first
// clamped to MinForint.
func RoundToFive(f Forint) Forint {
	if f < MinForint {
		f = MinForint
	}
	neg := f < 0
	m := f
	if neg {
		m = -m
	}
	base := m - m%10
	switch m % 10 {
	case 3, 4, 5, 6, 7:
		m = base + 5
	case 8, 9:
		m = base + 10
	default:
		m = base
	}
	if neg {
		return -m
	}
	return m
}

// GroupDigits writes a whole number with its thousands grouped the
// Hungarian way, "3 178" (no-break spaces), for counts such as population.
func GroupDigits(n int64) string { return Forint(n).Grouped() }
