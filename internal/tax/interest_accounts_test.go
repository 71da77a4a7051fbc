package tax

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"sort"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

func TestLateDay(t *testing.T) {
	d := func(m, day int) hu.Date { return hu.Date{Year: 2026, Month: time.Month(m), Day: day} }
	p := func(side string, amount hu.Forint, on hu.Date) Posting {
		return Posting{Side: side, Amount: amount, On: on}
	}
	for _, tc := range []struct {
		name   string
		before int64
		ps     []Posting
		late   hu.Date
		bal    int64
	}{
		{"nothing", 0, nil, hu.Date{}, 0},
		{"paid before the due date", 0, []Posting{p(Debit, 100, d(3, 16)), p(Credit, 100, d(3, 10))}, hu.Date{}, 0},
		{"paid on the due date", 0, []Posting{p(Credit, 100, d(3, 16)), p(Debit, 100, d(3, 16))}, hu.Date{}, 0},
		{"paid a day late", 0, []Posting{p(Debit, 100, d(3, 16)), p(Credit, 100, d(3, 17))}, d(3, 16), 0},
		{"paid in part", 0, []Posting{p(Debit, 100, d(3, 16)), p(Credit, 99, d(3, 1))}, d(3, 16), -99},
		{"second half unpaid", 0, []Posting{p(Debit, 100, d(3, 16)), p(Credit, 100, d(3, 1)), p(Debit, 100, d(9, 15))}, d(9, 15), 0},
		{"overpaid before", -50, []Posting{p(Debit, 50, d(3, 16))}, hu.Date{}, 0},
		{"a credit alone is never late", 30, []Posting{p(Credit, 10, d(3, 16))}, hu.Date{}, 20},
		{"owed before, no debit after", 30, []Posting{p(Credit, 10, d(3, 16))}, hu.Date{}, 20},
		{"owed before, a debit after", 30, []Posting{p(Credit, 10, d(3, 16)), p(Debit, 1, d(4, 1))}, d(4, 1), 20},
	} {
		late, bal := lateDay(tc.before, tc.ps)
		if late != tc.late || bal != tc.bal {
			t.Errorf("%s: late day %v, balance before %d; want %v, %d", tc.name, late, bal, tc.late, tc.bal)
		}
	}
}

// checkLateDays compares the late days the writers kept with those
// computed from the ledger in one pass.
func checkLateDays(t *testing.T, ctx context.Context, tx bun.IDB) int {
	t.Helper()
	type row struct {
		TenantID   string  `bun:"tenant_id"`
		TaxpayerID string  `bun:"taxpayer_id"`
		TaxType    string  `bun:"tax_type"`
		LateFrom   hu.Date `bun:"late_from"`
		Before     int64   `bun:"balance_before"`
	}
	tenant, _ := db.TenantFrom(ctx)
	var want, got []row
	if err := tx.NewRaw("SELECT * FROM ("+rebuildLateDaysSQL+") r WHERE tenant_id = ?", string(tenant)).Scan(ctx, &want); err != nil {
		t.Fatal(err)
	}
	if err := tx.NewRaw("SELECT tenant_id, taxpayer_id, tax_type, late_from, balance_before FROM tax_interest_accounts WHERE tenant_id = ?", string(tenant)).Scan(ctx, &got); err != nil {
		t.Fatal(err)
	}
	key := func(r row) string { return r.TaxpayerID + " " + r.TaxType }
	byKey := map[string]row{}
	for _, r := range got {
		byKey[key(r)] = r
	}
	// An account whose postings are all interest-free has no row in either.
	for _, w := range want {
		g, ok := byKey[key(w)]
		switch {
		case !ok:
			t.Errorf("%s: no late day kept; the ledger gives %v, %d", key(w), w.LateFrom, w.Before)
		case g.LateFrom != w.LateFrom || g.Before != w.Before:
			t.Errorf("%s: kept late day %v, balance before %d; the ledger gives %v, %d", key(w), g.LateFrom, g.Before, w.LateFrom, w.Before)
		}
		delete(byKey, key(w))
	}
	for k := range byKey {
		t.Errorf("%s: a late day kept for an account with no postings", k)
	}
	return len(want)
}

