package tax_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/interest"
)

func ev(kind string, on hu.Date) tax.DecisionEvent { return tax.DecisionEvent{Kind: kind, On: on} }

// The rule: final the day after the appeal deadline (communication + 15
// days, on the next working day when that is a rest day), on the day of
// a waiver, on the day the appeal is decided; the past instalments fall
// due 15 days later, on the next working day.
func TestFinalityRule(t *testing.T) {
	r := tax.DefaultFinalityRules
	issued := day(2026, 12, 1)
	for name, tc := range map[string]struct {
		events   []tax.DecisionEvent
		today    hu.Date
		state    string
		deadline hu.Date
		final    hu.Date // known
		expected hu.Date // if no appeal
		due      hu.Date
	}{
		"not communicated": {nil, day(2027, 3, 1), tax.FinalityNotCommunicated, hu.Date{}, hu.Date{}, hu.Date{}, hu.Date{}},
		// Mon 4 Jan + 15 = Tue 19 Jan: final on the 20th, due 4 Feb.
		"deadline running": {[]tax.DecisionEvent{ev("communicated", day(2027, 1, 4))}, day(2027, 1, 19), tax.FinalityAppealOpen,
			day(2027, 1, 19), hu.Date{}, day(2027, 1, 20), day(2027, 2, 4)},
		"deadline passed": {[]tax.DecisionEvent{ev("communicated", day(2027, 1, 4))}, day(2027, 1, 20), tax.FinalityDue,
			day(2027, 1, 19), day(2027, 1, 20), hu.Date{}, day(2027, 2, 4)},
		// 9 Dec + 15 = 24 Dec, a rest day, then Christmas and a Sunday:
		// the deadline ends on Monday 28 Dec.
		"deadline on holidays": {[]tax.DecisionEvent{ev("communicated", day(2026, 12, 9))}, day(2027, 1, 5), tax.FinalityDue,
			day(2026, 12, 28), day(2026, 12, 29), hu.Date{}, day(2027, 1, 13)},
		// Final on Fri 8 Jan: + 15 is Saturday 23rd, due Monday 25th.
		"waiver": {[]tax.DecisionEvent{ev("communicated", day(2027, 1, 4)), ev("waived", day(2027, 1, 8))}, day(2027, 1, 8), tax.FinalityDue,
			day(2027, 1, 19), day(2027, 1, 8), hu.Date{}, day(2027, 1, 25)},
		"under appeal": {[]tax.DecisionEvent{ev("communicated", day(2027, 1, 4)), ev("appealed", day(2027, 1, 15))}, day(2027, 3, 1), tax.FinalityUnderAppeal,
			day(2027, 1, 19), hu.Date{}, hu.Date{}, hu.Date{}},
		"appeal decided": {[]tax.DecisionEvent{ev("communicated", day(2027, 1, 4)), ev("appealed", day(2027, 1, 15)), ev("appeal_decided", day(2027, 1, 8))},
			day(2027, 3, 1), tax.FinalityDue, day(2027, 1, 19), day(2027, 1, 8), hu.Date{}, day(2027, 1, 25)},
		"recorded final": {[]tax.DecisionEvent{ev("communicated", day(2027, 1, 4)), ev("final", day(2027, 1, 20))}, day(2027, 3, 1), tax.FinalityDone,
			day(2027, 1, 19), day(2027, 1, 20), hu.Date{}, day(2027, 2, 4)},
	} {
		f := r.Evaluate(issued, tc.events, tc.today)
		got := func(p *hu.Date) hu.Date {
			if p == nil {
				return hu.Date{}
			}
			return *p
		}
		if f.State != tc.state || got(f.AppealDeadline) != tc.deadline || got(f.FinalOn) != tc.final || got(f.ExpectedFinalOn) != tc.expected || got(f.DueOn) != tc.due {
			t.Errorf("%s: state %s deadline %v final %v expected %v due %v", name, f.State, got(f.AppealDeadline), got(f.FinalOn), got(f.ExpectedFinalOn), got(f.DueOn))
		}
	}
}

// fakeDeliveries is IRAT's delivery lookup with the days set by the test.
type fakeDeliveries map[string]hu.Date

func (f fakeDeliveries) DeliveredOn(ctx context.Context, tx bun.Tx, numbers []string) (map[string]hu.Date, error) {
	out := map[string]hu.Date{}
	for _, n := range numbers {
		if on, ok := f[n]; ok {
			out[n] = on
		}
	}
	return out, nil
}

type finalityFixture struct {
	*objectFixture
	decisions map[string]tax.Decision // by tax id
}

