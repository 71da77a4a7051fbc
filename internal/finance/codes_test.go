package finance

import (
	"strings"
	"testing"
)

func TestCodeListsKeepLeadingZerosAndTheHierarchy(t *testing.T) {
	c, err := DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Rovatok()); n != 227 { // 233 lines less 6 "ebből" sub-lines
		t.Errorf("%d rovatok", n)
	}
	if n := len(c.funkcioOrd); n != 554 { // 553 newlines, the last line has none
		t.Errorf("%d funkciók", n)
	}
	for code, name := range map[string]string{
		"011130": "Önkormányzatok és önkormányzati hivatalok jogalkotó és általános igazgatási tevékenysége",
		"011220": "Adó-, vám- és jövedéki igazgatás",
		"064010": "Közvilágítás",
		"107054": "Családsegítés",
		"900020": "Önkormányzatok funkcióra nem sorolható bevételei államháztartáson kívülről",
	} {
		f, ok := c.Funkcio(code)
		if !ok || f.Name != name || !f.Leaf() {
			t.Errorf("%s: %+v %v", code, f, ok)
		}
	}
	if _, ok := c.Funkcio("11130"); ok {
		t.Error("the stripped form 11130 must not be a code")
	}
	if got := strings.Join(c.Ancestors("011130"), " "); got != "0111 01" {
		t.Errorf("ancestors of 011130: %q", got)
	}
	if got := strings.Join(c.Ancestors("900020"), " "); got != "9000 90" {
		t.Errorf("ancestors of 900020: %q", got)
	}
	if f, _ := c.Funkcio("09"); f.Name != "Oktatás" || f.Parent != "" {
		t.Errorf("09: %+v", f)
	}
	if f, _ := c.Funkcio("0912"); f.Parent != "09" {
		t.Errorf("0912: %+v", f)
	}
	for _, f := range c.Leaves() {
		if len(f.Code) != 6 || len(c.Ancestors(f.Code)) < 2 {
			t.Errorf("leaf %+v", f)
		}
	}

	r, ok := c.Rovat("K1101")
	if !ok || r.Parent != "K11" || r.Level != 3 || r.Revenue() || !r.Budget() {
		t.Errorf("K1101: %+v", r)
	}
	if r, _ := c.Rovat("B34"); len(r.OfWhich) < 2 || !strings.HasPrefix(r.OfWhich[0], "ebből: építményadó") {
		t.Errorf("B34's ebből lines: %+v", r.OfWhich)
	}
	if !c.Under("B8131", "B8") || c.Under("B8131", "B1") || !c.Under("K3", "K3") {
		t.Error("Under")
	}
}

// §B.2: budget revenue is B1–B7, financing revenue B8; budget
// expenditure K1–K8, financing expenditure K9 — for every listed code.
func TestRovatIdentities(t *testing.T) {
	c := mustCodes()
	groups := map[string]int{}
	for _, r := range c.Rovatok() {
		groups[r.Group()]++
		g := r.Group()
		wantFinancing := g == "B8" || g == "K9"
		if r.Financing() != wantFinancing || r.Budget() == wantFinancing {
			t.Errorf("%s: financing %v", r.Code, r.Financing())
		}
		if r.Revenue() != (r.Code[0] == 'B') {
			t.Errorf("%s: revenue %v", r.Code, r.Revenue())
		}
		top := r
		for top.Parent != "" {
			top, _ = c.Rovat(top.Parent)
		}
		if top.Code != g {
			t.Errorf("%s: top %s, group %s", r.Code, top.Code, g)
		}
	}
	for _, g := range []string{"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9"} {
		if groups[g] == 0 {
			t.Errorf("group %s missing", g)
		}
	}
	if len(groups) != 17 {
		t.Errorf("groups: %v", groups)
	}
}

func TestParseCodesRefusesBrokenLists(t *testing.T) {
	good := "B1\tTámogatások\n"
	for name, tc := range map[string][2]string{
		"rovat without name":   {"B1\n", "1\tX\t0\n"},
		"rovat bad code":       {"X1\tx\n", "1\tX\t0\n"},
		"rovat orphan":         {"B1\tx\nB234\ty\n", "1\tX\t0\n"},
		"rovat twice":          {"B1\tx\nB1\ty\n", "1\tX\t0\n"},
		"funkció orphan":       {good, "11130\tX\t111\n"},
		"funkció letters":      {good, "1a\tX\t0\n"},
		"funkció two columns":  {good, "1\tX\n"},
		"funkció seven digits": {good, "1234567\tX\t0\n"},
	} {
		if _, err := ParseCodes([]byte(tc[0]), []byte(tc[1])); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseCodes([]byte(good+"B1\tebből: x\n"), []byte("1\tX\t0\r\n111\tY\t1\r\n11130\tZ\t111\r\n")); err != nil {
		t.Error(err)
	}
}
