package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Tax objects (adótárgyak) and their data reports (adatbejelentés,
// domain brief §A.1, §A.4).

// Kinds of tax object. The tax an object is reported for is recorded on
// it (TaxObject.TaxType; the allowed pairs are in objects_taxtype.go).
const (
	ObjectBuilding = "building" // építmény (lakás / nem lakás): építményadó or kommunális adó
	ObjectPlot     = "plot"     // telek: telekadó or kommunális adó
	ObjectDwelling = "dwelling" // lakás a kommunális adóhoz (a bérlővel)
)

// ObjectKinds lists the kinds in the order the forms offer them.
var ObjectKinds = []string{ObjectBuilding, ObjectPlot, ObjectDwelling}

// ObjectsBook is the registration book data reports go into: the
// tenant's general book, as for certificates (no ADÓ book exists yet).
const ObjectsBook = CertificateBook

// TaxObject is the identity of an adótárgy; all that changes is in its
// versions.
type TaxObject struct {
	bun.BaseModel `bun:"table:tax_objects,alias:ob"`
	db.TenantScoped

	ID   uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	Kind string    `bun:"kind" json:"kind"`
	// TaxType is the tax the object is reported and assessed for; it
	// never changes (another tax is another data report, another object).
	TaxType   caps.TaxType `bun:"tax_type" json:"tax_type"`
	CreatedAt time.Time    `bun:"created_at" json:"created_at"`
	CreatedBy string       `bun:"created_by" json:"created_by"`
}

// ObjectVersion is the whole state of an object from EffectiveOn, as one
// data report gave it. Never changed.
type ObjectVersion struct {
	bun.BaseModel `bun:"table:tax_object_versions,alias:ov"`
	db.TenantScoped

	ObjectID     uuid.UUID  `bun:"object_id,pk,type:uuid" json:"object_id"`
	Version      int        `bun:"version,pk" json:"version"`
	EffectiveOn  hu.Date    `bun:"effective_on" json:"effective_on"`
	HRSZ         string     `bun:"hrsz" json:"hrsz"`
	Address      string     `bun:"address" json:"address"`
	AreaM2       int64      `bun:"area_m2" json:"area_m2"`
	Category     string     `bun:"category" json:"category,omitempty"`
	Zone         string     `bun:"zone" json:"zone,omitempty"`
	MarketValue  *int64     `bun:"market_value" json:"market_value,omitempty"`
	ValidFrom    hu.Date    `bun:"valid_from" json:"valid_from"`
	ValidTo      hu.Date    `bun:"valid_to,nullzero" json:"valid_to,omitzero"`
	SoleTaxpayer *uuid.UUID `bun:"sole_taxpayer,type:uuid" json:"sole_taxpayer,omitempty"`
	// Lessee is the bérlő who pays the communal tax of a dwelling no
	// private person owns (Htv. 24. § (1) b)).
	Lessee *uuid.UUID `bun:"lessee,type:uuid" json:"lessee,omitempty"`
	// Reliefs are the decree reliefs claimed, "<decree id>:<line>"
	// separated by spaces.
	Reliefs      string    `bun:"reliefs" json:"reliefs,omitempty"`
	FilingNumber string    `bun:"filing_number" json:"filing_number"`
	Reason       string    `bun:"reason" json:"reason,omitempty"`
	RecordedAt   time.Time `bun:"recorded_at" json:"recorded_at"`
	RecordedBy   string    `bun:"recorded_by" json:"recorded_by"`
}

// ObjectOwner is an owner of a version with its tulajdoni hányad.
type ObjectOwner struct {
	bun.BaseModel `bun:"table:tax_object_owners,alias:oo"`
	db.TenantScoped

	ObjectID   uuid.UUID `bun:"object_id,pk,type:uuid" json:"-"`
	Version    int       `bun:"version,pk" json:"-"`
	TaxpayerID uuid.UUID `bun:"taxpayer_id,pk,type:uuid" json:"taxpayer_id"`
	ShareNum   int64     `bun:"share_num" json:"share_num"`
	ShareDen   int64     `bun:"share_den" json:"share_den"`
}

// Share is a tulajdoni hányad as an exact fraction.
type Share struct{ Num, Den int64 }

func (s Share) String() string { return fmt.Sprintf("%d/%d", s.Num, s.Den) }

// maxShareDen bounds a share's denominator: land registry shares of big
// condominiums run to six or seven digits; the bound keeps products of
// shares and forints far from overflowing.
const maxShareDen = 1_000_000_000

// ParseShare reads "1/2", "1 / 2" or "1" (the whole).
func ParseShare(s string) (Share, error) {
	bad := problem("bad_share", "share", "A tulajdoni hányadot tört alakban adja meg, például 1/2 (a számláló pozitív, legfeljebb a nevező).",
		"Give the ownership share as a fraction, e.g. 1/2 (the numerator positive and at most the denominator).")
	s = strings.TrimSpace(s)
	num, den, found := strings.Cut(s, "/")
	if !found {
		den = "1"
	}
	n, err1 := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	d, err2 := strconv.ParseInt(strings.TrimSpace(den), 10, 64)
	if err1 != nil || err2 != nil || n <= 0 || d <= 0 || n > d || d > maxShareDen {
		return Share{}, bad
	}
	return Share{n, d}, nil
}

// OwnerInput is an owner in a data report: the taxpayer's adóazonosító
// jel or adószám and the share.
type OwnerInput struct {
	TaxID string `json:"tax_id"`
	Share string `json:"share"`
}

// ObjectReport is an adatbejelentés: a new object (ObjectID nil) or the
// new state of one from EffectiveOn.
type ObjectReport struct {
	ObjectID *uuid.UUID
	Kind     string
	// TaxType is the tax the report is made for; empty: the kind's
	// default (ObjectDefaultTax). A new version keeps the object's own.
	TaxType     caps.TaxType
	EffectiveOn hu.Date
	HRSZ        string
	Address     string
	AreaM2      int64
	Category    string
	Zone        string
	MarketValue *int64
	ValidFrom   hu.Date
	ValidTo     hu.Date
	Owners      []OwnerInput
	// SoleTaxID names the co-owner the co-owners' joint declaration makes
	// the sole taxpayer (Htv. 12. § (2)); empty: each pays by share.
	SoleTaxID string
	// LesseeTaxID names the bérlő of a dwelling owned by no private person:
	// the lessee, not the owners, pays its communal tax (Htv. 24. § (1)
	// b)).
	LesseeTaxID string
	// Reliefs are the decree reliefs the owners claim ("<decree id>:<line>").
	Reliefs []string
	Reason  string
}

// ObjectView is an object with its versions (oldest first) and their
// owners.
type ObjectView struct {
	TaxObject
	Versions []VersionView
}

// Current is the latest version.
func (v ObjectView) Current() VersionView { return v.Versions[len(v.Versions)-1] }

// VersionView is a version with its owners named.
type VersionView struct {
	ObjectVersion
	Owners []OwnerView
	// LesseeTaxpayer is the bérlő named, if any.
	LesseeTaxpayer *Taxpayer
}

// OwnerView is an owner with the taxpayer's name.
type OwnerView struct {
	Taxpayer Taxpayer
	Share    Share
}

// ReportObject records a data report: checks it, registers it in IRAT as
// an incoming document and writes a new version with its owners, all in
// tx. A refusal writes nothing.
func (s *Service) ReportObject(ctx context.Context, tx bun.Tx, reg Registrar, in ObjectReport, by string) (ObjectView, error) {
	in.HRSZ, in.Address = strings.TrimSpace(in.HRSZ), strings.Join(strings.Fields(in.Address), " ")
	in.Category, in.Zone = strings.TrimSpace(in.Category), strings.TrimSpace(in.Zone)
	in.Reason = strings.TrimSpace(in.Reason)
	var obj TaxObject
	if in.ObjectID != nil {
		o, err := objectByID(ctx, tx, *in.ObjectID)
		if err != nil {
			return ObjectView{}, err
		}
		obj = o
		in.Kind = o.Kind
	}
	h, err := hu.ParseHRSZ(in.HRSZ)
	switch {
	case ObjectDefaultTax(in.Kind) == "":
		return ObjectView{}, problem("bad_kind", "kind", "Válassza ki az adótárgy fajtáját (építmény, telek, lakás).", "Choose the kind of tax object (building, plot, dwelling).")
	case err != nil:
		return ObjectView{}, problem("bad_hrsz", "hrsz", "A helyrajzi szám alakja: 123, 123/4, 0123/4 vagy 123/4/A/5.", "A parcel number looks like 123, 123/4, 0123/4 or 123/4/A/5.")
	case in.Address == "" || len(in.Address) > 300:
		return ObjectView{}, problem("bad_address", "address", "Adja meg az adótárgy címét (legfeljebb 300 karakter).", "Enter the object's address (at most 300 characters).")
	case in.AreaM2 < 0 || in.AreaM2 > 100_000_000:
		return ObjectView{}, problem("bad_area", "area_m2", "Az alapterület egész négyzetméter, 0 és 100 000 000 között.", "The area is whole square metres, between 0 and 100,000,000.")
	case len(in.Category) > 60 || len(in.Zone) > 60:
		return ObjectView{}, problem("bad_category", "category", "A rendeltetés és az övezet legfeljebb 60 karakter.", "The use and the zone are at most 60 characters.")
	case in.MarketValue != nil && (*in.MarketValue < 0 || *in.MarketValue > 1_000_000_000_000):
		return ObjectView{}, problem("bad_value", "market_value", "A korrigált forgalmi érték nem negatív egész forint.", "The corrected market value is a non-negative whole number of forints.")
	case !in.ValidFrom.IsValid():
		return ObjectView{}, problem("bad_valid_from", "valid_from", "Adja meg, mióta létezik az adótárgy (használatbavétel, szerzés) ÉÉÉÉ-HH-NN alakban.", "Give since when the object exists (use permit, acquisition) as YYYY-MM-DD.")
	case !in.ValidTo.IsZero() && (!in.ValidTo.IsValid() || in.ValidTo.Before(in.ValidFrom)):
		return ObjectView{}, problem("bad_valid_to", "valid_to", "A megszűnés (bontás) napja nem lehet a keletkezés előtt.", "The day it ceased (demolition) cannot be before it came into being.")
	case !in.EffectiveOn.IsValid():
		return ObjectView{}, problem("bad_effective", "effective_on", "Adja meg a változás napját (szerzés, átadás, bontás) ÉÉÉÉ-HH-NN alakban.", "Give the day of the change (acquisition, handover, demolition) as YYYY-MM-DD.")
	case len(in.Owners) == 0:
		return ObjectView{}, problem("no_owner", "owner1_tax_id", "Adjon meg legalább egy tulajdonost.", "Enter at least one owner.")
	case len(in.Reason) > 1000:
		return ObjectView{}, problem("too_long", "reason", "A megjegyzés legfeljebb 1000 karakter.", "The note is at most 1000 characters.")
	}
	var existing *TaxObject
	if in.ObjectID != nil {
		existing = &obj
	}
	if in.TaxType, err = checkObjectTax(in.Kind, in.TaxType, existing); err != nil {
		return ObjectView{}, err
	}
	in.HRSZ = h.String()
	sum := new(big.Rat)
	owners := make([]OwnerView, 0, len(in.Owners))
	seen := map[uuid.UUID]bool{}
	for i, o := range in.Owners {
		field := fmt.Sprintf("owner%d_", i+1)
		sh, err := ParseShare(o.Share)
		if err != nil {
			p := *err.(*Problem)
			p.Field = field + "share"
			return ObjectView{}, &p
		}
		tp, err := taxpayerByTaxID(ctx, tx, o.TaxID)
		var bad *Problem
		if errors.As(err, &bad) || tp == nil && err == nil {
			return ObjectView{}, problem("unknown_owner", field+"tax_id", "Nincs ilyen azonosítójú adózó: %s. Előbb vegye fel az adózót.",
				"There is no taxpayer with identifier %s. Record the taxpayer first.", strings.TrimSpace(o.TaxID))
		}
		if err != nil {
			return ObjectView{}, err
		}
		if seen[tp.ID] {
			return ObjectView{}, problem("duplicate_owner", field+"tax_id", "%s kétszer szerepel a tulajdonosok között.", "%s is listed twice among the owners.", tp.Name)
		}
		seen[tp.ID] = true
		sum.Add(sum, big.NewRat(sh.Num, sh.Den))
		owners = append(owners, OwnerView{Taxpayer: *tp, Share: sh})
	}
	if sum.Cmp(big.NewRat(1, 1)) != 0 {
		return ObjectView{}, problem("shares_not_one", "owner1_share",
			"A tulajdoni hányadok összege pontosan 1 legyen; most %s.", "The ownership shares must add up to exactly 1; they add up to %s.", sum.RatString())
	}
	var sole *uuid.UUID
	if t := strings.TrimSpace(in.SoleTaxID); t != "" {
		for _, o := range owners {
			if o.Taxpayer.TaxID == normTaxID(t) {
				id := o.Taxpayer.ID
				sole = &id
			}
		}
		if sole == nil {
			return ObjectView{}, problem("bad_sole", "sole_tax_id", "Egyedüli adóalanynak csak a tulajdonosok egyike jelölhető ki.", "Only one of the owners can be named sole taxpayer.")
		}
	}
	lessee, err := checkLessee(ctx, tx, in, owners, sole)
	if err != nil {
		return ObjectView{}, err
	}
	refs, err := checkReliefRefs(ctx, tx, in.TaxType, in.Reliefs)
	if err != nil {
		return ObjectView{}, err
	}
	if reg == nil {
		return ObjectView{}, problem("no_records", "", "Az adatbejelentés iktatásához az iratkezelés (IRAT) szükséges, de nincs bekötve.", "Recording a data report needs the records module (IRAT), and it is not connected.")
	}
	now := s.now().UTC()
	version := 1
	if in.ObjectID == nil {
		obj = TaxObject{ID: uuid.Must(uuid.NewV7()), Kind: in.Kind, TaxType: in.TaxType, CreatedAt: now, CreatedBy: by}
	} else {
		var last []ObjectVersion
		if err := tx.NewSelect().Model(&last).Where("object_id = ?", obj.ID).OrderExpr("version DESC").Limit(1).Scan(ctx); err != nil {
			return ObjectView{}, fmt.Errorf("versions of %s: %w", obj.ID, err)
		}
		if len(last) > 0 {
			version = last[0].Version + 1
		}
	}
	subject := fmt.Sprintf("Adatbejelentés (%s): %s, hrsz. %s, %s", objectTaxHU(in.TaxType), objectKindHU(in.Kind), in.HRSZ, in.Address)
	number, err := reg.RegisterIncoming(ctx, tx, ObjectsBook, subject, owners[0].Taxpayer.Name+" ("+owners[0].Taxpayer.TaxID+")", by)
	if err != nil {
		return ObjectView{}, err
	}
	if in.ObjectID == nil {
		if _, err := tx.NewInsert().Model(&obj).Exec(ctx); err != nil {
			return ObjectView{}, fmt.Errorf("insert object: %w", err)
		}
	}
	v := ObjectVersion{ObjectID: obj.ID, Version: version, EffectiveOn: in.EffectiveOn, HRSZ: in.HRSZ, Address: in.Address, AreaM2: in.AreaM2,
		Category: in.Category, Zone: in.Zone, MarketValue: in.MarketValue, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, SoleTaxpayer: sole,
		Lessee: lessee, Reliefs: refs, FilingNumber: number, Reason: in.Reason, RecordedAt: now, RecordedBy: by}
	if _, err := tx.NewInsert().Model(&v).Exec(ctx); err != nil {
		return ObjectView{}, fmt.Errorf("insert object version: %w", err)
	}
	rows := make([]ObjectOwner, len(owners))
	for i, o := range owners {
		rows[i] = ObjectOwner{ObjectID: obj.ID, Version: version, TaxpayerID: o.Taxpayer.ID, ShareNum: o.Share.Num, ShareDen: o.Share.Den}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return ObjectView{}, fmt.Errorf("insert owners: %w", err)
	}
	detail := map[string]any{"version": version, "kind": obj.Kind, "tax_type": string(obj.TaxType),
		"hrsz": v.HRSZ, "effective_on": v.EffectiveOn.String(), "owners": len(rows), "filing_number": number, "by": by}
	if lessee != nil {
		detail["lessee"] = lessee.String()
	}
	if err := appendAudit(ctx, tx, "tax.object_report", "tax_object", obj.ID.String(), detail, now); err != nil {
		return ObjectView{}, err
	}
	return LoadObject(ctx, tx, obj.ID)
}

// checkLessee checks the bérlő a data report names: only a dwelling's
// communal tax passes to a lessee, only when no owner is a private person
// (Htv. 24. § (1) b)), and the lessee is a private person who is not an
// owner and not beside a sole taxpayer. Empty: no lessee.
func checkLessee(ctx context.Context, tx bun.IDB, in ObjectReport, owners []OwnerView, sole *uuid.UUID) (*uuid.UUID, error) {
	t := strings.TrimSpace(in.LesseeTaxID)
	if t == "" {
		return nil, nil
	}
	if in.Kind != ObjectDwelling || in.TaxType != caps.CommunalTax {
		return nil, problem("lessee_kind", "lessee_tax_id", "Bérlő csak lakásnál adható meg: a bérlő a lakás kommunális adóját fizeti.",
			"A lessee can only be named for a dwelling: the lessee pays the dwelling's communal tax.")
	}
	if sole != nil {
		return nil, problem("lessee_and_sole", "lessee_tax_id", "Bérlő mellett nem jelölhető egyedüli adóalany a tulajdonosok közül.",
			"With a lessee named, no owner can be named sole taxpayer.")
	}
	for _, o := range owners {
		if o.Taxpayer.Kind == "person" {
			return nil, problem("lessee_private_owner", "lessee_tax_id", "A lakás tulajdonosa (%s) magánszemély: a kommunális adót ő fizeti, nem a bérlő.",
				"The dwelling's owner (%s) is a private person: the owner pays the communal tax, not the lessee.", o.Taxpayer.Name)
		}
	}
	tp, err := taxpayerByTaxID(ctx, tx, t)
	var bad *Problem
	if errors.As(err, &bad) || tp == nil && err == nil {
		return nil, problem("unknown_lessee", "lessee_tax_id", "Nincs ilyen azonosítójú adózó: %s. Előbb vegye fel a bérlőt adózóként.",
			"There is no taxpayer with identifier %s. Record the lessee as a taxpayer first.", t)
	}
	if err != nil {
		return nil, err
	}
	if tp.Kind != "person" {
		return nil, problem("lessee_not_person", "lessee_tax_id", "A kommunális adót fizető bérlő magánszemély (adóazonosító jellel); %s nem az.",
			"A lessee paying the communal tax is a private person (with an adóazonosító jel); %s is not.", tp.Name)
	}
	id := tp.ID
	return &id, nil
}

func normTaxID(s string) string {
	if id, err := hu.ParseTaxID(s); err == nil {
		return id.String()
	}
	if n, err := hu.ParseTaxNumber(s); err == nil {
		return n.String()
	}
	return strings.TrimSpace(s)
}

func objectKindHU(kind string) string {
	switch kind {
	case ObjectBuilding:
		return "építmény"
	case ObjectPlot:
		return "telek"
	case ObjectDwelling:
		return "lakás"
	}
	return kind
}

var errNoObject = problem("no_object", "", "Nincs ilyen adótárgy.", "There is no such tax object.")

func objectByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (TaxObject, error) {
	var o TaxObject
	err := tx.NewSelect().Model(&o).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return TaxObject{}, errNoObject
	}
	return o, err
}

