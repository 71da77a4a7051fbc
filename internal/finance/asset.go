package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Fixed assets (tárgyi eszköz nyilvántartás, §B.9): the register, the
// quarterly planned depreciation, write-downs and disposal. Every change
// is posted through the rule table (assetRules in Rules) and audited.

// Events of the asset rules.
const (
	EvAssetAcquired          = "asset_acquired"
	EvAssetDepreciation      = "asset_depreciation"
	EvAssetWriteDown         = "asset_writedown"
	EvAssetDisposalDepr      = "asset_disposal_depreciation"
	EvAssetDisposalWriteDown = "asset_disposal_writedown"
	EvAssetDisposalNet       = "asset_disposal_net"
)

// assetRules post the asset events. The placeholders come from the
// asset's class: {asset} the balance-sheet account (121, 131…), {accdep}
// its planned depreciation (…9), {writedown} its unplanned write-down
// (…8). Acquisition is the activation (aktiválás) of what the invoice put
// on 151 (K6 rovat, see defaultCost). ⚠ The debit of write-downs and of
// the net value of a disposed asset (86 egyéb ráfordítások) follows the
// Szt. practice; the spec does not fix it for Áhsz.
var assetRules = []Rule{
	{Event: EvAssetAcquired, Side: 'K', Pairs: []Pair{{Financial, "{asset}", "151", ""}}, HU: "Tárgyi eszköz aktiválása (üzembe helyezés)", EN: "Asset capitalised (put into use)"},
	{Event: EvAssetDepreciation, Side: 'K', Pairs: []Pair{{Financial, "57", "{accdep}", ""}}, HU: "Terv szerinti értékcsökkenés", EN: "Planned depreciation"},
	{Event: EvAssetWriteDown, Side: 'K', Pairs: []Pair{{Financial, "86", "{writedown}", ""}}, HU: "Terven felüli értékcsökkenés", EN: "Write-down (unplanned depreciation)"},
	{Event: EvAssetDisposalDepr, Side: 'K', Pairs: []Pair{{Financial, "{accdep}", "{asset}", ""}}, HU: "Kivezetés: terv szerinti écs.", EN: "Disposal: planned depreciation out"},
	{Event: EvAssetDisposalWriteDown, Side: 'K', Pairs: []Pair{{Financial, "{writedown}", "{asset}", ""}}, HU: "Kivezetés: terven felüli écs.", EN: "Disposal: write-downs out"},
	{Event: EvAssetDisposalNet, Side: 'K', Pairs: []Pair{{Financial, "86", "{asset}", ""}}, HU: "Kivezetés: nettó érték", EN: "Disposal: net value out"},
}

// The asset rules join the one table the engine applies.
func init() { Rules = append(Rules, assetRules...) }

// AssetClass is a kind of asset with its accounts (Áhsz. 16. melléklet,
// the groups §B.7 marks verified), the K6 rovat of its purchase and the
// default annual rate. ⚠ The rates are the usual ones of a számviteli
// politika (Tao. 2. melléklet), not fixed by the spec: an entity sets its
// own in the settings.
type AssetClass struct {
	Code                       string
	HU, EN                     string
	Account, AccDep, WriteDown string
	Rovat                      string
	RateBP                     int  // default annual rate, basis points
	RealEstate                 bool // carries a helyrajzi szám (§C.7)
	NoDepreciation             bool // land is not depreciated (Szt. 52. § ⚠)
}

// AssetClasses are the classes offered.
var AssetClasses = []AssetClass{
	{"vagyoni_jog", "Vagyoni értékű jog", "Intangible right", "111", "119", "118", "K61", 1670, false, false},
	{"szellemi_termek", "Szellemi termék (szoftver)", "Intellectual property (software)", "112", "119", "118", "K61", 3300, false, false},
	{"telek", "Ingatlan: telek, földterület", "Real estate: land", "121", "129", "128", "K62", 0, true, true},
	{"epulet", "Ingatlan: épület, építmény", "Real estate: building", "121", "129", "128", "K62", 200, true, false},
	{"gep", "Gép, berendezés, felszerelés", "Machinery, equipment", "131", "139", "138", "K64", 1450, false, false},
	{"informatikai", "Informatikai eszköz", "IT equipment", "131", "139", "138", "K63", 3300, false, false},
	{"jarmu", "Jármű", "Vehicle", "131", "139", "138", "K64", 2000, false, false},
}

// AssetClassOf finds a class.
func AssetClassOf(code string) (AssetClass, bool) {
	for _, c := range AssetClasses {
		if c.Code == code {
			return c, true
		}
	}
	return AssetClass{}, false
}

// assetSmallLimit is the kis értékű tárgyi eszköz limit (§B.9: ≤ 200,000 Ft).
const assetSmallLimit hu.Forint = 200_000

