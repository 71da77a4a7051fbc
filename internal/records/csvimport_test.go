package records_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"golang.org/x/text/encoding/charmap"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

const importHeader = "iktatószám;iktatókönyv;iktatás ideje;irány;tárgy;ügyfél;hivatkozási szám;előzmény;érvénytelen;érvénytelenítés oka;iktató\n"

func runImport(t testing.TB, d *db.DB, s *records.Service, tenant db.TenantID, src io.ReadSeeker, opt records.ImportOptions) (*records.ImportReport, error) {
	t.Helper()
	var rep *records.ImportReport
	err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rep, err = s.Import(ctx, tx, src, opt)
		return err
	})
	return rep, err
}

func mustImport(t testing.TB, d *db.DB, s *records.Service, tenant db.TenantID, file string) *records.ImportReport {
	t.Helper()
	rep, err := runImport(t, d, s, tenant, strings.NewReader(file), records.ImportOptions{By: "teszt"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("import rejected: %+v", rep.Errors)
	}
	return rep
}

// counts returns the tenant's books, cases and documents.
func counts(t testing.TB, d *db.DB, tenant db.TenantID) (books, cases, docs int) {
	t.Helper()
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT (SELECT count(*) FROM records_books WHERE tenant_id = ?), (SELECT count(*) FROM records_cases WHERE tenant_id = ?),
			(SELECT count(*) FROM records_documents WHERE tenant_id = ?)`, tenant, tenant, tenant).Scan(ctx, &books, &cases, &docs)
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func importAuditEntries(t testing.TB, d *db.DB, tenant db.TenantID, prefix string) []audit.Entry {
	t.Helper()
	var es []audit.Entry
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		all, err := audit.List(ctx, tx, tenant, audit.Filter{Limit: 1000})
		for _, e := range all {
			if strings.HasPrefix(e.Action, prefix) {
				es = append(es, e)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// Every rejection, each in a file of otherwise good rows: the report names
// the line, the column and the reason in both languages, and nothing is
// written.
func TestImportRejections(t *testing.T) {
	d, s, _ := setup(t)
	// Orfű's KOZ/2026 holds one registration; ALT/2026 prints numbers the
	// same way (no prefix), so its 1-1/2026 is taken.
	mustRegister(t, d, s, orfu, in("Már iktatott"))
	good := "1-1/2025;KOZ;2025.01.02.;bejövő;Jó sor;Kiss Péter;;;;;\n"
	for _, tc := range []struct {
		name   string
		file   string // without the header unless it starts with "!"
		code   string
		line   int
		column string
	}{
		{"malformed number", "12/2025;KOZ;2025.01.03.;bejövő;x;;;;;;\n", "bad_number", 3, "iktatószám"},
		{"no number", ";KOZ;2025.01.03.;bejövő;x;;;;;;\n", "no_number", 3, "iktatószám"},
		{"duplicate number", "1-1/2025;KOZ;2025.01.03.;kimenő;x;;;;;;\n", "duplicate_number", 3, "iktatószám"},
		{"year of number is not the year of registration", "2-1/2025;KOZ;2026.01.03.;bejövő;x;;;;;;\n", "year_mismatch", 3, "iktatás ideje"},
		{"registered before the year of its number", "2-2/2025;KOZ;2024.12.31.;bejövő;x;;;;;;\n", "year_mismatch", 3, "iktatás ideje"},
		{"bad date", "2-1/2025;KOZ;2025.02.30.;bejövő;x;;;;;;\n", "bad_date", 3, "iktatás ideje"},
		{"no date", "2-1/2025;KOZ;;bejövő;x;;;;;;\n", "no_date", 3, "iktatás ideje"},
		{"future date", "2-1/2026;KOZ;2026.03.03.;bejövő;x;;;;;;\n", "future_date", 3, "iktatás ideje"},
		{"unknown direction", "2-1/2025;KOZ;2025.01.03.;kifelé;x;;;;;;\n", "bad_direction", 3, "irány"},
		{"no direction", "2-1/2025;KOZ;2025.01.03.;;x;;;;;;\n", "no_direction", 3, "irány"},
		{"empty subject", "2-1/2025;KOZ;2025.01.03.;belső; ;;;;;;\n", "no_subject", 3, "tárgy"},
		{"subject too long", "2-1/2025;KOZ;2025.01.03.;belső;" + strings.Repeat("é", 1001) + ";;;;;;\n", "too_long", 3, "tárgy"},
		{"control character", "2-1/2025;KOZ;2025.01.03.;belső;a\x01b;;;;;;\n", "bad_text", 3, "tárgy"},
		{"predecessor neither in the file nor in the database", "1-1/2026;KOZ2;2026.01.03.;bejövő;x;;;7-1/2024;;;\n", "unknown_predecessor", 3, "előzmény"},
		{"malformed predecessor", "1-1/2026;KOZ2;2026.01.03.;bejövő;x;;;hét;;;\n", "bad_predecessor", 3, "előzmény"},
		{"same-year predecessor of another case", "2-1/2025;KOZ;2025.01.03.;bejövő;x;;;1-1/2025;;;\n", "predecessor_same_year", 3, "előzmény"},
		{"two predecessors for one case", "2-1/2024;KOZ;2024.01.03.;bejövő;x;;;;;;\n3-1/2024;KOZ;2024.01.03.;bejövő;x;;;;;;\n1-1/2026;KOZ2;2026.01.03.;bejövő;x;;;2-1/2024;;;\n1-2/2026;KOZ2;2026.01.04.;bejövő;x;;;3-1/2024;;;\n", "predecessor_conflict", 6, "előzmény"},
		{"predecessor joined twice", "2-1/2024;KOZ;2024.01.03.;bejövő;x;;;;;;\n1-1/2026;KOZ2;2026.01.03.;bejövő;x;;;2-1/2024;;;\n2-1/2026;KOZ2;2026.01.04.;bejövő;x;;;2-1/2024;;;\n", "predecessor_joined", 5, "előzmény"},
		{"number already used in the database", "1-1/2026;ALT;2026.01.03.;bejövő;x;;;;;;\n", "number_exists", 3, "iktatószám"},
		{"book in use", "2-1/2026;KOZ;2026.01.03.;bejövő;x;;;;;;\n", "book_exists", 3, "iktatókönyv"},
		{"two prefixes in one volume", "ADO/1-1/2024;ADO;2024.01.03.;bejövő;x;;;;;;\nX/2-1/2024;ADO;2024.01.03.;bejövő;x;;;;;;\n", "prefix_mismatch", 4, "iktatószám"},
		{"no book", "2-1/2025;;2025.01.03.;bejövő;x;;;;;;\n", "no_book", 3, "iktatókönyv"},
		{"bad book code", "2-1/2025;K O Z;2025.01.03.;bejövő;x;;;;;;\n", "bad_book", 3, "iktatókönyv"},
		{"voided without reason", "2-1/2025;KOZ;2025.01.03.;bejövő;x;;;;igen;;\n", "no_void_reason", 3, "érvénytelenítés oka"},
		{"reason without void", "2-1/2025;KOZ;2025.01.03.;bejövő;x;;;;;téves;\n", "reason_without_void", 3, "érvénytelenítés oka"},
		{"bad voided flag", "2-1/2025;KOZ;2025.01.03.;bejövő;x;;;;talán;;\n", "bad_voided", 3, "érvénytelen"},
		{"too few fields", "2-1/2025;KOZ;2025.01.03.;bejövő\n", "field_count", 3, ""},
		{"bare quote", "2-1/2025;KOZ;2025.01.03.;bejövő;a \"b\" c;;;;;;\n", "bad_quote", 3, ""},
		{"unclosed quote", "2-1/2025;KOZ;2025.01.03.;bejövő;\"abc;;;;;;\n", "bad_quote", 3, ""},
		{"unknown column", "!iktatószám;iktatás ideje;irány;tárgy;ügyintéző\n1-1/2025;2025.01.02.;be;x;Kovács\n", "unknown_column", 1, "ügyintéző"},
		{"missing column", "!iktatószám;iktatás ideje;irány\n1-1/2025;2025.01.02.;bejövő\n", "missing_column", 1, "tárgy"},
		{"column twice", "!iktatószám;iktatás ideje;irány;tárgy;Tárgy\n", "duplicate_column", 1, "Tárgy"},
		{"data in a column without a name", "!iktatószám;iktatás ideje;irány;tárgy;\n1-1/2025;2025.01.02.;be;x;\n2-1/2025;2025.01.02.;be;x;y\n", "unnamed_column", 3, "#5"},
		{"empty file", "!", "empty_file", 0, ""},
		{"header only", "!" + importHeader, "no_rows", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := importHeader + good + tc.file
			if strings.HasPrefix(tc.file, "!") {
				file = tc.file[1:]
			}
			books, cases, docs := counts(t, d, orfu)
			rep, err := runImport(t, d, s, orfu, strings.NewReader(file), records.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Imported {
				t.Fatalf("accepted: %+v", rep)
			}
			found := false
			for _, i := range rep.Errors {
				if i.Code == tc.code && i.Line == tc.line && i.Column == tc.column {
					found = true
					if i.HU == "" || i.EN == "" || i.HU == i.EN {
						t.Errorf("message not in both languages: %+v", i)
					}
				}
			}
			if !found {
				t.Errorf("want %s in line %d, column %q; got %+v", tc.code, tc.line, tc.column, rep.Errors)
			}
			if b, c, n := counts(t, d, orfu); b != books || c != cases || n != docs {
				t.Errorf("written: books %d→%d, cases %d→%d, documents %d→%d", books, b, cases, c, docs, n)
			}
		})
	}

	// A refused attempt in Abaliget's log, as failed, with the file's hash.
	rep, err := runImport(t, d, s, aba, strings.NewReader(importHeader+"1-1/2026;KOZ;2026.01.02.;oldalra;x;;;;;;\n"), records.ImportOptions{})
	if err != nil || rep.OK() {
		t.Fatalf("bad direction accepted: %v %+v", err, rep)
	}
	// Each refused attempt is in the log, as failed, with the file's hash.
	es := importAuditEntries(t, d, aba, "records.import")
	if len(es) != 1 || es[0].Result != audit.ResultFailed || es[0].ObjectID != rep.SHA256 || !strings.Contains(es[0].Detail, `"rejected_rows":1`) {
		t.Errorf("audit of the refused import: %+v", es)
	}
}

// All rejected rows are listed, not only the first.
func TestImportListsEveryRejectedRow(t *testing.T) {
	d, s, _ := setup(t)
	var b strings.Builder
	b.WriteString(importHeader)
	for i := 1; i <= 50; i++ {
		dir := "bejövő"
		if i%5 == 0 {
			dir = "oldalra"
		}
		fmt.Fprintf(&b, "%d-1/2025;KOZ;2025.01.02.;%s;tárgy %d;;;;;;\n", i, dir, i)
	}
	b.WriteString("51-1/2025;KOZ;2025.13.01.;kimenő;;;;;;;\n")
	rep, err := runImport(t, d, s, orfu, strings.NewReader(b.String()), records.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 51 || rep.Rejected != 11 || len(rep.Errors) != 12 {
		t.Fatalf("rows %d, rejected %d, errors %d: %+v", rep.Rows, rep.Rejected, len(rep.Errors), rep.Errors)
	}
	if rep.Errors[0].Line != 6 || rep.Errors[len(rep.Errors)-1].Line != 52 {
		t.Errorf("errors not in line order: %+v", rep.Errors)
	}
	var csv bytes.Buffer
	if err := records.WriteImportReport(&csv, rep); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(csv.String(), "\n"); n != 13 || !strings.Contains(csv.String(), "Ismeretlen irány: „oldalra”") {
		t.Errorf("CSV report (%d lines):\n%s", n, csv.String())
	}
}

// The round trip: the old numbers are kept, past volumes closed with a
// manifest, the current one goes on after the highest number, szerelés
// links are made, and new registrations stay gapless.
func TestImportRoundTrip(t *testing.T) {
	d, s, _ := setup(t)
	// KOZ/2026 exists empty (opened ahead of the import); ADO has no
	// volume yet. 2024 and 2025 are past years.
	file := importHeader +
		"1-1/2024;KOZ;2024.01.02. 08:15;bejövő;Építési engedély;Kiss Péter;É-7/2024;;;;Nagy Éva\n" +
		"1-2/2024;KOZ;2024.01.20.;kimenő;Építési engedély – hiánypótlás;Kiss Péter;;1-1/2024;;;Nagy Éva\n" +
		"2-1/2024;KOZ;2024-02-01T10:00:00;belső;Jegyzői utasítás;;;;igen;téves iktatás;Nagy Éva\n" +
		"5-1/2024;KOZ;2024.03.01.;in;Zajpanasz;Szabó Ilona;;;;;\n" +
		"ADO/1-1/2025;ADO;2025.01.10.;bejövő;Adóbevallás;Vadász Kft.;;;;;\n" +
		"ADO/1-3/2025;ADO;2026.01.15.;kimenő;Adóbevallás – határozat;Vadász Kft.;;;;;\n" +
		"1-1/2026;KOZ;2026.01.05.;bejövő;Fakivágás (folytatás);Kiss Péter;;5-1/2024;;;\n" +
		"2-1/2026;KOZ;2026.02.01.;out;Tájékoztatás;Őri Ödön;;;;;\n" +
		"3-1/2026;KOZ;2026.02.02.;internal;Belső feljegyzés;;;;;;\n"
	rep := mustImport(t, d, s, orfu, file)
	if !rep.Imported || rep.Documents != 9 || rep.Cases != 7 || rep.Voided != 1 || rep.Joined != 1 || len(rep.Books) != 3 {
		t.Fatalf("report: %+v", rep)
	}
	// Gaps are warnings: KOZ/2024 lacks 3–4, ADO/1/2025 lacks alszám 2;
	// ADO/1-3/2025 was registered in 2026 (a case across years).
	var codes []string
	for _, w := range rep.Warnings {
		codes = append(codes, w.Code+":"+w.EN)
	}
	got := strings.Join(codes, "\n")
	for _, want := range []string{"gap_foszam:Main numbers missing from book KOZ of 2024 (2): 3–4.", "gap_alszam:Sub-numbers missing from case 1 of book ADO of 2025 (1): 2.", "across_years:"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	// Past volumes are closed with a manifest that verifies; the current
	// one is open.
	for _, b := range rep.Books {
		if b.Closed != (b.Year < 2026) {
			t.Errorf("book %s/%d closed = %v", b.Code, b.Year, b.Closed)
		}
		if !b.Closed {
			continue
		}
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			chk, err := s.VerifyBook(ctx, tx, b.Code, b.Year)
			if err == nil && (!chk.OK() || chk.Now.Hash != b.Manifest) {
				err = fmt.Errorf("%s/%d: %v (manifest %s, report %s)", b.Code, b.Year, chk.Problems, chk.Now.Hash, b.Manifest)
			}
			return err
		})
		if err != nil {
			t.Error(err)
		}
	}
	// Nothing can be registered into a closed past volume.
	r := in("Késői irat")
	r.Predecessor = "ADO/1-1/2025"
	// … a follow-up of a past case opens a new case now and joins the old.
	f := mustRegister(t, d, s, orfu, r)
	if f.Number != "4-1/2026" {
		t.Errorf("follow-up of a 2025 case = %s, want 4-1/2026", f.Number)
	}
	// New registrations go on after the highest imported number, gapless.
	for i, want := range []string{"5-1/2026", "6-1/2026"} {
		if d := mustRegister(t, d, s, orfu, in(fmt.Sprintf("új %d", i))); d.Number != want {
			t.Errorf("new registration = %s, want %s", d.Number, want)
		}
	}
	// A same-year follow-up of an imported case takes its next alszám.
	r = in("Hiánypótlás")
	r.Predecessor = "2-1/2026"
	if d := mustRegister(t, d, s, orfu, r); d.Number != "2-2/2026" {
		t.Errorf("follow-up of imported 2-1/2026 = %s", d.Number)
	}
	// The imported case of 2026 that continued 5-1/2024 is joined to it.
	var merged, preceding int
	err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT (SELECT count(*) FROM records_cases c JOIN records_documents d ON d.tenant_id = c.tenant_id AND d.case_id = c.id
				WHERE c.tenant_id = ? AND d.number = '5-1/2024' AND c.merged_into IS NOT NULL),
			(SELECT count(*) FROM records_cases c JOIN records_documents d ON d.tenant_id = c.tenant_id AND d.case_id = c.id
				WHERE c.tenant_id = ? AND d.number = '1-1/2026' AND c.preceding_case IS NOT NULL)`, orfu, orfu).Scan(ctx, &merged, &preceding)
	})
	if err != nil || merged != 1 || preceding != 1 {
		t.Errorf("szerelés: merged %d, preceding %d, %v", merged, preceding, err)
	}
	// Stored as written: time in Budapest, voiding, registrar.
	var doc records.Document
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&doc).Where("number = ?", "2-1/2024").Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if doc.VoidedAt == nil || doc.VoidReason != "téves iktatás" || doc.RegisteredBy != "Nagy Éva" || doc.Direction != records.Internal ||
		!doc.RegisteredAt.Equal(budapest(2024, 2, 1, 10, 0)) {
		t.Errorf("stored document: %+v", doc)
	}
	// One summary audit entry for the import.
	es := importAuditEntries(t, d, orfu, "records.import")
	if len(es) != 1 || es[0].Result != audit.ResultOK || !strings.Contains(es[0].Detail, `"documents":9`) || es[0].ObjectID != rep.SHA256 {
		t.Errorf("audit: %+v", es)
	}
	// The same file again: every volume is in use now.
	again, err := runImport(t, d, s, orfu, strings.NewReader(file), records.ImportOptions{})
	if err != nil || again.OK() || again.Rejected != 9 {
		t.Errorf("second import: %v %+v", err, again)
	}
}

