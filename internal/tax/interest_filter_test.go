package tax

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

// A run recomputing everyone that leaves out those interestMayAccrue
// rules out posts exactly what a run reading every taxpayer would: after
// it, on random ledgers (paid on time, early, late, in parts, overpaid,
// with reversals, write-offs, refunds, several tax types, due dates on
// rest days), a run reading everyone posts nothing, and who was left out
// owes nothing.
func TestInterestFilterLeavesOutOnlyThoseWithoutInterest(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }}
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 9))
	on := hu.Date{Year: 2026, Month: 6, Day: 1}
	in := func(fn func(ctx context.Context, tx bun.Tx) error) {
		t.Helper()
		if err := d.InTenant(ctx, "11730", fn); err != nil {
			t.Fatal(err)
		}
	}
	tps := interestTestLedger(t, s, in, r, 60)
	var ruledIn map[uuid.UUID]bool
	in(func(ctx context.Context, tx bun.Tx) error {
		if n := checkLateDays(t, ctx, tx); n < 60 {
			t.Errorf("only %d accounts", n)
		}
		var err error
		ruledIn, err = interestMayAccrue(ctx, tx, on)
		return err
	})
	if len(ruledIn) == 0 || len(ruledIn) == len(tps) {
		t.Fatalf("%d of %d ruled in: the ledger does not test the filter", len(ruledIn), len(tps))
	}
	in(func(ctx context.Context, tx bun.Tx) error {
		for _, tp := range tps {
			if ruledIn[tp.ID] {
				continue
			}
			accounts, err := s.Accounts(ctx, tx, tp.ID, on)
			if err != nil {
				return err
			}
			for _, a := range accounts {
				if !noInterest[a.TaxType] && (a.Interest != 0 || a.Arrears != 0) {
					t.Errorf("%s %s left out, with interest %d and arrears %d", tp.TaxID, a.TaxType, a.Interest, a.Arrears)
				}
			}
		}
		res, err := s.PostInterest(ctx, tx, on, "t")
		if err == nil && res.Postings == 0 {
			t.Error("the run posted nothing")
		}
		return err
	})
	full := func(day hu.Date) {
		t.Helper()
		in(func(ctx context.Context, tx bun.Tx) error {
			res, err := s.postInterest(ctx, tx, nil, day, "t", true)
			if res.Postings != 0 {
				t.Errorf("%s: a run reading everyone posted %d more: %+v", day, res.Postings, res)
			}
			return err
		})
	}
	full(on)
	// Debits with interest posted are reversed: a run for an earlier day
	// (which recomputes everyone) must take their interest back, though
	// nothing else of those taxpayers is late any more.
	in(func(ctx context.Context, tx bun.Tx) error {
		var charged []Posting
		if err := tx.NewSelect().Model(&charged).Where("kind = ? AND side = ?", "kesedelmi_potlek", Debit).Order("id").Limit(8).Scan(ctx); err != nil {
			return err
		}
		for _, p := range charged {
			id, err := uuid.Parse(p.Reference)
			if err != nil {
				return err
			}
			if _, err := s.Reverse(ctx, tx, id, "téves", "t"); err != nil {
				return err
			}
		}
		res, err := s.PostInterest(ctx, tx, on.AddDays(-1), "t")
		if err == nil && res.Reduced == 0 {
			t.Error("no interest taken back")
		}
		checkLateDays(t, ctx, tx)
		return err
	})
	full(on.AddDays(-1))
}

// interestFilterTaxID is a valid adóazonosító jel made from n.
func interestFilterTaxID(n int) string {
	for p := 800_000_000 + n*10; ; p++ {
		id := fmt.Sprint(p)
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(id[i]-'0') * (i + 1)
		}
		if sum%11 != 10 {
			return id + fmt.Sprint(sum%11)
		}
	}
}

