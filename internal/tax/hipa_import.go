package tax

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// HIPA returns forwarded by NAV (§A.3: since 2021 the annual HIPA return is
// filed with NAV, which forwards it to every municipality it names). The
// file format is ours, modelled on that forwarding: docs/hipa-import.md.

// MaxHIPAFileSize bounds an import file.
const MaxHIPAFileSize = 256 << 20

// HIPAReturn is one return of the file, as read.
type HIPAReturn struct {
	Index    int // 1-based place in the file
	ID       string
	Year     int
	Nature   string // eredeti | helyesbito | onellenorzes
	TaxID    string // adószám or adóazonosító jel, as given
	Name     string
	Address  string
	Figures  Figures
	Problem  *Problem // why the return cannot be read; nil if it can
	Advances map[string]hu.Forint
}

type xmlFile struct {
	XMLName xml.Name    `xml:"HipaBevallasok"`
	Returns []xmlReturn `xml:"Bevallas"`
}

type xmlReturn struct {
	ID     string `xml:"azonosito,attr"`
	Year   string `xml:"adoev,attr"`
	Nature string `xml:"jelleg,attr"`
	Payer  struct {
		TaxNumber string `xml:"adoszam,attr"`
		TaxID     string `xml:"adoazonosito,attr"`
		Name      string `xml:"nev,attr"`
		Address   string `xml:"cim,attr"`
	} `xml:"Adozo"`
	Base struct {
		Method         string `xml:"modszer,attr"`
		Turnover       string `xml:"netto_arbevetel,attr"`
		COGS           string `xml:"elabe,attr"`
		Mediated       string `xml:"kozvetitett,attr"`
		Subcontractors string `xml:"alvallalkozo,attr"`
		Materials      string `xml:"anyagkoltseg,attr"`
		RnD            string `xml:"kfe,attr"`
		KATAMonths     string `xml:"kata_honap,attr"`
		Base           string `xml:"adoalap,attr"`
	} `xml:"Adoalap"`
	Shares []struct {
		KSH      string `xml:"ksh,attr"`
		Base     string `xml:"adoalap,attr"`
		Tax      string `xml:"ado,attr"`
		Advances string `xml:"eloleg,attr"`
	} `xml:"Megosztas"`
}

var errHIPAFile = func(detail string) *Problem {
	return problem("bad_file", "file", "A fájl nem olvasható HIPA-bevallásfájlként (docs/hipa-import.md): %s", "The file cannot be read as a HIPA return file (docs/hipa-import.md): %s", detail)
}

// ParseHIPAFile reads a file of returns. A file that is not well-formed
// is refused whole; a return whose fields are wrong comes back with its
// Problem, so the rest of the file can still be taken.
func ParseHIPAFile(r io.Reader) ([]HIPAReturn, error) {
	lr := &io.LimitedReader{R: r, N: MaxHIPAFileSize + 1}
	dec := xml.NewDecoder(lr)
	var f xmlFile
	if err := dec.Decode(&f); err != nil {
		if lr.N <= 0 {
			return nil, errHIPAFile("túl nagy / too large")
		}
		line, _ := dec.InputPos()
		return nil, errHIPAFile(fmt.Sprintf("%d. sor / line %d: %v", line, line, err))
	}
	out := make([]HIPAReturn, 0, len(f.Returns))
	for i, x := range f.Returns {
		out = append(out, convertReturn(i+1, x))
	}
	return out, nil
}

