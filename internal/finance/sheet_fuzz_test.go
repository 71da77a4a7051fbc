package finance

import (
	"strings"
	"testing"
)

func FuzzSheetLabels(f *testing.F) {
	for _, s := range []string{"Törvény szerinti illetmények (K1101)", "Értékesítési és forgalmi adók (B351)", "(K1)", "x (k3)", "()", "(K0)", "Összesen", "011130 Önkormányzatok", "11130", "064010", "1234567 x", "(B8131 )"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if code, ok := ParseRowLabel(s); ok {
			if !validRovatCode(code) || !strings.Contains(strings.ToUpper(s), code) {
				t.Errorf("%q → %q", s, code)
			}
		}
		if code, ok := ParseColumnHeader(s); ok {
			if len(code) != 6 || strings.Trim(code, "0123456789") != "" || !strings.Contains(s, strings.TrimLeft(code, "0")) {
				t.Errorf("%q → %q", s, code)
			}
		}
		// Any sheet made of the text maps or reports, never panics.
		e := Entity{Name: "x", Functions: []string{"011130"}}
		lines, issues := MapSheet([][]string{{"", s, "011130 x"}, {s, "1", s}, {"Illetmény (K1101)", s, "2"}}, e, "")
		if len(lines) > 0 && len(issues) > 0 {
			t.Error("both lines and issues")
		}
	})
}

// An uploaded file of any bytes is read or refused with a Problem, and
// whatever it reads maps or reports without a panic.
func FuzzReadSheetFile(f *testing.F) {
	for _, s := range []string{"Rovat;011130 x\nIlletmény (K1101);1 000\n", "a,b\n\"c\nd\",e\n", "PK\x03\x04garbage", "\ufeff;;\n;;\n", "x;\xff\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadSheetFile("f", strings.NewReader(string(data)))
		if err != nil {
			if _, ok := err.(*Problem); !ok {
				t.Fatalf("not a Problem: %v", err)
			}
			return
		}
		MapSheet(rows, Entity{Name: "x", Functions: []string{"011130"}}, "")
	})
}
