package hu

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

// sp is the no-break space, spelled out so the expected strings are visible.
const sp = "\u00a0"

func TestForintString(t *testing.T) {
	tests := []struct {
		f    Forint
		want string
	}{
		{0, "0 Ft"},
		{5, "5 Ft"},
		{999, "999 Ft"},
		{1000, "1 000 Ft"},
		{1234567, "1 234 567 Ft"},
		{-1234, "-1 234 Ft"},
		{-999, "-999 Ft"},
		{-100000, "-100 000 Ft"},
		{MaxForint, "9 223 372 036 854 775 807 Ft"},
		{math.MinInt64, "-9 223 372 036 854 775 808 Ft"},
	}
	for _, tt := range tests {
		want := strings.ReplaceAll(tt.want, " ", sp)
		if got := tt.f.String(); got != want {
			t.Errorf("Forint(%d).String() = %q, want %q", int64(tt.f), got, want)
		}
		if got := tt.f.Grouped(); got != strings.TrimSuffix(want, sp+"Ft") {
			t.Errorf("Forint(%d).Grouped() = %q", int64(tt.f), got)
		}
	}
}

func TestParseForint(t *testing.T) {
	tests := []struct {
		in   string
		want Forint
		code string
	}{
		{"1 234 567", 1234567, ""},
		{"1" + sp + "234" + sp + "567" + sp + "Ft", 1234567, ""},
		{"1234567 Ft", 1234567, ""},
		{"1234567Ft", 1234567, ""},
		{"1234567 ft.", 1234567, ""},
		{"1.234.567", 1234567, ""},
		{"1 234 567,-", 1234567, ""},
		{"1 234 567,– Ft", 1234567, ""},
		{"1 234,00 Ft", 1234, ""},
		{"1\u202f234", 1234, ""},
		{"HUF 1 000", 1000, ""},
		{"1 000 HUF", 1000, ""},
		{"500 forint", 500, ""},
		{"-1 234 Ft", -1234, ""},
		{"\u22121 234", -1234, ""},
		{"- 1 234", -1234, ""},
		{"HUF -1 000", -1000, ""},
		{"+15", 15, ""},
		{"0", 0, ""},
		{"-0", 0, ""},
		{"9223372036854775807", MaxForint, ""},
		{"-9223372036854775807", MinForint, ""},
		{"-9223372036854775808", 0, CodeOverflow},
		{"9223372036854775808", 0, CodeOverflow},
		{"99999999999999999999", 0, CodeOverflow},
		{"1 234,50", 0, CodeFraction},
		{"0,5", 0, CodeFraction},
		{"1.5", 0, CodeFormat},     // a dot group must have three digits
		{"1234.00", 0, CodeFormat}, // English decimal point
		{"1,234,567", 0, CodeFormat},
		{"12 34", 0, CodeFormat},
		{"1234 567", 0, CodeFormat},
		{"1  234", 0, CodeFormat},
		{"1 234,", 0, CodeFormat},
		{"1 234,x", 0, CodeFormat},
		{"Ft", 0, CodeFormat},
		{"abc", 0, CodeFormat},
		{"--5", 0, CodeFormat},
		{"", 0, CodeEmpty},
		{"   ", 0, CodeEmpty},
	}
	for _, tt := range tests {
		got, err := ParseForint(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseForint(%q) = %d, %v; want code %s", tt.in, got, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseForint(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestMulRat(t *testing.T) {
	tests := []struct {
		amount    Forint
		num, den  int64
		want      Forint
		wantError bool
	}{
		{12345, 3, 100, 370, false}, // 370.35
		{250, 1, 100, 3, false},     // 2.5 → 3
		{-250, 1, 100, -3, false},   // −2.5 → −3 (away from zero)
		{250, -1, 100, -3, false},   // sign from num
		{250, 1, -100, -3, false},   // sign from den
		{-250, -1, -100, -3, false}, // three negatives
		{249, 1, 100, 2, false},     // 2.49 → 2
		{251, 1, 100, 3, false},     // 2.51 → 3
		{-251, 1, 100, -3, false},   // −2.51 → −3
		{-249, 1, 100, -2, false},   // −2.49 → −2
		{100000, 27, 100, 27000, false},
		{1, 1, 3, 0, false},
		{2, 1, 3, 1, false},
		{MaxForint, 1, 1, MaxForint, false},
		{MaxForint, 3, 3, MaxForint, false}, // intermediate exceeds int64
		{MaxForint, 2, 1, 0, true},
		{MinForint, 1, -1, MaxForint, false},
		{1, math.MinInt64, 1, 0, true},
		{5, 1, 0, 0, true},
	}
	for _, tt := range tests {
		got, err := MulRat(tt.amount, tt.num, tt.den)
		if (err != nil) != tt.wantError || got != tt.want {
			t.Errorf("MulRat(%d, %d, %d) = %d, %v; want %d (error %v)",
				int64(tt.amount), tt.num, tt.den, int64(got), err, int64(tt.want), tt.wantError)
		}
	}
}

func TestRoundToFive(t *testing.T) {
	// Last digit → rounded amount, for 100..109 and their negatives.
	want := []Forint{100, 100, 100, 105, 105, 105, 105, 105, 110, 110}
	for i := Forint(0); i < 10; i++ {
		if got := RoundToFive(100 + i); got != want[i] {
			t.Errorf("RoundToFive(%d) = %d, want %d", 100+i, got, want[i])
		}
		if got := RoundToFive(-100 - i); got != -want[i] {
			t.Errorf("RoundToFive(%d) = %d, want %d", -100-i, got, -want[i])
		}
	}
	tests := []struct{ in, want Forint }{
		{0, 0}, {1, 0}, {2, 0}, {3, 5}, {7, 5}, {8, 10}, {1999, 2000},
		{MaxForint, MaxForint - 2},     // …807 → …805
		{math.MinInt64, MinForint + 2}, // clamped to …807, then …805
		{MaxForint - 9, MaxForint - 7}, // …798 → …800
	}
	for _, tt := range tests {
		if got := RoundToFive(tt.in); got != tt.want {
			t.Errorf("RoundToFive(%d) = %d, want %d", int64(tt.in), int64(got), int64(tt.want))
		}
	}
}

func TestForintAddSub(t *testing.T) {
	tests := []struct {
		a, b      Forint
		sum, diff Forint
		sumErr    bool
		diffErr   bool
	}{
		{1000, 234, 1234, 766, false, false},
		{-5, -5, -10, 0, false, false},
		{MaxForint, 1, 0, MaxForint - 1, true, false},
		{MaxForint, -1, MaxForint - 1, 0, false, true},
		{MinForint, -1, 0, MinForint + 1, true, false},
		{MinForint, 1, MinForint + 1, 0, false, true},
		{MaxForint, MinForint, 0, 0, false, true},
		{math.MinInt64, 0, 0, 0, true, true},
		{0, math.MinInt64, 0, 0, true, true},
	}
	for _, tt := range tests {
		s, err := tt.a.Add(tt.b)
		if (err != nil) != tt.sumErr || (err == nil && s != tt.sum) {
			t.Errorf("%d.Add(%d) = %d, %v", int64(tt.a), int64(tt.b), int64(s), err)
		}
		if err != nil && !errors.Is(err, &ValidationError{Code: CodeOverflow}) {
			t.Errorf("Add error code: %v", err)
		}
		d, err := tt.a.Sub(tt.b)
		if (err != nil) != tt.diffErr || (err == nil && d != tt.diff) {
			t.Errorf("%d.Sub(%d) = %d, %v", int64(tt.a), int64(tt.b), int64(d), err)
		}
	}
}

func TestForintJSONIsANumber(t *testing.T) {
	b, err := json.Marshal(struct{ A Forint }{1234})
	if err != nil || string(b) != `{"A":1234}` {
		t.Errorf("json = %s, %v", b, err)
	}
}

func BenchmarkForintString(b *testing.B) {
	f := Forint(-1234567890)
	for b.Loop() {
		_ = f.String()
	}
}

func BenchmarkParseForint(b *testing.B) {
	for b.Loop() {
		_, _ = ParseForint("1 234 567 Ft")
	}
}

func FuzzParseForint(f *testing.F) {
	for _, s := range []string{"1 234 567", "1234567 Ft", "1.234.567", "1 234 567,-", "-1 234 Ft", "1,5", "", "HUF 1", "9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseForint(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		if v < MinForint {
			t.Fatalf("ParseForint(%q) = %d, below MinForint", s, int64(v))
		}
		for _, form := range []string{v.String(), v.Grouped()} {
			if back, err := ParseForint(form); err != nil || back != v {
				t.Fatalf("round trip %q -> %d -> %q -> %d, %v", s, int64(v), form, int64(back), err)
			}
		}
	})
}