// The late days stay what the ledger gives however postings arrive: in
// batches mixing accounts, dated before, on and after the late day,
// backdated debits, payments before the due date and reversals.
func TestLateDaysKeptByEveryWrite(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	ctx := context.Background()
	s := &Service{Now: func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }}
	r := rand.New(rand.NewPCG(3, 7))
	var tps []Taxpayer
	err := d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < 12; i++ {
			tp, err := s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: interestFilterTaxID(i), Name: fmt.Sprint("adózó ", i)}, "t")
			if err != nil {
				return err
			}
			tps = append(tps, tp)
		}
		var written []Posting
		for round := 0; round < 60; round++ {
			var ps []Posting
			for k := 1 + r.IntN(12); k > 0; k-- {
				tp := tps[r.IntN(len(tps))]
				side := Debit
				if r.IntN(2) == 0 {
					side = Credit
				}
				ps = append(ps, Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, TaxType: []string{"epitmenyado", "telekado", InterestTaxType}[r.IntN(3)],
					Side: side, Amount: hu.Forint(1 + r.IntN(5)*100), On: hu.Date{Year: 2025, Month: 1, Day: 1}.AddDays(r.IntN(60)), TaxYear: 2025,
					Kind: "próba", PostedAt: time.Now().UTC(), PostedBy: "t"})
			}
			if err := InsertPostings(ctx, tx, ps); err != nil {
				return err
			}
			written = append(written, ps...)
			if round%10 == 9 {
				// Reversals through the service, of random earlier postings.
				for k := 0; k < 3; k++ {
					p := written[r.IntN(len(written))]
					if _, err := s.Reverse(ctx, tx, p.ID, "téves", "t"); err != nil {
						if _, ok := err.(*Problem); !ok {
							return err
						}
					}
				}
			}
			checkLateDays(t, ctx, tx)
			if t.Failed() {
				sort.Slice(ps, func(i, j int) bool { return ps[i].On.Before(ps[j].On) })
				t.Fatalf("after round %d (%d postings)", round, len(ps))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Migration 00015 fills the late days of a ledger written before it, as
// the writers would have kept them.
func TestLateDaysMigrationFillsTheLedger(t *testing.T) {
	before := migrationsBefore(t, "00015")
	var err error
	ctx := context.Background()
	var d *db.DB
	grant := func() {}
	if dbtest.PostgresURL() == "" {
		d = dbtest.OpenSQLite(t, migrations.Platform, db.Migrations{Module: "tax", FS: before})
	} else {
		appURL, ownerURL := dbtest.NewPostgres(t, migrations.Platform, db.Migrations{Module: "tax", FS: before})
		if d, err = db.Open(ctx, db.Config{URL: appURL, MigrateURL: ownerURL}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		// What ALTER DEFAULT PRIVILEGES does for an operator (README).
		grant = func() {
			owner, err := sql.Open("pgx", ownerURL)
			if err != nil {
				t.Fatal(err)
			}
			defer owner.Close()
			app := os.Getenv("ASP_TEST_POSTGRES_APP_USER")
			if app == "" {
				app = "asp_app"
			}
			if _, err := owner.ExecContext(ctx, "GRANT SELECT, INSERT, UPDATE, DELETE ON tax_interest_accounts TO "+app); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := rand.New(rand.NewPCG(11, 2))
	err = d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		s := &Service{}
		var ps []Posting
		for i := 0; i < 8; i++ {
			tp, err := s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: interestFilterTaxID(i), Name: fmt.Sprint("adózó ", i)}, "t")
			if err != nil {
				return err
			}
			for k := 0; k < 10; k++ {
				ps = append(ps, Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, TaxType: []string{"epitmenyado", InterestTaxType}[r.IntN(2)],
					Side: []string{Debit, Credit}[r.IntN(2)], Amount: hu.Forint(100 * (1 + r.IntN(3))), On: hu.Date{Year: 2025, Month: 3, Day: 1}.AddDays(r.IntN(30)),
					TaxYear: 2025, Kind: "próba", PostedAt: time.Now().UTC(), PostedBy: "t"})
			}
		}
		// As written before the migration: straight into the table.
		_, err := tx.NewInsert().Model(&ps).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx, nil, db.Migrations{Module: "tax", FS: Module().Migrations}); err != nil {
		t.Fatal(err)
	}
	grant()
	err = d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		if n := checkLateDays(t, ctx, tx); n < 6 {
			t.Errorf("only %d accounts filled", n)
		}
		var late int
		if err := tx.NewRaw("SELECT count(*) FROM tax_interest_accounts WHERE late_from IS NOT NULL").Scan(ctx, &late); err != nil {
			return err
		}
		if late == 0 {
			t.Error("no account late: the ledger does not test the fill")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Texts reach the ledger as given, whatever they hold: the statement is
// made with its values in it (PostgreSQL), so a ?, a $1, a quote or a
// brace in a note or a reference must stay a character.
func TestInsertPostingsKeepsTexts(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	s := &Service{}
	notes := []string{`Mi? $1 '?' "x" {a,b} \ NULL`, "", "árvíztűrő tükörfúrógép, ? ?"}
	err := d.InTenant(context.Background(), "11730", func(ctx context.Context, tx bun.Tx) error {
		tp, err := s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: interestFilterTaxID(1), Name: "adózó"}, "t")
		if err != nil {
			return err
		}
		var ps []Posting
		// Nanoseconds that round up: the time must never come back later
		// than it was (a decision's postings are those posted by its time).
		at := time.Date(2026, 1, 2, 9, 0, 0, 123_456_999, time.UTC)
		for i, n := range notes {
			ps = append(ps, Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, TaxType: "epitmenyado", Side: Credit, Amount: 100,
				On: hu.Date{Year: 2026, Month: 1, Day: 2 + i}, TaxYear: 2026, Kind: "befizetés", Reference: n, Note: n, PostedAt: at, PostedBy: n})
		}
		if err := InsertPostings(ctx, tx, ps); err != nil {
			return err
		}
		var got []Posting
		if err := tx.NewSelect().Model(&got).Order("on_date").Scan(ctx); err != nil {
			return err
		}
		for i, p := range got {
			if p.Note != notes[i] || p.Reference != notes[i] || p.PostedBy != notes[i] || p.Reverses != nil {
				t.Errorf("posting %d: note %q, reference %q, by %q, reverses %v; want %q", i, p.Note, p.Reference, p.PostedBy, p.Reverses, notes[i])
			}
			if p.PostedAt.After(at) || at.Sub(p.PostedAt) >= time.Microsecond {
				t.Errorf("posting %d: posted at %s, written as %s", i, p.PostedAt.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Clerks posting to the same taxpayers at the same time (PostgreSQL runs
// their transactions side by side) leave the late days right: each
// writer waits for the other before it reads the kept state.
func TestLateDaysUnderConcurrentWriters(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	ctx := context.Background()
	s := &Service{Now: func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }}
	var tps []Taxpayer
	err := d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < 3; i++ {
			tp, err := s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: interestFilterTaxID(i), Name: fmt.Sprint("adózó ", i)}, "t")
			if err != nil {
				return err
			}
			tps = append(tps, tp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func(w int) {
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for i := 0; i < 40; i++ {
				err := d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
					side := Debit
					if r.IntN(2) == 0 {
						side = Credit
					}
					_, err := s.Post(ctx, tx, PostingInput{TaxpayerID: tps[r.IntN(len(tps))].ID, TaxType: "epitmenyado", Side: side,
						Amount: hu.Forint(100 * (1 + r.IntN(3))), On: hu.Date{Year: 2025, Month: 1, Day: 1}.AddDays(r.IntN(40)), TaxYear: 2025, Kind: "próba"}, "t")
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < 4; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	err = d.InTenantRead(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		checkLateDays(t, ctx, tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Two interest runs for the same day at once (two clerks, or the nightly
// job and a clerk) charge the interest once: the second waits for the
// first and finds nothing more to post.
func TestTwoInterestRunsAtOnce(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	ctx := context.Background()
	s := &Service{Now: func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }}
	in := func(fn func(ctx context.Context, tx bun.Tx) error) {
		t.Helper()
		if err := d.InTenant(ctx, "11730", fn); err != nil {
			t.Fatal(err)
		}
	}
	interestTestLedger(t, s, in, rand.New(rand.NewPCG(21, 4)), 40)
	on := hu.Date{Year: 2026, Month: 6, Day: 1}
	results := make(chan InterestRunResult, 2)
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			// As the nightly job runs it: a transaction of its own, the
			// accounts read beside it.
			res, err := s.RunInterest(ctx, d, "11730", on, "t")
			results <- res
			errs <- err
		}()
	}
	var postings []int
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		postings = append(postings, (<-results).Postings)
	}
	if (postings[0] == 0) == (postings[1] == 0) {
		t.Errorf("postings of the two runs: %v; one should have posted, the other nothing", postings)
	}
	in(func(ctx context.Context, tx bun.Tx) error {
		res, err := s.postInterest(ctx, tx, nil, on, "t", true)
		if res.Postings != 0 {
			t.Errorf("a run reading everyone afterwards posted %d: interest was charged twice", res.Postings)
		}
		return err
	})
}

// migrationsBefore is the module's migrations without version and those
// after it: a database as it stood before them, for a migration's test.
func migrationsBefore(t *testing.T, version string) fs.FS {
	t.Helper()
	before := fstest.MapFS{}
	err := fs.WalkDir(Module().Migrations, ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Base(name) >= version {
			return err
		}
		b, err := fs.ReadFile(Module().Migrations, name)
		before[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return before
}
