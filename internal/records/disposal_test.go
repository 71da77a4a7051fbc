package records_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/records"
)

// eraser records which cases' contents it was asked to delete.
type eraser struct{ erased []uuid.UUID }

func (e *eraser) EraseCaseContents(_ context.Context, _ bun.Tx, id uuid.UUID) (int, error) {
	e.erased = append(e.erased, id)
	return 2, nil
}

func TestDisposalFromListToExecution(t *testing.T) {
	d, s, c := setup(t)
	type made struct {
		doc  records.Document
		code string
	}
	var cases []made
	for _, m := range []struct{ subject, code string }{
		{"Panasz a zajra", "U311"}, {"Szerverkarbantartás", "U416"}, {"Testületi ülés", "U102"},
		{"Fogyasztói panasz", "L116"}, {"Hirdetmény", "H812"}, {"Nyitva maradt panasz", "U311"},
	} {
		doc := mustRegister(t, d, s, orfu, in(m.subject))
		if prob := classify(t, d, s, orfu, doc.CaseID, m.code, ""); prob != nil {
			t.Fatal(prob)
		}
		cases = append(cases, made{doc, m.code})
	}
	for _, m := range cases[:5] {
		if prob := closeCase(t, d, s, orfu, m.doc.CaseID); prob != nil {
			t.Fatal(prob)
		}
	}
	create := func(year int) (records.Disposal, *records.Problem) {
		var dp records.Disposal
		prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			dp, err = s.CreateDisposal(ctx, tx, year, "kulcs.orfu")
			return err
		})
		return dp, prob
	}
	step := func(fn func(ctx context.Context, tx bun.Tx) (records.Disposal, error)) (records.Disposal, *records.Problem) {
		var dp records.Disposal
		prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			dp, err = fn(ctx, tx)
			return err
		})
		return dp, prob
	}
	// Nothing has run out in 2026; a future year is refused.
	_, prob := create(2026)
	wantProblem(t, prob, "nothing_to_dispose")
	_, prob = create(2027)
	wantProblem(t, prob, "disposal_year")

	// Mid-2028: the 2-year items (closed 2 March 2026) have run out, the
	// 5-year one and the NS one have not; the open case is not listed.
	c.t = budapest(2028, 6, 1, 9, 0)
	// A follow-up from 2028 joins the Fogyasztói panasz case to a new one:
	// it is handled with that one from now on, so it is not listed.
	r := in("Újabb fogyasztói panasz")
	r.Predecessor = cases[3].doc.Number
	c.t = budapest(2027, 1, 5, 9, 0)
	mustRegister(t, d, s, orfu, r)
	c.t = budapest(2028, 6, 1, 9, 0)
	dp, prob := create(2028)
	if prob != nil {
		t.Fatal(prob)
	}
	var lines []records.DisposalCase
	d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&lines).Where("disposal_id = ?", dp.ID).OrderExpr("position").Scan(ctx)
	})
	if len(lines) != 2 || lines[0].FilePlanCode != "H812" || lines[1].FilePlanCode != "U311" || lines[1].Number != "1/2026" ||
		lines[1].DisposableFrom != "2028-03-03" || lines[1].ClosedOn != "2026-03-02" || dp.Cutoff != "2028-06-01" {
		t.Fatalf("list %+v (cutoff %s)", lines, dp.Cutoff)
	}
	// Its cases are held: a second list finds nothing.
	_, prob = create(2028)
	wantProblem(t, prob, "nothing_to_dispose")

	_, prob = step(func(ctx context.Context, tx bun.Tx) (records.Disposal, error) {
		return s.ApproveDisposal(ctx, tx, dp.ID, "MNL-BaML 123/2028", "2028-06-01", "x")
	})
	wantProblem(t, prob, "disposal_step")
	if _, prob = step(func(ctx context.Context, tx bun.Tx) (records.Disposal, error) {
		return s.SendDisposal(ctx, tx, dp.ID, "kulcs.orfu")
	}); prob != nil {
		t.Fatal(prob)
	}
	for _, bad := range [][2]string{{"", "2028-06-01"}, {"MNL 1", "tegnap"}, {"MNL 1", "2028-06-02"}, {"MNL 1", "2028-05-31"}} {
		_, prob = step(func(ctx context.Context, tx bun.Tx) (records.Disposal, error) {
			return s.ApproveDisposal(ctx, tx, dp.ID, bad[0], bad[1], "x")
		})
		if prob == nil {
			t.Errorf("approval %v accepted", bad)
		}
	}
	if _, prob = step(func(ctx context.Context, tx bun.Tx) (records.Disposal, error) {
		return s.ApproveDisposal(ctx, tx, dp.ID, " MNL-BaML  123/2028 ", "2028. 06. 01.", "kulcs.orfu")
	}); prob != nil {
		t.Fatal(prob)
	}
	// Without a content eraser nothing is pretended.
	_, prob = step(func(ctx context.Context, tx bun.Tx) (records.Disposal, error) {
		return s.ExecuteDisposal(ctx, tx, dp.ID, "x")
	})
	wantProblem(t, prob, "no_eraser")
	if !strings.Contains(prob.HU, "nincs bekötve") {
		t.Errorf("message: %s", prob.HU)
	}
	// The H812 case is reopened meanwhile: it is kept.
	r = in("Újabb hirdetmény")
	r.Predecessor = cases[4].doc.Number
	c.t = budapest(2026, 12, 1, 9, 0)
	mustRegister(t, d, s, orfu, r)
	c.t = budapest(2028, 6, 2, 9, 0)
	e := &eraser{}
	s.Eraser = e
	dp, prob = step(func(ctx context.Context, tx bun.Tx) (records.Disposal, error) {
		return s.ExecuteDisposal(ctx, tx, dp.ID, "kulcs.orfu")
	})
	if prob != nil {
		t.Fatal(prob)
	}
	if dp.Status != records.DisposalExecuted || dp.ErasedFiles != 2 || len(e.erased) != 1 || e.erased[0] != cases[0].doc.CaseID {
		t.Fatalf("executed %+v, erased %v", dp, e.erased)
	}
	gone := loadCase(t, d, orfu, cases[0].doc.CaseID)
	kept := loadCase(t, d, orfu, cases[4].doc.CaseID)
	if gone.Status != records.CaseDisposed || gone.DisposedAt == nil || kept.Status != records.CaseOpen || kept.DisposalID != nil {
		t.Fatalf("after execution: %+v / %+v", gone.Filing, kept.Filing)
	}
	// Metadata stay: the document is still there.
	var still records.Document
	d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&still).Where("id = ?", cases[0].doc.ID).Scan(ctx)
	})
	if still.Subject != "Panasz a zajra" {
		t.Error("the disposed case's metadata are gone")
	}
	// Nothing joins a disposed case.
	r = in("Még egy panasz")
	r.Predecessor = cases[0].doc.Number
	_, err := register(t, d, s, orfu, r)
	if p, ok := err.(*records.Problem); !ok || p.Code != "predecessor_disposed" {
		t.Errorf("follow-up of a disposed case: %v", err)
	}
	d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&lines).Where("disposal_id = ?", dp.ID).OrderExpr("position").Scan(ctx)
	})
	if lines[0].Outcome != "kept" || lines[1].Outcome != "disposed" {
		t.Errorf("outcomes %s %s", lines[0].Outcome, lines[1].Outcome)
	}
	var buf bytes.Buffer
	if err := records.WriteDisposalCSV(&buf, append(lines, records.DisposalCase{Position: 3, FilePlanCode: "U311", Subject: "=HYPERLINK(1)"}), map[string]string{"U311": "Közérdekű bejelentések"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Error("no byte-order mark")
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 4 || recs[2][1] != "U311" || recs[2][2] != "Közérdekű bejelentések" || recs[2][7] != "selejtezve" || recs[3][4] != "'=HYPERLINK(1)" {
		t.Errorf("csv %q %v", recs, err)
	}
	es := auditActions(t, d, orfu)
	for _, a := range []string{"records.disposal_create", "records.disposal_send", "records.disposal_approve", "records.disposal_execute", "records.case_dispose"} {
		if !hasAction(es, a, "") {
			t.Errorf("no %s in the audit log", a)
		}
	}
	if !hasAction(es, "records.disposal_execute", `"kept":["2/2026"]`) && !hasAction(es, "records.disposal_execute", `"kept":["5/2026"]`) {
		t.Error("the kept case is not in the execution's audit entry")
	}
}

func TestJoinedCasesAreDisposedWithTheirCase(t *testing.T) {
	d, s, c := setup(t)
	old := mustRegister(t, d, s, orfu, in("Panasz"))
	classify(t, d, s, orfu, old.CaseID, "U311", "")
	closeCase(t, d, s, orfu, old.CaseID)
	c.t = budapest(2027, 2, 1, 9, 0)
	r := in("Ismételt panasz")
	r.Predecessor = old.Number
	nw := mustRegister(t, d, s, orfu, r)
	if prob := classify(t, d, s, orfu, old.CaseID, "U311", ""); prob == nil || prob.Code != "merged_case" {
		t.Errorf("a joined case was classified on its own: %v", prob)
	}
	classify(t, d, s, orfu, nw.CaseID, "U311", "")
	closeCase(t, d, s, orfu, nw.CaseID)
	c.t = budapest(2029, 3, 1, 9, 0)
	e := &eraser{}
	s.Eraser = e
	prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		dp, err := s.CreateDisposal(ctx, tx, 2029, "x")
		if err != nil {
			return err
		}
		if _, err := s.SendDisposal(ctx, tx, dp.ID, "x"); err != nil {
			return err
		}
		if _, err := s.ApproveDisposal(ctx, tx, dp.ID, "MNL 9", "2029-03-01", "x"); err != nil {
			return err
		}
		_, err = s.ExecuteDisposal(ctx, tx, dp.ID, "x")
		return err
	})
	if prob != nil {
		t.Fatal(prob)
	}
	if len(e.erased) != 2 || e.erased[0] != nw.CaseID || e.erased[1] != old.CaseID {
		t.Fatalf("erased %v", e.erased)
	}
	if loadCase(t, d, orfu, old.CaseID).Status != records.CaseDisposed {
		t.Error("the joined case is not flagged disposed")
	}
}