// FuzzMulRat checks MulRat against exact rational arithmetic: the result is
// within one half of the true value, and exactly half rounds away from zero.
func FuzzMulRat(f *testing.F) {
	f.Add(int64(12345), int64(3), int64(100))
	f.Add(int64(-250), int64(1), int64(100))
	f.Add(int64(math.MaxInt64), int64(7), int64(7))
	f.Add(int64(1), int64(1), int64(0))
	f.Fuzz(func(t *testing.T, amount, num, den int64) {
		got, err := MulRat(Forint(amount), num, den)
		if den == 0 {
			if err == nil {
				t.Fatal("den 0 accepted")
			}
			return
		}
		exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(amount), big.NewInt(num)), big.NewInt(den))
		if err != nil {
			// Only acceptable when the rounded value cannot be a Forint.
			lim := new(big.Rat).SetInt64(int64(MaxForint))
			lim.Add(lim, big.NewRat(1, 2))
			if new(big.Rat).Abs(exact).Cmp(lim) < 0 {
				t.Fatalf("MulRat(%d,%d,%d) error %v for representable %s", amount, num, den, err, exact.FloatString(3))
			}
			return
		}
		diff := new(big.Rat).Sub(exact, new(big.Rat).SetInt64(int64(got)))
		half := big.NewRat(1, 2)
		switch c := new(big.Rat).Abs(diff).Cmp(half); {
		case c > 0:
			t.Fatalf("MulRat(%d,%d,%d) = %d, exact %s", amount, num, den, int64(got), exact.FloatString(3))
		case c == 0 && (diff.Sign() > 0) == (exact.Sign() > 0):
			// The dropped half went towards zero.
			t.Fatalf("MulRat(%d,%d,%d) = %d rounds half towards zero", amount, num, den, int64(got))
		}
	})
}