// Asset is one entry of the register.
type Asset struct {
	bun.BaseModel `bun:"table:finance_assets,alias:fa"`
	db.TenantScoped

	ID           uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID     uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	InventoryNo  string    `bun:"inventory_no" json:"inventory_no"`
	Name         string    `bun:"name" json:"name"`
	Class        string    `bun:"class" json:"class"`
	Account      string    `bun:"account" json:"account"`
	Funkcio      string    `bun:"funkcio" json:"funkcio"`
	HRSZ         string    `bun:"hrsz" json:"hrsz,omitempty"`
	Location     string    `bun:"location" json:"location,omitempty"`
	AcquiredOn   hu.Date   `bun:"acquired_on" json:"acquired_on"`
	InUseOn      hu.Date   `bun:"in_use_on" json:"in_use_on"`
	Gross        hu.Forint `bun:"gross" json:"gross"`
	Residual     hu.Forint `bun:"residual" json:"residual"`
	RateBP       int       `bun:"rate_bp" json:"rate_bp"`
	SmallValue   bool      `bun:"small_value" json:"small_value"`
	State        string    `bun:"state" json:"state"`
	DisposedOn   *hu.Date  `bun:"disposed_on" json:"disposed_on,omitempty"`
	DisposalKind string    `bun:"disposal_kind" json:"disposal_kind,omitempty"`
	CreatedAt    time.Time `bun:"created_at" json:"created_at"`
	CreatedBy    string    `bun:"created_by" json:"created_by"`

	// Derived from the events.
	Depreciated hu.Forint `bun:"-" json:"depreciated"`
	WrittenDown hu.Forint `bun:"-" json:"written_down"`
	Through     hu.Date   `bun:"-" json:"depreciated_through"`
}

// Net is the gross value less planned depreciation and write-downs; zero
// once disposed.
func (a Asset) Net() hu.Forint {
	if a.State == assetDisposed {
		return 0
	}
	return a.Gross - a.Depreciated - a.WrittenDown
}

// Asset states.
const (
	assetActive   = "active"
	assetDisposed = "disposed"
)

// Disposal kinds.
const (
	AssetScrapped = "selejtezes"  // selejtezés
	AssetSold     = "ertekesites" // értékesítés
)

// AssetEvent is one line of an asset's history.
type AssetEvent struct {
	bun.BaseModel `bun:"table:finance_asset_events,alias:fae"`
	db.TenantScoped

	ID        uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	AssetID   uuid.UUID `bun:"asset_id,type:uuid" json:"asset_id"`
	EntityID  uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Kind      string    `bun:"kind" json:"kind"`
	On        hu.Date   `bun:"on_date" json:"on"`
	Through   *hu.Date  `bun:"through" json:"through,omitempty"`
	Period    string    `bun:"period" json:"period,omitempty"`
	Amount    hu.Forint `bun:"amount" json:"amount"`
	EntryID   string    `bun:"entry_id" json:"entry_id"`
	RunID     string    `bun:"run_id" json:"run_id,omitempty"`
	Note      string    `bun:"note" json:"note,omitempty"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`
}

// AssetRun is a quarterly depreciation run.
type AssetRun struct {
	bun.BaseModel `bun:"table:finance_asset_runs,alias:far"`
	db.TenantScoped

	ID        uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID  uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Year      int       `bun:"year" json:"year"`
	Quarter   int       `bun:"quarter" json:"quarter"`
	Assets    int       `bun:"assets" json:"assets"`
	Amount    hu.Forint `bun:"amount" json:"amount"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`

	DryRun bool           `bun:"-" json:"dry_run"`
	Lines  []AssetRunLine `bun:"-" json:"lines"`
}

// AssetRunLine is one asset's depreciation in a run.
type AssetRunLine struct {
	Asset       uuid.UUID `json:"asset"`
	InventoryNo string    `json:"inventory_no"`
	Name        string    `json:"name"`
	Amount      hu.Forint `json:"amount"`
}

type assetSetting struct {
	bun.BaseModel `bun:"table:finance_asset_settings,alias:fas"`
	db.TenantScoped

	EntityID  uuid.UUID `bun:"entity_id,pk,type:uuid"`
	Name      string    `bun:"name,pk"`
	Value     int64     `bun:"value"`
	UpdatedAt time.Time `bun:"updated_at"`
	UpdatedBy string    `bun:"updated_by"`
}

// AssetSettings are an entity's defaults: each class's annual rate and
// whether small-value assets are written off when put into use.
type AssetSettings struct {
	Rates      map[string]int `json:"rates"` // class → basis points
	SmallWrite bool           `json:"small_value_writeoff"`
	SmallLimit hu.Forint      `json:"small_value_limit"`
}

// AssetSettingsOf reads an entity's settings over the defaults.
func AssetSettingsOf(ctx context.Context, tx bun.IDB, entity uuid.UUID) (AssetSettings, error) {
	st := AssetSettings{Rates: map[string]int{}, SmallWrite: true, SmallLimit: assetSmallLimit}
	for _, c := range AssetClasses {
		st.Rates[c.Code] = c.RateBP
	}
	var rows []assetSetting
	if err := tx.NewSelect().Model(&rows).Where("entity_id = ?", entity).Scan(ctx); err != nil {
		return st, fmt.Errorf("asset settings: %w", err)
	}
	for _, r := range rows {
		switch {
		case r.Name == "small_writeoff":
			st.SmallWrite = r.Value != 0
		case r.Name == "small_limit":
			st.SmallLimit = hu.Forint(r.Value)
		case strings.HasPrefix(r.Name, "rate:"):
			st.Rates[strings.TrimPrefix(r.Name, "rate:")] = int(r.Value)
		}
	}
	return st, nil
}

