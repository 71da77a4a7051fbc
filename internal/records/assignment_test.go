package records_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/records"
)

// directory is the platform's people directory as these tests need it:
// who holds which permission on which tenant. (The real one, built from
// grants, is exercised by the app's end-to-end tests.)
type directory map[db.TenantID]map[access.Permission][]module.Person

func (dir directory) With(_ context.Context, t db.TenantID, p access.Permission) ([]module.Person, error) {
	return dir[t][p], nil
}

var (
	kovacs = module.Person{ID: uuid.MustParse("018f0000-0000-7000-8000-000000000001"), Username: "kovacs", Name: "Kovács Anna"}
	szabo  = module.Person{ID: uuid.MustParse("018f0000-0000-7000-8000-000000000002"), Username: "szabo", Name: "Szabó Béla"}
	// iktato registers but is no case officer.
	iktato = module.Person{ID: uuid.MustParse("018f0000-0000-7000-8000-000000000003"), Username: "iktato", Name: "Iktató Irén"}
)

func setupAssign(t *testing.T) (*db.DB, *records.Service, *clock) {
	d, s, c := setup(t)
	s.People = directory{
		orfu: {records.CasesHandle: {kovacs, szabo}},
		aba:  {records.CasesHandle: {kovacs}},
	}
	return d, s, c
}

func assign(d *db.DB, s *records.Service, tenant db.TenantID, in records.AssignInput) (records.Assignment, error) {
	var a records.Assignment
	err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = s.Assign(ctx, tx, in)
		return err
	})
	return a, err
}

func problemCode(err error) string {
	var p *records.Problem
	if errors.As(err, &p) {
		return p.Code
	}
	return ""
}

