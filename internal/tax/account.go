package tax

import (
	"math/big"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax/interest"
)

// Taxpayer is an adózó of the municipality: a natural person with an
// adóazonosító jel or an organisation with an adószám.
type Taxpayer struct {
	bun.BaseModel `bun:"table:tax_taxpayers,alias:tp"`
	db.TenantScoped

	ID        uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	Kind      string    `bun:"kind" json:"kind"` // person | organisation
	TaxID     string    `bun:"tax_id" json:"tax_id"`
	Name      string    `bun:"name" json:"name"`
	Address   string    `bun:"address" json:"address"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`
}

// Sides of a posting.
const (
	Debit  = "debit"  // előírás: the taxpayer owes, from its due date
	Credit = "credit" // jóváírás: paid or reduced, on its value date
)

// Posting is one line of a taxpayer's account of one tax type. Postings
// are never changed: a wrong one is reversed by a posting of the other
// side that names it.
type Posting struct {
	bun.BaseModel `bun:"table:tax_postings,alias:ps"`
	db.TenantScoped

	ID         uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	TaxpayerID uuid.UUID  `bun:"taxpayer_id,type:uuid" json:"taxpayer_id"`
	TaxType    string     `bun:"tax_type" json:"tax_type"`
	Side       string     `bun:"side" json:"side"`
	Amount     hu.Forint  `bun:"amount" json:"amount"`
	On         hu.Date    `bun:"on_date" json:"on"` // due date of a debit, value date of a credit
	TaxYear    int        `bun:"tax_year" json:"tax_year"`
	Kind       string     `bun:"kind" json:"kind"` // what it is: assessment, payment, reduction…
	Reference  string     `bun:"reference" json:"reference"`
	Note       string     `bun:"note" json:"note"`
	Reverses   *uuid.UUID `bun:"reverses,type:uuid" json:"reverses,omitempty"`
	PostedAt   time.Time  `bun:"posted_at" json:"posted_at"`
	PostedBy   string     `bun:"posted_by" json:"posted_by"`
}

// Allocation says how much of a credit settled a debit.
type Allocation struct {
	Credit, Debit uuid.UUID
	On            hu.Date // the credit's value date
	Amount        hu.Forint
}

// DebitState is a debit with what is still open of it on the day the
// account is read, and the interest accrued on it so far.
type DebitState struct {
	Posting
	Paid     hu.Forint
	Open     hu.Forint
	Due      bool      // its due date has passed (or is today)
	Interest hu.Forint // késedelmi pótlék accrued up to the day, not yet posted
}

// Account is a taxpayer's account of one tax type on a day (adószámla,
// domain brief §A.6).
type Account struct {
	TaxType  string
	On       hu.Date
	Postings []Posting // all, in order, reversals included
	Debits   []DebitState
	// Allocations is how the credits settled the debits.
	Allocations []Allocation
	DebitTotal  hu.Forint // of the debits in force
	CreditTotal hu.Forint // of the credits in force
	Arrears     hu.Forint // open and already due (hátralék)
	NotYetDue   hu.Forint // open, due later
	Overpayment hu.Forint // credit not used (túlfizetés)
	Interest    hu.Forint // accrued, not posted
}

// Balance is credits minus debits: negative is a debt.
func (a Account) Balance() hu.Forint { return a.CreditTotal - a.DebitTotal }

// computeAccount settles the credits against the debits of one tax type
// as the law and practice require (§A.6): each credit, in value-date
// order, pays the open debits oldest due date first; debits falling due
// on the same day share it pro rata; what no debit takes is overpayment.
// Reversed postings and their reversals are left out. Interest runs on
// each debit from the day after its due date on what is still open each
// day, up to on (Art. 209. §, package interest).
func computeAccount(taxType string, ps []Posting, on hu.Date) (Account, error) {
	return computeAccountWith(taxType, ps, on, true)
}