// SetAssetSettings records an entity's settings; assets already
// registered keep their own rate.
func (s *Service) SetAssetSettings(ctx context.Context, tx bun.Tx, entity uuid.UUID, st AssetSettings, by string) error {
	if _, err := EntityByID(ctx, tx, entity); err != nil {
		return err
	}
	if st.SmallLimit < 0 || st.SmallLimit > assetSmallLimit {
		return problem("bad_small_limit", "small_limit", "A kis értékű eszköz értékhatára 0 és 200 000 Ft között lehet.", "The small-value limit is between 0 and 200,000 Ft.")
	}
	now := s.now().UTC()
	flag := int64(0)
	if st.SmallWrite {
		flag = 1
	}
	rows := []assetSetting{{EntityID: entity, Name: "small_writeoff", Value: flag}, {EntityID: entity, Name: "small_limit", Value: int64(st.SmallLimit)}}
	for code, bp := range st.Rates {
		if _, ok := AssetClassOf(code); !ok {
			return problem("bad_class", "class", "Nincs %q eszközcsoport.", "There is no asset class %q.", code)
		}
		if bp < 0 || bp > 10000 {
			return problem("bad_rate", "rate", "Az écs. kulcs 0 és 100%% között lehet.", "The rate is between 0 and 100%%.")
		}
		rows = append(rows, assetSetting{EntityID: entity, Name: "rate:" + code, Value: int64(bp)})
	}
	for i := range rows {
		rows[i].UpdatedAt, rows[i].UpdatedBy = now, by
	}
	if _, err := tx.NewInsert().Model(&rows).On("CONFLICT (tenant_id, entity_id, name) DO UPDATE").
		Set("value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").Exec(ctx); err != nil {
		return fmt.Errorf("asset settings: %w", err)
	}
	return appendAudit(ctx, tx, "finance.asset_settings", "entity", entity.String(), map[string]any{"rates": st.Rates, "small_value_writeoff": st.SmallWrite, "small_value_limit": int64(st.SmallLimit), "by": by}, now)
}

// AssetInput is a new asset.
type AssetInput struct {
	Entity      uuid.UUID `json:"-"`
	InventoryNo string    `json:"inventory_no"`
	Name        string    `json:"name"`
	Class       string    `json:"class"`
	Funkcio     string    `json:"funkcio"`
	HRSZ        string    `json:"hrsz"`
	Location    string    `json:"location"`
	AcquiredOn  hu.Date   `json:"acquired_on"`
	InUseOn     hu.Date   `json:"in_use_on"`
	Gross       hu.Forint `json:"gross"`
	Residual    hu.Forint `json:"residual"`
	// RateBP overrides the class's rate (basis points); LifeYears gives
	// it as a useful life instead (100% / years).
	RateBP    *int   `json:"rate_bp,omitempty"`
	LifeYears int    `json:"life_years,omitempty"`
	Document  string `json:"document"`
}

// NextInventoryNo offers the next number of the series last used: the
// prefix of the latest registered number, the highest number with that
// prefix counted up, its width kept (LT-000041 → LT-000042); 000001 for
// the first.
func NextInventoryNo(ctx context.Context, tx bun.IDB, entity uuid.UUID) (string, error) {
	var nos []string
	if err := tx.NewSelect().Model((*Asset)(nil)).Column("inventory_no").Where("entity_id = ?", entity).OrderExpr("created_at, id").Scan(ctx, &nos); err != nil {
		return "", fmt.Errorf("inventory numbers: %w", err)
	}
	split := func(no string) (string, int64, int, bool) {
		i := len(no)
		for i > 0 && no[i-1] >= '0' && no[i-1] <= '9' {
			i--
		}
		if i == len(no) || len(no)-i > 15 {
			return "", 0, 0, false
		}
		n, _ := strconv.ParseInt(no[i:], 10, 64)
		return no[:i], n, len(no) - i, true
	}
	prefix, width := "", 6
	for _, no := range nos {
		if p, _, w, ok := split(no); ok {
			prefix, width = p, w
		}
	}
	taken := map[string]bool{}
	best := int64(0)
	for _, no := range nos {
		taken[no] = true
		if p, n, _, ok := split(no); ok && p == prefix && n > best {
			best = n
		}
	}
	for n := best + 1; ; n++ {
		s := prefix + fmt.Sprintf("%0*d", width, n)
		if !taken[s] {
			return s, nil
		}
	}
}