// arriveAndRegister records an item in the arrival register at received
// and registers it at the service's current time.
func arriveAndRegister(t *testing.T, d *db.DB, s *records.Service, tenant db.TenantID, received time.Time, subject string) records.Document {
	t.Helper()
	var arr records.Arrival
	err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		arr, err = s.Arrive(ctx, tx, records.ArrivalInput{ReceivedAt: received, Channel: records.Electronic, SenderName: "Nagy Éva", By: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := in(subject)
	r.Arrival = arr.ID.String()
	return mustRegister(t, d, s, tenant, r)
}

func TestAssignmentDeadlines(t *testing.T) {
	d, s, c := setupAssign(t)
	// Arrived by electronic delivery at 23:58 on Friday 18 December,
	// downloaded and registered on Monday: the deadline counts from the
	// arrival (domain brief §2.6, §2.14 #1).
	c.t = budapest(2026, 12, 21, 8, 30)
	doc := arriveAndRegister(t, d, s, orfu, budapest(2026, 12, 18, 23, 58), "Telepengedély iránti kérelem")
	cases := []struct {
		caseType string
		due      string
	}{
		// 8 days end on Saturday 26 December, a public holiday: the
		// authority's own deadline does not move to the next working day.
		{"sommas", "2026-12-26"},
		{"altalanos", "2027-02-16"},
		{"telepengedely", "2027-01-17"},
		// 24 hours from 23:58 on the 18th end on the 19th.
		{"automatikus", "2026-12-19"},
		{"belso", ""},
	}
	for _, tc := range cases {
		a, err := assign(d, s, orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID, CaseType: tc.caseType, By: "vezeto"})
		if err != nil {
			t.Fatalf("%s: %v", tc.caseType, err)
		}
		got := ""
		if a.DueOn != nil {
			got = a.DueOn.String()
		}
		if got != tc.due || a.StartedOn.String() != "2026-12-18" || a.AssigneeName != "Kovács Anna" || a.DueManual {
			t.Errorf("%s: started %s, due %q (manual %v), assignee %q; want 2026-12-18, %q", tc.caseType, a.StartedOn, got, a.DueManual, a.AssigneeName, tc.due)
		}
	}

	// Without an arrival entry the registration is the start.
	c.t = budapest(2026, 3, 13, 10, 0) // Friday
	plain := mustRegister(t, d, s, orfu, in("Közérdekű adatigénylés"))
	a, err := assign(d, s, orfu, records.AssignInput{DocumentID: plain.ID, AssigneeID: szabo.ID, CaseType: "kozerdeku", By: "vezeto"})
	if err != nil || a.DueOn.String() != "2026-03-28" {
		t.Fatalf("kozerdeku: %v, %v; want due 2026-03-28", a.DueOn, err)
	}

	// A municipality counts its own type in working days: 3 working days
	// from Friday 13 March 2026 pass Sunday 15 March (a holiday on a rest
	// day) and end on Wednesday the 18th.
	err = d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.SaveCaseType(ctx, tx, records.CaseType{Code: "fakivagas", Name: "Fakivágási bejelentés", Days: 3, Unit: records.WorkingDays, Source: "önkormányzati rendelet", Active: true}, "vezeto")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err = assign(d, s, orfu, records.AssignInput{DocumentID: plain.ID, AssigneeID: szabo.ID, CaseType: "fakivagas", By: "vezeto"})
	if err != nil || a.DueOn.String() != "2026-03-18" {
		t.Fatalf("fakivagas: %v, %v; want due 2026-03-18", a.DueOn, err)
	}
	// The other tenant does not have Orfű's own type.
	other := mustRegister(t, d, s, aba, in("Fakivágás"))
	if _, err := assign(d, s, aba, records.AssignInput{DocumentID: other.ID, AssigneeID: kovacs.ID, CaseType: "fakivagas", By: "vezeto"}); problemCode(err) != "unknown_case_type" {
		t.Errorf("Orfű's case type in Abaliget: %v", err)
	}

	// An explicit deadline replaces the computed one; a past one is refused.
	a, err = assign(d, s, orfu, records.AssignInput{DocumentID: plain.ID, AssigneeID: szabo.ID, CaseType: "altalanos", Due: hu.Date{Year: 2026, Month: 3, Day: 20}, By: "vezeto"})
	if err != nil || a.DueOn.String() != "2026-03-20" || !a.DueManual {
		t.Fatalf("manual due: %+v, %v", a, err)
	}
	if _, err := assign(d, s, orfu, records.AssignInput{DocumentID: plain.ID, AssigneeID: szabo.ID, Due: hu.Date{Year: 2026, Month: 3, Day: 12}, By: "vezeto"}); problemCode(err) != "due_past" {
		t.Errorf("past deadline: %v", err)
	}
}

func TestAssignmentRefusals(t *testing.T) {
	d, s, _ := setupAssign(t)
	doc := mustRegister(t, d, s, orfu, in("Zajpanasz"))
	other := mustRegister(t, d, s, aba, in("Abaligeti ügy"))
	for name, tc := range map[string]struct {
		tenant db.TenantID
		in     records.AssignInput
		code   string
	}{
		"not a case officer":      {orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: iktato.ID}, "not_officer"},
		"officer elsewhere only":  {aba, records.AssignInput{DocumentID: other.ID, AssigneeID: szabo.ID}, "not_officer"},
		"unknown case type":       {orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID, CaseType: "nincs_ilyen"}, "unknown_case_type"},
		"another tenant's doc":    {orfu, records.AssignInput{DocumentID: other.ID, AssigneeID: kovacs.ID}, "no_document"},
		"instructions too long":   {orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID, Instructions: string(make([]byte, 4001))}, "bad_instructions"},
		"unit name too long":      {orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID, Unit: string(make([]byte, 201))}, "bad_unit"},
		"document does not exist": {orfu, records.AssignInput{DocumentID: uuid.Must(uuid.NewV7()), AssigneeID: kovacs.ID}, "no_document"},
	} {
		if _, err := assign(d, s, tc.tenant, tc.in); problemCode(err) != tc.code {
			t.Errorf("%s: got %v, want %s", name, err, tc.code)
		}
	}
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.Void(ctx, tx, doc.Number, "tévesen iktatva", "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assign(d, s, orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID}); problemCode(err) != "assign_void" {
		t.Errorf("void document: %v", err)
	}
	// Nothing of the refusals was written.
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		in, err := s.Inbox(ctx, tx, nil)
		if in.Count() != 0 {
			t.Errorf("refused assignments left %d tasks", in.Count())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReassignFinishAndInbox(t *testing.T) {
	d, s, c := setupAssign(t)
	c.t = budapest(2026, 3, 2, 9, 0) // Monday
	urgent := mustRegister(t, d, s, orfu, in("Sürgős ügy"))
	slow := mustRegister(t, d, s, orfu, in("Lassú ügy"))
	internal := mustRegister(t, d, s, orfu, in("Belső feladat"))
	untouched := mustRegister(t, d, s, orfu, in("Még nincs kiosztva"))

	first, err := assign(d, s, orfu, records.AssignInput{DocumentID: urgent.ID, AssigneeID: kovacs.ID, CaseType: "sommas", By: "vezeto"})
	if err != nil {
		t.Fatal(err)
	}
	// Átszignálás: the earlier task ends, the history stays.
	second, err := assign(d, s, orfu, records.AssignInput{DocumentID: urgent.ID, AssigneeID: szabo.ID, CaseType: "sommas", Replace: true, Unit: "Hatósági osztály", Instructions: "Hiánypótlásra felhívni.", By: "vezeto"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assign(d, s, orfu, records.AssignInput{DocumentID: slow.ID, AssigneeID: szabo.ID, CaseType: "altalanos", By: "vezeto"}); err != nil {
		t.Fatal(err)
	}
	if _, err := assign(d, s, orfu, records.AssignInput{DocumentID: internal.ID, AssigneeID: szabo.ID, CaseType: "belso", By: "vezeto"}); err != nil {
		t.Fatal(err)
	}

	// On 9 March the summary procedure's deadline (10 March) is near; on
	// 11 March it has passed.
	inbox := func(who *uuid.UUID) records.Inbox {
		var in records.Inbox
		err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			in, err = s.Inbox(ctx, tx, who)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	c.t = budapest(2026, 3, 9, 9, 0)
	in := inbox(&szabo.ID)
	if len(in.Overdue) != 0 || len(in.DueSoon) != 1 || in.DueSoon[0].Number != urgent.Number || len(in.Later) != 2 {
		t.Fatalf("9 March: %+v", in)
	}
	if in.Later[1].DueOn != nil {
		t.Errorf("a task without deadline should come last: %+v", in.Later)
	}
	if k := inbox(&kovacs.ID); k.Count() != 0 {
		t.Errorf("the reassigned task is still in the first officer's inbox: %+v", k)
	}
	c.t = budapest(2026, 3, 11, 9, 0)
	if in := inbox(&szabo.ID); len(in.Overdue) != 1 || in.Overdue[0].ID != second.ID || !in.Overdue[0].Overdue(in.Today) {
		t.Fatalf("11 March: %+v", in)
	}
	if all := inbox(nil); all.Count() != 3 {
		t.Errorf("tenant overview has %d tasks, want 3", all.Count())
	}

	finish := func(id uuid.UUID, by records.Actor) (records.Assignment, error) {
		var a records.Assignment
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			a, err = s.FinishAssignment(ctx, tx, id, "Határozat kiadva.", by)
			return err
		})
		return a, err
	}
	if _, err := finish(second.ID, records.Actor{ID: kovacs.ID, Username: "kovacs"}); problemCode(err) != "not_yours" {
		t.Errorf("someone else finished the task: %v", err)
	}
	if _, err := finish(first.ID, records.Actor{ID: kovacs.ID, Username: "kovacs"}); problemCode(err) != "task_closed" {
		t.Errorf("finishing a reassigned task: %v", err)
	}
	done, err := finish(second.ID, records.Actor{ID: szabo.ID, Username: "szabo"})
	if err != nil || done.Status != records.AssignmentDone || !done.Late() {
		t.Fatalf("finish: %+v, %v (want done and late)", done, err)
	}
	if in := inbox(&szabo.ID); in.Count() != 2 {
		t.Errorf("after finishing: %d open tasks, want 2", in.Count())
	}
	_ = untouched

	// Every step is in the audit log.
	var actions []string
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		es, err := audit.List(ctx, tx, orfu, audit.Filter{})
		for _, e := range es {
			actions = append(actions, e.Action)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, a := range actions {
		count[a]++
	}
	if count["records.assign"] != 4 || count["records.assignment_done"] != 1 {
		t.Errorf("audit: %v", count)
	}
}

func TestCaseTypeSettings(t *testing.T) {
	d, s, _ := setupAssign(t)
	save := func(ct records.CaseType) error {
		return d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.SaveCaseType(ctx, tx, ct, "vezeto")
			return err
		})
	}
	for name, tc := range map[string]struct {
		ct   records.CaseType
		code string
	}{
		"bad code":      {records.CaseType{Code: "Fa Kivágás", Name: "x", Days: 3, Unit: records.Days}, "bad_case_type_code"},
		"no name":       {records.CaseType{Code: "fa", Days: 3, Unit: records.Days}, "bad_case_type_name"},
		"bad unit":      {records.CaseType{Code: "fa", Name: "Fa", Days: 3, Unit: "week"}, "bad_case_type_unit"},
		"zero days":     {records.CaseType{Code: "fa", Name: "Fa", Days: 0, Unit: records.Days}, "bad_case_type_days"},
		"too many days": {records.CaseType{Code: "fa", Name: "Fa", Days: 4000, Unit: records.Days}, "bad_case_type_days"},
	} {
		if err := save(tc.ct); problemCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	// A municipality shortens a built-in deadline by its own rules, and
	// stops offering another.
	if err := save(records.CaseType{Code: "sommas", Name: "Sommás eljárás", Days: 5, Unit: records.Days, Source: "Ákr. 50. § (2) b)", Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := save(records.CaseType{Code: "telepengedely", Name: "Telepengedély", Days: 30, Unit: records.Days, Active: false}); err != nil {
		t.Fatal(err)
	}
	doc := mustRegister(t, d, s, orfu, in("Kérelem"))
	a, err := assign(d, s, orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID, CaseType: "sommas"})
	if err != nil || a.DueOn.String() != "2026-03-07" {
		t.Errorf("changed sommás: %v, %v; want 2026-03-07", a.DueOn, err)
	}
	if _, err := assign(d, s, orfu, records.AssignInput{DocumentID: doc.ID, AssigneeID: kovacs.ID, CaseType: "telepengedely"}); problemCode(err) != "unknown_case_type" {
		t.Errorf("inactive type was used: %v", err)
	}
	// Abaliget keeps the statutory 8 days.
	other := mustRegister(t, d, s, aba, in("Kérelem"))
	if a, err := assign(d, s, aba, records.AssignInput{DocumentID: other.ID, AssigneeID: kovacs.ID, CaseType: "sommas"}); err != nil || a.DueOn.String() != "2026-03-10" {
		t.Errorf("Abaliget sommás: %v, %v; want 2026-03-10", a.DueOn, err)
	}
}
