package tax

import (
	"context"
	"errors"
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

// The same property through the service and a real database: random
// postings, reversals, interest runs, transfers, refunds and write-offs
// (refused ones included, which must write nothing) leave every account
// balanced, and the balance of all accounts moves only by what was
// posted from outside (postings, interest, refunds, write-offs), never by
// a transfer.
func TestCollectionServiceProperty(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	ctx := context.Background()
	const tenant db.TenantID = "11730"
	day := hu.Date{Year: 2019, Month: 1, Day: 1}
	s := &Service{Now: func() time.Time { return day.Time().Add(9 * time.Hour) }}
	var tp Taxpayer
	if err := d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		tp, err = s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: "8123456786", Name: "Próba"}, "t")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	types := []string{"epitmenyado", "kommunalis_ado", "birsag"}
	l := &ledger{t: t}
	accounts := func() map[string]Account {
		out := map[string]Account{}
		if err := d.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			as, err := s.Accounts(ctx, tx, tp.ID, day)
			for _, a := range as {
				out[a.TaxType] = a
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// do runs one operation; a refusal must change nothing.
	do := func(fn func(ctx context.Context, tx bun.Tx) error) bool {
		before := accounts()
		err := d.InTenant(ctx, tenant, fn)
		var p *Problem
		if errors.As(err, &p) {
			if after := accounts(); total(after) != total(before) || len(after) != len(before) {
				t.Fatalf("refusal %s changed the accounts", p.Code)
			}
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		return true
	}
	done := map[int]int{} // successful operations by kind
	r := rand.New(rand.NewPCG(7, 2026))
	var postings []uuid.UUID
	for step := 0; step < 200; step++ {
		day = day.AddDays(r.IntN(30))
		tt := types[r.IntN(len(types))]
		amount := hu.Forint(r.IntN(100)*1000 + 1)
		before := accounts()
		external := hu.Forint(0) // the change of the total balance expected, when known
		known := true
		op := r.IntN(8)
		do := func(fn func(ctx context.Context, tx bun.Tx) error) bool {
			ok := do(fn)
			if ok {
				done[op]++
			}
			return ok
		}
		switch op {
		case 0:
			do(func(ctx context.Context, tx bun.Tx) error {
				p, err := s.Post(ctx, tx, PostingInput{TaxpayerID: tp.ID, TaxType: tt, Side: Debit, Amount: amount, On: day.AddDays(r.IntN(60) - 20), TaxYear: day.Year}, "t")
				postings = append(postings, p.ID)
				return err
			})
			external = -amount
		case 1, 2: // payments outweigh debts, so overpayments arise to move and refund
			amount *= 2
			do(func(ctx context.Context, tx bun.Tx) error {
				p, err := s.Post(ctx, tx, PostingInput{TaxpayerID: tp.ID, TaxType: tt, Side: Credit, Amount: amount, On: day, TaxYear: day.Year}, "t")
				postings = append(postings, p.ID)
				return err
			})
			external = amount
		case 3:
			if len(postings) > 0 {
				id := postings[r.IntN(len(postings))]
				do(func(ctx context.Context, tx bun.Tx) error { _, err := s.Reverse(ctx, tx, id, "teszt", "t"); return err })
			}
			known = false
		case 4:
			do(func(ctx context.Context, tx bun.Tx) error { _, err := s.PostInterest(ctx, tx, day, "t"); return err })
			known = false
		case 5:
			to := ""
			if r.IntN(2) == 0 {
				to = types[r.IntN(len(types))]
			}
			do(func(ctx context.Context, tx bun.Tx) error {
				_, err := s.Transfer(ctx, tx, TransferInput{TaxpayerID: tp.ID, From: tt, To: to, Amount: amount * hu.Forint(r.IntN(2)), Reason: "teszt"}, "t")
				return err
			})
		case 6:
			if do(func(ctx context.Context, tx bun.Tx) error {
				_, err := s.Refund(ctx, tx, RefundInput{TaxpayerID: tp.ID, TaxType: tt, Amount: amount, BankAccount: "11773016-11111018"}, "t")
				return err
			}) {
				external = -amount
			}
		case 7:
			var res WriteOffResult
			if do(func(ctx context.Context, tx bun.Tx) error {
				var err error
				res, err = s.RunWriteOff(ctx, tx, day.Year-1, "", "t")
				return err
			}) {
				external = res.Total
			}
		}
		after := accounts()
		l.on = day
		l.check(after)
		if known && total(after) != total(before)+external {
			t.Fatalf("step %d: total balance %d → %d, expected a change of %d", step, total(before), total(after), external)
		}
	}
	for op := 0; op < 8; op++ {
		if done[op] == 0 {
			t.Errorf("operation %d never succeeded: the property was not tried on it (%v)", op, done)
		}
	}
	if total := done[5] + done[6] + done[7]; total < 3 {
		t.Errorf("too few transfers, refunds, write-offs: %v", done)
	}
}
