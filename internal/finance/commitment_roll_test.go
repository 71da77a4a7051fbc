package finance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// commitRoll takes a drafted commitment through countersignature and
// commitment.
func (c *chain) commitRoll(cm finance.Commitment) {
	c.t.Helper()
	c.do(func(ctx context.Context, tx bun.Tx) error {
		if _, err := c.s.Countersign(ctx, tx, cm.ID, countersign); err != nil {
			return err
		}
		_, err := c.s.Commit(ctx, tx, cm.ID, committer)
		return err
	})
}

func (c *chain) roll(year int, dry bool) (finance.CommitmentRollResult, error) {
	var res finance.CommitmentRollResult
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = c.s.RollCommitments(ctx, tx, c.e.ID, year, dry, "jegyzo")
		return err
	})
	return res, err
}

func (c *chain) committed0513(year int) hu.Forint {
	var st finance.Status
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = finance.LineStatus(ctx, tx, c.e.ID, year, finance.LineKey{Rovat: "K334", Funkcio: "064010"})
		return err
	})
	return st.Committed
}

func TestCommitmentRollIntoNextYear(t *testing.T) {
	c := newChain(t)
	multi := c.draft(300_000, "Fényes Kft.", finance.CommitmentYear{Year: 2027, Amount: 250_000}, finance.CommitmentYear{Year: 2028, Amount: 100_000})
	c.commitRoll(multi)
	single := c.draft(50_000, "Egyszeri Bt.")
	c.commitRoll(single)
	drafted := c.draft(70_000, "Tervezet Kft.", finance.CommitmentYear{Year: 2027, Amount: 70_000}) // never committed
	_ = drafted

	if _, err := c.roll(2027, false); code(err) != "bad_year" {
		t.Errorf("a year not yet opened: %v", err)
	}
	c.s.Now = func() time.Time { return time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) }
	dry, err := c.roll(2027, true)
	if err != nil || len(dry.Items) != 1 || dry.Total != 250_000 || dry.Items[0].CommitmentID != multi.ID || dry.Items[0].Since != 2026 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if got := c.committed0513(2027); got != 0 {
		t.Fatalf("the dry run posted %s", got)
	}
	res, err := c.roll(2027, false)
	if err != nil || len(res.Items) != 1 || res.Items[0].EntryID == "" {
		t.Fatalf("roll: %+v %v", res, err)
	}
	if got := c.committed0513(2027); got != 250_000 {
		t.Errorf("0513 in 2027: %s", got)
	}
	if got := c.committed0513(2026); got != 350_000 {
		t.Errorf("0513 in 2026 changed: %s", got)
	}
	again, err := c.roll(2027, false)
	if err != nil || len(again.Items) != 0 || again.Already != 1 {
		t.Errorf("second run: %+v %v", again, err)
	}
	if got := c.committed0513(2027); got != 250_000 {
		t.Errorf("the second run posted: %s", got)
	}
	c.do(func(ctx context.Context, tx bun.Tx) error {
		rs, err := finance.CommitmentRolls(ctx, tx, c.e.ID, 2027)
		if err == nil && (len(rs) != 1 || rs[0].Amount != 250_000 || rs[0].CommitmentID != multi.ID) {
			t.Errorf("rolls: %+v", rs)
		}
		en, err2 := finance.Journal(ctx, tx, c.e.ID, 2027, 10)
		if err2 == nil && (len(en) != 1 || en[0].On != (hu.Date{Year: 2027, Month: 1, Day: 1}) || en[0].Lines[0].Commitment != multi.ID.String() || en[0].Lines[0].Debit != "0513") {
			t.Errorf("journal 2027: %+v", en)
		}
		if err != nil {
			return err
		}
		return err2
	})

	// The rolled part is performed and paid in 2027: certified within its
	// 250,000 Ft, refused beyond it and outside the years open to it;
	// paid in 2027, which releases the commitment on 0513 of 2027.
	d27 := func(m time.Month, d int) hu.Date { return hu.Date{Year: 2027, Month: m, Day: d} }
	var perf finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		perf, err = c.s.Certify(ctx, tx, multi.ID, finance.PerformanceInput{On: d27(1, 10), Amount: 200_000, Document: "SZLA-2027-1"}, certifier)
		return err
	})
	c.refused("beyond the rolled part", "beyond_commitment", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, multi.ID, finance.PerformanceInput{On: d27(1, 11), Amount: 50_001, Document: "SZLA-2027-2"}, certifier)
		return err
	})
	c.refused("a year not rolled into", "bad_date", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, single.ID, finance.PerformanceInput{On: d27(1, 11), Amount: 1_000, Document: "SZLA-2027-3"}, certifier)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		if _, err := c.s.Validate(ctx, tx, multi.ID, perf.ID, validator); err != nil {
			return err
		}
		if _, err := c.s.Order(ctx, tx, multi.ID, perf.ID, orderer); err != nil {
			return err
		}
		_, err := c.s.Pay(ctx, tx, multi.ID, perf.ID, d27(1, 12), drafter)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		st, err := finance.LineStatus(ctx, tx, c.e.ID, 2027, finance.LineKey{Rovat: "K334", Funkcio: "064010"})
		if err == nil && (st.Performance != 200_000 || st.OpenCommitment != 50_000) {
			t.Errorf("2027 after the payment: performance %s, open commitment %s", st.Performance, st.OpenCommitment)
		}
		cm, err2 := finance.CommitmentByID(ctx, tx, multi.ID)
		if err2 == nil && (cm.OpenIn(2027) != 50_000 || cm.Open() != 300_000 || len(cm.Rolled) != 1) {
			t.Errorf("open parts: 2027 %s, own year %s, rolled %v", cm.OpenIn(2027), cm.Open(), cm.Rolled)
		}
		list, err3 := finance.Commitments(ctx, tx, c.e.ID, 2027)
		if err3 == nil && (len(list) != 1 || list[0].ID != multi.ID) {
			t.Errorf("2027's commitments list %d, want the rolled one", len(list))
		}
		return errors.Join(err, err2, err3)
	})

	// A closed January refuses the roll of 2028, and writes nothing.
	c.s.Now = func() time.Time { return time.Date(2028, 2, 1, 8, 0, 0, 0, time.UTC) }
	c.do(func(ctx context.Context, tx bun.Tx) error { return c.s.ClosePeriod(ctx, tx, c.e.ID, 2028, 1, "jegyzo") })
	if _, err := c.roll(2028, false); code(err) != "period_closed" {
		t.Errorf("closed January: %v", err)
	}
	c.do(func(ctx context.Context, tx bun.Tx) error {
		rs, err := finance.CommitmentRolls(ctx, tx, c.e.ID, 2028)
		if len(rs) != 0 {
			t.Errorf("a refused roll recorded %d", len(rs))
		}
		return err
	})
	if err := c.in(aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.RollCommitments(ctx, tx, c.e.ID, 2027, false, "x")
		return err
	}); code(err) != "no_entity" {
		t.Errorf("other tenant: %v", err)
	}
}