// RegisterAsset records an asset, posts its activation and, for a
// small-value asset when the entity's setting says so, writes it off at
// once.
func (s *Service) RegisterAsset(ctx context.Context, tx bun.Tx, in AssetInput, by string) (Asset, error) {
	e, err := EntityByID(ctx, tx, in.Entity)
	if err != nil {
		return Asset{}, err
	}
	st, err := AssetSettingsOf(ctx, tx, e.ID)
	if err != nil {
		return Asset{}, err
	}
	a, prob := checkAsset(e, in, st)
	if prob != nil {
		return Asset{}, prob
	}
	if n, err := db.Count(ctx, tx.NewSelect().Model((*Asset)(nil)).Where("entity_id = ? AND inventory_no = ?", e.ID, a.InventoryNo)); err != nil {
		return Asset{}, err
	} else if n > 0 {
		next, _ := NextInventoryNo(ctx, tx, e.ID)
		return Asset{}, problem("inventory_taken", "inventory_no", "A(z) %s leltári szám már foglalt; a következő szabad: %s.", "Inventory number %s is taken; the next free one is %s.", a.InventoryNo, next)
	}
	now := s.now().UTC()
	a.ID, a.EntityID, a.State, a.CreatedAt, a.CreatedBy = uuid.Must(uuid.NewV7()), e.ID, assetActive, now, by
	cls, _ := AssetClassOf(a.Class)
	doc := strings.TrimSpace(in.Document)
	if doc == "" {
		doc = a.InventoryNo
	}
	evs := []Event{assetEvent(a, cls, EvAssetAcquired, a.InUseOn, a.Gross, doc, "Aktiválás: "+a.Name)}
	if a.SmallValue {
		evs = append(evs, assetEvent(a, cls, EvAssetDepreciation, a.InUseOn, a.Gross, doc, "Kis értékű eszköz egy összegben: "+a.Name))
	}
	if _, err := tx.NewInsert().Model(&a).Exec(ctx); err != nil {
		return Asset{}, fmt.Errorf("insert asset: %w", err)
	}
	entries, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return Asset{}, err
	}
	hist := []AssetEvent{{ID: uuid.Must(uuid.NewV7()), AssetID: a.ID, EntityID: e.ID, Kind: "acquisition", On: a.InUseOn, Amount: a.Gross, EntryID: entries[0].ID.String(), CreatedAt: now, CreatedBy: by}}
	if a.SmallValue {
		through := a.InUseOn
		hist = append(hist, AssetEvent{ID: uuid.Must(uuid.NewV7()), AssetID: a.ID, EntityID: e.ID, Kind: "depreciation", On: a.InUseOn, Through: &through, Amount: a.Gross,
			EntryID: entries[1].ID.String(), Note: "kis értékű", CreatedAt: now, CreatedBy: by})
		a.Depreciated, a.Through = a.Gross, through
	}
	if _, err := tx.NewInsert().Model(&hist).Exec(ctx); err != nil {
		return Asset{}, fmt.Errorf("asset history: %w", err)
	}
	return a, appendAudit(ctx, tx, "finance.asset_register", "asset", a.ID.String(), map[string]any{"entity": e.ID.String(), "inventory_no": a.InventoryNo, "name": a.Name,
		"class": a.Class, "gross": int64(a.Gross), "residual": int64(a.Residual), "rate_bp": a.RateBP, "in_use_on": a.InUseOn.String(), "hrsz": a.HRSZ, "small_value": a.SmallValue, "by": by}, now)
}

// checkAsset validates the input into an asset (without ids).
func checkAsset(e Entity, in AssetInput, st AssetSettings) (Asset, *Problem) {
	a := Asset{InventoryNo: strings.TrimSpace(in.InventoryNo), Name: strings.TrimSpace(in.Name), Class: in.Class, Funkcio: strings.TrimSpace(in.Funkcio),
		Location: strings.TrimSpace(in.Location), AcquiredOn: in.AcquiredOn, InUseOn: in.InUseOn, Gross: in.Gross, Residual: in.Residual}
	if a.InventoryNo == "" || len(a.InventoryNo) > 50 {
		return Asset{}, problem("bad_inventory_no", "inventory_no", "Adja meg a leltári számot (legfeljebb 50 karakter).", "Enter the inventory number (at most 50 characters).")
	}
	if a.Name == "" || len(a.Name) > 300 || len(a.Location) > 300 {
		return Asset{}, problem("bad_name", "name", "Adja meg az eszköz megnevezését (legfeljebb 300 karakter).", "Enter the asset's name (at most 300 characters).")
	}
	cls, ok := AssetClassOf(a.Class)
	if !ok {
		return Asset{}, problem("bad_class", "class", "Válassza ki az eszközcsoportot.", "Choose the asset class.")
	}
	a.Account = cls.Account
	if p := e.permitsFunkcio(a.Funkcio); p != nil {
		return Asset{}, p
	}
	if !a.InUseOn.IsValid() {
		return Asset{}, problem("bad_date", "in_use_on", "Adja meg az üzembe helyezés napját (ÉÉÉÉ-HH-NN).", "Give the day the asset was put into use (YYYY-MM-DD).")
	}
	if a.AcquiredOn.IsZero() {
		a.AcquiredOn = a.InUseOn
	}
	if !a.AcquiredOn.IsValid() || a.AcquiredOn.After(a.InUseOn) {
		return Asset{}, problem("bad_date", "acquired_on", "A beszerzés napja nem lehet az üzembe helyezés után.", "The acquisition cannot be after the day the asset was put into use.")
	}
	if a.Gross <= 0 || a.Gross > 1e15 {
		return Asset{}, problem("bad_amount", "gross", "A bruttó érték pozitív, egész forint legyen.", "The gross value must be a positive whole number of forints.")
	}
	if a.Residual < 0 || a.Residual >= a.Gross {
		return Asset{}, problem("bad_residual", "residual", "A maradványérték nem lehet negatív, és kisebb a bruttó értéknél.", "The residual value cannot be negative and must be less than the gross value.")
	}
	if cls.RealEstate {
		h, err := hu.ParseHRSZ(in.HRSZ)
		if err != nil {
			huText, en := err.Error(), err.Error()
			var ve *hu.ValidationError
			if errors.As(err, &ve) {
				huText, en = ve.Message("hu"), ve.Message("en")
			}
			return Asset{}, &Problem{Code: "bad_hrsz", Field: "hrsz", HU: "Ingatlanhoz adja meg a helyrajzi számot (§C.4): " + huText, EN: "Give the real estate's parcel number: " + en}
		}
		a.HRSZ = h.String()
	} else if strings.TrimSpace(in.HRSZ) != "" {
		return Asset{}, problem("hrsz_not_real_estate", "hrsz", "Helyrajzi szám csak ingatlanhoz tartozik.", "Only real estate has a parcel number.")
	}
	switch {
	case cls.NoDepreciation:
		a.RateBP = 0
	case in.LifeYears != 0:
		if in.LifeYears < 1 || in.LifeYears > 100 {
			return Asset{}, problem("bad_life", "life_years", "A hasznos élettartam 1 és 100 év között lehet.", "The useful life is 1 to 100 years.")
		}
		a.RateBP = (10000 + in.LifeYears/2) / in.LifeYears
	case in.RateBP != nil:
		a.RateBP = *in.RateBP
	default:
		a.RateBP = st.Rates[a.Class]
	}
	if a.RateBP < 0 || a.RateBP > 10000 {
		return Asset{}, problem("bad_rate", "rate", "Az écs. kulcs 0 és 100%% között lehet.", "The rate is between 0 and 100%%.")
	}
	a.SmallValue = st.SmallWrite && !cls.RealEstate && a.Gross <= st.SmallLimit
	if a.SmallValue {
		a.Residual = 0
	}
	return a, nil
}