// LoadObject returns an object with all its versions and owners.
func LoadObject(ctx context.Context, tx bun.IDB, id uuid.UUID) (ObjectView, error) {
	o, err := objectByID(ctx, tx, id)
	if err != nil {
		return ObjectView{}, err
	}
	v := ObjectView{TaxObject: o}
	var vs []ObjectVersion
	if err := tx.NewSelect().Model(&vs).Where("object_id = ?", id).OrderExpr("version").Scan(ctx); err != nil {
		return v, err
	}
	var os []ObjectOwner
	if err := tx.NewSelect().Model(&os).Where("object_id = ?", id).OrderExpr("version, share_num * 1.0 / share_den DESC, taxpayer_id").Scan(ctx); err != nil {
		return v, err
	}
	names := map[uuid.UUID]Taxpayer{}
	for _, ow := range os {
		if _, ok := names[ow.TaxpayerID]; !ok {
			tp, err := taxpayerByID(ctx, tx, ow.TaxpayerID)
			if err != nil {
				return v, err
			}
			if tp != nil {
				names[ow.TaxpayerID] = *tp
			}
		}
	}
	for _, ver := range vs {
		vv := VersionView{ObjectVersion: ver}
		if ver.Lessee != nil {
			tp, err := taxpayerByID(ctx, tx, *ver.Lessee)
			if err != nil {
				return v, err
			}
			vv.LesseeTaxpayer = tp
		}
		for _, ow := range os {
			if ow.Version == ver.Version {
				vv.Owners = append(vv.Owners, OwnerView{Taxpayer: names[ow.TaxpayerID], Share: Share{ow.ShareNum, ow.ShareDen}})
			}
		}
		v.Versions = append(v.Versions, vv)
	}
	if len(v.Versions) == 0 {
		return v, errNoObject
	}
	return v, nil
}