func TestDiscardedListFreesItsCases(t *testing.T) {
	d, s, c := setup(t)
	doc := mustRegister(t, d, s, orfu, in("Panasz"))
	classify(t, d, s, orfu, doc.CaseID, "U311", "")
	closeCase(t, d, s, orfu, doc.CaseID)
	c.t = budapest(2029, 1, 10, 9, 0)
	var first records.Disposal
	prob := inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if first, err = s.CreateDisposal(ctx, tx, 2029, "x"); err != nil {
			return err
		}
		_, err = s.DiscardDisposal(ctx, tx, first.ID, "x")
		return err
	})
	if prob != nil {
		t.Fatal(prob)
	}
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.DiscardDisposal(ctx, tx, first.ID, "x")
		return err
	})
	wantProblem(t, prob, "disposal_step")
	prob = inTx(t, d, orfu, func(ctx context.Context, tx bun.Tx) error {
		second, err := s.CreateDisposal(ctx, tx, 2029, "x")
		if err == nil && second.ID == first.ID {
			t.Error("same list")
		}
		return err
	})
	if prob != nil {
		t.Fatal(prob)
	}
	// Aba does not see Orfű's list.
	if err := d.InTenant(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.SendDisposal(ctx, tx, first.ID, "x")
		return err
	}); err == nil || err.(*records.Problem).Code != "no_disposal" {
		t.Errorf("Aba reached Orfű's list: %v", err)
	}
}
