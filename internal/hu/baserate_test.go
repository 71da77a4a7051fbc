package hu

import (
	"errors"
	"testing"
	"time"
)

func TestBaseRateOn(t *testing.T) {
	tests := []struct {
		date Date
		want int64
	}{
		// Spot checks of MNB decisions: the first row, the two January 2003
		// cuts on consecutive days, the October 2008 emergency hike, the
		// 0.9 % low of 2016–2020, the 13 % peak and the 6.5 % of Sept 2024.
		{d(1990, time.October, 15), 2200},
		{d(1992, time.October, 14), 2200},
		{d(1996, time.July, 16), 2550},
		{d(2003, time.January, 15), 850},
		{d(2003, time.January, 16), 750},
		{d(2003, time.January, 17), 650},
		{d(2008, time.October, 22), 1150},
		{d(2013, time.August, 28), 380},
		{d(2014, time.January, 22), 285},
		{d(2016, time.May, 25), 90},
		{d(2020, time.June, 23), 90},
		{d(2020, time.June, 24), 75},
		{d(2022, time.September, 28), 1300},
		{d(2023, time.October, 24), 1300},
		{d(2024, time.September, 24), 675},
		{d(2024, time.September, 25), 650},
		{d(2025, time.December, 31), 650},
		{d(2026, time.August, 26), 550},
		{d(2030, time.January, 1), 550}, // the last rate stays in force
	}
	for _, tt := range tests {
		got, err := BaseRateOn(tt.date)
		if err != nil || got != tt.want {
			t.Errorf("BaseRateOn(%v) = %d, %v; want %d", tt.date, got, err, tt.want)
		}
	}
	_, err := BaseRateOn(d(1990, time.October, 14))
	if !errors.Is(err, &ValidationError{Code: CodeRange}) {
		t.Errorf("BaseRateOn before the table: %v", err)
	}
}

func TestBaseRatesTable(t *testing.T) {
	rates, err := BaseRates()
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 157 {
		t.Errorf("%d rows, README says 157", len(rates))
	}
	if rates[0].From != d(1990, time.October, 15) || rates[len(rates)-1].From != d(2026, time.August, 26) {
		t.Errorf("first/last row %v / %v", rates[0].From, rates[len(rates)-1].From)
	}
	rates[0].BasisPoints = 1
	if again, _ := BaseRates(); again[0].BasisPoints != 2200 {
		t.Error("BaseRates returned the shared table")
	}
}

func TestPercentToBasisPoints(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"22", 2200, true}, {"6.25", 625, true}, {"6,25", 625, true}, {"0.9", 90, true},
		{"2.850", 285, true}, {"13.", 1300, true}, {"0", 0, true},
		{"6.255", 0, false}, {"-1", 0, false}, {"", 0, false}, {".5", 0, false},
		{"1e2", 0, false}, {"1.2.3", 0, false}, {"1234567", 0, false},
	}
	for _, tt := range tests {
		got, err := percentToBasisPoints(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("percentToBasisPoints(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestParseBaseRatesErrors(t *testing.T) {
	const h = "hatalyos_tol,alapkamat_szazalek\n"
	for name, data := range map[string]string{
		"empty":      "",
		"header":     "date,rate\n2020-01-01,1\n",
		"no rows":    h,
		"bad date":   h + "2020-02-30,1\n",
		"bad rate":   h + "2020-01-01,x\n",
		"unsorted":   h + "2020-01-02,1\n2020-01-01,2\n",
		"duplicate":  h + "2020-01-01,1\n2020-01-01,2\n",
		"bad fields": h + "2020-01-01\n",
	} {
		if _, err := parseBaseRates([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func BenchmarkBaseRateOn(b *testing.B) {
	day := d(2024, time.October, 1)
	for b.Loop() {
		_, _ = BaseRateOn(day)
	}
}
