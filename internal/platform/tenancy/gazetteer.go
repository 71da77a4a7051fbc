package tenancy

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// The KSH gazetteer (Helységnévtár) of 2018-01-01: see data/NOTICE.md.
//
//go:embed data/helysegek_2018.csv
var gazetteer2018 []byte

// Gazetteer2018 returns a reader over the embedded gazetteer.
func Gazetteer2018() io.Reader { return bytes.NewReader(gazetteer2018) }

// Place is one row of the gazetteer: a settlement or a Budapest district,
// each of which is a local government.
type Place struct {
	Name         string
	KSHCode      db.TenantID
	LegalStatus  string
	County       string
	DistrictCode string
	DistrictName string
	// OfficeCode is KSH's önkormányzati hivatali kód: 1 own mayor's office;
	// 2 seat of a joint office; 4 seat of a joint office that also hosts
	// another; 5 member of a joint office seated elsewhere, with a branch
	// (kirendeltség) here; 6 member of a joint office seated elsewhere.
	OfficeCode int
	OfficeSeat string // name of the seat, for codes 5 and 6
	AreaHa     int64
	Population int64
	Dwellings  int64
}

var kshCodePattern = regexp.MustCompile(`^[0-9]{5}$`)

var gazetteerHeader = []string{"helyseg_nev", "ksh_kod", "jogallas", "megye", "jaras_kod", "jaras_nev",
	"jaras_szekhely", "onk_hivatal_kod", "onk_hivatal_szekhely", "terulet_ha", "lakonepesseg", "lakasok_szama"}

// ParseGazetteer reads the gazetteer CSV (the columns of
// shared/data/ksh_helysegnevtar_2018/helysegek_2018.csv). It checks every
// row and the office structure, and reports every problem it finds with
// its line number, so a bad file is refused whole.
func ParseGazetteer(r io.Reader) ([]Place, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(gazetteerHeader)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("gazetteer: read header: %w", err)
	}
	for i, h := range gazetteerHeader {
		if strings.TrimPrefix(head[i], "\ufeff") != h {
			return nil, fmt.Errorf("gazetteer: column %d is %q, want %q", i+1, head[i], h)
		}
	}
	var (
		places []Place
		errs   []error
		seen   = map[db.TenantID]int{}
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A csv.ParseError names the line itself.
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
		line, _ := cr.FieldPos(0)
		p, err := parsePlace(rec)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			continue
		}
		if prev, dup := seen[p.KSHCode]; dup {
			errs = append(errs, fmt.Errorf("line %d: KSH code %s already on line %d", line, p.KSHCode, prev))
			continue
		}
		seen[p.KSHCode] = line
		places = append(places, p)
	}
	if len(errs) == 0 && len(places) == 0 {
		errs = append(errs, errors.New("no rows"))
	}
	if len(errs) == 0 {
		errs = append(errs, checkOffices(places)...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("gazetteer: %w", errors.Join(errs...))
	}
	return places, nil
}

func parsePlace(rec []string) (Place, error) {
	f := func(i int) string { return strings.TrimSpace(rec[i]) }
	p := Place{
		Name:         f(0),
		KSHCode:      db.TenantID(f(1)),
		LegalStatus:  f(2),
		County:       f(3),
		DistrictCode: f(4),
		DistrictName: f(5),
		OfficeSeat:   f(8),
	}
	if p.Name == "" {
		return p, errors.New("empty name")
	}
	if !kshCodePattern.MatchString(string(p.KSHCode)) {
		return p, fmt.Errorf("%s: KSH code %q is not five digits", p.Name, p.KSHCode)
	}
	if p.LegalStatus == "" {
		return p, fmt.Errorf("%s: empty legal status", p.Name)
	}
	if p.County == "" && p.LegalStatus == "főváros" {
		// The Budapest row has no county; its districts say "főváros".
		p.County = "főváros"
	}
	code, err := strconv.Atoi(f(7))
	if err != nil || code < 1 || code > 6 {
		return p, fmt.Errorf("%s: office code %q is not 1–6", p.Name, f(7))
	}
	p.OfficeCode = code
	nums := []*int64{&p.AreaHa, &p.Population, &p.Dwellings}
	for i, dst := range nums {
		n, err := strconv.ParseInt(f(9+i), 10, 64)
		if err != nil || n < 0 {
			return p, fmt.Errorf("%s: column %s: %q is not a whole number", p.Name, gazetteerHeader[9+i], f(9+i))
		}
		*dst = n
	}
	return p, nil
}

// checkOffices verifies that every member of a joint office names a seat
// that exists and is a seat.
func checkOffices(places []Place) []error {
	byName := make(map[string]*Place, len(places))
	for i := range places {
		byName[places[i].Name] = &places[i]
	}
	var errs []error
	for _, p := range places {
		switch p.OfficeCode {
		case 5, 6:
			seat, ok := byName[p.OfficeSeat]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: office seat %q is not in the gazetteer", p.Name, p.OfficeSeat))
			} else if seat.OfficeCode != 2 && seat.OfficeCode != 4 {
				errs = append(errs, fmt.Errorf("%s: office seat %s is not the seat of a joint office (code %d)", p.Name, seat.Name, seat.OfficeCode))
			}
		case 3:
			errs = append(errs, fmt.Errorf("%s: office code 3 is not used by the 2018 gazetteer", p.Name))
		}
	}
	return errs
}

// Plan turns the gazetteer into the tenants and offices it describes. The
// tenants carry no operational fields (mode, phase): those belong to the
// operating centre and an import never changes them.
func Plan(places []Place) ([]Tenant, []Office) {
	byName := make(map[string]db.TenantID, len(places))
	for _, p := range places {
		byName[p.Name] = p.KSHCode
	}
	tenants := make([]Tenant, 0, len(places))
	var offices []Office
	for _, p := range places {
		t := Tenant{
			ID: p.KSHCode, Name: p.Name, LegalStatus: p.LegalStatus, County: p.County,
			DistrictCode: p.DistrictCode, DistrictName: p.DistrictName,
			Population: p.Population, AreaHa: p.AreaHa, Dwellings: p.Dwellings,
		}
		switch p.OfficeCode {
		case 1:
			name := "Polgármesteri Hivatal – " + p.Name
			if p.LegalStatus == "főváros" {
				name = "Főpolgármesteri Hivatal – " + p.Name
			}
			offices = append(offices, Office{ID: OfficeID(p.KSHCode), Name: name, Kind: OwnOffice, SeatTenantID: p.KSHCode})
			t.OfficeID = OfficeID(p.KSHCode)
		case 2, 4:
			offices = append(offices, Office{ID: OfficeID(p.KSHCode), Name: "Közös Önkormányzati Hivatal – " + p.Name, Kind: JointOffice, SeatTenantID: p.KSHCode})
			t.OfficeID = OfficeID(p.KSHCode)
		case 5, 6:
			t.OfficeID = OfficeID(byName[p.OfficeSeat])
		}
		tenants = append(tenants, t)
	}
	return tenants, offices
}