func assetEvent(a Asset, cls AssetClass, kind string, on hu.Date, amount hu.Forint, doc, text string) Event {
	return Event{Entity: a.EntityID, Kind: kind, On: on, Rovat: cls.Rovat, Funkcio: a.Funkcio, Amount: amount, Document: doc, Text: text,
		Accounts: map[string]string{"{asset}": cls.Account, "{accdep}": cls.AccDep, "{writedown}": cls.WriteDown}}
}

// AssetPlanned is the planned depreciation accumulated from the day of
// use through the day through, both included — the rule "napi
// arányosítás": straight line, each calendar year's annual amount
// ((gross − residual) × rate) spread over its actual days (365 or 366),
// rounded to the forint once on the total (so the quarters add up), never
// more than gross − residual.
func AssetPlanned(a Asset, through hu.Date) hu.Forint {
	if a.RateBP == 0 || through.Before(a.InUseOn) {
		return 0
	}
	base := a.Gross - a.Residual
	sum := new(big.Rat)
	for y := a.InUseOn.Year; y <= through.Year; y++ {
		from, to := hu.Date{Year: y, Month: 1, Day: 1}, hu.Date{Year: y, Month: 12, Day: 31}
		if from.Before(a.InUseOn) {
			from = a.InUseOn
		}
		if to.After(through) {
			to = through
		}
		days := int64(to.DaysSince(from) + 1)
		yearDays := int64(hu.Date{Year: y, Month: 12, Day: 31}.DaysSince(hu.Date{Year: y, Month: 1, Day: 1}) + 1)
		num := new(big.Int).Mul(big.NewInt(int64(base)), big.NewInt(int64(a.RateBP)*days))
		sum.Add(sum, new(big.Rat).SetFrac(num, big.NewInt(10000*yearDays)))
		if sum.Cmp(new(big.Rat).SetInt64(int64(base))) >= 0 {
			return base
		}
	}
	// round half up
	sum.Add(sum, big.NewRat(1, 2))
	q := new(big.Int).Quo(sum.Num(), sum.Denom())
	return min(hu.Forint(q.Int64()), base)
}

// assetDue is what is still to be depreciated through a day: the plan
// less what is booked, never taking the net value below the residual
// value (a write-down therefore ends the depreciation sooner).
func assetDue(a Asset, through hu.Date) hu.Forint {
	if a.SmallValue || a.State != assetActive {
		return 0
	}
	due := AssetPlanned(a, through) - a.Depreciated
	if floor := a.Gross - a.Depreciated - a.WrittenDown - a.Residual; due > floor {
		due = floor
	}
	return max(due, 0)
}

var errNoAsset = problem("no_asset", "", "Nincs ilyen tárgyi eszköz.", "There is no such asset.")

// loadAssetTotals fills the derived sums of assets from their events.
func loadAssetTotals(ctx context.Context, tx bun.IDB, entity uuid.UUID, as []Asset) error {
	if len(as) == 0 {
		return nil
	}
	var rows []struct {
		AssetID uuid.UUID `bun:"asset_id,type:uuid"`
		Kind    string    `bun:"kind"`
		Amount  int64     `bun:"amount"`
		Through hu.Date   `bun:"through"`
	}
	q := tx.NewSelect().Model((*AssetEvent)(nil)).Column("asset_id", "kind").ColumnExpr("SUM(amount) AS amount").ColumnExpr("MAX(COALESCE(through, on_date)) AS through").
		Where("kind IN ('depreciation', 'writedown')").Group("asset_id", "kind")
	if len(as) == 1 {
		q = q.Where("asset_id = ?", as[0].ID)
	} else {
		q = q.Where("entity_id = ?", entity)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return fmt.Errorf("asset totals: %w", err)
	}
	idx := make(map[uuid.UUID]int, len(as))
	for i := range as {
		idx[as[i].ID] = i
	}
	for _, r := range rows {
		i, ok := idx[r.AssetID]
		if !ok {
			continue
		}
		if r.Kind == "depreciation" {
			as[i].Depreciated, as[i].Through = hu.Forint(r.Amount), r.Through
		} else {
			as[i].WrittenDown = hu.Forint(r.Amount)
		}
	}
	return nil
}

// AssetByID loads an asset with its sums; errNoAsset if not the tenant's.
func AssetByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (Asset, error) {
	var a Asset
	err := tx.NewSelect().Model(&a).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Asset{}, errNoAsset
	}
	if err != nil {
		return Asset{}, fmt.Errorf("asset %s: %w", id, err)
	}
	as := []Asset{a}
	if err := loadAssetTotals(ctx, tx, a.EntityID, as); err != nil {
		return Asset{}, err
	}
	return as[0], nil
}

