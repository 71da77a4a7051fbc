package records_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/records"
)

const orfu, aba db.TenantID = "11730", "17376"

func open(t testing.TB) *db.DB {
	t.Helper()
	mig, err := fs.Sub(records.Module().Migrations, ".")
	if err != nil {
		t.Fatal(err)
	}
	return dbtest.Open(t, migrations.Platform, db.Migrations{Module: "records", FS: mig})
}

// clock is a settable time for the service.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func budapest(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("Europe/Budapest")
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

func setup(t testing.TB) (*db.DB, *records.Service, *clock) {
	d := open(t)
	c := &clock{t: budapest(2026, 3, 2, 9, 0)}
	s := &records.Service{Now: c.now}
	for _, tenant := range []db.TenantID{orfu, aba} {
		err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.OpenBook(ctx, tx, "KOZ", "Általános iktatókönyv", "", 2026)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return d, s, c
}

func register(t testing.TB, d *db.DB, s *records.Service, tenant db.TenantID, r records.Registration) (records.Document, error) {
	t.Helper()
	var doc records.Document
	err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		doc, err = s.Register(ctx, tx, r)
		return err
	})
	return doc, err
}

func mustRegister(t testing.TB, d *db.DB, s *records.Service, tenant db.TenantID, r records.Registration) records.Document {
	t.Helper()
	doc, err := register(t, d, s, tenant, r)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func in(subject string) records.Registration {
	return records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: subject, Partner: "Kiss Péter", By: "test"}
}

func TestNumbersAndPredecessors(t *testing.T) {
	d, s, c := setup(t)
	a := mustRegister(t, d, s, orfu, in("Építési engedély kérelem"))
	b := mustRegister(t, d, s, orfu, in("Zajpanasz"))
	if a.Number != "1-1/2026" || b.Number != "2-1/2026" {
		t.Fatalf("numbers %s %s", a.Number, b.Number)
	}
	// Each tenant numbers its own book.
	if x := mustRegister(t, d, s, aba, in("Abai ügy")); x.Number != "1-1/2026" {
		t.Errorf("Aba's first number = %s", x.Number)
	}
	// Same-year predecessor: next alszám of its case.
	r := in("Hiánypótlás")
	r.Predecessor = " 1-1/2026 "
	if f := mustRegister(t, d, s, orfu, r); f.Number != "1-2/2026" || f.CaseID != a.CaseID {
		t.Errorf("follow-up = %s (case %s, want %s)", f.Number, f.CaseID, a.CaseID)
	}
	// A predecessor of another tenant does not exist here.
	r.Predecessor = "1-1/2026"
	var p *records.Problem
	if _, err := register(t, d, s, aba, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "x", Predecessor: "2-1/2026"}); !errors.As(err, &p) || p.Code != "unknown_predecessor" {
		t.Errorf("predecessor from another tenant: %v", err)
	}
	// A new year: the book opens by itself, an earlier-year predecessor
	// gives a new főszám and joins the old case.
	c.t = budapest(2027, 1, 1, 0, 5)
	r.Predecessor = "2-1/2026"
	n := mustRegister(t, d, s, orfu, r)
	if n.Number != "1-1/2027" || n.CaseID == b.CaseID {
		t.Fatalf("next year's follow-up = %s", n.Number)
	}
	// And a later follow-up of the old number lands in the new case.
	r.Predecessor = "2-1/2026"
	if m := mustRegister(t, d, s, orfu, r); m.Number != "1-2/2027" {
		t.Errorf("follow-up of a joined case = %s, want 1-2/2027", m.Number)
	}
	// 23:58 on New Year's Eve in Budapest is still the old year.
	c.t = budapest(2027, 12, 31, 23, 58)
	if x := mustRegister(t, d, s, orfu, in("Szilveszter")); x.Number != "2-1/2027" {
		t.Errorf("New Year's Eve = %s", x.Number)
	}
}

