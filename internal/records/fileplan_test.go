package records_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

// tx runs fn in a tenant transaction and fails the test on an error that
// is not a refusal; it returns the refusal, if any.
func inTx(t testing.TB, d *db.DB, tenant db.TenantID, fn func(ctx context.Context, tx bun.Tx) error) *records.Problem {
	t.Helper()
	err := d.InTenant(context.Background(), tenant, fn)
	var p *records.Problem
	if errors.As(err, &p) {
		return p
	}
	if err != nil {
		t.Fatal(err)
	}
	return nil
}

func wantProblem(t testing.TB, p *records.Problem, code string) {
	t.Helper()
	if p == nil || p.Code != code {
		t.Fatalf("got %v, want the refusal %s", p, code)
	}
}

func classify(t testing.TB, d *db.DB, s *records.Service, tenant db.TenantID, caseID uuid.UUID, code, expires string) *records.Problem {
	t.Helper()
	return inTx(t, d, tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.ClassifyCase(ctx, tx, caseID, code, expires, "ugyintezo")
		return err
	})
}

func closeCase(t testing.TB, d *db.DB, s *records.Service, tenant db.TenantID, caseID uuid.UUID) *records.Problem {
	t.Helper()
	return inTx(t, d, tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.CloseCase(ctx, tx, caseID, "ugyintezo")
		return err
	})
}