// newFinalityFixture assesses 2025 on 5 May: the first halves, past,
// are posted on 20 May (5 May + 15 days), provisionally.
func newFinalityFixture(t *testing.T) *finalityFixture {
	f := &finalityFixture{objectFixture: newObjectFixture(t), decisions: map[string]tax.Decision{}}
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8345678904", Name: "Késő Kálmán"}, "t"); err != nil {
			return err
		}
		if _, err := f.s.ReportObject(ctx, tx, f.reg, flatReport(), "t"); err != nil {
			return err
		}
		r := flatReport()
		r.HRSZ, r.Owners = "77", []tax.OwnerInput{{TaxID: "8345678904", Share: "1/1"}}
		_, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.now = time.Date(2025, 5, 5, 9, 0, 0, 0, time.UTC)
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2025}, "t"); err != nil {
			return err
		}
		var ds []tax.Decision
		if err := tx.NewSelect().Model(&ds).Scan(ctx); err != nil {
			return err
		}
		for _, d := range ds {
			var taxID string
			if err := tx.NewSelect().Model((*tax.Taxpayer)(nil)).Column("tax_id").Where("id = ?", d.TaxpayerID).Scan(ctx, &taxID); err != nil {
				return err
			}
			f.decisions[taxID] = d
		}
		return nil
	})
	if err != nil || len(f.decisions) != 3 {
		t.Fatal(err, f.decisions)
	}
	return f
}

func (f *finalityFixture) record(t *testing.T, taxID string, in tax.FinalityInput, deliveries tax.FinalityDeliveries) (tax.DecisionFinality, bool, error) {
	t.Helper()
	var df tax.DecisionFinality
	var changed bool
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		df, changed, err = f.s.RecordFinality(ctx, tx, deliveries, f.decisions[taxID].ID, in, "t")
		return err
	})
	return df, changed, err
}

func (f *finalityFixture) sweep(t *testing.T, deliveries tax.FinalityDeliveries) tax.FinalitySweep {
	t.Helper()
	var res tax.FinalitySweep
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = f.s.SettleFinalities(ctx, tx, deliveries, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (f *finalityFixture) account(t *testing.T, taxID string, on hu.Date) tax.Account {
	t.Helper()
	var acc []tax.Account
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		acc, err = f.s.Accounts(ctx, tx, f.decisions[taxID].TaxpayerID, on)
		return err
	})
	if err != nil || len(acc) != 1 {
		t.Fatal(err, acc)
	}
	return acc[0]
}

func openDebits(a tax.Account) []tax.DebitState {
	return a.Debits // reversed postings are left out of Debits
}