func TestBadRegistrationsLeaveNothing(t *testing.T) {
	d, s, _ := setup(t)
	for name, r := range map[string]records.Registration{
		"no subject":        {BookCode: "KOZ", Direction: records.Incoming},
		"bad direction":     {BookCode: "KOZ", Direction: "sideways", Subject: "x"},
		"unknown book":      {BookCode: "NINCS", Direction: records.Incoming, Subject: "x"},
		"bad predecessor":   {BookCode: "KOZ", Direction: records.Incoming, Subject: "x", Predecessor: "12/2026"},
		"missing predecess": {BookCode: "KOZ", Direction: records.Incoming, Subject: "x", Predecessor: "99-1/2026"},
	} {
		_, err := register(t, d, s, orfu, r)
		var p *records.Problem
		if !errors.As(err, &p) || p.HU == "" || p.EN == "" {
			t.Errorf("%s: %v, want a Problem in both languages", name, err)
		}
	}
	// None of them took a number.
	if x := mustRegister(t, d, s, orfu, in("első")); x.Number != "1-1/2026" {
		t.Errorf("after refused registrations the first number is %s", x.Number)
	}
	// A failure after the number was taken rolls the number back too.
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Register(ctx, tx, in("elvetett")); err != nil {
			return err
		}
		return errors.New("the caller's own step failed")
	})
	if err == nil {
		t.Fatal("expected the caller's error")
	}
	if x := mustRegister(t, d, s, orfu, in("második")); x.Number != "2-1/2026" {
		t.Errorf("after a rolled-back registration the next number is %s, want 2-1/2026", x.Number)
	}
}

func TestVoidKeepsTheNumber(t *testing.T) {
	d, s, _ := setup(t)
	a := mustRegister(t, d, s, orfu, in("téves"))
	void := func(number, reason string) error {
		return d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.Void(ctx, tx, number, reason, "test")
			return err
		})
	}
	if err := void(a.Number, ""); err == nil {
		t.Error("void without a reason")
	}
	if err := void(a.Number, "rossz ügyfélhez iktatva"); err != nil {
		t.Fatal(err)
	}
	if err := void(a.Number, "again"); err == nil {
		t.Error("voided twice")
	}
	if x := mustRegister(t, d, s, orfu, in("új")); x.Number != "2-1/2026" {
		t.Errorf("number after a void = %s, want 2-1/2026", x.Number)
	}
	r := in("előzménnyel")
	r.Predecessor = a.Number
	if _, err := register(t, d, s, orfu, r); err == nil {
		t.Error("a voided registration served as predecessor")
	}
	// Everything is in Orfű's audit chain.
	var entries []audit.Entry
	d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		entries, err = audit.List(ctx, tx, orfu, audit.Filter{Action: "records."})
		return err
	})
	if len(entries) != 4 { // book open, two registrations, one void
		t.Errorf("records audit entries = %d, want 4", len(entries))
	}
}

func TestClosedBookRefuses(t *testing.T) {
	d, s, _ := setup(t)
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewRaw("UPDATE records_books SET status = 'closed' WHERE tenant_id = ? AND code = 'KOZ'", orfu).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var p *records.Problem
	if _, err := register(t, d, s, orfu, in("x")); !errors.As(err, &p) || p.Code != "closed_book" {
		t.Errorf("registration into a closed book: %v", err)
	}
}

// Sixteen clerks register into one book at once: every number 1..N is
// given exactly once.
func TestConcurrentRegistrationsAreGapless(t *testing.T) {
	d, s, _ := setup(t)
	const clerks, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, clerks)
	for i := range clerks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				if _, err := register(t, d, s, orfu, in(fmt.Sprintf("ügy %d/%d", i, j))); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var foszams []int64
	err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model((*records.Case)(nil)).Column("foszam").Scan(ctx, &foszams)
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(foszams, func(i, j int) bool { return foszams[i] < foszams[j] })
	if len(foszams) != clerks*each {
		t.Fatalf("%d cases, want %d", len(foszams), clerks*each)
	}
	for i, f := range foszams {
		if f != int64(i+1) {
			t.Fatalf("főszám %d at position %d: a gap or a duplicate", f, i+1)
		}
	}
}

