package tax

import (
	"testing"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
)

func date(s string) hu.Date {
	d, err := hu.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func post(side string, amount hu.Forint, on string) Posting {
	return Posting{ID: uuid.Must(uuid.NewV7()), TaxType: "epitmenyado", Side: side, Amount: amount, On: date(on), TaxYear: 2025}
}

func TestOldestDueFirst(t *testing.T) {
	first, second := post(Debit, 50_000, "2025-03-17"), post(Debit, 50_000, "2025-09-15")
	pay := post(Credit, 60_000, "2025-03-10")
	a, err := computeAccount("epitmenyado", []Posting{second, pay, first}, date("2025-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Debits[0].ID != first.ID || a.Debits[0].Open != 0 || a.Debits[1].Open != 40_000 {
		t.Errorf("allocation: %+v", a.Debits)
	}
	if a.Arrears != 0 || a.NotYetDue != 40_000 || a.Overpayment != 0 || a.Balance() != -40_000 || a.Interest != 0 {
		t.Errorf("account: arrears %d, not due %d, over %d, balance %d, interest %d", a.Arrears, a.NotYetDue, a.Overpayment, a.Balance(), a.Interest)
	}
}

func TestSameDueDateProRata(t *testing.T) {
	small, large := post(Debit, 10_000, "2025-03-17"), post(Debit, 30_000, "2025-03-17")
	a, err := computeAccount("x", []Posting{small, large, post(Credit, 20_000, "2025-03-17")}, date("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Debits[0].Paid+a.Debits[1].Paid != 20_000 || a.Debits[0].Paid != 5_000 || a.Debits[1].Paid != 15_000 {
		t.Errorf("pro rata: %d and %d", a.Debits[0].Paid, a.Debits[1].Paid)
	}
	// Forints that do not divide go to the largest remainders; the shares
	// always add up.
	ones := []Posting{post(Debit, 1, "2025-03-17"), post(Debit, 1, "2025-03-17"), post(Debit, 1, "2025-03-17"), post(Credit, 2, "2025-03-17")}
	a, _ = computeAccount("x", ones, date("2025-03-17"))
	var paid hu.Forint
	for _, d := range a.Debits {
		paid += d.Paid
	}
	if paid != 2 || a.Arrears != 1 {
		t.Errorf("indivisible: paid %d, arrears %d", paid, a.Arrears)
	}
}

func TestOverpaymentReversalAndInterest(t *testing.T) {
	// The brief's example 1: 150,000 Ft due 2025-09-15, credited
	// 2025-11-14: 2,790 Ft interest; 10,000 Ft more paid is overpayment.
	debt := post(Debit, 150_000, "2025-09-15")
	pay := post(Credit, 160_000, "2025-11-14")
	a, err := computeAccount("x", []Posting{debt, pay}, date("2025-11-20"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Interest != 2790 || a.Overpayment != 10_000 || a.Arrears != 0 || a.Balance() != 10_000 {
		t.Errorf("interest %d, overpayment %d, arrears %d", a.Interest, a.Overpayment, a.Arrears)
	}
	// Still unpaid: interest runs to the day the account is read.
	a, _ = computeAccount("x", []Posting{debt}, date("2025-11-14"))
	if a.Interest != 2790 || a.Arrears != 150_000 {
		t.Errorf("unpaid: interest %d, arrears %d", a.Interest, a.Arrears)
	}
	// Paid in time: no interest, even when read later.
	a, _ = computeAccount("x", []Posting{debt, post(Credit, 150_000, "2025-09-15")}, date("2026-01-01"))
	if a.Interest != 0 {
		t.Errorf("paid in time: interest %d", a.Interest)
	}
	// A reversed debit and its reversal both drop out.
	wrong := post(Debit, 99_000, "2025-03-17")
	rev := post(Credit, 99_000, "2025-03-17")
	rev.Reverses = &wrong.ID
	a, _ = computeAccount("x", []Posting{wrong, rev, debt}, date("2025-09-15"))
	if a.DebitTotal != 150_000 || a.CreditTotal != 0 || len(a.Debits) != 1 || len(a.Postings) != 3 {
		t.Errorf("reversal: debits %d, credits %d, %d debit lines", a.DebitTotal, a.CreditTotal, len(a.Debits))
	}
	// A credit dated after the day read is not counted yet.
	a, _ = computeAccount("x", []Posting{debt, post(Credit, 150_000, "2025-12-01")}, date("2025-11-14"))
	if a.CreditTotal != 0 || a.Arrears != 150_000 {
		t.Errorf("future credit: credits %d, arrears %d", a.CreditTotal, a.Arrears)
	}
}

// Whatever the postings, the allocations never exceed either side, and
// arrears + not yet due + paid = debits.
func FuzzAccount(f *testing.F) {
	f.Add(int64(50_000), int64(50_000), int64(60_000), 0, 180, 10)
	f.Fuzz(func(t *testing.T, d1, d2, c int64, day1, day2, payDay int) {
		if d1 <= 0 || d2 <= 0 || c <= 0 || d1 > 1e12 || d2 > 1e12 || c > 1e12 || day1 < 0 || day2 < 0 || payDay < 0 || day1 > 3000 || day2 > 3000 || payDay > 3000 {
			return
		}
		base := date("2020-01-01")
		p := func(side string, amt int64, day int) Posting {
			return Posting{ID: uuid.Must(uuid.NewV7()), Side: side, Amount: hu.Forint(amt), On: base.AddDays(day)}
		}
		a, err := computeAccount("x", []Posting{p(Debit, d1, day1), p(Debit, d2, day2), p(Credit, c, payDay)}, base.AddDays(3000))
		if err != nil {
			t.Fatal(err)
		}
		var paid hu.Forint
		for _, d := range a.Debits {
			paid += d.Paid
			if d.Open < 0 || d.Paid < 0 {
				t.Fatalf("negative: %+v", d)
			}
		}
		if paid+a.Overpayment != a.CreditTotal || paid+a.Arrears+a.NotYetDue != a.DebitTotal || a.Interest < 0 {
			t.Fatalf("does not add up: paid %d over %d credits %d arrears %d notdue %d debits %d", paid, a.Overpayment, a.CreditTotal, a.Arrears, a.NotYetDue, a.DebitTotal)
		}
	})
}
