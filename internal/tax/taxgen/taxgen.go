// Package taxgen makes realistic tax data for benchmarks: taxpayers with
// valid adóazonosító jelek, buildings, plots and dwellings with parcel
// numbers, addresses, shares and the decree that taxes them. It writes
// straight into the tables (the data reports' IRAT registrations are not
// what a benchmark of the assessment measures).
package taxgen

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Options size the data.
type Options struct {
	Taxpayers, Objects int
	TaxYear            int
	Seed               uint64
	// Streets is a CSV of street names (the Posta's budapest_utcak.csv:
	// column 2 name, 3 kind); empty or missing: made-up names.
	Streets string
}

// DefaultStreets is where the shared data keep the Budapest street list,
// seen from a package directory two levels under internal.
const DefaultStreets = "../../../../shared/data/posta_iranyitoszam_2019/budapest_utcak.csv"

// Data is what Generate made.
type Data struct {
	Taxpayers []tax.Taxpayer
	Objects   int
	Decree    tax.Decree
}

func streets(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range rows[1:] {
		if len(r) > 2 && r[1] != "" {
			out = append(out, r[1]+" "+r[2])
		}
	}
	return out
}

// TaxID makes the n-th valid adóazonosító jel: 8, the birth day as days
// since 1867-01-01, a serial, and the check digit (weights 1–9, mod 11).
// Each day holds 500 people on the even serials; a serial whose check
// would be 10 (not issued) takes the odd one after it, whose check then
// differs by 9 (mod 11), so it is valid and still unique.
func TaxID(n int) string {
	days := 30000 + n/500
	for serial := 2 * (n % 500); ; serial++ {
		s := fmt.Sprintf("8%05d%03d", days%100000, serial)
		sum := 0
		for i, c := range s {
			sum += int(c-'0') * (i + 1)
		}
		if sum%11 < 10 {
			return s + strconv.Itoa(sum%11)
		}
	}
}

const chunk = 1000