func TestWrittenCommitmentThreshold(t *testing.T) {
	c := newChain(t)
	draft := func(doc string, years ...finance.CommitmentYear) error {
		return c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := c.s.DraftCommitment(ctx, tx, c.e.ID, finance.CommitmentInput{On: d26(3, 2), Rovat: "K334", Funkcio: "064010", Partner: "Kis Bolt", Subject: "Izzók",
				Document: doc, Years: years}, drafter)
			return err
		})
	}
	if err := draft("", finance.CommitmentYear{Year: 2026, Amount: 199_999}); err != nil {
		t.Errorf("under the threshold without a document: %v", err)
	}
	if err := draft("", finance.CommitmentYear{Year: 2026, Amount: 200_000}); code(err) != "document_required" {
		t.Errorf("at the threshold without a document: %v", err)
	}
	if err := draft("", finance.CommitmentYear{Year: 2026, Amount: 150_000}, finance.CommitmentYear{Year: 2027, Amount: 150_000}); code(err) != "document_required" {
		t.Errorf("multi-year over the threshold in total: %v", err)
	}
	if err := draft("MR-4/2026", finance.CommitmentYear{Year: 2026, Amount: 900_000}); err != nil {
		t.Errorf("with a document: %v", err)
	}
	// The threshold is a setting.
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.SetControlSettings(ctx, tx, finance.ControlSettings{TaxRevenueFunkcio: "900020", WrittenCommitmentLimit: 100_000}, "jegyzo")
		return err
	})
	if err := draft("", finance.CommitmentYear{Year: 2026, Amount: 150_000}); code(err) != "document_required" {
		t.Errorf("lowered threshold: %v", err)
	}
	if err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.SetControlSettings(ctx, tx, finance.ControlSettings{TaxRevenueFunkcio: "90002", WrittenCommitmentLimit: 100_000}, "jegyzo")
		return err
	}); code(err) != "bad_funkcio" {
		t.Errorf("bad funkció setting: %v", err)
	}
	if err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.SetControlSettings(ctx, tx, finance.ControlSettings{TaxRevenueFunkcio: "900020", WrittenCommitmentLimit: -1}, "jegyzo")
		return err
	}); code(err) != "bad_limit" {
		t.Errorf("negative threshold: %v", err)
	}
	// Changed again (the update path): back over the 150 000 draft.
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.SetControlSettings(ctx, tx, finance.ControlSettings{TaxRevenueFunkcio: "900020", WrittenCommitmentLimit: 300_000}, "jegyzo")
		return err
	})
	if err := draft("", finance.CommitmentYear{Year: 2026, Amount: 150_000}); err != nil {
		t.Errorf("raised threshold: %v", err)
	}
	// Another tenant keeps the default.
	if err := c.in(aba, func(ctx context.Context, tx bun.Tx) error {
		s, err := finance.ControlSettingsOf(ctx, tx)
		if err == nil && s.WrittenCommitmentLimit != finance.DefaultWrittenCommitmentLimit {
			t.Errorf("other tenant's settings: %+v", s)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
