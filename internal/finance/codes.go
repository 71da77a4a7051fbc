package finance

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The two code lists every GAZD posting line carries: the rovat
// (egységes rovatrend, economic classification) and the kormányzati
// funkció (COFOG-based functional classification), embedded from
// data/ (see data/NOTICE.md).

//go:embed data/rovatrend_BK.tsv
var rovatTSV []byte

//go:embed data/kormanyzati_funkciok.tsv
var funkcioTSV []byte

// Rovat is one code of the egységes rovatrend: B… a revenue, K… an
// expenditure.
type Rovat struct {
	Code    string
	Name    string
	Parent  string   // "" for B1…B8, K1…K9
	Level   int      // 1 for B1, 2 for B11, …
	OfWhich []string // "ebből:" sub-lines, kept with their code, not as keys
}

// Revenue reports whether the rovat is a revenue (B) code.
func (r Rovat) Revenue() bool { return r.Code[0] == 'B' }

// Group is the top-level group: "K3" for K3311.
func (r Rovat) Group() string { return r.Code[:2] }

// Financing reports whether the rovat is a financing item (B8, K9):
// the §B.2 identities keep these out of budget revenue and expenditure.
func (r Rovat) Financing() bool { return r.Group() == "B8" || r.Group() == "K9" }

// Budget reports whether the rovat is költségvetési (B1–B7, K1–K8).
func (r Rovat) Budget() bool { return !r.Financing() }

// Funkcio is a kormányzati funkció: a 6-digit leaf (011130), a 4-digit
// group (0111) or a 2-digit division (01), with leading zeros.
type Funkcio struct {
	Code   string
	Name   string
	Parent string // "" for a division
}

// Leaf reports whether postings may carry the code (only 6-digit ones).
func (f Funkcio) Leaf() bool { return len(f.Code) == 6 }

// Codes are the two lists, parsed once.
type Codes struct {
	rovat      map[string]*Rovat
	rovatOrder []string
	funkcio    map[string]*Funkcio
	funkcioOrd []string
}

var (
	codesOnce sync.Once
	codes     *Codes
	codesErr  error
)

// DefaultCodes returns the embedded lists.
func DefaultCodes() (*Codes, error) {
	codesOnce.Do(func() { codes, codesErr = ParseCodes(rovatTSV, funkcioTSV) })
	return codes, codesErr
}

func mustCodes() *Codes {
	c, err := DefaultCodes()
	if err != nil {
		panic(err) // embedded data, checked by the tests
	}
	return c
}

// ParseCodes reads the rovatrend (code TAB name) and the funkció tree
// (code TAB name TAB parent, leading zeros stripped, parent 0 = root).
func ParseCodes(rovatData, funkcioData []byte) (*Codes, error) {
	c := &Codes{rovat: map[string]*Rovat{}, funkcio: map[string]*Funkcio{}}
	sc := bufio.NewScanner(bytes.NewReader(rovatData))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		code, name = strings.TrimSpace(code), strings.TrimSpace(name)
		if !ok || !validRovatCode(code) || name == "" {
			return nil, fmt.Errorf("rovatrend line %d: %q", n, line)
		}
		if r, dup := c.rovat[code]; dup {
			if !strings.HasPrefix(name, "ebből") {
				return nil, fmt.Errorf("rovatrend line %d: %s twice", n, code)
			}
			r.OfWhich = append(r.OfWhich, name)
			continue
		}
		c.rovat[code] = &Rovat{Code: code, Name: name}
		c.rovatOrder = append(c.rovatOrder, code)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, code := range c.rovatOrder {
		r := c.rovat[code]
		// The parent is the longest listed prefix: K1101's is K11.
		for l := len(code) - 1; l >= 2; l-- {
			if _, ok := c.rovat[code[:l]]; ok {
				r.Parent = code[:l]
				break
			}
		}
		if r.Parent == "" && len(code) != 2 {
			return nil, fmt.Errorf("rovatrend: %s has no parent", code)
		}
		r.Level = 1
		if r.Parent != "" {
			r.Level = c.rovat[r.Parent].Level + 1
		}
	}

	sc = bufio.NewScanner(bytes.NewReader(funkcioData))
	var parents = map[string]string{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("funkció line %d: %q", n, line)
		}
		code, err := padFunkcio(strings.TrimSpace(f[0]))
		if err != nil {
			return nil, fmt.Errorf("funkció line %d: %w", n, err)
		}
		parent := ""
		if p := strings.TrimSpace(f[2]); p != "0" {
			if parent, err = padFunkcio(p); err != nil {
				return nil, fmt.Errorf("funkció line %d parent: %w", n, err)
			}
		}
		if _, dup := c.funkcio[code]; dup {
			return nil, fmt.Errorf("funkció line %d: %s twice", n, code)
		}
		c.funkcio[code] = &Funkcio{Code: code, Name: strings.TrimSpace(f[1]), Parent: parent}
		parents[code] = parent
		c.funkcioOrd = append(c.funkcioOrd, code)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for code, p := range parents {
		if p != "" && c.funkcio[p] == nil {
			return nil, fmt.Errorf("funkció %s: parent %s not listed", code, p)
		}
	}
	sort.Strings(c.funkcioOrd)
	return c, nil
}

func validRovatCode(s string) bool {
	if len(s) < 2 || len(s) > 6 || (s[0] != 'B' && s[0] != 'K') {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s[1] != '0'
}

// padFunkcio restores the leading zeros the source strips: a division
// has 2 digits (1 → 01, 90 stays), a group 4 (111 → 0111), a leaf 6
// (11130 → 011130).
func padFunkcio(s string) (string, error) {
	if s == "" || len(s) > 6 {
		return "", fmt.Errorf("funkció code %q", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("funkció code %q", s)
		}
	}
	width := 2
	switch len(s) {
	case 3, 4:
		width = 4
	case 5, 6:
		width = 6
	}
	return strings.Repeat("0", width-len(s)) + s, nil
}

// Rovat looks a code up.
func (c *Codes) Rovat(code string) (Rovat, bool) {
	r, ok := c.rovat[code]
	if !ok {
		return Rovat{}, false
	}
	return *r, true
}

// Rovatok lists the codes in the rovatrend's order.
func (c *Codes) Rovatok() []Rovat {
	out := make([]Rovat, 0, len(c.rovatOrder))
	for _, code := range c.rovatOrder {
		out = append(out, *c.rovat[code])
	}
	return out
}

// Funkcio looks a code up; it must carry its leading zeros (011130).
func (c *Codes) Funkcio(code string) (Funkcio, bool) {
	f, ok := c.funkcio[code]
	if !ok {
		return Funkcio{}, false
	}
	return *f, true
}

// Leaves lists the 6-digit funkciók in code order.
func (c *Codes) Leaves() []Funkcio {
	var out []Funkcio
	for _, code := range c.funkcioOrd {
		if f := c.funkcio[code]; f.Leaf() {
			out = append(out, *f)
		}
	}
	return out
}

// Ancestors returns a funkció's chain up to its division, nearest first.
func (c *Codes) Ancestors(code string) []string {
	var out []string
	for f := c.funkcio[code]; f != nil && f.Parent != ""; f = c.funkcio[f.Parent] {
		out = append(out, f.Parent)
	}
	return out
}

// Under reports whether rovat code lies in group (itself or a
// descendant): Under("K3311", "K3") is true.
func (c *Codes) Under(code, group string) bool {
	for r := c.rovat[code]; r != nil; r = c.rovat[r.Parent] {
		if r.Code == group {
			return true
		}
		if r.Parent == "" {
			break
		}
	}
	return false
}