// Numbers in another form than the default: the file is read by the form
// given (or the municipality's setting), the volumes keep it and new
// registrations continue in it; a predecessor may be in the form of a
// volume already here. An empty volume opened ahead takes the file's
// prefix and form.
func TestImportNumberForms(t *testing.T) {
	d, s, _ := setup(t)
	mustImport(t, d, s, orfu, importHeader+"7-1/2024;ALT;2024.05.06.;bejövő;Régi ügy;;;;;;\n")
	file := importHeader +
		"ADO/1/1/2025;ADO;2025.02.03.;bejövő;Adóügy;;;7-1/2024;;;\n" +
		"ADO/2/1/2026;ADO;2026.01.10.;bejövő;Idei adóügy;;;ADO/1/1/2025;;;\n" +
		"KOZ/1/1/2026;KOZ;2026.01.11.;bejövő;Közös ügy;;;;;;\n"
	// By the default form the file is unreadable.
	rep, err := runImport(t, d, s, orfu, strings.NewReader(file), records.ImportOptions{DryRun: true})
	if err != nil || rep.OK() || rep.Errors[0].Code != "bad_number" || !strings.Contains(rep.Errors[0].EN, "1234-3/2026") {
		t.Fatalf("default form: %v %+v", err, rep.Errors)
	}
	// A bad form is refused as a whole.
	rep, err = runImport(t, d, s, orfu, strings.NewReader(file), records.ImportOptions{NumberTemplate: "{főszám}{alszám}/{év}"})
	if err != nil || rep.OK() || rep.Errors[0].Code != "bad_template" || rep.Rows != 0 {
		t.Fatalf("bad form: %v %+v", err, rep.Errors)
	}
	rep, err = runImport(t, d, s, orfu, strings.NewReader(file), records.ImportOptions{NumberTemplate: "{főszám}/{alszám}/{év}"})
	if err != nil || !rep.OK() || rep.Joined != 2 || rep.NumberForm != "1234/3/2026" {
		t.Fatalf("slash form: %v %+v", err, rep)
	}
	// KOZ/2026 (empty, no prefix, default form) took the file's.
	if doc := mustRegister(t, d, s, orfu, in("Új közös")); doc.Number != "KOZ/2/1/2026" {
		t.Errorf("next in KOZ = %s, want KOZ/2/1/2026", doc.Number)
	}
	r := in("Új adóügy")
	r.BookCode = "ADO"
	if doc := mustRegister(t, d, s, orfu, r); doc.Number != "ADO/3/1/2026" {
		t.Errorf("next in ADO = %s, want ADO/3/1/2026", doc.Number)
	}
	r.Predecessor = "ADO/2/1/2026"
	if doc := mustRegister(t, d, s, orfu, r); doc.Number != "ADO/2/2/2026" {
		t.Errorf("follow-up in ADO = %s", doc.Number)
	}

	// Without a form given, the municipality's setting is used.
	err = d.InTenant(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		return s.SetNumberTemplate(ctx, tx, "{év}.{főszám}.{alszám}", "teszt")
	})
	if err != nil {
		t.Fatal(err)
	}
	rep = mustImport(t, d, s, aba, importHeader+"2025.4.1;KOZ;2025.03.04.;kimenő;Abai ügy;;;;;;\n")
	if rep.NumberForm != "2026.1234.3" {
		t.Errorf("form by the setting: %s", rep.NumberForm)
	}
}