func loadCase(t testing.TB, d *db.DB, tenant db.TenantID, id uuid.UUID) records.Case {
	t.Helper()
	var c records.Case
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&c).Where("id = ?", id).Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auditActions(t testing.TB, d *db.DB, tenant db.TenantID) []audit.Entry {
	t.Helper()
	var es []audit.Entry
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		es, err = audit.List(ctx, tx, tenant, audit.Filter{Action: "records.", Limit: 500})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func hasAction(es []audit.Entry, action, detail string) bool {
	for _, e := range es {
		if e.Action == action && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}

func TestModelPlanHasTheBriefsItems(t *testing.T) {
	m := records.Model()
	want := map[string][2]string{ // code → retention, Lt.
		"U102": {"NS", "15"}, "U103": {"NS", "15"}, "U105": {"NS", "15"}, "U111": {"NS", "15"},
		"U311": {"2", "–"}, "U345": {"10", "–"}, "U401": {"NS", "HN"}, "U404": {"NS", "HN"},
		"U405": {"NS", "HN"}, "U406": {"NS", "15"}, "U408": {"NS", "HN"}, "U416": {"5", "–"},
		"H802": {"NS", "HN"}, "H812": {"2", "–"}, "K105": {"10", "–"}, "K106": {"NS", "15"},
		"L107": {"10", "–"}, "L108": {"NS", "HN"}, "L111": {"10", "–"}, "L112": {"NS", "HN"},
		"L113": {"10", "–"}, "L114": {"NS", "HN"}, "L116": {"2", "–"},
	}
	got := map[string]records.FilePlanItem{}
	for _, it := range m.Items {
		got[it.Code] = it
		if m.SectionTitle(it.Section) == "" || it.Origin != "model" {
			t.Errorf("%s: section %q, origin %q", it.Code, it.Section, it.Origin)
		}
	}
	for code, terms := range want {
		it, ok := got[code]
		if !ok {
			t.Errorf("%s missing from the model plan", code)
			continue
		}
		if it.RetentionText() != terms[0] || it.ArchiveText() != terms[1] {
			t.Errorf("%s: %s/%s, want %s/%s", code, it.RetentionText(), it.ArchiveText(), terms[0], terms[1])
		}
	}
	if got["U406"].Section != "U.4" || got["H802"].Section != "H.8" || got["L113"].Section != "L" {
		t.Errorf("sections: %s %s %s", got["U406"].Section, got["H802"].Section, got["L113"].Section)
	}
	for _, sector := range strings.Split("U A B C E F G H I J K L M N P R X", " ") {
		if m.SectionTitle(sector) == "" {
			t.Errorf("sector %s missing", sector)
		}
	}
}

func TestParseModelPlanRefusesBrokenFiles(t *testing.T) {
	head := "kind;code;title;retention;lt;after_expiry\n"
	for name, body := range map[string]string{
		"header":         "a;b;c;d;e;f\n",
		"bad code":       head + "section;U;x;;;\nitem;U12;x;5;;\n",
		"no section":     head + "item;U102;x;NS;15;\n",
		"twice":          head + "section;U;x;;;\nitem;U102;x;NS;15;\nitem;U102;y;NS;15;\n",
		"lt of disposal": head + "section;U;x;;;\nitem;U102;x;5;15;\n",
		"NS without Lt":  head + "section;U;x;;;\nitem;U102;x;NS;;\n",
		"kind":           head + "thing;U;x;;;\n",
		"fields":         head + "section;U;x\n",
	} {
		if _, err := records.ParseModelPlan(strings.NewReader(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestItemCodesAndTerms(t *testing.T) {
	for in, want := range map[string]string{"U102": "U102", " l113 ": "L113", "h802": "H802"} {
		if got, err := records.ParseItemCode(in); err != nil || got != want {
			t.Errorf("ParseItemCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "U10", "U1022", "Q102", "102U", "UU02", "U1O2", "Ü102"} {
		if _, err := records.ParseItemCode(in); err == nil {
			t.Errorf("ParseItemCode(%q) accepted", in)
		}
	}
	ok := []struct {
		ret, lt string
		exp     bool
		want    string
	}{{"NS", "15", false, "NS/15"}, {"ns", "hn", false, "NS/HN"}, {"5", "", false, "5/–"}, {" 10 ", "-", true, "10/–"}}
	for _, c := range ok {
		terms, err := records.ParseTerms(c.ret, c.lt, c.exp)
		if err != nil || terms.RetentionText()+"/"+terms.ArchiveText() != c.want || terms.AfterExpiry != c.exp {
			t.Errorf("ParseTerms(%q, %q) = %+v, %v", c.ret, c.lt, terms, err)
		}
	}
	bad := []struct {
		ret, lt string
		exp     bool
		code    string
	}{
		{"", "", false, "bad_retention"}, {"0", "", false, "bad_retention"}, {"1000", "", false, "bad_retention"},
		{"NS", "100", false, "bad_archive"}, {"NS", "x", false, "bad_archive"}, {"5", "15", false, "archive_of_disposable"},
		{"5", "HN", false, "archive_of_disposable"}, {"NS", "", false, "permanent_without_archive"}, {"NS", "HN", true, "permanent_after_expiry"},
	}
	for _, c := range bad {
		_, err := records.ParseTerms(c.ret, c.lt, c.exp)
		var p *records.Problem
		if !errors.As(err, &p) || p.Code != c.code {
			t.Errorf("ParseTerms(%q, %q, %v) = %v, want %s", c.ret, c.lt, c.exp, err, c.code)
		}
	}
}

func TestFilePlanVersionsPerYear(t *testing.T) {
	d, s, c := setup(t)
	open := func(year int) (records.FilePlan, *records.Problem) {
		var p records.FilePlan
		prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			p, err = s.OpenFilePlan(ctx, tx, year, "kulcs.orfu")
			return err
		})
		return p, prob
	}
	add := func(n records.NewItem) *records.Problem {
		n.By = "kulcs.orfu"
		return inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.AddItem(ctx, tx, n)
			return err
		})
	}
	view := func(tenant db.TenantID, year int) records.FilePlanView {
		var v records.FilePlanView
		err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			v, err = records.LoadFilePlan(ctx, tx, year)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	wantProblem(t, add(records.NewItem{Year: 2026, Code: "U417", Title: "x", Retention: "3"}), "no_plan")
	p, prob := open(2026)
	if prob != nil || p.Source != "model" {
		t.Fatalf("open 2026: %+v %v", p, prob)
	}
	if v := view(orfu, 2026); len(v.Items) != len(records.Model().Items) || v.Next {
		t.Fatalf("2026 plan has %d items, next %v", len(v.Items), v.Next)
	}
	_, prob = open(2026)
	wantProblem(t, prob, "plan_exists")
	// Another municipality's plan is its own.
	if v := view(aba, 2026); v.Plan != nil {
		t.Fatal("Aba sees a 2026 plan it never opened")
	}

	if prob := add(records.NewItem{Year: 2026, Code: "u417", Title: "  Helyi   ügyek ", Retention: "3"}); prob != nil {
		t.Fatal(prob)
	}
	wantProblem(t, add(records.NewItem{Year: 2026, Code: "U417", Title: "x", Retention: "3"}), "item_exists")
	wantProblem(t, add(records.NewItem{Year: 2026, Code: "Z417", Title: "x", Retention: "3"}), "bad_item_code")
	wantProblem(t, add(records.NewItem{Year: 2026, Code: "U418", Title: "", Retention: "3"}), "item_title")
	wantProblem(t, add(records.NewItem{Year: 2026, Code: "U418", Title: "x", Retention: "NS"}), "permanent_without_archive")

	// Next year's plan is a copy of this year's, local items included.
	c.t = budapest(2026, 11, 20, 10, 0)
	p, prob = open(2027)
	if prob != nil || p.Source != "2026" {
		t.Fatalf("open 2027: %+v %v", p, prob)
	}
	v27 := view(orfu, 2027)
	if len(v27.Items) != len(records.Model().Items)+1 {
		t.Fatalf("2027 has %d items", len(v27.Items))
	}
	// An item added to 2026 after 2027 was opened reaches 2027 too.
	if prob := add(records.NewItem{Year: 2026, Code: "L199", Title: "Helyi engedélyek", Retention: "5", AfterExpiry: true}); prob != nil {
		t.Fatal(prob)
	}
	found := false
	for _, it := range view(orfu, 2027).Items {
		if it.Code == "L199" && it.AfterExpiry && it.Origin == "local" && it.Section == "L" {
			found = true
		}
		if it.Code == "U417" && it.Title != "Helyi ügyek" {
			t.Errorf("U417 title %q", it.Title)
		}
	}
	if !found || !view(orfu, 2026).Next {
		t.Error("L199 did not reach the 2027 plan")
	}
	// Items are never deleted, whatever asks.
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewDelete().Model((*records.FilePlanItem)(nil)).Where("code = ?", "U417").Exec(ctx)
		return err
	})
	var n int64
	d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		n, _ = tx.NewSelect().Model((*records.FilePlanItem)(nil)).Where("code = ?", "U417").Count(ctx)
		return nil
	})
	if err == nil && n != 2 {
		t.Errorf("a file plan item was deleted (%d left)", n)
	}
	if n != 2 {
		t.Errorf("U417 in %d plans, want 2", n)
	}
	es := auditActions(t, d, orfu)
	if !hasAction(es, "records.fileplan_open", `"source":"2026"`) || !hasAction(es, "records.fileplan_item_add", `"also_in":[2027]`) {
		t.Error("plan changes are not in the audit log")
	}
}

func TestClassifyCloseArchiveAndReopen(t *testing.T) {
	d, s, c := setup(t)
	doc := mustRegister(t, d, s, orfu, in("Közérdekű bejelentés"))
	// Closing and archiving need a tételszám; an unknown one is named.
	wantProblem(t, closeCase(t, d, s, orfu, doc.CaseID), "close_without_item")
	prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.ArchiveCase(ctx, tx, doc.CaseID, "", "x")
		return err
	})
	wantProblem(t, prob, "archive_without_item")
	prob = classify(t, d, s, orfu, doc.CaseID, "x999", "")
	wantProblem(t, prob, "unknown_item")
	if prob.HU != "Nincs ilyen tételszám a(z) 2026. évi irattári tervben: X999." {
		t.Errorf("message: %s", prob.HU)
	}
	wantProblem(t, classify(t, d, s, orfu, doc.CaseID, "U31", ""), "bad_item_code")
	wantProblem(t, classify(t, d, s, orfu, doc.CaseID, "U311", "2030-01-01"), "expiry_not_asked")
	// The first classification of the year opened the plan by itself.
	if prob := classify(t, d, s, orfu, doc.CaseID, "U311", ""); prob != nil {
		t.Fatal(prob)
	}
	cs := loadCase(t, d, orfu, doc.CaseID)
	if cs.FilePlanCode != "U311" || cs.FilePlanYear != 2026 || cs.Status != records.CaseOpen {
		t.Fatalf("case %+v", cs.Filing)
	}
	// Another tenant's case is not there for Aba.
	if err := d.InTenant(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.ClassifyCase(ctx, tx, doc.CaseID, "U311", "", "x")
		return err
	}); err == nil {
		t.Error("Aba classified Orfű's case")
	}
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.ArchiveCase(ctx, tx, doc.CaseID, "", "x")
		return err
	})
	wantProblem(t, prob, "archive_open")
	if prob := closeCase(t, d, s, orfu, doc.CaseID); prob != nil {
		t.Fatal(prob)
	}
	wantProblem(t, closeCase(t, d, s, orfu, doc.CaseID), "case_not_open")
	wantProblem(t, classify(t, d, s, orfu, doc.CaseID, "U345", ""), "case_closed")
	cs = loadCase(t, d, orfu, doc.CaseID)
	var item *records.FilePlanItem
	for _, it := range records.Model().Items {
		if it.Code == "U311" {
			item = &it
		}
	}
	// Closed on 2 March 2026: the 2 years run from 3 March.
	if r := records.RetentionOf(cs.Filing, item); r.From != (hu.Date{Year: 2028, Month: time.March, Day: 3}) || r.Permanent() {
		t.Errorf("retention %+v", r)
	}
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.ArchiveCase(ctx, tx, doc.CaseID, " Központi irattár, 2. polc ", "irattaros")
		return err
	})
	if prob != nil {
		t.Fatal(prob)
	}
	cs = loadCase(t, d, orfu, doc.CaseID)
	if cs.Status != records.CaseArchived || cs.ArchiveLocation != "Központi irattár, 2. polc" || cs.ArchivedAt == nil {
		t.Fatalf("archived %+v", cs.Filing)
	}
	// A new document reopens the case, and the registration says so.
	c.t = budapest(2026, 5, 4, 9, 0)
	r := in("Újabb bejelentés")
	r.Predecessor = doc.Number
	f := mustRegister(t, d, s, orfu, r)
	cs = loadCase(t, d, orfu, doc.CaseID)
	if f.CaseID != doc.CaseID || cs.Status != records.CaseOpen || cs.ClosedAt != nil || cs.ArchivedAt != nil || cs.FilePlanCode != "U311" {
		t.Fatalf("after a new document: %+v", cs.Filing)
	}
	es := auditActions(t, d, orfu)
	for _, want := range [][2]string{{"records.case_classify", `"code":"U311"`}, {"records.case_close", "U311"},
		{"records.case_archive", "2. polc"}, {"records.register", `"reopened_case":"archived"`}, {"records.fileplan_open", `"automatic":true`}} {
		if !hasAction(es, want[0], want[1]) {
			t.Errorf("no %s entry with %s", want[0], want[1])
		}
	}
}