func insert[T any](ctx context.Context, tx bun.Tx, rows []T) error {
	for i := 0; i < len(rows); i += chunk {
		c := rows[i:min(i+chunk, len(rows))]
		if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Generate writes the data in tx: taxpayers, objects (60 % buildings, a
// quarter of them non-residential, 25 % plots, one in five of them
// reported for the communal tax, 15 % dwellings for the communal tax), a third of them co-owned, one in twenty claiming a
// relief, and a decree for the year with rates by category and zone.
func Generate(ctx context.Context, tx bun.Tx, o Options) (Data, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	now := time.Date(o.TaxYear-1, 12, 1, 9, 0, 0, 0, time.UTC)
	names := streets(o.Streets)
	if len(names) == 0 {
		for i := range 500 {
			names = append(names, fmt.Sprintf("%d. utca", i+1))
		}
	}
	family := []string{"Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh", "Papp"}
	given := []string{"Anna", "Ödön", "Éva", "Péter", "Zsófia", "László", "Katalin", "István", "Ilona", "Gábor"}
	d := Data{Objects: o.Objects}
	for i := range o.Taxpayers {
		street := names[rng.IntN(len(names))]
		d.Taxpayers = append(d.Taxpayers, tax.Taxpayer{ID: uuid.Must(uuid.NewV7()), Kind: "person", TaxID: TaxID(i),
			Name: family[rng.IntN(len(family))] + " " + given[rng.IntN(len(given))], Address: fmt.Sprintf("1111 Budapest, %s %d.", street, 1+rng.IntN(120)),
			CreatedAt: now, CreatedBy: "taxgen"})
	}
	if err := insert(ctx, tx, d.Taxpayers); err != nil {
		return d, fmt.Errorf("taxpayers: %w", err)
	}
	dec, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: fmt.Sprintf("99/%d. (XI. 20.)", o.TaxYear-1), Title: "Helyi adók",
		AdoptedOn: hu.Date{Year: o.TaxYear - 1, Month: 11, Day: 20}, EffectiveFrom: hu.Date{Year: o.TaxYear, Month: 1, Day: 1}, TaxYear: o.TaxYear, By: "taxgen",
		Rates: []tax.DecreeRate{
			{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre, Rate: 1_000_000},
			{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre, Rate: 1_600_000, Category: "lakas"},
			{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre, Rate: 1_900_000, Category: "nem_lakas", Zone: "belterulet"},
			{TaxType: caps.LandTax, Basis: caps.PerSquareMetre, Rate: 150_000},
			{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: 17_000_000},
		},
		Reliefs: []tax.DecreeRelief{{TaxType: caps.BuildingTax, Kind: tax.Discount, Description: "nagycsaládosok lakása", Percent: ptr(caps.Rate(50_000))}},
	}, now)
	if err != nil {
		return d, fmt.Errorf("decree: %w", err)
	}
	d.Decree = dec
	relief := dec.ID.String() + ":1"
	objs := make([]tax.TaxObject, 0, o.Objects)
	vers := make([]tax.ObjectVersion, 0, o.Objects)
	owners := make([]tax.ObjectOwner, 0, o.Objects*4/3)
	for i := range o.Objects {
		kind := tax.ObjectBuilding
		r := i % 20
		switch {
		case r >= 12 && r < 17:
			kind = tax.ObjectPlot
		case r >= 17:
			kind = tax.ObjectDwelling
		}
		tt := tax.ObjectDefaultTax(kind)
		if r == 16 {
			tt = caps.CommunalTax // a private person's plot reported for the communal tax
		}
		id := uuid.Must(uuid.NewV7())
		objs = append(objs, tax.TaxObject{ID: id, Kind: kind, TaxType: tt, CreatedAt: now, CreatedBy: "taxgen"})
		street := names[rng.IntN(len(names))]
		v := tax.ObjectVersion{ObjectID: id, Version: 1, EffectiveOn: hu.Date{Year: 2000 + i%24, Month: time.Month(1 + i%12), Day: 1 + i%28},
			Address: fmt.Sprintf("%s %d.", street, 1+i%150), Zone: "belterulet", FilingNumber: fmt.Sprintf("KOZ/%d/%d", i+1, 2000+i%24),
			RecordedAt: now, RecordedBy: "taxgen"}
		v.ValidFrom = v.EffectiveOn
		parcel := 1 + i/4
		switch kind {
		case tax.ObjectBuilding:
			v.HRSZ = fmt.Sprintf("%d/%d/A/%d", parcel, 1+i%9, 1+i%40)
			v.AreaM2, v.Category = int64(28+rng.IntN(150)), "lakas"
			if i%4 == 0 {
				v.Category, v.AreaM2 = "nem_lakas", int64(20+rng.IntN(900))
			}
		case tax.ObjectPlot:
			v.HRSZ = fmt.Sprintf("0%d/%d", parcel, 1+i%9)
			v.AreaM2, v.Zone = int64(300+rng.IntN(5000)), "kulterulet"
		default:
			v.HRSZ = fmt.Sprintf("%d/%d", parcel, 1+i%9)
			v.AreaM2 = int64(40 + rng.IntN(100))
		}
		// A few came into being in the tax year (not yet taxed) or were
		// demolished before it (no longer taxed).
		switch i % 97 {
		case 0:
			v.ValidFrom, v.EffectiveOn = hu.Date{Year: o.TaxYear - 1, Month: 6, Day: 1}, hu.Date{Year: o.TaxYear - 1, Month: 6, Day: 1}
		case 1:
			v.ValidTo = hu.Date{Year: o.TaxYear - 2, Month: 3, Day: 1}
		}
		if kind == tax.ObjectBuilding && i%20 == 3 {
			v.Reliefs = relief
		}
		vers = append(vers, v)
		first := (i * 7919) % o.Taxpayers
		switch {
		case i%3 == 0:
			second := (first + 1 + rng.IntN(o.Taxpayers-1)) % o.Taxpayers
			owners = append(owners, tax.ObjectOwner{ObjectID: id, Version: 1, TaxpayerID: d.Taxpayers[first].ID, ShareNum: 1, ShareDen: 2},
				tax.ObjectOwner{ObjectID: id, Version: 1, TaxpayerID: d.Taxpayers[second].ID, ShareNum: 1, ShareDen: 2})
		case i%50 == 1:
			for k := range 3 {
				owners = append(owners, tax.ObjectOwner{ObjectID: id, Version: 1, TaxpayerID: d.Taxpayers[(first+k*17)%o.Taxpayers].ID, ShareNum: 1, ShareDen: 3})
			}
		default:
			owners = append(owners, tax.ObjectOwner{ObjectID: id, Version: 1, TaxpayerID: d.Taxpayers[first].ID, ShareNum: 1, ShareDen: 1})
		}
	}
	for _, step := range []func() error{
		func() error { return insert(ctx, tx, objs) },
		func() error { return insert(ctx, tx, vers) },
		func() error { return insert(ctx, tx, owners) },
	} {
		if err := step(); err != nil {
			return d, err
		}
	}
	return d, nil
}

func ptr[T any](v T) *T { return &v }
