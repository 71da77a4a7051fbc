package records_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/records"
)

func search(t testing.TB, d *db.DB, tenant db.TenantID, c records.Criteria) (records.Results, error) {
	t.Helper()
	var r records.Results
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = records.Search(ctx, tx, c)
		return err
	})
	return r, err
}

// subjects returns the subjects found, in the order found.
func subjects(t testing.TB, d *db.DB, tenant db.TenantID, c records.Criteria) []string {
	t.Helper()
	r, err := search(t, d, tenant, c)
	if err != nil {
		t.Fatalf("search %+v: %v", c, err)
	}
	var s []string
	for _, doc := range r.Documents {
		s = append(s, doc.Subject)
	}
	return s
}

func reg(subject, partner string, dir records.Direction) records.Registration {
	return records.Registration{BookCode: "KOZ", Direction: dir, Subject: subject, Partner: partner, By: "test"}
}

func TestSearchWordsPartnersNumbersDates(t *testing.T) {
	d, s, c := setup(t)
	at := func(day, h int) { c.t = budapest(2026, 3, day, h, 0) }
	at(2, 9)
	kerelem := mustRegister(t, d, s, orfu, reg("Építési engedély iránti kérelem", "Kovács Péter", records.Incoming)) // 1-1
	at(3, 9)
	r := reg("Kérelmet nyújtott be a Petőfi utca 12. ügyében", "Nagy Ilona", records.Incoming)
	r.ExternalRef = "HK-2026/77"
	mustRegister(t, d, s, orfu, r) // 2-1
	at(4, 9)
	r = reg("Hiánypótlási felhívás", "Kovács Péter", records.Outgoing)
	r.Predecessor = kerelem.Number
	mustRegister(t, d, s, orfu, r) // 1-2
	at(5, 9)
	r = reg("Fakivágás bejelentése", "Őri Ödön", records.Incoming)
	r.Keywords = " fakivágás ;  Zöldterület,zöldterület "
	fa := mustRegister(t, d, s, orfu, r) // 3-1
	if fa.Keywords != "fakivágás, Zöldterület" {
		t.Errorf("keywords stored as %q", fa.Keywords)
	}
	at(6, 9)
	mustRegister(t, d, s, orfu, reg("Kovács utcai kérelmek összesítése", "Polgármesteri Hivatal", records.Internal)) // 4-1
	for i := 5; i <= 11; i++ {
		at(7, i)
		mustRegister(t, d, s, orfu, reg(fmt.Sprintf("Zajpanasz %d", i), "Szabó Anna", records.Incoming)) // 5-1 … 11-1
	}
	// Aba has the same words; Orfű never sees them.
	mustRegister(t, d, s, aba, reg("Abai kérelem", "Kovács Péter", records.Incoming))

	cases := []struct {
		name string
		c    records.Criteria
		want []string
	}{
		{"newest first", records.Criteria{Text: "kérelem"}, nil}, // filled per dialect below
		{"without accents", records.Criteria{Text: "petofi UTCA"}, []string{"Kérelmet nyújtott be a Petőfi utca 12. ügyében"}},
		{"prefix", records.Criteria{Text: "fakiv"}, []string{"Fakivágás bejelentése"}},
		{"keywords", records.Criteria{Text: "zoldterulet"}, []string{"Fakivágás bejelentése"}},
		{"external reference", records.Criteria{Text: "HK"}, []string{"Kérelmet nyújtott be a Petőfi utca 12. ügyében"}},
		{"partner only in the partner field", records.Criteria{Partner: "kovacs"}, []string{"Hiánypótlási felhívás", "Építési engedély iránti kérelem"}},
		{"words anywhere", records.Criteria{Text: "kovács"}, []string{"Kovács utcai kérelmek összesítése", "Hiánypótlási felhívás", "Építési engedély iránti kérelem"}},
		{"partner and words", records.Criteria{Partner: "Kovács Péter", Text: "engedély"}, []string{"Építési engedély iránti kérelem"}},
		{"accented partner", records.Criteria{Partner: "ori odon"}, []string{"Fakivágás bejelentése"}},
		{"főszám", records.Criteria{Number: "1"}, []string{"Hiánypótlási felhívás", "Építési engedély iránti kérelem"}},
		{"alszám", records.Criteria{Number: "1-2"}, []string{"Hiánypótlási felhívás"}},
		{"exact number", records.Criteria{Number: " 2-1/2026 "}, []string{"Kérelmet nyújtott be a Petőfi utca 12. ügyében"}},
		{"number of another year", records.Criteria{Number: "2-1/2025"}, nil},
		{"direction", records.Criteria{Direction: records.Outgoing}, []string{"Hiánypótlási felhívás"}},
		{"dates, Budapest days, inclusive", records.Criteria{From: hu.Date{Year: 2026, Month: 3, Day: 3}, To: hu.Date{Year: 2026, Month: 3, Day: 4}},
			[]string{"Hiánypótlási felhívás", "Kérelmet nyújtott be a Petőfi utca 12. ügyében"}},
		{"words and dates", records.Criteria{Text: "zajpanasz", From: hu.Date{Year: 2026, Month: 3, Day: 7}, To: hu.Date{Year: 2026, Month: 3, Day: 7}, Direction: records.Incoming},
			[]string{"Zajpanasz 11", "Zajpanasz 10", "Zajpanasz 9", "Zajpanasz 8", "Zajpanasz 7", "Zajpanasz 6", "Zajpanasz 5"}},
		{"nothing", records.Criteria{Text: "selejtezés"}, nil},
		{"stop word typed as is", records.Criteria{Text: "az"}, nil},
	}
	if d.Dialect == db.Postgres {
		// Hungarian stemming: "kérelem" (kérel) finds "kérelmet" (kérel)
		// and "kérelmek" (kérelm).
		cases[0].want = []string{"Kovács utcai kérelmek összesítése", "Kérelmet nyújtott be a Petőfi utca 12. ügyében", "Építési engedély iránti kérelem"}
	} else {
		// SQLite has no stemmer: whole words by prefix only.
		cases[0].want = []string{"Építési engedély iránti kérelem"}
		cases = append(cases, struct {
			name string
			c    records.Criteria
			want []string
		}{"stem typed as a prefix", records.Criteria{Text: "kérel"}, []string{"Kovács utcai kérelmek összesítése", "Kérelmet nyújtott be a Petőfi utca 12. ügyében", "Építési engedély iránti kérelem"}})
	}
	for _, tc := range cases {
		// Every PostgreSQL plan: rare terms intersected (hashed, or the
		// commonest checked per document); common terms tried on the
		// newest documents, then intersected; the walk over the whole book
		// when the intersection is too big.
		for _, limits := range [][4]int{{3000, 20000, 3000, 20000}, {3000, 0, 3000, 20000}, {0, 20000, 3000, 20000}, {0, 0, 2, 20000}, {0, 0, 1, 0}} {
			restore := records.SetSearchLimits(limits[0], limits[1], limits[2], limits[3])
			got := subjects(t, d, orfu, tc.c)
			restore()
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s (limits %v): got %q\nwant %q", tc.name, limits, got, tc.want)
			}
		}
	}
	if got := subjects(t, d, aba, records.Criteria{Partner: "kovács"}); !slices.Equal(got, []string{"Abai kérelem"}) {
		t.Errorf("Aba's search: %q", got)
	}
}

