package tax

import (
	"testing"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
)

// ledger is a taxpayer's postings in memory, with the operations of the
// service done the way the service does them (transfer, refund,
// write-off as postings), for the property test.
type ledger struct {
	t   *testing.T
	ps  []Posting
	on  hu.Date
	day func(b byte) hu.Date
}

var propertyTypes = []string{"epitmenyado", "kommunalis_ado", InterestTaxType}

func (l *ledger) add(taxType, side string, amount hu.Forint, on hu.Date, kind, ref string) Posting {
	p := Posting{ID: uuid.Must(uuid.NewV7()), TaxType: taxType, Side: side, Amount: amount, On: on, Kind: kind, Reference: ref}
	l.ps = append(l.ps, p)
	return p
}

func (l *ledger) accounts() map[string]Account {
	out := map[string]Account{}
	for _, tt := range propertyTypes {
		var ps []Posting
		for _, p := range l.ps {
			if p.TaxType == tt {
				ps = append(ps, p)
			}
		}
		a, err := computeAccount(tt, ps, l.on)
		if err != nil {
			l.t.Fatal(err)
		}
		out[tt] = a
	}
	return out
}

// check is the invariant every account keeps whatever happened: the
// balance is credits minus debits, each credit is spent on debits or is
// overpayment, each debit is paid or open, nothing is negative, and no
// allocation takes more than its credit or its debit.
func (l *ledger) check(as map[string]Account) {
	l.t.Helper()
	for tt, a := range as {
		var credits, debits hu.Forint
		reversed := map[uuid.UUID]bool{}
		for _, p := range a.Postings {
			if p.Reverses != nil {
				reversed[p.ID], reversed[*p.Reverses] = true, true
			}
		}
		for _, p := range a.Postings {
			// A credit dated after the day has not arrived yet.
			if reversed[p.ID] || p.Side == Credit && p.On.After(a.On) {
				continue
			}
			if p.Side == Credit {
				credits += p.Amount
			} else {
				debits += p.Amount
			}
		}
		var paid hu.Forint
		for _, d := range a.Debits {
			if d.Open < 0 || d.Paid < 0 || d.Paid+d.Open != d.Amount || d.Interest < 0 {
				l.t.Fatalf("%s: debit %+v", tt, d)
			}
			paid += d.Paid
		}
		byCredit, byDebit := map[uuid.UUID]hu.Forint{}, map[uuid.UUID]hu.Forint{}
		for _, al := range a.Allocations {
			if al.Amount <= 0 {
				l.t.Fatalf("%s: allocation %+v", tt, al)
			}
			byCredit[al.Credit] += al.Amount
			byDebit[al.Debit] += al.Amount
		}
		for _, p := range a.Postings {
			if byCredit[p.ID] > p.Amount || byDebit[p.ID] > p.Amount {
				l.t.Fatalf("%s: %s allocated beyond its amount", tt, p.ID)
			}
		}
		if a.CreditTotal != credits || a.DebitTotal != debits || a.Balance() != credits-debits ||
			paid+a.Overpayment != credits || paid+a.Arrears+a.NotYetDue != debits || a.Overpayment < 0 {
			l.t.Fatalf("%s does not balance: credits %d debits %d paid %d over %d arrears %d not due %d", tt, credits, debits, paid, a.Overpayment, a.Arrears, a.NotYetDue)
		}
		if a.Overpayment > 0 && a.Arrears+a.NotYetDue > 0 {
			l.t.Fatalf("%s: overpayment %d beside open debits %d", tt, a.Overpayment, a.Arrears+a.NotYetDue)
		}
	}
}

func total(as map[string]Account) (bal hu.Forint) {
	for _, a := range as {
		bal += a.Balance()
	}
	return bal
}

