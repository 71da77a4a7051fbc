package caps

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/*.csv
var dataFiles embed.FS

// Rounding is how a valorised cap is rounded. The brief (§A.2) leaves the
// convention ⚠ UNCERTAIN ("1 decimal?"); half up to one decimal on the
// exact CPI chain reproduces every derived figure of its table (2 950,1;
// 536,4; 45 592,7; 3 059,3; 556,2; 47 279,6; 834,3). The press figure of
// 804,5 Ft for the 2025 tourist tax is what truncation would give, so it
// is carried as a published figure instead (kozzetett_hatarok.csv).
type Rounding struct {
	Decimals int  // 0..3
	Down     bool // truncate instead of half up
}

// Policy holds the procedural choices the brief marks ⚠ UNCERTAIN.
type Policy struct {
	// PreparationDays is the minimum number of days between the decree's
	// promulgation and the entry into force of a rise. The brief gives
	// "~30 days" with an uncertain basis; the county government offices'
	// guidance attributes it to Stabtv. (2011. évi CXCIV. tv.) 32. §
	// ("promulgate by 1 December"). Default 30; 0 = not checked.
	PreparationDays int
	// FrozenYears are tax years in which no rate may rise over the
	// previous one (2021: COVID emergency legislation).
	FrozenYears []int
}

// Table is a loaded catalogue with its caps and CPI chain.
type Table struct {
	types     map[TaxType]*Type
	order     []TaxType
	caps      map[capKey][]capRow
	cpi       map[int]*big.Rat // year → 1 + CPI/100
	published map[pubKey]Rate
	Rounding  Rounding
	Policy    Policy
}

type capKey struct {
	t TaxType
	b Basis
}

type pubKey struct {
	capKey
	year int
}

type capRow struct {
	kind              CapKind
	nominal           Rate
	valorised         bool
	firstYear, lastYr int // lastYr 0 = open
	legal, uncertain  string
}

// Files are the CSV inputs of Load.
type Files struct {
	Types, Caps, CPI, Published []byte
}

// EmbeddedFiles returns the CSV files built into the binary.
func EmbeddedFiles() Files {
	read := func(name string) []byte {
		b, err := dataFiles.ReadFile("data/" + name)
		if err != nil {
			panic(err) // embedded at build time: cannot be missing
		}
		return b
	}
	return Files{read("adonemek.csv"), read("felso_hatarok.csv"), read("fogyasztoi_arindex.csv"), read("kozzetett_hatarok.csv")}
}

var defaultTable = sync.OnceValues(func() (*Table, error) { return Load(EmbeddedFiles()) })

// Default returns the embedded table.
func Default() (*Table, error) { return defaultTable() }

// Load parses the four CSV files and checks them against each other.
func Load(f Files) (*Table, error) {
	t := &Table{
		types: map[TaxType]*Type{}, caps: map[capKey][]capRow{}, cpi: map[int]*big.Rat{},
		published: map[pubKey]Rate{},
		Rounding:  Rounding{Decimals: 1},
		Policy:    Policy{PreparationDays: 30, FrozenYears: []int{2021}},
	}
	err := readCSV(f.Types, "adonemek", []string{"adonem", "nev", "nev_en", "jogszabaly", "rendelettel", "utolso_ev", "budapesten", "bizonytalan"},
		func(r []string) error {
			ty := &Type{Code: TaxType(r[0]), NameHU: r[1], NameEN: r[2], LegalBasis: r[3], Uncertain: r[7]}
			if ty.Code == "" || ty.NameHU == "" || ty.NameEN == "" {
				return fmt.Errorf("empty code or name")
			}
			if _, dup := t.types[ty.Code]; dup {
				return fmt.Errorf("tax type %s twice", ty.Code)
			}
			var err error
			if ty.ByDecree, err = yesNo(r[4]); err != nil {
				return err
			}
			if r[5] != "" {
				if ty.LastYear, err = year(r[5]); err != nil {
					return err
				}
			}
			switch c := Competence(r[6]); c {
			case District, Capital, Both:
				ty.Budapest = c
			default:
				return fmt.Errorf("budapesten %q: say kerulet, fovaros or mindketto", r[6])
			}
			t.types[ty.Code] = ty
			t.order = append(t.order, ty.Code)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = readCSV(f.Caps, "felso_hatarok", []string{"adonem", "alap", "fajta", "ertek", "valorizalt", "elso_adoev", "utolso_adoev", "jogszabaly", "bizonytalan"},
		func(r []string) error {
			ty, ok := t.types[TaxType(r[0])]
			if !ok {
				return fmt.Errorf("unknown tax type %q", r[0])
			}
			row := capRow{kind: CapKind(r[2]), legal: r[7], uncertain: r[8]}
			var err error
			if row.valorised, err = yesNo(r[4]); err != nil {
				return err
			}
			if row.firstYear, err = year(r[5]); err != nil {
				return err
			}
			if r[6] != "" {
				if row.lastYr, err = year(r[6]); err != nil {
					return err
				}
				if row.lastYr < row.firstYear {
					return fmt.Errorf("last year before first year")
				}
			}
			switch row.kind {
			case PerUnit, Percent:
				if row.nominal, err = ParseRate(r[3]); err != nil || row.nominal <= 0 {
					return fmt.Errorf("cap %q is not a positive number", r[3])
				}
			case None:
				if r[3] != "" || row.valorised {
					return fmt.Errorf("an uncapped row has no value and is not valorised")
				}
			default:
				return fmt.Errorf("fajta %q: say Ft, %% or nincs", r[2])
			}
			if row.kind == Percent && row.valorised {
				return fmt.Errorf("percentage caps are not valorised (Htv. 6. § c))")
			}
			k := capKey{ty.Code, Basis(r[1])}
			for _, o := range t.caps[k] {
				if overlaps(o, row) {
					return fmt.Errorf("%s/%s: overlapping years", k.t, k.b)
				}
			}
			if len(t.caps[k]) == 0 {
				ty.Bases = append(ty.Bases, k.b)
			}
			t.caps[k] = append(t.caps[k], row)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for _, code := range t.order {
		if len(t.types[code].Bases) == 0 {
			return nil, fmt.Errorf("felso_hatarok: tax type %s has no row (give fajta nincs if it is uncapped)", code)
		}
	}
	err = readCSV(f.CPI, "fogyasztoi_arindex", []string{"ev", "fogyasztoi_arindex_szazalek"}, func(r []string) error {
		y, err := year(r[0])
		if err != nil {
			return err
		}
		if _, dup := t.cpi[y]; dup {
			return fmt.Errorf("year %d twice", y)
		}
		p, err := ParseRate(r[1])
		if err != nil || p <= -100*RateUnit || p >= 1000*RateUnit {
			return fmt.Errorf("CPI %q is not a percentage change", r[1])
		}
		// 1 + p/100, p in thousandths of a percent.
		t.cpi[y] = new(big.Rat).SetFrac64(100000+int64(p), 100000)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(f.Published, "kozzetett_hatarok", []string{"adonem", "alap", "adoev", "ertek", "forras"}, func(r []string) error {
		k := capKey{TaxType(r[0]), Basis(r[1])}
		y, err := year(r[2])
		if err != nil {
			return err
		}
		row, ok := t.row(k, y)
		if !ok || !row.valorised {
			return fmt.Errorf("%s/%s %d: no valorised cap to publish", k.t, k.b, y)
		}
		v, err := ParseRate(r[3])
		if err != nil || v <= 0 {
			return fmt.Errorf("value %q is not positive", r[3])
		}
		if r[4] == "" {
			return fmt.Errorf("say where the figure was published")
		}
		t.published[pubKey{k, y}] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func overlaps(a, b capRow) bool {
	end := func(r capRow) int {
		if r.lastYr == 0 {
			return 1 << 30
		}
		return r.lastYr
	}
	return a.firstYear <= end(b) && b.firstYear <= end(a)
}

func readCSV(data []byte, name string, header []string, row func([]string) error) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(header)
	h, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if strings.Join(h, ",") != strings.Join(header, ",") {
		return fmt.Errorf("%s: header %q, want %q", name, h, header)
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if err := row(rec); err != nil {
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
	}
}

func yesNo(s string) (bool, error) {
	switch s {
	case "igen":
		return true, nil
	case "nem":
		return false, nil
	}
	return false, fmt.Errorf("%q: say igen or nem", s)
}

func year(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 9999 {
		return 0, fmt.Errorf("%q is not a year", s)
	}
	return y, nil
}

// Types lists the catalogue in file order.
func (t *Table) Types() []Type {
	out := make([]Type, 0, len(t.order))
	for _, c := range t.order {
		ty := *t.types[c]
		ty.Bases = append([]Basis(nil), ty.Bases...)
		out = append(out, ty)
	}
	return out
}

// Type returns one tax type.
func (t *Table) Type(code TaxType) (Type, bool) {
	ty, ok := t.types[code]
	if !ok {
		return Type{}, false
	}
	c := *ty
	c.Bases = append([]Basis(nil), ty.Bases...)
	return c, true
}

func (t *Table) row(k capKey, y int) (capRow, bool) {
	for _, r := range t.caps[k] {
		if y >= r.firstYear && (r.lastYr == 0 || y <= r.lastYr) {
			return r, true
		}
	}
	return capRow{}, false
}

// CPIFactor is Π (1 + CPI_t/100) for t = 2003 … year−2 (Htv. 6. § c), lag
// of two years: "for 2005, by the CPI of 2003"). Before 2005 it is 1.
func (t *Table) CPIFactor(year int) (*big.Rat, error) {
	f := big.NewRat(1, 1)
	for y := 2003; y <= year-2; y++ {
		c, ok := t.cpi[y]
		if !ok {
			return nil, &Problem{CodeNoData,
				fmt.Sprintf("A %d. évi felső határhoz a %d. évi fogyasztói árindex kell, ez nincs meg a táblázatban.", year, y),
				fmt.Sprintf("The cap for %d needs the consumer price index of %d, which the table lacks.", year, y)}
		}
		f.Mul(f, c)
	}
	return f, nil
}

// round converts an exact amount of units to a Rate at the table's
// rounding; ok is false when it is out of range (absurd reference data).
func (t *Table) round(x *big.Rat) (r Rate, ok bool) {
	d := t.Rounding.Decimals
	if d < 0 {
		d = 0
	}
	if d > 3 {
		d = 3
	}
	scale := int64(1)
	for range d {
		scale *= 10
	}
	v := new(big.Rat).Mul(x, big.NewRat(scale, 1))
	if !t.Rounding.Down {
		v.Add(v, big.NewRat(1, 2))
	}
	q := new(big.Int).Quo(v.Num(), v.Denom()) // values are positive: truncation is floor
	q.Mul(q, big.NewInt(1000/scale))
	if !q.IsInt64() || q.Sign() < 0 || Rate(q.Int64()) > maxRate {
		return 0, false
	}
	return Rate(q.Int64()), true
}

// Cap returns the cap of a tax type and basis for a tax year.
func (t *Table) Cap(code TaxType, b Basis, year int) (CapValue, error) {
	ty, ok := t.types[code]
	if !ok {
		return CapValue{}, &Problem{CodeUnknownType,
			fmt.Sprintf("Ismeretlen adónem: %q.", code), fmt.Sprintf("Unknown tax type %q.", code)}
	}
	k := capKey{code, b}
	if _, ok := t.caps[k]; !ok {
		return CapValue{}, &Problem{CodeBasis,
			fmt.Sprintf("A(z) %s alapja nem lehet %q (lehetséges: %s).", ty.NameHU, b, joinBases(ty.Bases)),
			fmt.Sprintf("The %s has no basis %q (possible: %s).", ty.NameEN, b, joinBases(ty.Bases))}
	}
	row, ok := t.row(k, year)
	if !ok {
		return CapValue{}, &Problem{CodeNoData,
			fmt.Sprintf("A(z) %s %d. adóévre nincs felső határ a táblázatban.", ty.NameHU, year),
			fmt.Sprintf("The table has no cap of the %s for tax year %d.", ty.NameEN, year)}
	}
	c := CapValue{Type: code, Basis: b, Year: year, Kind: row.kind, Nominal: row.nominal, Valorised: row.valorised,
		LegalBasis: row.legal, Uncertain: row.uncertain}
	switch {
	case row.kind == None:
		c.Source = "none"
	case !row.valorised:
		c.Value, c.Source = row.nominal, "statute"
	default:
		f, err := t.CPIFactor(year)
		if err != nil {
			return CapValue{}, err
		}
		var ok bool
		c.Computed, ok = t.round(new(big.Rat).Mul(new(big.Rat).SetFrac64(int64(row.nominal), int64(RateUnit)), f))
		if !ok {
			return CapValue{}, &Problem{CodeNoData,
				fmt.Sprintf("A(z) %s %d. évi valorizált felső határa a táblázat adataiból nem számítható.", ty.NameHU, year),
				fmt.Sprintf("The valorised cap of the %s for %d cannot be computed from the table's data.", ty.NameEN, year)}
		}
		c.Value, c.Source = c.Computed, "computed"
		if p, ok := t.published[pubKey{k, year}]; ok {
			c.Published = p
			c.Value, c.Source = p, "published"
		}
	}
	return c, nil
}

// Caps lists every cap row in force in a year, in catalogue order; rows
// whose CPI is missing give the error.
func (t *Table) Caps(year int) ([]CapValue, error) {
	var out []CapValue
	for _, code := range t.order {
		for _, b := range t.types[code].Bases {
			if _, ok := t.row(capKey{code, b}, year); !ok {
				continue
			}
			c, err := t.Cap(code, b, year)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// CPIYears gives the first and last year of the CPI table.
func (t *Table) CPIYears() (first, last int) {
	ys := make([]int, 0, len(t.cpi))
	for y := range t.cpi {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	if len(ys) == 0 {
		return 0, 0
	}
	return ys[0], ys[len(ys)-1]
}

func joinBases(bs []Basis) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

// Cap is Table.Cap on the embedded table.
func Cap(code TaxType, b Basis, year int) (CapValue, error) {
	t, err := Default()
	if err != nil {
		return CapValue{}, err
	}
	return t.Cap(code, b, year)
}