// interestTestLedger registers n taxpayers with random accounts of up to
// three tax types: debits paid on time, early, late, in part or more,
// some reversed, written off in part or refunded.
func interestTestLedger(t *testing.T, s *Service, in func(func(ctx context.Context, tx bun.Tx) error), r *rand.Rand, n int) []Taxpayer {
	t.Helper()
	var tps []Taxpayer
	in(func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < n; i++ {
			tp, err := s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: interestFilterTaxID(i), Name: fmt.Sprint("adózó ", i)}, "t")
			if err != nil {
				return err
			}
			tps = append(tps, tp)
			for _, tt := range []string{"epitmenyado", "kommunalis_ado", "onellenorzesi_potlek"}[:1+r.IntN(3)] {
				post := func(side string, amount hu.Forint, day hu.Date, kind, ref string) (Posting, error) {
					return s.Post(ctx, tx, PostingInput{TaxpayerID: tp.ID, TaxType: tt, Side: side, Amount: amount, On: day, TaxYear: day.Year, Kind: kind, Reference: ref}, "t")
				}
				habit := r.IntN(4) // 0, 1: on time or early; 2: late; 3: anything
				for k := 1 + r.IntN(4); k > 0; k-- {
					due := hu.Date{Year: 2023, Month: 1, Day: 1}.AddDays(r.IntN(1300))
					amount := hu.Forint(1000 + r.IntN(50_000))
					dp, err := post(Debit, amount, due, "kivetés", "")
					if err != nil {
						return err
					}
					var paid hu.Date
					switch habit {
					case 0, 1:
						paid = due.AddDays(-r.IntN(30))
					case 2:
						paid = due.AddDays(1 + r.IntN(300))
					default:
						paid = due.AddDays(r.IntN(400) - 200)
					}
					part := amount
					if r.IntN(4) == 0 {
						part = amount + hu.Forint(r.IntN(5000)) - 2500 // over- or underpaid
					}
					cp, err := post(Credit, part, paid, "befizetés", "")
					if err != nil {
						return err
					}
					switch r.IntN(12) {
					case 0:
						if _, err := s.Reverse(ctx, tx, dp.ID, "téves", "t"); err != nil {
							return err
						}
					case 1:
						if _, err := s.Reverse(ctx, tx, cp.ID, "téves", "t"); err != nil {
							return err
						}
					case 2:
						if _, err := post(Credit, amount/2, due.AddDays(r.IntN(200)), WriteOffKind, WriteOffReference(dp.ID)); err != nil {
							return err
						}
					case 3:
						if _, err := post(Debit, 1+amount/10, paid.AddDays(r.IntN(60)), "kiutalás", ""); err != nil { // a refund
							return err
						}
					}
				}
			}
		}
		return nil
	})
	return tps
}

// Month after month, with some taxpayers paying, falling due, having
// postings reversed (their interest too) in between, the runs that carry
// the interest of those with nothing new on from the last run post
// exactly what a run settling everyone would: after each, such a run
// posts nothing.
func TestInterestCarryMissesNothing(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }}
	ctx := context.Background()
	r := rand.New(rand.NewPCG(8, 1))
	errRollback := fmt.Errorf("rolled back")
	in := func(fn func(ctx context.Context, tx bun.Tx) error) {
		t.Helper()
		if err := d.InTenant(ctx, "11730", fn); err != nil && err != errRollback {
			t.Fatal(err)
		}
	}
	tps := interestTestLedger(t, s, in, r, 40)
	defer func(m time.Duration) { changeMargin = m }(changeMargin)
	changeMargin = 0
	day := hu.Date{Year: 2026, Month: 6, Day: 1}
	carriedAll := 0
	for month := 0; month < 5; month++ {
		if month > 0 {
			time.Sleep(3 * time.Millisecond) // identifiers after the last run's
			in(func(ctx context.Context, tx bun.Tx) error {
				for _, tp := range tps {
					if r.IntN(5) != 0 {
						continue
					}
					var ps []Posting
					if err := tx.NewSelect().Model(&ps).Where("taxpayer_id = ?", tp.ID).Order("id").Scan(ctx); err != nil {
						return err
					}
					p := ps[r.IntN(len(ps))]
					var err error
					switch r.IntN(4) {
					case 0: // a payment, dated within the last months
						_, err = s.Post(ctx, tx, PostingInput{TaxpayerID: tp.ID, TaxType: "epitmenyado", Side: Credit, Amount: hu.Forint(1 + r.IntN(30_000)), On: day.AddDays(-r.IntN(90)), TaxYear: 2026, Kind: "befizetés"}, "t")
					case 1: // a debit falling due after the run
						_, err = s.Post(ctx, tx, PostingInput{TaxpayerID: tp.ID, TaxType: "kommunalis_ado", Side: Debit, Amount: hu.Forint(1000 + r.IntN(30_000)), On: day.AddDays(1 + r.IntN(40)), TaxYear: 2026, Kind: "kivetés"}, "t")
					default: // any posting reversed, interest included
						if p.Reverses == nil {
							if _, rerr := s.Reverse(ctx, tx, p.ID, "téves", "t"); rerr != nil && !isProblem(rerr) {
								err = rerr
							}
						}
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			day = day.AddDays(30)
			now = now.Add(30 * 24 * time.Hour)
		}
		in(func(ctx context.Context, tx bun.Tx) error {
			last, changed, _, err := interestChanges(ctx, tx, day)
			if err != nil || last == nil {
				return err
			}
			carried, _, err := interestCarry(ctx, tx, last, changed, last.ID, day)
			carriedAll += len(carried)
			return err
		})
		in(func(ctx context.Context, tx bun.Tx) error {
			_, err := s.PostInterest(ctx, tx, day, "t")
			return err
		})
		in(func(ctx context.Context, tx bun.Tx) error {
			res, err := s.postInterest(ctx, tx, nil, day, "t", true)
			if err != nil {
				return err
			}
			if res.Postings != 0 {
				t.Errorf("%s: a run settling everyone posted %d more: %+v", day, res.Postings, res)
			}
			return errRollback
		})
	}
	if carriedAll < 10 {
		t.Errorf("only %d taxpayers' interest carried on: the test does not test carrying", carriedAll)
	}
}

func isProblem(err error) bool {
	var p *Problem
	return errors.As(err, &p)
}