func convertReturn(index int, x xmlReturn) HIPAReturn {
	r := HIPAReturn{Index: index, ID: strings.TrimSpace(x.ID), Nature: strings.TrimSpace(x.Nature), Name: strings.Join(strings.Fields(x.Payer.Name), " "),
		Address: strings.TrimSpace(x.Payer.Address), Advances: map[string]hu.Forint{}}
	fail := func(huText, en string, args ...any) HIPAReturn {
		r.Problem = problem("bad_return", "", huText, en, args...)
		return r
	}
	if r.ID == "" || len(r.ID) > 100 {
		return fail("A bevallásnak nincs azonosítója (vagy 100 karakternél hosszabb).", "The return has no identifier (or one longer than 100 characters).")
	}
	y, err := strconv.Atoi(strings.TrimSpace(x.Year))
	if err != nil || y < 1991 || y > 9997 {
		return fail("Az adóév hibás: %q.", "The tax year is wrong: %q.", x.Year)
	}
	r.Year = y
	switch r.Nature {
	case "", "eredeti", "helyesbito", "onellenorzes":
	default:
		return fail("A bevallás jellege ismeretlen: %q.", "Unknown nature of the return: %q.", r.Nature)
	}
	switch {
	case x.Payer.TaxNumber != "" && x.Payer.TaxID == "":
		n, err := hu.ParseTaxNumber(x.Payer.TaxNumber)
		if err != nil {
			return fail("Az adószám hibás (az ellenőrző szám nem egyezik, vagy az alak rossz): %q.", "The tax number is wrong (the check digit does not match, or the form is wrong): %q.", x.Payer.TaxNumber)
		}
		r.TaxID = n.String()
	case x.Payer.TaxID != "" && x.Payer.TaxNumber == "":
		n, err := hu.ParseTaxID(x.Payer.TaxID)
		if err != nil {
			return fail("Az adóazonosító jel hibás (az ellenőrző szám nem egyezik): %q.", "The tax identification number is wrong (the check digit does not match): %q.", x.Payer.TaxID)
		}
		r.TaxID = n.String()
	default:
		return fail("Az adózót egy adószám vagy egy adóazonosító jel azonosítsa.", "Identify the taxpayer by one tax number or one tax identification number.")
	}
	if r.Name == "" || len(r.Name) > 300 {
		return fail("Az adózó neve hiányzik (vagy 300 karakternél hosszabb).", "The taxpayer's name is missing (or longer than 300 characters).")
	}
	if len(r.Address) > 500 {
		r.Address = r.Address[:500]
	}
	var bad string
	num := func(name, s string) hu.Forint {
		s = strings.TrimSpace(s)
		if s == "" {
			return 0
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 || v > 1<<52 {
			if bad == "" {
				bad = name
			}
			return 0
		}
		return hu.Forint(v)
	}
	f := &r.Figures
	switch strings.TrimSpace(x.Base.Method) {
	case "", "altalanos":
		f.Method = MethodNormal
	case "egyszerusitett":
		f.Method = MethodSimplified
	case "kata":
		f.Method = MethodKATA
	default:
		return fail("Az adóalap-megállapítás módja ismeretlen: %q.", "Unknown method of the base: %q.", x.Base.Method)
	}
	f.Turnover = num("netto_arbevetel", x.Base.Turnover)
	f.COGS = num("elabe", x.Base.COGS)
	f.Mediated = num("kozvetitett", x.Base.Mediated)
	f.Subcontractors = num("alvallalkozo", x.Base.Subcontractors)
	f.Materials = num("anyagkoltseg", x.Base.Materials)
	f.RnD = num("kfe", x.Base.RnD)
	f.KATAMonths = int(num("kata_honap", x.Base.KATAMonths))
	f.DeclaredBase = num("adoalap", x.Base.Base)
	if strings.TrimSpace(x.Base.Base) == "" && bad == "" {
		return fail("A bevallás adóalapja (adoalap) hiányzik.", "The return's base (adoalap) is missing.")
	}
	if len(x.Shares) == 0 {
		return fail("A bevallásban nincs adóalap-megosztás (Megosztas).", "The return has no apportionment (Megosztas).")
	}
	seen := map[string]bool{}
	for _, s := range x.Shares {
		k := strings.TrimSpace(s.KSH)
		if _, err := hu.ParseKSHCode(k); err != nil || seen[k] {
			return fail("Hibás vagy ismétlődő településkód a megosztásban: %q.", "Wrong or repeated settlement code in the apportionment: %q.", s.KSH)
		}
		seen[k] = true
		if strings.TrimSpace(s.Tax) == "" {
			return fail("A(z) %s településre jutó adó (ado) hiányzik.", "The tax of municipality %s (ado) is missing.", k)
		}
		f.Shares = append(f.Shares, BaseShare{KSH: k, Base: num("Megosztas/adoalap", s.Base), Tax: num("Megosztas/ado", s.Tax)})
		r.Advances[k] = num("Megosztas/eloleg", s.Advances)
	}
	if bad != "" {
		return fail("Hibás szám a(z) %s mezőben: nem negatív egész forint kell.", "Wrong number in %s: a whole forint amount that is not negative is needed.", bad)
	}
	return r
}

// RejectedReturn is a return of the file that was not taken, and why.
type RejectedReturn struct {
	Index int
	ID    string
	HU    string
	EN    string
}

// Message returns the reason in lang.
func (r RejectedReturn) Message(lang string) string {
	if lang == "en" {
		return r.EN
	}
	return r.HU
}

// HIPAImportResult says what an import did with each return of the file.
type HIPAImportResult struct {
	Returns      int // in the file
	Imported     int // new declarations
	Corrections  int // of which correcting an earlier one
	Unchanged    int // already imported (same identifier)
	OtherPlaces  int // no share for this municipality: skipped
	NewTaxpayers int
	Rejected     []RejectedReturn
}

// ImportHIPA takes this municipality's share of each return in the file
// (ksh is the tenant's code). Each return is checked whole (its base, the
// shares adding up to it, this municipality's tax at its own rate) before
// anything is written: a rejected one leaves nothing, the others stand. Re-importing a return (same identifier) changes nothing; a later
// return for the same taxpayer and year corrects the one in force.
func (s *Service) ImportHIPA(ctx context.Context, tx bun.Tx, reg Registrar, returns []HIPAReturn, by string) (HIPAImportResult, error) {
	res := HIPAImportResult{Returns: len(returns)}
	return res, s.importHIPA(ctx, tx, reg, returns, by, map[string]bool{}, &res)
}

// HIPAChunk is how many returns ImportHIPAInChunks writes per transaction.
var HIPAChunk = 250

// ImportHIPAInChunks is ImportHIPA in transactions of HIPAChunk returns,
// so that a large file does not hold the database's write lock (all
// municipalities' on SQLite) for the whole import. A failure stops it
// after the chunks already written; the import can simply be run again,
// as it skips the returns it has taken.
func (s *Service) ImportHIPAInChunks(ctx context.Context, d *db.DB, t db.TenantID, reg Registrar, returns []HIPAReturn, by string) (HIPAImportResult, error) {
	res := HIPAImportResult{Returns: len(returns)}
	inFile := map[string]bool{}
	for start := 0; start < len(returns); start += HIPAChunk {
		chunk := returns[start:min(start+HIPAChunk, len(returns))]
		part := HIPAImportResult{}
		err := d.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			// The file's identifiers seen so far, without this chunk's if it
			// rolls back.
			seen := maps.Clone(inFile)
			part = HIPAImportResult{Returns: len(chunk)}
			if err := s.importHIPA(ctx, tx, reg, chunk, by, seen, &part); err != nil {
				return err
			}
			inFile = seen
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Imported += part.Imported
		res.Corrections += part.Corrections
		res.Unchanged += part.Unchanged
		res.OtherPlaces += part.OtherPlaces
		res.NewTaxpayers += part.NewTaxpayers
		res.Rejected = append(res.Rejected, part.Rejected...)
	}
	return res, nil
}

// importHIPA checks the returns one by one and writes the good ones in
// bulk: their new taxpayers in one insert, their IRAT registrations in one
// RegisterIncomingMany, their audit entries in one AppendMany. So a chunk
// moves the book's counter and the audit chain head once, not once a
// return (on PostgreSQL those rows' versions piled up). Every check comes
// before anything is written, so a rejected return leaves nothing and
// stops nothing else; only a failure of the database or an IRAT refusal
// (no open book) stops the chunk.
func (s *Service) importHIPA(ctx context.Context, tx bun.Tx, reg Registrar, returns []HIPAReturn, by string, inFile map[string]bool, res *HIPAImportResult) error {
	t, _ := db.TenantFrom(ctx)
	ksh := string(t)
	reject := func(r HIPAReturn, p *Problem) {
		res.Rejected = append(res.Rejected, RejectedReturn{Index: r.Index, ID: r.ID, HU: p.HU, EN: p.EN})
	}
	if tx.Dialect().Name() == dialect.PG {
		// PostgreSQL checks each foreign key with a plan it keeps for the
		// session; made while a municipality's first import had just begun
		// filling the tables, it scans them whole, and every later check
		// took longer (the import grew with the square of the file). Plans
		// made afresh for each check use the primary keys.
		if _, err := tx.ExecContext(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
			return err
		}
	}
	known, err := hipaKnownIDs(ctx, tx, returns)
	if err != nil {
		return err
	}
	var evs []audit.Event
	b := hipaBatch{taxIDs: map[string]bool{}}
	for _, r := range returns {
		if r.Problem != nil {
			reject(r, r.Problem)
			continue
		}
		if inFile[r.ID] {
			reject(r, problem("duplicate_return", "", "Ez az azonosító a fájlban korábban már szerepelt.", "This identifier already occurred earlier in the file."))
			continue
		}
		inFile[r.ID] = true
		here := false
		for _, sh := range r.Figures.Shares {
			here = here || sh.KSH == ksh
		}
		if !here {
			res.OtherPlaces++
			continue
		}
		if known[r.ID] {
			res.Unchanged++
			continue
		}
		// A second return of a taxpayer waiting in the batch (a new one, or
		// one whose declaration it may correct) is checked against the
		// batch written.
		if b.taxIDs[r.TaxID] {
			if err := s.writeHIPABatch(ctx, tx, reg, &b, by, &evs, res); err != nil {
				return err
			}
		}
		item, err := s.prepareHIPAReturn(ctx, tx, reg, r, ksh, by)
		var p *Problem
		if errors.As(err, &p) {
			reject(r, p)
			continue
		}
		if err != nil {
			return err
		}
		b.items = append(b.items, item)
		b.taxIDs[r.TaxID] = true
	}
	if err := s.writeHIPABatch(ctx, tx, reg, &b, by, &evs, res); err != nil {
		return err
	}
	evs = append(evs, audit.Event{Action: "tax.hipa_import", ObjectType: "declaration", Result: audit.ResultOK, Detail: map[string]any{"returns": len(returns),
		"imported": res.Imported, "corrections": res.Corrections, "unchanged": res.Unchanged, "other_places": res.OtherPlaces, "rejected": len(res.Rejected), "by": by}})
	_, err = audit.AppendMany(ctx, tx, t, evs, s.now())
	return err
}

// hipaKnownIDs are the identifiers of the returns already imported, in
// one query for the chunk.
func hipaKnownIDs(ctx context.Context, tx bun.Tx, returns []HIPAReturn) (map[string]bool, error) {
	ids := make([]string, 0, len(returns))
	for _, r := range returns {
		if r.Problem == nil && r.ID != "" {
			ids = append(ids, r.ID)
		}
	}
	known := map[string]bool{}
	if len(ids) == 0 {
		return known, nil
	}
	var found []string
	if err := tx.NewSelect().Model((*Declaration)(nil)).Column("external_id").Where("external_id IN (?) AND external_id <> ''", bun.In(ids)).Scan(ctx, &found); err != nil {
		return nil, err
	}
	for _, id := range found {
		known[id] = true
	}
	return known, nil
}

// hipaBatch is the checked returns of a chunk waiting to be written.
type hipaBatch struct {
	items  []hipaItem
	taxIDs map[string]bool
}

type hipaItem struct {
	plan      declarationPlan
	newPayer  *Taxpayer // to record with the declaration
	corrected bool
}

// prepareHIPAReturn checks a return as filing it would, writing nothing:
// the taxpayer (recorded from the return if unknown) and the declaration
// it makes, correcting the one in force for the year if there is one.
func (s *Service) prepareHIPAReturn(ctx context.Context, tx bun.Tx, reg Registrar, r HIPAReturn, ksh, by string) (hipaItem, error) {
	var it hipaItem
	tp, err := taxpayerByTaxID(ctx, tx, r.TaxID)
	if errors.Is(err, errUnknownTaxID) {
		created, err := s.newTaxpayer(TaxpayerInput{TaxID: r.TaxID, Name: r.Name, Address: r.Address}, by)
		if err != nil {
			return it, err
		}
		tp, it.newPayer = &created, &created
	} else if err != nil {
		return it, err
	}
	in := DeclarationInput{Kind: KindHIPAAnnual, TaxpayerID: tp.ID, Period: strconv.Itoa(r.Year), Figures: r.Figures, Source: SourceNAVImport,
		ExternalID: r.ID, KSH: ksh}
	in.Figures.Advances = r.Advances[ksh]
	if it.newPayer == nil {
		var prev []Declaration
		if err := tx.NewSelect().Model(&prev).Where("taxpayer_id = ? AND kind = ? AND period = ? AND status = 'filed'", tp.ID, KindHIPAAnnual, in.Period).
			Limit(1).Scan(ctx); err != nil {
			return it, err
		}
		if len(prev) > 0 {
			in.Corrects, it.corrected = &prev[0].ID, true
			in.Reason = "A NAV-tól továbbított későbbi bevallás (" + r.ID + ")"
		}
	}
	it.plan, err = s.prepareDeclaration(ctx, tx, reg, in, tp, by)
	return it, err
}

// writeHIPABatch writes the batch's returns: new taxpayers, then one
// registration of all the declarations, then the declarations with their
// postings; their audit events are added to evs.
func (s *Service) writeHIPABatch(ctx context.Context, tx bun.Tx, reg Registrar, b *hipaBatch, by string, evs *[]audit.Event, res *HIPAImportResult) error {
	if len(b.items) == 0 {
		return nil
	}
	var payers []Taxpayer
	for _, it := range b.items {
		if it.newPayer != nil {
			payers = append(payers, *it.newPayer)
		}
	}
	if len(payers) > 0 {
		if _, err := tx.NewInsert().Model(&payers).Exec(ctx); err != nil {
			return fmt.Errorf("insert taxpayers: %w", err)
		}
		for _, tp := range payers {
			*evs = append(*evs, audit.Event{Action: "tax.taxpayer_create", ObjectType: "taxpayer", ObjectID: tp.ID.String(), Result: audit.ResultOK, Detail: taxpayerCreated(tp, by)})
		}
	}
	items := make([]RegistrationItem, len(b.items))
	for i, it := range b.items {
		items[i] = RegistrationItem{Subject: it.plan.subject, Partner: it.plan.partner}
	}
	numbers, err := reg.RegisterIncomingMany(ctx, tx, DeclarationBook, items, by)
	if err != nil {
		return err
	}
	if len(numbers) != len(items) {
		return fmt.Errorf("IRAT registered %d of %d returns", len(numbers), len(items))
	}
	for i := range b.items {
		it := &b.items[i]
		written, err := s.writeDeclaration(ctx, tx, &it.plan, numbers[i], by)
		if err != nil {
			return err
		}
		*evs = append(*evs, written...)
		res.Imported++
		if it.corrected {
			res.Corrections++
		}
		if it.newPayer != nil {
			res.NewTaxpayers++
		}
	}
	b.items = b.items[:0]
	clear(b.taxIDs)
	return nil
}