func TestRetentionFromExpiryAndPermanent(t *testing.T) {
	d, s, c := setup(t)
	inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.OpenFilePlan(ctx, tx, 2026, "x"); err != nil {
			return err
		}
		_, err := s.AddItem(ctx, tx, records.NewItem{Year: 2026, Code: "L199", Title: "Helyi engedélyek", Retention: "5", AfterExpiry: true, By: "x"})
		return err
	})
	doc := mustRegister(t, d, s, orfu, in("Engedély"))
	if prob := classify(t, d, s, orfu, doc.CaseID, "L199", ""); prob != nil {
		t.Fatal(prob)
	}
	wantProblem(t, closeCase(t, d, s, orfu, doc.CaseID), "close_without_expiry")
	wantProblem(t, classify(t, d, s, orfu, doc.CaseID, "L199", "2030. 02. 30."), "bad_expiry")
	if prob := classify(t, d, s, orfu, doc.CaseID, "L199", "2030. 06. 30."); prob != nil {
		t.Fatal(prob)
	}
	if prob := closeCase(t, d, s, orfu, doc.CaseID); prob != nil {
		t.Fatal(prob)
	}
	cs := loadCase(t, d, orfu, doc.CaseID)
	item := &records.FilePlanItem{Code: "L199", ItemTerms: records.ItemTerms{RetentionYears: 5, AfterExpiry: true}}
	if r := records.RetentionOf(cs.Filing, item); r.From != (hu.Date{Year: 2035, Month: time.July, Day: 1}) {
		t.Errorf("retention from expiry: %+v", r.From)
	}
	// NS: never disposable.
	ns := mustRegister(t, d, s, orfu, in("Testületi jegyzőkönyv"))
	classify(t, d, s, orfu, ns.CaseID, "U102", "")
	closeCase(t, d, s, orfu, ns.CaseID)
	nsItem := &records.FilePlanItem{Code: "U102", ItemTerms: records.ItemTerms{Permanent: true, ArchiveYears: 15}}
	if r := records.RetentionOf(loadCase(t, d, orfu, ns.CaseID).Filing, nsItem); !r.Permanent() || !r.From.IsZero() {
		t.Errorf("NS retention %+v", r)
	}
	// Open, and unclassified, cases have no date yet.
	closed := time.Date(2028, 2, 28, 23, 30, 0, 0, time.UTC) // 29 February in Budapest
	leap := records.RetentionOf(records.Filing{ClosedAt: &closed}, &records.FilePlanItem{ItemTerms: records.ItemTerms{RetentionYears: 1}})
	if leap.From != (hu.Date{Year: 2029, Month: time.March, Day: 1}) {
		t.Errorf("leap day: %v", leap.From)
	}
	if r := records.RetentionOf(records.Filing{}, item); r.Missing != "open" {
		t.Errorf("open case: %+v", r)
	}
	if r := records.RetentionOf(records.Filing{}, nil); r.Missing != "unclassified" {
		t.Errorf("unclassified: %+v", r)
	}
	_ = c
}

