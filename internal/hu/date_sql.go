package hu

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Value stores a Date as its ISO text, which PostgreSQL takes for a DATE
// column and SQLite keeps as text that sorts and compares as dates.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a Date from a DATE column (PostgreSQL gives a time.Time at
// midnight UTC; SQLite text or a time.Time parsed from it). The calendar
// day is taken as stored, never converted between zones.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		y, m, day := v.Date()
		*d = Date{y, m, day}
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("hu.Date: cannot scan %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 { // "2026-01-02T00:00:00Z" from a driver that formats times
		s = s[:10]
	}
	v, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("hu.Date: scan %q: %w", s, err)
	}
	*d = v
	return nil
}