// Windows-1250 with ő and ű, comma-separated, detected by itself; UTF-8
// with a byte-order mark.
func TestImportEncodings(t *testing.T) {
	d, s, _ := setup(t)
	text := "Iktatószám,Iktatókönyv,Iktatás ideje,Irány,Tárgy,Ügyfél\n" +
		"1-1/2025,KOZ,2025.05.06.,bejövő,\"Tűzifa-támogatás, kérelem\",Őri Ödönné\n"
	enc, err := charmap.Windows1250.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := runImport(t, d, s, orfu, strings.NewReader(enc), records.ImportOptions{DryRun: true})
	if err != nil || !rep.OK() || rep.Encoding != records.EncodingWindows1250 || rep.Delimiter != "," || rep.Documents != 1 {
		t.Fatalf("windows-1250 dry run: %v %+v", err, rep)
	}
	if b, _, _ := counts(t, d, orfu); b != 1 {
		t.Errorf("dry run wrote books: %d", b)
	}
	if es := importAuditEntries(t, d, orfu, "records.import_check"); len(es) != 1 {
		t.Errorf("dry run not in the log: %+v", es)
	}
	rep = mustImport(t, d, s, orfu, enc)
	if rep.Encoding != records.EncodingWindows1250 {
		t.Errorf("encoding %s", rep.Encoding)
	}
	var subject, partner string
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("SELECT subject, partner FROM records_documents WHERE tenant_id = ? AND number = '1-1/2025'", orfu).Scan(ctx, &subject, &partner)
	})
	if err != nil || subject != "Tűzifa-támogatás, kérelem" || partner != "Őri Ödönné" {
		t.Errorf("stored %q %q (%v)", subject, partner, err)
	}

	// A trailing delimiter on every line (an unnamed, empty column) is
	// harmless.
	bom := "\xEF\xBB\xBF" + strings.Replace(importHeader, "\n", ";\r\n", 1) + "1-1/2026;KOZ;2026.01.02.;bejövő;Őszi lomtalanítás;;;;;;;\r\n"
	rep, err = runImport(t, d, s, aba, strings.NewReader(bom), records.ImportOptions{})
	if err != nil || !rep.OK() || rep.Encoding != records.EncodingUTF8 || rep.Delimiter != ";" {
		t.Fatalf("utf-8 with BOM: %v %+v", err, rep)
	}
	// Forced UTF-8 on a Windows-1250 file: the broken characters are
	// refused, not stored.
	rep, err = runImport(t, d, s, aba, strings.NewReader(enc), records.ImportOptions{Encoding: records.EncodingUTF8, DryRun: true})
	if err != nil || rep.OK() || rep.Errors[0].Code != "unknown_column" {
		t.Errorf("forced utf-8: %v %+v", err, rep)
	}
}

