package hu

import (
	"testing"
	"time"
)

func TestDateSQLRoundTrip(t *testing.T) {
	d := Date{2026, time.December, 24}
	v, err := d.Value()
	if err != nil || v != "2026-12-24" {
		t.Fatalf("Value = %v, %v", v, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Fatalf("zero Value = %v, want NULL", v)
	}
	for _, src := range []any{
		"2026-12-24", []byte("2026-12-24"), "2026-12-24T00:00:00Z",
		time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC),
		// a date at midnight in a zone east of UTC must not slip a day
		time.Date(2026, 12, 24, 0, 0, 0, 0, Budapest()),
	} {
		var got Date
		if err := got.Scan(src); err != nil || got != d {
			t.Errorf("Scan(%#v) = %v, %v", src, got, err)
		}
	}
	var got Date
	if err := got.Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", got, err)
	}
	if err := got.Scan("2026-02-30"); err == nil {
		t.Error("Scan of a date that does not exist succeeded")
	}
	if err := got.Scan(42); err == nil {
		t.Error("Scan of an int succeeded")
	}
}