// ObjectRow is a line of the object list: the latest version.
type ObjectRow struct {
	ObjectVersion
	Kind    string       `bun:"kind"`
	TaxType caps.TaxType `bun:"tax_type"`
}

// SearchObjects finds objects whose latest version's hrsz or address
// contains q.
func SearchObjects(ctx context.Context, tx bun.IDB, q string, limit int) ([]ObjectRow, error) {
	var rows []ObjectRow
	sel := tx.NewSelect().TableExpr("tax_object_versions AS ov").ColumnExpr("ov.*, ob.kind, ob.tax_type").
		Join("JOIN tax_objects AS ob ON ob.tenant_id = ov.tenant_id AND ob.id = ov.object_id").
		Where("ov.tenant_id = ?", tenantOf(ctx)).
		Where("ov.version = (SELECT max(v2.version) FROM tax_object_versions AS v2 WHERE v2.tenant_id = ov.tenant_id AND v2.object_id = ov.object_id)").
		OrderExpr("ov.address, ov.hrsz, ov.object_id").Limit(int64(limit))
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + strings.ToLower(q) + "%"
		sel.WhereGroup(" AND ", func(s *bun.SelectQuery) *bun.SelectQuery {
			return s.Where("lower(ov.address) LIKE ?", like).WhereOr("ov.hrsz LIKE ?", like)
		})
	}
	if err := sel.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("objects: %w", err)
	}
	return rows, nil
}