// AssetHistory lists an asset's events in order.
func AssetHistory(ctx context.Context, tx bun.IDB, id uuid.UUID) ([]AssetEvent, error) {
	var evs []AssetEvent
	if err := tx.NewSelect().Model(&evs).Where("asset_id = ?", id).OrderExpr("on_date, created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("asset history: %w", err)
	}
	return evs, nil
}

// Assets lists an entity's register by inventory number, with sums.
func Assets(ctx context.Context, tx bun.IDB, entity uuid.UUID) ([]Asset, error) {
	var as []Asset
	if err := tx.NewSelect().Model(&as).Where("entity_id = ?", entity).OrderExpr("inventory_no, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	return as, loadAssetTotals(ctx, tx, entity, as)
}

// AssetClassTotal sums the register by class.
type AssetClassTotal struct {
	Class                                string
	Count                                int
	Gross, Depreciated, WrittenDown, Net hu.Forint
}

// AssetTotals sums the assets in use by class, in the order of AssetClasses.
func AssetTotals(as []Asset) []AssetClassTotal {
	m := map[string]*AssetClassTotal{}
	for _, a := range as {
		if a.State != assetActive {
			continue
		}
		t := m[a.Class]
		if t == nil {
			t = &AssetClassTotal{Class: a.Class}
			m[a.Class] = t
		}
		t.Count++
		t.Gross += a.Gross
		t.Depreciated += a.Depreciated
		t.WrittenDown += a.WrittenDown
		t.Net += a.Net()
	}
	var out []AssetClassTotal
	for _, c := range AssetClasses {
		if t := m[c.Code]; t != nil {
			out = append(out, *t)
		}
	}
	return out
}

// quarterEnd is the last day of a quarter.
func quarterEnd(year, q int) hu.Date {
	d := hu.Date{Year: year, Month: time.Month(3*q) + 1, Day: 1}
	if q == 4 {
		d = hu.Date{Year: year + 1, Month: 1, Day: 1}
	}
	return d.AddDays(-1)
}

// Depreciate runs the planned depreciation of an entity's quarter: every
// asset in use gets what its plan owes through the quarter's last day,
// one entry each (57 / accumulated depreciation), dated that day. A
// re-run posts nothing: what is booked is subtracted, and the quarter is
// kept per asset. dryRun computes the same without writing; posting
// waits for the quarter's last day.
func (s *Service) Depreciate(ctx context.Context, tx bun.Tx, entity uuid.UUID, year, quarter int, dryRun bool, by string) (AssetRun, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return AssetRun{}, err
	}
	if year < 2000 || year > 2100 || quarter < 1 || quarter > 4 {
		return AssetRun{}, problem("bad_quarter", "quarter", "Adja meg az évet és a negyedévet (1–4).", "Give the year and the quarter (1–4).")
	}
	end := quarterEnd(year, quarter)
	// Posting ahead would book depreciation for days not yet passed; the
	// preview may look ahead.
	if today := hu.DateOf(s.now()); !dryRun && today.Before(end) {
		return AssetRun{}, problem("quarter_not_over", "quarter", "A %d. %d. negyedév még nem telt el (utolsó napja %s); most csak előnézet kérhető.",
			"Quarter %d/%d is not over yet (its last day is %s); only a preview can be run now.", year, quarter, end.String())
	}
	if !dryRun {
		// Two runs at once (PostgreSQL) would both find the work undone: the
		// second waits for the first, then finds it done (audit.Serialize).
		if err := audit.Serialize(ctx, tx, tenantOf(ctx)); err != nil {
			return AssetRun{}, err
		}
	}
	if closed, err := periodClosed(ctx, tx, e.ID, end.Year, int(end.Month)); err != nil {
		return AssetRun{}, err
	} else if closed {
		return AssetRun{}, problem("period_closed", "quarter", "%d. %02d. hónap könyvei (%s) már le vannak zárva: a negyedév értékcsökkenése nem számolható el.",
			"The books of %d-%02d (%s) are closed: the quarter's depreciation cannot be posted.", end.Year, int(end.Month), e.Name)
	}
	var as []Asset
	if err := tx.NewSelect().Model(&as).Where("entity_id = ? AND state = ? AND in_use_on <= ?", e.ID, assetActive, end).OrderExpr("inventory_no, id").Scan(ctx); err != nil {
		return AssetRun{}, fmt.Errorf("assets: %w", err)
	}
	if err := loadAssetTotals(ctx, tx, e.ID, as); err != nil {
		return AssetRun{}, err
	}
	period := fmt.Sprintf("%dQ%d", year, quarter)
	var done []uuid.UUID
	if err := tx.NewSelect().Model((*AssetEvent)(nil)).Column("asset_id").Where("entity_id = ? AND period = ?", e.ID, period).Scan(ctx, &done); err != nil {
		return AssetRun{}, fmt.Errorf("asset run: %w", err)
	}
	skip := make(map[uuid.UUID]bool, len(done))
	for _, id := range done {
		skip[id] = true
	}
	now := s.now().UTC()
	run := AssetRun{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Year: year, Quarter: quarter, CreatedAt: now, CreatedBy: by, DryRun: dryRun, Lines: []AssetRunLine{}}
	var evs []Event
	var picked []Asset
	for _, a := range as {
		if skip[a.ID] {
			continue
		}
		due := assetDue(a, end)
		if due <= 0 {
			continue
		}
		cls, _ := AssetClassOf(a.Class)
		run.Lines = append(run.Lines, AssetRunLine{Asset: a.ID, InventoryNo: a.InventoryNo, Name: a.Name, Amount: due})
		run.Assets++
		run.Amount += due
		evs = append(evs, assetEvent(a, cls, EvAssetDepreciation, end, due, a.InventoryNo, fmt.Sprintf("Terv szerinti écs. %d. %d. negyedév", year, quarter)))
		picked = append(picked, a)
	}
	if dryRun || len(evs) == 0 {
		return run, nil
	}
	entries, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return AssetRun{}, err
	}
	hist := make([]AssetEvent, len(entries))
	for i, en := range entries {
		through := end
		hist[i] = AssetEvent{ID: uuid.Must(uuid.NewV7()), AssetID: picked[i].ID, EntityID: e.ID, Kind: "depreciation", On: end, Through: &through, Period: period,
			Amount: run.Lines[i].Amount, EntryID: en.ID.String(), RunID: run.ID.String(), CreatedAt: now, CreatedBy: by}
	}
	for i := 0; i < len(hist); i += 500 {
		part := hist[i:min(i+500, len(hist))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				// Another run of the same quarter committed first.
				return AssetRun{}, problem("run_in_progress", "quarter", "Ezt a negyedévet közben egy másik futás már elszámolta; nézze meg újra.",
					"Another run has just posted this quarter; look again.")
			}
			return AssetRun{}, fmt.Errorf("asset history: %w", err)
		}
	}
	if _, err := tx.NewInsert().Model(&run).Exec(ctx); err != nil {
		return AssetRun{}, fmt.Errorf("asset run: %w", err)
	}
	return run, appendAudit(ctx, tx, "finance.asset_depreciation_run", "entity", e.ID.String(), map[string]any{"run": run.ID.String(), "year": year, "quarter": quarter,
		"assets": run.Assets, "amount": int64(run.Amount), "by": by}, now)
}

