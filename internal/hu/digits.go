package hu

import "strings"

// Shared helpers for the digit-string identifiers (tax ID, TAJ, bank
// account, …). People type these with spaces and hyphens, and copy them from
// PDFs and web pages that use no-break spaces and typographic dashes, so all
// of those count as separators.

// isSeparator reports whether r is a space or dash a person may put between
// digit groups.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-',
		'\u00a0', // no-break space
		'\u2009', // thin space
		'\u202f', // narrow no-break space
		'\u2010', // hyphen
		'\u2011', // non-breaking hyphen
		'\u2012', // figure dash
		'\u2013', // en dash
		'\u2212': // minus sign
		return true
	}
	return false
}

// stripSeparators removes separators and reports whether what remains is
// made only of ASCII digits. It returns the remaining string either way so
// the caller can report its length.
func stripSeparators(s string) (digits string, ok bool) {
	var b strings.Builder
	b.Grow(len(s))
	ok = true
	for _, r := range s {
		switch {
		case isSeparator(r):
			continue
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			ok = false
			b.WriteRune(r)
		}
	}
	return b.String(), ok
}

// digitCount counts the runes of s, used to report lengths of bad input in
// characters rather than bytes.
func digitCount(s string) int {
	return len([]rune(s))
}

// weightedSum returns Σ digit(s[i]) * weights[i % len(weights)]. The caller
// guarantees s is all ASCII digits.
func weightedSum(s string, weights []int) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i]-'0') * weights[i%len(weights)]
	}
	return sum
}