// ObjectsOfTaxpayer lists the objects the taxpayer owns in any version.
func ObjectsOfTaxpayer(ctx context.Context, tx bun.IDB, taxpayerID uuid.UUID) ([]ObjectRow, error) {
	var ids []uuid.UUID
	if err := tx.NewSelect().Model((*ObjectOwner)(nil)).ColumnExpr("DISTINCT object_id").Where("taxpayer_id = ?", taxpayerID).Scan(ctx, &ids); err != nil {
		return nil, err
	}
	out := make([]ObjectRow, 0, len(ids))
	for _, id := range ids {
		v, err := LoadObject(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ObjectRow{ObjectVersion: v.Current().ObjectVersion, Kind: v.Kind, TaxType: v.TaxType})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

func tenantOf(ctx context.Context) db.TenantID {
	t, _ := db.TenantFrom(ctx)
	return t
}

// checkReliefRefs checks that every claimed relief is a relief line of a
// decree for the object's tax and returns them as stored.
func checkReliefRefs(ctx context.Context, tx bun.IDB, tt caps.TaxType, refs []string) (string, error) {
	var out []string
	seen := map[string]bool{}
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" || seen[ref] {
			continue
		}
		seen[ref] = true
		bad := problem("bad_relief", "reliefs", "Ismeretlen vagy más adónemhez tartozó kedvezmény: %s.", "Unknown relief, or one of another tax: %s.", ref)
		idText, lineText, ok := strings.Cut(ref, ":")
		id, err := uuid.Parse(idText)
		line, err2 := strconv.Atoi(lineText)
		if !ok || err != nil || err2 != nil {
			return "", bad
		}
		var rl []DecreeRelief
		if err := tx.NewSelect().Model(&rl).Where("decree_id = ?", id).Where("line = ?", line).Scan(ctx); err != nil {
			return "", err
		}
		if len(rl) == 0 || rl[0].TaxType != tt {
			return "", bad
		}
		out = append(out, id.String()+":"+strconv.Itoa(line))
	}
	sort.Strings(out)
	return strings.Join(out, " "), nil
}
