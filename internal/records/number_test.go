package records

import "testing"

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]Number{
		"1234-3/2026":     {Foszam: 1234, Alszam: 3, Year: 2026},
		" 1-1/2025 ":      {Foszam: 1, Alszam: 1, Year: 2025},
		"ADÓ/17-2/2026":   {Prefix: "ADÓ", Foszam: 17, Alszam: 2, Year: 2026},
		"HAGY-1/5-1/2024": {Prefix: "HAGY-1", Foszam: 5, Alszam: 1, Year: 2024},
	} {
		got, err := ParseNumber(in)
		if err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1234/2026", "0-1/2026", "1-0/2026", "1-1/26", "a-1/2026", "1-1/2026x", "1 - 1/2026", "//1-1/2026", "1-1/1066"} {
		if _, err := ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q) accepted", bad)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1234-3/2026", "ADÓ/1-1/2025", "", "x/0-0/0", "99999999999999-1/2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			if err.(*NumberError).HU() == "" {
				t.Fatal("no Hungarian message")
			}
			return
		}
		// What parses renders back to a string that parses to the same.
		again, err := ParseNumber(n.String())
		if err != nil || again != n {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, n, n.String(), again, err)
		}
	})
}

func TestNumberTemplates(t *testing.T) {
	n := Number{Prefix: "ADÓ", Foszam: 17, Alszam: 2, Year: 2026}
	for tmpl, want := range map[NumberTemplate]string{
		"":                        "ADÓ/17-2/2026",
		DefaultNumberTemplate:     "ADÓ/17-2/2026",
		"{év}/{főszám}-{alszám}":  "ADÓ/2026/17-2",
		"{főszám}/{alszám}/{év}":  "ADÓ/17/2/2026",
		"{év}. {főszám}.{alszám}": "ADÓ/2026. 17.2",
		"{alszám}:{főszám}-{év}":  "ADÓ/2:17-2026",
	} {
		if err := CheckTemplate(tmpl); err != nil && tmpl != "" {
			t.Errorf("CheckTemplate(%q): %v", tmpl, err)
		}
		if got := tmpl.Format(n); got != want {
			t.Errorf("%q.Format = %q, want %q", tmpl, got, want)
		}
		back, err := tmpl.Parse(" " + want + " ")
		if err != nil || back != n {
			t.Errorf("%q.Parse(%q) = %+v, %v", tmpl, want, back, err)
		}
		plain := n
		plain.Prefix = ""
		if back, err := tmpl.Parse(tmpl.Format(plain)); err != nil || back != plain {
			t.Errorf("%q without prefix: %+v, %v", tmpl, back, err)
		}
	}
	for _, bad := range []NumberTemplate{"", "{főszám}-{alszám}", "{főszám}{alszám}/{év}", "{főszám}-{alszám}/{év}/{év}",
		"Iktató: {főszám}-{alszám}/{év}", "{foszam}-{alszam}/{ev}", "{főszám}_{alszám}/{év}"} {
		if err := CheckTemplate(bad); err == nil {
			t.Errorf("CheckTemplate(%q) accepted", bad)
		}
	}
	// The message names the forms in use.
	_, err := NumberTemplate("{év}/{főszám}-{alszám}").Parse("17-2/2026")
	if ne, ok := err.(*NumberError); !ok || ne.HU() != "A(z) „17-2/2026” nem iktatószám. A helyes alak: 2026/1234-3 vagy ELŐTAG/2026/1234-3." {
		t.Errorf("message: %v", err)
	}
}

func FuzzNumberTemplate(f *testing.F) {
	for _, s := range []string{string(DefaultNumberTemplate), "{év}/{főszám}-{alszám}", "{főszám}{alszám}{év}", "", "{év}. {főszám}.{alszám}"} {
		f.Add(s, int64(17), int64(2), 2026, "ADÓ")
	}
	f.Fuzz(func(t *testing.T, tmpl string, foszam, alszam int64, year int, prefix string) {
		tp := NumberTemplate(tmpl)
		if CheckTemplate(tp) != nil {
			return
		}
		if foszam < 1 || foszam > 999999999999 || alszam < 1 || alszam > 999999999 || year < 1900 || year > 9999 || !prefixPattern.MatchString(prefix) {
			return
		}
		// Every valid template reads back what it writes.
		n := Number{Prefix: prefix, Foszam: foszam, Alszam: alszam, Year: year}
		back, err := tp.Parse(tp.Format(n))
		if err != nil || back != n {
			t.Fatalf("%q: %+v → %q → %+v, %v", tmpl, n, tp.Format(n), back, err)
		}
	})
}