// Over random postings, reversals, interest charges, transfers, refunds
// and write-offs, every account balances; a transfer keeps the total
// balance; a refund takes exactly its amount from the overpayment; a
// write-off closes the debit it names and no other.
func FuzzCollectionLedger(f *testing.F) {
	f.Add([]byte{0, 10, 3, 1, 1, 50, 9, 3, 0, 1, 2, 4, 0, 5, 5, 0, 2, 1})
	f.Add([]byte{0, 200, 1, 0, 0, 100, 2, 1, 1, 255, 40, 0, 3, 0, 9, 0, 4, 0, 1, 5, 1, 2, 2, 7})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 300 {
			return
		}
		base := hu.Date{Year: 2020, Month: 1, Day: 1}
		l := &ledger{t: t, on: base.AddDays(1500)}
		next := func() byte {
			if len(ops) == 0 {
				return 0
			}
			b := ops[0]
			ops = ops[1:]
			return b
		}
		for len(ops) > 0 {
			op, tt := next()%7, propertyTypes[int(next())%len(propertyTypes)]
			amount := hu.Forint(next())*997 + 1
			day := base.AddDays(int(next()) * 7)
			switch op {
			case 0, 6:
				l.add(tt, Debit, amount, day, "assessment", "")
			case 1:
				l.add(tt, Credit, amount, day, "payment", "")
			case 2: // reverse a posting that is neither reversed nor a reversal
				reversed := map[uuid.UUID]bool{}
				for _, p := range l.ps {
					if p.Reverses != nil {
						reversed[p.ID], reversed[*p.Reverses] = true, true
					}
				}
				var cands []Posting
				for _, p := range l.ps {
					if !reversed[p.ID] {
						cands = append(cands, p)
					}
				}
				if len(cands) == 0 {
					continue
				}
				orig := cands[int(amount)%len(cands)]
				side := Credit
				if orig.Side == Credit {
					side = Debit
				}
				p := l.add(orig.TaxType, side, orig.Amount, orig.On, "reversal", "")
				l.ps[len(l.ps)-1].Reverses = &orig.ID
				_ = p
			case 3: // transfer up to the overpayment to another type
				before := l.accounts()
				over := before[tt].Overpayment
				if over == 0 {
					continue
				}
				x := min(amount, over)
				to := propertyTypes[(int(amount)+1)%len(propertyTypes)]
				if to == tt {
					to = propertyTypes[(int(amount)+2)%len(propertyTypes)]
				}
				ref := TransferReference(uuid.Must(uuid.NewV7()))
				l.add(tt, Debit, x, l.on, "transfer_out", ref)
				l.add(to, Credit, x, l.on, "transfer_in", ref)
				after := l.accounts()
				if total(after) != total(before) || after[tt].Overpayment != over-x {
					t.Fatalf("transfer of %d: total %d → %d, overpayment %d → %d", x, total(before), total(after), over, after[tt].Overpayment)
				}
			case 4: // refund up to the overpayment
				before := l.accounts()
				over := before[tt].Overpayment
				if over == 0 {
					continue
				}
				x := min(amount, over)
				l.add(tt, Debit, x, l.on, "refund", "kiutalas:x")
				after := l.accounts()
				if after[tt].Overpayment != over-x || after[tt].Arrears != before[tt].Arrears || after[tt].NotYetDue != before[tt].NotYetDue {
					t.Fatalf("refund of %d: before %+v after %+v", x, before[tt], after[tt])
				}
			case 5: // write off the open part of a due debit
				before := l.accounts()
				var open []DebitState
				for _, d := range before[tt].Debits {
					if d.Open > 0 && !d.On.After(l.on) {
						open = append(open, d)
					}
				}
				if len(open) == 0 {
					continue
				}
				d := open[int(amount)%len(open)]
				l.add(tt, Credit, d.Open, l.on, WriteOffKind, WriteOffReference(d.ID))
				after := l.accounts()
				for _, a := range after[tt].Debits {
					var was hu.Forint
					for _, b := range before[tt].Debits {
						if b.ID == a.ID {
							was = b.Open
						}
					}
					if a.ID == d.ID && a.Open != 0 || a.ID != d.ID && a.Open != was {
						t.Fatalf("write-off of %s: debit %s open %d → %d", d.ID, a.ID, was, a.Open)
					}
				}
			}
			l.check(l.accounts())
		}
	})
}