func TestSearchPagesNewestFirst(t *testing.T) {
	d, s, c := setup(t)
	for i := range 45 {
		c.t = budapest(2026, 3, 2, 8, 0).Add(time.Duration(i) * time.Minute)
		mustRegister(t, d, s, orfu, reg(fmt.Sprintf("Adóigazolás %02d", i), "Kiss Anna", records.Incoming))
		mustRegister(t, d, s, orfu, reg(fmt.Sprintf("Lakcímigazolás %02d", i), "Kiss Anna", records.Incoming))
	}
	for i, cr := range []records.Criteria{{}, {Text: "adóigazolás"}, {Text: "adóigazolás anna"}, {Text: "adóigazolás anna"}, {Text: "adóigazolás anna"}} {
		// The two-word search three times: PostgreSQL's plans for common
		// words (the newest documents first; the intersection; the walk).
		limits := [][4]int{{3000, 20000, 3000, 20000}, {3000, 20000, 3000, 20000}, {0, 0, 3000, 20000}, {0, 0, 10, 20000}, {0, 0, 1, 0}}[i]
		restore := records.SetSearchLimits(limits[0], limits[1], limits[2], limits[3])
		var seen []string
		for page := 1; ; page++ {
			cr.Page = page
			r, err := search(t, d, orfu, cr)
			if err != nil {
				t.Fatal(err)
			}
			for _, doc := range r.Documents {
				seen = append(seen, doc.Subject)
			}
			if !r.More {
				if len(r.Documents) == 0 && page > 1 {
					t.Errorf("%+v: page %d is empty but the one before said more", cr, page)
				}
				break
			}
			if len(r.Documents) != records.PageSize {
				t.Fatalf("page %d has %d", page, len(r.Documents))
			}
		}
		restore()
		n := 90
		if cr.Text != "" {
			n = 45
		}
		if len(seen) != n {
			t.Errorf("%+v: %d documents over the pages, want %d", cr, len(seen), n)
		}
		sorted := slices.Clone(seen)
		slices.SortFunc(sorted, func(a, b string) int { return strings.Compare(b[len(b)-2:], a[len(a)-2:]) })
		for i := range seen {
			if seen[i][len(seen[i])-2:] != sorted[i][len(sorted[i])-2:] {
				t.Fatalf("%+v: not newest first: %q", cr, seen)
			}
		}
	}
}

