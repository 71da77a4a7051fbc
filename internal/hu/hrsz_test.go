package hu

import (
	"errors"
	"slices"
	"testing"
)

func TestParseHRSZ(t *testing.T) {
	tests := []struct {
		in   string
		want HRSZ
		str  string
		code string
	}{
		{"123", HRSZ{Parcel: 123}, "123", ""},
		{"123/4", HRSZ{Parcel: 123, SubParcel: 4}, "123/4", ""},
		{"0123/4", HRSZ{Outskirts: true, Parcel: 123, SubParcel: 4}, "0123/4", ""},
		{"0123", HRSZ{Outskirts: true, Parcel: 123}, "0123", ""},
		{"123/4/A/5", HRSZ{Parcel: 123, SubParcel: 4, Building: "A", Unit: 5}, "123/4/A/5", ""},
		{"123/4/a/5", HRSZ{Parcel: 123, SubParcel: 4, Building: "A", Unit: 5}, "123/4/A/5", ""},
		{" 123 / 4 / A / 5 ", HRSZ{Parcel: 123, SubParcel: 4, Building: "A", Unit: 5}, "123/4/A/5", ""},
		{"123/A/5", HRSZ{Parcel: 123, Building: "A", Unit: 5}, "123/A/5", ""},
		{"123/4/A", HRSZ{Parcel: 123, SubParcel: 4, Building: "A"}, "123/4/A", ""},
		{"123/04", HRSZ{Parcel: 123, SubParcel: 4}, "123/4", ""},
		{"4512/2/AB/12", HRSZ{Parcel: 4512, SubParcel: 2, Building: "AB", Unit: 12}, "4512/2/AB/12", ""},
		{"hrsz. 123/4", HRSZ{Parcel: 123, SubParcel: 4}, "123/4", ""},
		{"123/4 hrsz.", HRSZ{Parcel: 123, SubParcel: 4}, "123/4", ""},
		{"HRSZ: 0123/4", HRSZ{Outskirts: true, Parcel: 123, SubParcel: 4}, "0123/4", ""},
		{"", HRSZ{}, "", CodeEmpty},
		{"hrsz.", HRSZ{}, "", CodeEmpty},
		{"0", HRSZ{}, "", CodeFormat},
		{"00123", HRSZ{}, "", CodeFormat},
		{"123/0", HRSZ{}, "", CodeFormat},
		{"123/", HRSZ{}, "", CodeFormat},
		{"/4", HRSZ{}, "", CodeFormat},
		{"123/4/5", HRSZ{}, "", CodeFormat},
		{"123/4/A/B", HRSZ{}, "", CodeFormat},
		{"123/4/A/5/6", HRSZ{}, "", CodeFormat},
		{"123/4/ABC/5", HRSZ{}, "", CodeFormat},
		{"123/4/Á/5", HRSZ{}, "", CodeFormat},
		{"12345678", HRSZ{}, "", CodeFormat},
		{"-123", HRSZ{}, "", CodeFormat},
	}
	for _, tt := range tests {
		got, err := ParseHRSZ(tt.in)
		if tt.code != "" {
			if !errors.Is(err, &ValidationError{Code: tt.code}) {
				t.Errorf("ParseHRSZ(%q) = %+v, %v; want code %s", tt.in, got, err, tt.code)
			}
			continue
		}
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseHRSZ(%q) = %+v (%q), %v; want %+v (%q)", tt.in, got, got.String(), err, tt.want, tt.str)
		}
	}
}

func TestHRSZOrder(t *testing.T) {
	// In natural order, as a land-registry listing shows them.
	want := []string{
		"9", "123", "123/2", "123/2/A", "123/2/A/1", "123/2/A/2", "123/2/A/10",
		"123/2/B/1", "123/2/Z", "123/2/AA", "123/10", "124", "1000",
		"05", "0123", "0123/1",
	}
	var parsed []HRSZ
	for _, s := range want {
		h, err := ParseHRSZ(s)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, h)
	}
	shuffled := slices.Clone(parsed)
	slices.Reverse(shuffled)
	shuffled[0], shuffled[5] = shuffled[5], shuffled[0]
	slices.SortFunc(shuffled, HRSZ.Compare)
	for i := range shuffled {
		if shuffled[i] != parsed[i] {
			t.Errorf("position %d: got %s, want %s", i, shuffled[i], parsed[i])
		}
	}
	a, _ := ParseHRSZ("123/2")
	b, _ := ParseHRSZ("123/10")
	if !a.Less(b) || b.Less(a) || a.Less(a) {
		t.Error("Less: 123/2 must come before 123/10")
	}
}

func TestHRSZZeroAndText(t *testing.T) {
	var z HRSZ
	if !z.IsZero() || z.String() != "" {
		t.Error("zero HRSZ not empty")
	}
	var h HRSZ
	if err := h.UnmarshalText([]byte("0123/4")); err != nil || h.String() != "0123/4" {
		t.Errorf("UnmarshalText = %v, %v", h, err)
	}
	if b, _ := h.MarshalText(); string(b) != "0123/4" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := h.UnmarshalText([]byte("x")); err == nil {
		t.Error("UnmarshalText accepted x")
	}
}

func FuzzParseHRSZ(f *testing.F) {
	for _, s := range []string{"123", "0123/4", "123/4/A/5", "123/A/5", "hrsz. 12/3", "", "00/0", "1/2/3/4/5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHRSZ(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("error type %T", err)
			}
			return
		}
		str := h.String()
		back, err := ParseHRSZ(str)
		if err != nil || back != h || back.String() != str {
			t.Fatalf("round trip %q -> %q -> %+v, %v", s, str, back, err)
		}
		if h.Parcel < 1 || h.SubParcel < 0 || h.Unit < 0 || (h.Unit > 0 && h.Building == "") {
			t.Fatalf("impossible value %+v from %q", h, s)
		}
		if h.Compare(back) != 0 || h.Less(back) {
			t.Fatalf("Compare not reflexive for %+v", h)
		}
	})
}