// A file that changes between the check and the write is not imported.
func TestImportRefusesAChangedFile(t *testing.T) {
	d, s, _ := setup(t)
	good := importHeader + "1-1/2025;KOZ;2025.01.02.;bejövő;Első;;;;;;\n"
	src := &changingReader{first: good, then: importHeader + "1-1/2025;KOZ;2025.01.02.;bejövő;Más;;;;;;\n"}
	_, err := runImport(t, d, s, orfu, src, records.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("changed file: %v", err)
	}
	if b, c, n := counts(t, d, orfu); b != 1 || c != 0 || n != 0 {
		t.Errorf("written: %d %d %d", b, c, n)
	}
}

// changingReader serves one text until it has been rewound twice.
type changingReader struct {
	first, then string
	seeks       int
	r           *strings.Reader
}

func (c *changingReader) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *changingReader) Seek(off int64, whence int) (int64, error) {
	c.seeks++
	text := c.first
	if c.seeks > 2 {
		text = c.then
	}
	c.r = strings.NewReader(text)
	return c.r.Seek(off, whence)
}

// The fuzzer feeds any bytes, read by any number form, to the import: it
// never panics, never writes when it rejects, and imports when it accepts.
func FuzzImportCSV(f *testing.F) {
	for _, seed := range []string{
		importHeader + "1-1/2025;KOZ;2025.01.02.;bejövő;x;;;;;;\n2-1/2025;KOZ;2025.01.02. 10:00;kimenő;y;;;1-1/2024;igen;téves;\n",
		importHeader + "ADO/1-1/2024;ADO;2024-01-02;in;a;;;;;;\nADO/1-1/2026;ADO;2026.01.02.;out;b;;;ADO/1-1/2024;;;\n",
		"iktatószám,iktatás ideje,irány,tárgy\n1-1/2025,2025.01.02.,be,\"a\"\"b\"\n",
		importHeader + "1-1/2025;KOZ;2025.01.02.;bejövő;\"nyitott;;;;;;\n",
		"\xEF\xBB\xBF" + importHeader,
		"iktatószám;tárgy\n\x00\xff\xfe;\r\n",
		"",
	} {
		f.Add([]byte(seed), "")
	}
	f.Add([]byte(importHeader+"1/1/2025;KOZ;2025.01.02.;bejövő;x;;;;;;\n"), "{főszám}/{alszám}/{év}")
	f.Add([]byte(importHeader+"2025.1.1;KOZ;2025.01.02.;bejövő;x;;;;;;\n"), "{év}.{főszám}.{alszám}")
	d, s, _ := setup(f)
	errRollback := errors.New("rollback")
	f.Fuzz(func(t *testing.T, data []byte, form string) {
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			count := func() (n int) {
				err := tx.NewRaw(`SELECT (SELECT count(*) FROM records_books WHERE tenant_id = ?) + (SELECT count(*) FROM records_cases WHERE tenant_id = ?)
					+ (SELECT count(*) FROM records_documents WHERE tenant_id = ?)`, orfu, orfu, orfu).Scan(ctx, &n)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			rep, err := s.Import(ctx, tx, bytes.NewReader(data), records.ImportOptions{NumberTemplate: records.NumberTemplate(form)})
			if err != nil {
				t.Fatalf("import error (want a report): %v", err)
			}
			after := count()
			switch {
			case !rep.OK() && after != before:
				t.Fatalf("rejected but wrote %d rows: %+v", after-before, rep.Errors)
			case rep.OK() && !rep.Imported:
				t.Fatalf("accepted but not imported")
			case rep.OK() && rep.Rows == 0:
				t.Fatalf("accepted a file without rows")
			}
			for _, i := range rep.Errors {
				if i.HU == "" || i.EN == "" || i.Code == "" {
					t.Fatalf("issue without message: %+v", i)
				}
			}
			return errRollback // keep the database as it was for the next input
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
	})
}