func TestHungarianFrom(t *testing.T) {
	for d, want := range map[hu.Date]string{
		{Year: 2034, Month: 1, Day: 1}:   "2034. január 1-jétől",
		{Year: 2028, Month: 3, Day: 3}:   "2028. március 3-ától",
		{Year: 2030, Month: 12, Day: 20}: "2030. december 20-ától",
		{Year: 2030, Month: 7, Day: 11}:  "2030. július 11-étől",
		{Year: 2030, Month: 5, Day: 22}:  "2030. május 22-étől",
		{Year: 2030, Month: 8, Day: 31}:  "2030. augusztus 31-étől",
	} {
		if got := records.HungarianFrom(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
	if got := records.EnglishFrom(hu.Date{Year: 2034, Month: 1, Day: 1}); got != "1 January 2034" {
		t.Errorf("English: %q", got)
	}
}

func FuzzItemInput(f *testing.F) {
	for _, s := range []string{"U102", "u102", " L113 ", "X999", "Ü102", "U1", "NS", "15", "HN", "-", "–", "0", "999", "1000", "\x00", "U\u0301102"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, code, ret, lt string) {
		if c, err := records.ParseItemCode(code); err == nil {
			if len(c) != 4 || strings.ToUpper(c) != c {
				t.Fatalf("ParseItemCode(%q) = %q", code, c)
			}
			if again, err := records.ParseItemCode(c); err != nil || again != c {
				t.Fatalf("not stable: %q", c)
			}
		} else {
			var p *records.Problem
			if !errors.As(err, &p) || p.HU == "" {
				t.Fatalf("ParseItemCode(%q): %v", code, err)
			}
		}
		for _, exp := range []bool{false, true} {
			terms, err := records.ParseTerms(ret, lt, exp)
			if err != nil {
				var p *records.Problem
				if !errors.As(err, &p) || p.HU == "" {
					t.Fatalf("ParseTerms(%q, %q): %v", ret, lt, err)
				}
				continue
			}
			again, err := records.ParseTerms(terms.RetentionText(), strings.Replace(terms.ArchiveText(), "–", "", 1), exp)
			if err != nil || again != terms {
				t.Fatalf("ParseTerms round trip: %+v → %+v, %v", terms, again, err)
			}
		}
	})
}

func FuzzModelPlan(f *testing.F) {
	f.Add(string(mustRead(f, "data/eit_78_2012.csv")))
	f.Add("kind;code;title;retention;lt;after_expiry\nsection;U;x;;;\nitem;U102;x;NS;15;\n")
	f.Add("kind;code;title;retention;lt;after_expiry\n\"")
	f.Fuzz(func(t *testing.T, body string) {
		m, err := records.ParseModelPlan(strings.NewReader(body))
		if err != nil {
			return
		}
		for _, it := range m.Items {
			if c, err := records.ParseItemCode(it.Code); err != nil || c != it.Code || m.SectionTitle(it.Section) == "" {
				t.Fatalf("accepted a bad item %+v", it)
			}
		}
	})
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