// AssetRuns lists an entity's depreciation runs, newest first.
func AssetRuns(ctx context.Context, tx bun.IDB, entity uuid.UUID) ([]AssetRun, error) {
	var rs []AssetRun
	err := tx.NewSelect().Model(&rs).Where("entity_id = ?", entity).OrderExpr("created_at DESC, id DESC").Limit(40).Scan(ctx)
	return rs, err
}

func activeAsset(ctx context.Context, tx bun.IDB, id uuid.UUID) (Asset, error) {
	a, err := AssetByID(ctx, tx, id)
	if err != nil {
		return Asset{}, err
	}
	if a.State != assetActive {
		return Asset{}, problem("asset_disposed", "", "Az eszközt már kivezették (%s).", "The asset has already been disposed of (%s).", a.DisposedOn.String())
	}
	return a, nil
}

// WriteDown books an unplanned depreciation (terven felüli écs.) of at
// most the net value.
func (s *Service) WriteDown(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, amount hu.Forint, reason, by string) (Asset, error) {
	a, err := activeAsset(ctx, tx, id)
	if err != nil {
		return Asset{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return Asset{}, problem("no_reason", "reason", "Írja le a terven felüli értékcsökkenés okát (legfeljebb 1000 karakter).", "Say why the asset is written down (at most 1000 characters).")
	}
	if !on.IsValid() || on.Before(a.InUseOn) {
		return Asset{}, problem("bad_date", "on", "A nap (ÉÉÉÉ-HH-NN) nem lehet az üzembe helyezés előtt.", "The day (YYYY-MM-DD) cannot be before the asset was put into use.")
	}
	if amount <= 0 || amount > a.Net() {
		return Asset{}, problem("bad_amount", "amount", "Az összeg pozitív, és legfeljebb a nettó érték (%s Ft).", "The amount must be positive and at most the net value (%s Ft).", a.Net().Grouped())
	}
	cls, _ := AssetClassOf(a.Class)
	en, err := s.Post(ctx, tx, assetEvent(a, cls, EvAssetWriteDown, on, amount, a.InventoryNo, "Terven felüli écs.: "+reason), by)
	if err != nil {
		return Asset{}, err
	}
	now := s.now().UTC()
	ev := AssetEvent{ID: uuid.Must(uuid.NewV7()), AssetID: a.ID, EntityID: a.EntityID, Kind: "writedown", On: on, Amount: amount, EntryID: en.ID.String(), Note: reason, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&ev).Exec(ctx); err != nil {
		return Asset{}, fmt.Errorf("asset history: %w", err)
	}
	a.WrittenDown += amount
	return a, appendAudit(ctx, tx, "finance.asset_writedown", "asset", a.ID.String(), map[string]any{"on": on.String(), "amount": int64(amount), "reason": reason, "by": by}, now)
}

// Dispose takes an asset out of the books (selejtezés or értékesítés):
// first its depreciation up to the day of disposal, then the accumulated
// depreciation, the write-downs and the remaining net value out of its
// account. The asset stays in the register as disposed. A sale's price
// is a revenue (B5) posted on its own.
func (s *Service) Dispose(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, kind, note, by string) (Asset, error) {
	a, err := activeAsset(ctx, tx, id)
	if err != nil {
		return Asset{}, err
	}
	if kind != AssetScrapped && kind != AssetSold {
		return Asset{}, problem("bad_disposal", "kind", "Válassza ki a kivezetés módját (selejtezés vagy értékesítés).", "Choose how the asset leaves (scrapping or sale).")
	}
	note = strings.TrimSpace(note)
	if len(note) > 1000 {
		return Asset{}, problem("too_long", "note", "A megjegyzés legfeljebb 1000 karakter.", "The note is at most 1000 characters.")
	}
	if !on.IsValid() || on.Before(a.InUseOn) || (!a.Through.IsZero() && !a.SmallValue && on.Before(a.Through)) {
		return Asset{}, problem("bad_date", "on", "A kivezetés napja nem lehet az üzembe helyezés és az utolsó elszámolt értékcsökkenés (%s) előtt.",
			"The day of disposal cannot be before the asset was put into use or before the last depreciation booked (%s).", a.Through.String())
	}
	cls, _ := AssetClassOf(a.Class)
	due := assetDue(a, on)
	var evs []Event
	if due > 0 {
		evs = append(evs, assetEvent(a, cls, EvAssetDepreciation, on, due, a.InventoryNo, "Terv szerinti écs. a kivezetés napjáig"))
	}
	depr := a.Depreciated + due
	net := a.Gross - depr - a.WrittenDown
	if depr > 0 {
		evs = append(evs, assetEvent(a, cls, EvAssetDisposalDepr, on, depr, a.InventoryNo, "Kivezetés"))
	}
	if a.WrittenDown > 0 {
		evs = append(evs, assetEvent(a, cls, EvAssetDisposalWriteDown, on, a.WrittenDown, a.InventoryNo, "Kivezetés"))
	}
	if net > 0 {
		evs = append(evs, assetEvent(a, cls, EvAssetDisposalNet, on, net, a.InventoryNo, "Kivezetés"))
	}
	entries, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return Asset{}, err
	}
	now := s.now().UTC()
	var hist []AssetEvent
	ids := make([]string, len(entries))
	for i, en := range entries {
		ids[i] = en.ID.String()
	}
	k := 0
	if due > 0 {
		through := on
		hist = append(hist, AssetEvent{ID: uuid.Must(uuid.NewV7()), AssetID: a.ID, EntityID: a.EntityID, Kind: "depreciation", On: on, Through: &through, Amount: due,
			EntryID: ids[0], Note: "a kivezetés napjáig", CreatedAt: now, CreatedBy: by})
		k = 1
	}
	hist = append(hist, AssetEvent{ID: uuid.Must(uuid.NewV7()), AssetID: a.ID, EntityID: a.EntityID, Kind: "disposal", On: on, Amount: net,
		EntryID: strings.Join(ids[k:], " "), Note: strings.TrimSpace(kind + " " + note), CreatedAt: now, CreatedBy: by})
	if _, err := tx.NewInsert().Model(&hist).Exec(ctx); err != nil {
		return Asset{}, fmt.Errorf("asset history: %w", err)
	}
	if _, err := tx.NewUpdate().Model((*Asset)(nil)).Set("state = ?, disposed_on = ?, disposal_kind = ?", assetDisposed, on, kind).Where("id = ?", a.ID).Exec(ctx); err != nil {
		return Asset{}, fmt.Errorf("dispose asset: %w", err)
	}
	a.Depreciated += due
	a.State, a.DisposedOn, a.DisposalKind = assetDisposed, &on, kind
	return a, appendAudit(ctx, tx, "finance.asset_dispose", "asset", a.ID.String(), map[string]any{"on": on.String(), "kind": kind, "depreciation": int64(due),
		"net": int64(net), "note": note, "by": by}, now)
}