func TestBothDialectsHaveTheSameRecordsSchema(t *testing.T) {
	dbtest.SameSchema(t, migrations.Platform, db.Migrations{Module: "records", FS: records.Module().Migrations})
}

func TestArrivalsAndTheirRegistration(t *testing.T) {
	d, s, c := setup(t)
	arrive := func(in records.ArrivalInput) (records.Arrival, error) {
		var a records.Arrival
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			a, err = s.Arrive(ctx, tx, in)
			return err
		})
		return a, err
	}
	a1, err := arrive(records.ArrivalInput{Channel: records.Paper, SenderName: "Kiss Péter", PostalID: "RL123456789HU", By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := arrive(records.ArrivalInput{Channel: records.Electronic, SenderName: "Nagy Kft.", DeliveryID: "HK-2026-000042", By: "test"})
	if err != nil || a1.Number() != "É-1/2026" || a2.Number() != "É-2/2026" {
		t.Fatalf("arrival numbers %s %s %v", a1.Number(), a2.Number(), err)
	}
	if !strings.Contains(a1.Acknowledgement, "É-1/2026") || !strings.Contains(a1.Acknowledgement, "Kiss Péter") {
		t.Errorf("acknowledgement = %q", a1.Acknowledgement)
	}
	for name, in := range map[string]records.ArrivalInput{
		"no sender":   {Channel: records.Paper},
		"bad channel": {Channel: "pigeon", SenderName: "x"},
		"future":      {Channel: records.Paper, SenderName: "x", ReceivedAt: c.t.Add(time.Hour)},
	} {
		if _, err := arrive(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Arrived at 23:58 on New Year's Eve, recorded after midnight: the
	// arrival belongs to the old year, the registration to the new book.
	c.t = budapest(2027, 1, 1, 0, 5)
	late, err := arrive(records.ArrivalInput{Channel: records.Electronic, SenderName: "Szilveszter Bt.", ReceivedAt: budapest(2026, 12, 31, 23, 58), By: "test"})
	if err != nil || late.Number() != "É-3/2026" {
		t.Fatalf("late arrival = %s, %v", late.Number(), err)
	}
	r := in("Szilveszteri beadvány")
	r.Arrival = late.ID.String()
	doc := mustRegister(t, d, s, orfu, r)
	if doc.Number != "1-1/2027" {
		t.Errorf("registration of the late arrival = %s, want the new year's book", doc.Number)
	}
	if _, err := register(t, d, s, orfu, r); err == nil {
		t.Error("an arrival was registered twice")
	}
	r.Arrival = "not-an-id"
	if _, err := register(t, d, s, orfu, r); err == nil {
		t.Error("an unknown arrival was accepted")
	}
}

func TestCloseAndVerifyBook(t *testing.T) {
	d, s, c := setup(t)
	for i := range 5 {
		mustRegister(t, d, s, orfu, in(fmt.Sprintf("ügy %d", i)))
	}
	inTx := func(f func(ctx context.Context, tx bun.Tx) error) error {
		return d.InTenant(context.Background(), orfu, f)
	}
	var closed records.Book
	if err := inTx(func(ctx context.Context, tx bun.Tx) error {
		var err error
		closed, err = s.CloseBook(ctx, tx, "KOZ", 2026, "jegyző")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if closed.ClosureEntries != 5 || len(closed.ClosureHash) != 64 {
		t.Fatalf("closure = %+v", closed)
	}
	// Nothing more goes into it; next year's book exists.
	var p *records.Problem
	if _, err := register(t, d, s, orfu, in("késő")); !errors.As(err, &p) || p.Code != "closed_book" {
		t.Errorf("registration after closure: %v", err)
	}
	c.t = budapest(2027, 1, 2, 9, 0)
	if x := mustRegister(t, d, s, orfu, in("új év")); x.Number != "1-1/2027" {
		t.Errorf("next year's first number = %s", x.Number)
	}
	verify := func() records.BookCheck {
		var chk records.BookCheck
		if err := inTx(func(ctx context.Context, tx bun.Tx) error {
			var err error
			chk, err = s.VerifyBook(ctx, tx, "KOZ", 2026)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return chk
	}
	if chk := verify(); !chk.OK() {
		t.Fatalf("untouched book: %v", chk.Problems)
	}
	// Someone with table access changes a subject afterwards.
	if err := inTx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewRaw("UPDATE records_documents SET subject = 'átírva' WHERE tenant_id = ? AND number = '3-1/2026'", orfu).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if chk := verify(); chk.OK() {
		t.Error("a changed entry went unnoticed")
	}
}

// A municipality sets its own number form: books opened afterwards use
// it, the open volume keeps its own, and a predecessor is read in either.
func TestNumberTemplateSetting(t *testing.T) {
	d, s, c := setup(t)
	run := func(fn func(ctx context.Context, tx bun.Tx) error) error {
		return d.InTenant(context.Background(), orfu, fn)
	}
	err := run(func(ctx context.Context, tx bun.Tx) error {
		return s.SetNumberTemplate(ctx, tx, "{főszám}{alszám}/{év}", "vezeto")
	})
	var p *records.Problem
	if !errors.As(err, &p) || p.Code != "bad_template" {
		t.Fatalf("template without separator: %v", err)
	}
	if err := run(func(ctx context.Context, tx bun.Tx) error {
		if err := s.SetNumberTemplate(ctx, tx, "{év}/{főszám}-{alszám}", "vezeto"); err != nil {
			return err
		}
		_, err := s.OpenBook(ctx, tx, "ADO", "Adóügyek", "ADO", 2026)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	kozFirst := mustRegister(t, d, s, orfu, in("Általános ügy"))
	r := in("Adóbevallás")
	r.BookCode = "ADO"
	adoFirst := mustRegister(t, d, s, orfu, r)
	if kozFirst.Number != "1-1/2026" || adoFirst.Number != "ADO/2026/1-1" {
		t.Fatalf("numbers: %s, %s", kozFirst.Number, adoFirst.Number)
	}
	// Follow-ups typed in each book's own form, with stray spaces.
	r.Predecessor = " ADO/2026/1-1 "
	if f := mustRegister(t, d, s, orfu, r); f.Number != "ADO/2026/1-2" {
		t.Errorf("follow-up in ADO: %s", f.Number)
	}
	k := in("Folytatás")
	k.Predecessor = "1-1/2026"
	if f := mustRegister(t, d, s, orfu, k); f.Number != "1-2/2026" {
		t.Errorf("follow-up in KOZ: %s", f.Number)
	}
	// A text in neither form names both.
	k.Predecessor = "2026-1-1"
	_, err = register(t, d, s, orfu, k)
	if !errors.As(err, &p) || p.Code != "bad_number" || !strings.Contains(p.HU, "1234-3/2026") || !strings.Contains(p.HU, "2026/1234-3") {
		t.Errorf("malformed predecessor: %v", err)
	}
	// Next year's KOZ volume takes the tenant's form.
	c.t = budapest(2027, 1, 4, 8, 0)
	k.Predecessor = ""
	if n := mustRegister(t, d, s, orfu, k); n.Number != "2027/1-1" {
		t.Errorf("new volume: %s", n.Number)
	}
	// Abaliget is untouched.
	if n := mustRegister(t, d, s, aba, in("Abaligeti ügy")); n.Number != "1-1/2027" {
		t.Errorf("other tenant: %s", n.Number)
	}
}