// A decision communicated on 12 May becomes final on 28 May (the day
// after the deadline of 27 May) when nobody appeals: its provisional
// half moves from 20 May to 12 June by a reversal and a new debit, the
// balance unchanged and interest counted from the new day. The same
// again changes nothing.
func TestFinalityMovesTheProvisionalDueDate(t *testing.T) {
	f := newFinalityFixture(t)
	const a = "8123456786"
	ps := accountsOf(t, f.objectFixture, a)
	if len(ps) != 2 || ps[0].On != day(2025, 5, 20) || ps[0].Note != tax.FinalityProvisionalNote || ps[1].On != day(2025, 9, 15) || ps[1].Note != "" {
		t.Fatalf("assessment postings: %+v", ps)
	}
	provisional := ps[0].ID
	before := f.account(t, a, day(2025, 7, 1))
	irat := fakeDeliveries{}
	// IRAT does not know the delivery yet: refused, nothing recorded.
	f.now = time.Date(2025, 5, 12, 10, 0, 0, 0, time.UTC)
	if _, _, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalityCommunicated, Source: tax.CommunicatedFromIRAT}, irat); code(err) != "not_delivered" {
		t.Errorf("IRAT without delivery: %v", err)
	}
	if _, _, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalityCommunicated, Source: tax.CommunicatedFromIRAT}, nil); code(err) != "no_records" {
		t.Errorf("without IRAT: %v", err)
	}
	// The sweep takes it from IRAT once delivered; before the deadline it
	// is not final yet.
	irat[f.decisions[a].Number] = day(2025, 5, 12)
	if res := f.sweep(t, irat); res.Communicated != 1 || res.Settled != 0 {
		t.Errorf("sweep on 12 May: %+v", res)
	}
	df, changed, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 12)}, nil)
	if err != nil || changed || df.Finality.State != tax.FinalityAppealOpen || *df.Finality.ExpectedFinalOn != day(2025, 5, 28) ||
		len(df.Moves) != 1 || df.Moves[0].Moved || *df.Moves[0].NewDue != day(2025, 6, 12) {
		t.Errorf("the same delivery again: changed %v %v %+v", changed, err, df)
	}
	if _, _, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalitySettle}, nil); code(err) != "not_final" {
		t.Errorf("settle before the deadline: %v", err)
	}
	if ps := accountsOf(t, f.objectFixture, a); len(ps) != 2 {
		t.Errorf("postings moved before finality: %+v", ps)
	}
	// After the deadline: an appeal is late, a waiver meaningless.
	f.now = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	if _, _, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalityAppealed, On: day(2025, 6, 1)}, nil); code(err) != "appeal_late" {
		t.Errorf("late appeal: %v", err)
	}
	if _, _, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalityWaived, On: day(2025, 5, 30)}, nil); code(err) != "after_deadline" {
		t.Errorf("waiver after the deadline: %v", err)
	}
	res := f.sweep(t, irat)
	if res.Settled != 1 || res.Moved != 1 || res.Communicated != 0 {
		t.Errorf("sweep on 2 June: %+v", res)
	}
	ps = accountsOf(t, f.objectFixture, a)
	var reversal, moved *tax.Posting
	for i := range ps {
		switch {
		case ps[i].Reverses != nil:
			reversal = &ps[i]
		case ps[i].On == day(2025, 6, 12):
			moved = &ps[i]
		}
	}
	if len(ps) != 4 || reversal == nil || *reversal.Reverses != provisional || reversal.Side != tax.Credit || reversal.Amount != 48_000 ||
		moved == nil || moved.Amount != 48_000 || moved.Side != tax.Debit || moved.Kind != "assessment" || moved.Reference != f.decisions[a].Number {
		t.Fatalf("moved postings: %+v", ps)
	}
	after := f.account(t, a, day(2025, 7, 1))
	// The due date moved later: the account's late day with it.
	if err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error { tax.CheckLateDays(t, ctx, tx); return nil }); err != nil {
		t.Fatal(err)
	}
	if after.Balance() != before.Balance() || after.DebitTotal != 96_000 {
		t.Errorf("balance %d → %d", before.Balance(), after.Balance())
	}
	// Interest on the unpaid half: from the day after 12 June, not 20 May.
	want, err := interest.LateTotal(48_000, day(2025, 6, 12), day(2025, 7, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := interest.LateTotal(48_000, day(2025, 5, 20), day(2025, 7, 1), nil)
	var got hu.Forint
	for _, d := range openDebits(after) {
		if d.On == day(2025, 6, 12) {
			got = d.Interest
		}
		if d.On == day(2025, 5, 20) {
			t.Errorf("the provisional debit still counts: %+v", d)
		}
	}
	if got != want || want == 0 || want >= old || before.Interest != old {
		t.Errorf("interest %d, want %d (was %d from the provisional day)", got, want, old)
	}
	// Idempotent: again, by the sweep or by hand, nothing changes.
	if res := f.sweep(t, irat); res != (tax.FinalitySweep{}) {
		t.Errorf("second sweep: %+v", res)
	}
	df, changed, err = f.record(t, a, tax.FinalityInput{Event: tax.FinalitySettle}, nil)
	if err != nil || changed || df.Finality.State != tax.FinalityDone || !df.Moves[0].Moved {
		t.Errorf("settle again: %v %v %+v", changed, err, df.Finality)
	}
	if _, changed, err := f.record(t, a, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 12)}, nil); err != nil || changed {
		t.Errorf("the same delivery after finality: %v %v", changed, err)
	}
	if ps := accountsOf(t, f.objectFixture, a); len(ps) != 4 {
		t.Errorf("postings after repeats: %d", len(ps))
	}
	// The decision as issued still shows what it said.
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		v, err := tax.LoadDecision(ctx, tx, f.decisions[a].ID)
		if err == nil && (len(v.Postings) != 2 || v.Postings[0].On != day(2025, 5, 20)) {
			t.Errorf("decision view: %+v", v.Postings)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A waiver makes the decision final on its day; an appeal keeps it open
// until the appeal is decided. Each bad fact is refused with its reason.
func TestFinalityWaiverAppealAndRefusals(t *testing.T) {
	f := newFinalityFixture(t)
	const b, c = "8390164280", "8345678904"
	f.now = time.Date(2025, 5, 15, 10, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		taxID string
		in    tax.FinalityInput
		code  string
	}{
		"before the decision":     {b, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 4)}, "before_issue"},
		"in the future":           {b, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 16)}, "future"},
		"no day":                  {b, tax.FinalityInput{Event: tax.FinalityCommunicated}, "bad_date"},
		"waiver unannounced":      {b, tax.FinalityInput{Event: tax.FinalityWaived, On: day(2025, 5, 14)}, "not_communicated"},
		"decided without appeal":  {b, tax.FinalityInput{Event: tax.FinalityAppealDecided, On: day(2025, 5, 14), Outcome: tax.AppealUpheld}, "no_appeal"},
		"unknown event":           {b, tax.FinalityInput{Event: "final", On: day(2025, 5, 14)}, "bad_event"},
		"unknown source":          {b, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 14), Source: "post"}, "bad_source"},
		"settle not communicated": {b, tax.FinalityInput{Event: tax.FinalitySettle}, "not_final"},
	} {
		if _, _, err := f.record(t, tc.taxID, tc.in, nil); code(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	// B: communicated on 12 May, waived on the 14th: final that day, the
	// half due on 29 May.
	if _, _, err := f.record(t, b, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 12)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.record(t, b, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 13)}, nil); code(err) != "already_recorded" {
		t.Errorf("a second, different communication: %v", err)
	}
	if _, _, err := f.record(t, b, tax.FinalityInput{Event: tax.FinalityWaived, On: day(2025, 5, 11)}, nil); code(err) != "before_communication" {
		t.Errorf("waiver before communication: %v", err)
	}
	df, changed, err := f.record(t, b, tax.FinalityInput{Event: tax.FinalityWaived, On: day(2025, 5, 14)}, nil)
	if err != nil || !changed || df.Finality.State != tax.FinalityDone || *df.Finality.FinalOn != day(2025, 5, 14) || len(df.Moves) != 1 || !df.Moves[0].Moved {
		t.Fatalf("waiver: %v %v %+v", changed, err, df)
	}
	if ps := accountsOf(t, f.objectFixture, b); len(ps) != 4 || ps[len(ps)-2].On != day(2025, 5, 29) && ps[len(ps)-1].On != day(2025, 5, 29) {
		t.Errorf("after the waiver: %+v", ps)
	}
	if _, _, err := f.record(t, b, tax.FinalityInput{Event: tax.FinalityAppealed, On: day(2025, 5, 15)}, nil); code(err) != "waived" {
		t.Errorf("appeal after a waiver: %v", err)
	}
	// C: the appeal arrives before the return receipt is recorded; a
	// communication that would make it late is refused.
	if _, _, err := f.record(t, c, tax.FinalityInput{Event: tax.FinalityAppealed, On: day(2025, 5, 15)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.record(t, c, tax.FinalityInput{Event: tax.FinalityCommunicated, On: day(2025, 5, 6)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.record(t, c, tax.FinalityInput{Event: tax.FinalityWaived, On: day(2025, 5, 15)}, nil); code(err) != "appealed" {
		t.Errorf("waiver after an appeal: %v", err)
	}
	f.now = time.Date(2025, 7, 2, 10, 0, 0, 0, time.UTC)
	if res := f.sweep(t, nil); res.Settled != 0 {
		t.Errorf("the sweep settled a decision under appeal: %+v", res)
	}
	if ps := accountsOf(t, f.objectFixture, c); len(ps) != 2 {
		t.Errorf("moved under appeal: %+v", ps)
	}
	for name, in := range map[string]tax.FinalityInput{
		"no outcome":            {Event: tax.FinalityAppealDecided, On: day(2025, 7, 1)},
		"before the appeal":     {Event: tax.FinalityAppealDecided, On: day(2025, 5, 14), Outcome: tax.AppealUpheld},
		"decided in the future": {Event: tax.FinalityAppealDecided, On: day(2025, 7, 3), Outcome: tax.AppealUpheld},
	} {
		if _, _, err := f.record(t, c, in, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	df, changed, err = f.record(t, c, tax.FinalityInput{Event: tax.FinalityAppealDecided, On: day(2025, 7, 1), Outcome: tax.AppealUpheld}, nil)
	if err != nil || !changed || df.Finality.State != tax.FinalityDone || *df.Finality.FinalOn != day(2025, 7, 1) || *df.Finality.DueOn != day(2025, 7, 16) {
		t.Fatalf("appeal decided: %v %v %+v", changed, err, df.Finality)
	}
	if _, _, err := f.record(t, c, tax.FinalityInput{Event: tax.FinalityAppealDecided, On: day(2025, 7, 1), Outcome: tax.AppealChanged}, nil); code(err) != "already_recorded" {
		t.Errorf("another outcome: %v", err)
	}
	var moved bool
	for _, p := range accountsOf(t, f.objectFixture, c) {
		moved = moved || p.On == day(2025, 7, 16) && p.Side == tax.Debit && p.Amount == 96_000
	}
	if !moved {
		t.Errorf("C's half not moved to 16 July: %+v", accountsOf(t, f.objectFixture, c))
	}
	// Another tenant sees none of it.
	err = f.in(t, aba, func(ctx context.Context, tx bun.Tx) error {
		_, _, err := f.s.RecordFinality(ctx, tx, nil, f.decisions[c].ID, tax.FinalityInput{Event: tax.FinalitySettle}, "t")
		if code(err) != "no_decision" {
			t.Errorf("other tenant: %v", err)
		}
		res, err := f.s.SettleFinalities(ctx, tx, nil, "t")
		if err == nil && res != (tax.FinalitySweep{}) {
			t.Errorf("other tenant's sweep: %+v", res)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