// AssetParcel is what the register holds on one helyrajzi szám: the
// real-estate assets in use on it and their gross and net values, for
// the annual reconciliation with the property cadastre (§C.7: every
// class 12 asset names a parcel, and per parcel the gross values add up
// to the cadastre's bruttó érték).
type AssetParcel struct {
	HRSZ   string      `json:"hrsz"`
	Assets []uuid.UUID `json:"assets"`
	Gross  hu.Forint   `json:"gross"`
	Net    hu.Forint   `json:"net"`
}

// AssetParcels lists the tenant's real-estate assets in use by parcel
// (all entities: the cadastre is the municipality's), in parcel order.
func AssetParcels(ctx context.Context, tx bun.IDB) ([]AssetParcel, error) {
	var as []Asset
	if err := tx.NewSelect().Model(&as).Where("state = ? AND hrsz <> ''", assetActive).OrderExpr("hrsz, inventory_no").Scan(ctx); err != nil {
		return nil, fmt.Errorf("real-estate assets: %w", err)
	}
	byEntity := map[uuid.UUID][]int{}
	for i, a := range as {
		byEntity[a.EntityID] = append(byEntity[a.EntityID], i)
	}
	for ent, idx := range byEntity {
		part := make([]Asset, len(idx))
		for k, i := range idx {
			part[k] = as[i]
		}
		if err := loadAssetTotals(ctx, tx, ent, part); err != nil {
			return nil, err
		}
		for k, i := range idx {
			as[i] = part[k]
		}
	}
	var out []AssetParcel
	pos := map[string]int{}
	for _, a := range as {
		i, ok := pos[a.HRSZ]
		if !ok {
			i = len(out)
			pos[a.HRSZ] = i
			out = append(out, AssetParcel{HRSZ: a.HRSZ})
		}
		out[i].Assets = append(out[i].Assets, a.ID)
		out[i].Gross += a.Gross
		out[i].Net += a.Net()
	}
	return out, nil
}