func TestSearchRefusesWhatItCannotSearchFor(t *testing.T) {
	d, _, _ := setup(t)
	for _, c := range []records.Criteria{{Text: "a ; !"}, {Partner: "x"}, {Number: "12<script>"}, {Text: "egy kettő három négy öt hat hét nyolc kilenc"}} {
		var p *records.Problem
		if _, err := search(t, d, orfu, c); !errors.As(err, &p) || p.HU == "" || p.EN == "" || p.Field == "" {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestParseCriteria(t *testing.T) {
	c, probs := records.ParseCriteria(url.Values{"q": {"12-3"}, "from": {"2026. 03. 02."}, "to": {"2026-03-31"}, "direction": {"in"}, "page": {"2"}})
	if len(probs) != 0 || c.Number != "12-3" || c.From != (hu.Date{Year: 2026, Month: 3, Day: 2}) || c.To.Day != 31 || c.Direction != records.Incoming || c.Page != 2 {
		t.Errorf("parsed %+v, %v", c, probs)
	}
	if c, _ := records.ParseCriteria(url.Values{"q": {"fakivágás"}}); c.Text != "fakivágás" || c.Number != "" {
		t.Errorf("q as words: %+v", c)
	}
	if c, _ := records.ParseCriteria(url.Values{"q": {"ADO/12"}}); c.Number != "ADO/12" {
		t.Errorf("q as a number: %+v", c)
	}
	_, probs = records.ParseCriteria(url.Values{"from": {"tegnap"}, "to": {"2026-02-30"}, "direction": {"sideways"}, "page": {"-1"}})
	fields := map[string]bool{}
	for _, p := range probs {
		fields[p.Field] = true
		if p.HU == "" || p.EN == "" {
			t.Errorf("problem without a message: %+v", p)
		}
	}
	for _, f := range []string{"from", "to", "direction", "page"} {
		if !fields[f] {
			t.Errorf("no problem for %s: %+v", f, probs)
		}
	}
	if _, probs := records.ParseCriteria(url.Values{"from": {"2026-03-05"}, "to": {"2026-03-01"}}); len(probs) != 1 || probs[0].Field != "to" {
		t.Errorf("reversed range: %+v", probs)
	}
}

// FuzzSearch throws typed input at the search on a real database: it
// must answer or refuse with a Problem, never fail with an SQL error (a
// broken FTS5 query, a bad range).
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"kérelem", `"x" OR *`, "petofi utca 12", "NEAR(a b)", "ő*", "tenant_id:12548", "12-", "ADO/1", "{subject}:x", "a\x00b", "ǅ̈x", "\U0010FFFF\U0010FFFF"} {
		f.Add(s, s, s)
	}
	d, s, _ := setup(f)
	mustRegister(f, d, s, orfu, reg("Építési engedély iránti kérelem", "Kovács Péter", records.Incoming))
	mustRegister(f, d, s, aba, reg("Abai titok", "Titkos Béla", records.Incoming))
	f.Fuzz(func(t *testing.T, text, partner, number string) {
		v := url.Values{"text": {text}, "partner": {partner}, "number": {number}}
		c, probs := records.ParseCriteria(v)
		if len(probs) > 0 {
			return
		}
		r, err := search(t, d, orfu, c)
		var p *records.Problem
		if err != nil && !errors.As(err, &p) {
			t.Fatalf("search %q/%q/%q: %v", text, partner, number, err)
		}
		for _, doc := range r.Documents {
			if doc.TenantID != orfu {
				t.Fatalf("found %s's document", doc.TenantID)
			}
		}
	})
}

func TestSearchIndexFollowsAnUpdate(t *testing.T) {
	if dbtest.PostgresURL() == "" && testing.Short() {
		t.Skip()
	}
	d, s, _ := setup(t)
	doc := mustRegister(t, d, s, orfu, reg("Régi tárgy", "Kiss Anna", records.Incoming))
	// No page changes a registration's text today; the index must follow
	// one all the same (a later correction feature, a data fix).
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model(&doc).Set("subject = ?", "Új tárgy").Set("keywords = ?", "javítás").WherePK().Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(t, d, orfu, records.Criteria{Text: "régi tárgy"}); len(got) != 0 {
		t.Errorf("old text still found: %q", got)
	}
	if got := subjects(t, d, orfu, records.Criteria{Text: "javitas"}); !slices.Equal(got, []string{"Új tárgy"}) {
		t.Errorf("new keywords: %q", got)
	}
}

// The search gives the newest registration first even when documents
// are stored out of order (a migration loading an old year late) and
// when several share a millisecond (a batch).
func TestSearchOrderIsRegistrationTime(t *testing.T) {
	d, s, c := setup(t)
	for _, at := range []time.Time{budapest(2026, 3, 5, 9, 0), budapest(2026, 3, 2, 9, 0), budapest(2026, 3, 9, 9, 0), budapest(2026, 3, 9, 9, 0), budapest(2026, 3, 9, 9, 0)} {
		c.t = at
		mustRegister(t, d, s, orfu, reg(fmt.Sprintf("Bejelentés %02d.", at.Day()), "Kiss Anna", records.Incoming))
	}
	for _, cr := range []records.Criteria{{Text: "bejelentés"}, {}} {
		got := subjects(t, d, orfu, cr)
		want := []string{"Bejelentés 09.", "Bejelentés 09.", "Bejelentés 09.", "Bejelentés 05.", "Bejelentés 02."}
		if !slices.Equal(got, want) {
			t.Errorf("%+v: %q", cr, got)
		}
	}
	got := subjects(t, d, orfu, records.Criteria{Text: "bejelentés", From: hu.Date{Year: 2026, Month: 3, Day: 5}, To: hu.Date{Year: 2026, Month: 3, Day: 5}})
	if !slices.Equal(got, []string{"Bejelentés 05."}) {
		t.Errorf("one day: %q", got)
	}
}

// Documents registered before the search index existed are indexed when
// the migration adds it.
func TestSearchIndexesEarlierDocuments(t *testing.T) {
	full := records.Module().Migrations
	before := fstest.MapFS{}
	err := fs.WalkDir(full, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if name := path.Base(p); name < "00005" {
			b, err := fs.ReadFile(full, p)
			before[p] = &fstest.MapFile{Data: b}
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "records", FS: before})
	ctx := context.Background()
	for _, tenant := range []db.TenantID{orfu, aba} {
		err := d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			// The columns of 00001–00004 only: no keywords yet.
			if _, err := tx.NewRaw(`INSERT INTO records_books (tenant_id, id, code, year, title, prefix, status, next_foszam, created_at)
				VALUES (?, ?, 'KOZ', 2025, 'Általános', '', 'open', 3, ?)`, tenant, "b-"+string(tenant), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)).Exec(ctx); err != nil {
				return err
			}
			for i, subject := range []string{"Régi kérelem a Petőfi utcából", "Régi határozat"} {
				id, caseID := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
				at := time.Date(2025, 5, 1+i, 8, 0, 0, 0, time.UTC)
				if _, err := tx.NewRaw(`INSERT INTO records_cases (tenant_id, id, book_id, foszam, subject, next_alszam, created_at) VALUES (?, ?, ?, ?, ?, 2, ?)`,
					tenant, caseID, "b-"+string(tenant), i+1, subject, at).Exec(ctx); err != nil {
					return err
				}
				if _, err := tx.NewRaw(`INSERT INTO records_documents (tenant_id, id, case_id, alszam, number, direction, subject, partner, external_ref, registered_at, registered_by)
					VALUES (?, ?, ?, 1, ?, 'in', ?, 'Őri Ödön', '', ?, 'régi rendszer')`, tenant, id, caseID, fmt.Sprintf("%d-1/2025", i+1), subject, at).Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Migrate(ctx, nil, migrations.Platform, db.Migrations{Module: "records", FS: full}); err != nil {
		t.Fatal(err)
	}
	if d.Dialect == db.Postgres {
		// What the operator's default privileges do for new tables.
		ownerExec(t, d, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "+appRole())
	}
	for _, c := range []records.Criteria{{Text: "petofi"}, {Partner: "ori"}, {Text: "régi", From: hu.Date{Year: 2025, Month: 5, Day: 2}, To: hu.Date{Year: 2025, Month: 5, Day: 2}}} {
		want := []string{"Régi kérelem a Petőfi utcából"}
		if c.Partner != "" {
			want = []string{"Régi határozat", "Régi kérelem a Petőfi utcából"}
		} else if !c.From.IsZero() {
			want = []string{"Régi határozat"}
		}
		if got := subjects(t, d, orfu, c); !slices.Equal(got, want) {
			t.Errorf("%+v: %q, want %q", c, got, want)
		}
	}
}

func appRole() string {
	if u := os.Getenv("ASP_TEST_POSTGRES_APP_USER"); u != "" {
		return u
	}
	return "asp_app"
}

// ownerExec runs a statement on d's PostgreSQL database as the owner.
func ownerExec(t testing.TB, d *db.DB, stmt string) {
	t.Helper()
	var name string
	ctx := context.Background()
	if err := d.Bun().NewRaw("SELECT current_database()").Scan(ctx, &name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	owner, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(ctx, stmt); err != nil {
		t.Fatal(err)
	}
}
