package hu

import "errors"

// CheckEmbeddedData parses every embedded reference table (postal codes,
// holidays, base rates) and returns what went wrong, if anything. The
// tables are parsed lazily on first use; call this at service start-up to
// fail fast instead, e.g. from a health check.
func CheckEmbeddedData() error {
	_, errPostal := postalTable()
	_, errCalendar := defaultCalendar()
	_, errRates := baseRateTable()
	return errors.Join(errPostal, errCalendar, errRates)
}