// computeAccountWith is computeAccount, without the interest when
// withInterest is false: the write-off run and the reports need only what
// is open, and interest over years of old debts is most of the work.
func computeAccountWith(taxType string, ps []Posting, on hu.Date, withInterest bool) (Account, error) {
	a := Account{TaxType: taxType, On: on, Postings: ps}
	reversed := map[uuid.UUID]bool{}
	for _, p := range ps {
		if p.Reverses != nil {
			reversed[*p.Reverses] = true
			reversed[p.ID] = true
		}
	}
	var debits []*DebitState
	var credits []Posting
	for _, p := range ps {
		if reversed[p.ID] || p.On.After(on) && p.Side == Credit {
			continue
		}
		if p.Side == Debit {
			debits = append(debits, &DebitState{Posting: p, Open: p.Amount})
			a.DebitTotal += p.Amount
		} else {
			credits = append(credits, p)
			a.CreditTotal += p.Amount
		}
	}
	sort.SliceStable(debits, func(i, j int) bool { return debits[i].On.Before(debits[j].On) })
	sort.SliceStable(credits, func(i, j int) bool { return credits[i].On.Before(credits[j].On) })

	paidOn := map[uuid.UUID][]interest.Payment{}
	for _, c := range credits {
		left := c.Amount
		// A write-off (törlés) settles the debit it names first: it is
		// that debit that became time-barred, whatever the order.
		if c.Kind == WriteOffKind {
			for _, d := range debits {
				if WriteOffReference(d.ID) == c.Reference && d.Open > 0 {
					take := min(left, d.Open)
					d.Open -= take
					d.Paid += take
					a.Allocations = append(a.Allocations, Allocation{Credit: c.ID, Debit: d.ID, On: c.On, Amount: take})
					paidOn[d.ID] = append(paidOn[d.ID], interest.Payment{On: c.On, Amount: take})
					left -= take
				}
			}
		}
		for i := 0; i < len(debits) && left > 0; {
			// The group of open debits due on the same day as debits[i].
			j := i
			var groupOpen hu.Forint
			for ; j < len(debits) && debits[j].On == debits[i].On; j++ {
				groupOpen += debits[j].Open
			}
			if groupOpen == 0 {
				i = j
				continue
			}
			take := min(left, groupOpen)
			shares := proRata(take, debits[i:j])
			for k, d := range debits[i:j] {
				if shares[k] == 0 {
					continue
				}
				d.Open -= shares[k]
				d.Paid += shares[k]
				a.Allocations = append(a.Allocations, Allocation{Credit: c.ID, Debit: d.ID, On: c.On, Amount: shares[k]})
				paidOn[d.ID] = append(paidOn[d.ID], interest.Payment{On: c.On, Amount: shares[k]})
			}
			left -= take
			i = j
		}
		a.Overpayment += left
	}
	for _, d := range debits {
		d.Due = !d.On.After(on)
		if d.Open > 0 {
			if d.Due {
				a.Arrears += d.Open
			} else {
				a.NotYetDue += d.Open
			}
		}
		// Interest on what was late: each part paid after the due date,
		// and what is still open today.
		if withInterest && d.On.Before(on) && !noInterest[taxType] {
			var late []interest.Payment
			base := d.Amount
			for _, p := range paidOn[d.ID] {
				if p.On.After(d.On) {
					late = append(late, p)
				} else {
					base -= p.Amount // paid in time: no interest on it
				}
			}
			total, err := interest.LateTotal(base, d.On, on, late)
			if base == 0 {
				total, err = 0, nil
			}
			if err == nil {
				d.Interest = total
			} else if _, ok := err.(*interest.Problem); !ok {
				return Account{}, err
			}
		}
		a.Interest += d.Interest
		a.Debits = append(a.Debits, *d)
	}
	return a, nil
}

// proRata splits amount among the debits in proportion to what is open of
// each, in whole forints: the remainders go to the largest fractions
// first, so the shares add up exactly.
func proRata(amount hu.Forint, ds []*DebitState) []hu.Forint {
	var total hu.Forint
	for _, d := range ds {
		total += d.Open
	}
	shares := make([]hu.Forint, len(ds))
	if total == 0 {
		return shares
	}
	type frac struct {
		i   int
		rem int64
	}
	var given hu.Forint
	fracs := make([]frac, len(ds))
	t := big.NewInt(int64(total))
	for i, d := range ds {
		// amount·open can pass 2^63 for a large business tax: exact.
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(int64(d.Open))), t, new(big.Int))
		shares[i] = hu.Forint(q.Int64())
		fracs[i] = frac{i, r.Int64()}
		given += shares[i]
	}
	sort.SliceStable(fracs, func(x, y int) bool { return fracs[x].rem > fracs[y].rem })
	for k := 0; given < amount; k++ {
		shares[fracs[k%len(fracs)].i]++
		given++
	}
	return shares
}
