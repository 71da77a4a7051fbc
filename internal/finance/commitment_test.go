package finance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

func d26(m, d int) hu.Date { return hu.Date{Year: 2026, Month: time.Month(m), Day: d} }

// chain is an entity with a budget line K334/064010 of 1 000 000 Ft and
// one person designated per role (and "kettos" designated for every
// role, to try the four-eyes rules).
type chain struct {
	*fixture
	e finance.Entity
}

var (
	drafter     = finance.Actor{Username: "eloado", Name: "Előadó Edit"}
	countersign = finance.Actor{Username: "ellenjegyzo", Name: "Ellenjegyző Emma"}
	committer   = finance.Actor{Username: "polgarmester", Name: "Polgármester Péter"}
	certifier   = finance.Actor{Username: "szakmai", Name: "Szakmai Sándor"}
	validator   = finance.Actor{Username: "ervenyesito", Name: "Érvényesítő Éva"}
	orderer     = finance.Actor{Username: "utalvanyozo", Name: "Utalványozó Ubul"}
	both        = finance.Actor{Username: "kettos", Name: "Kettős Kata"}
)

func newChain(t *testing.T) *chain {
	f := newFixture(t)
	c := &chain{fixture: f, e: f.entity(orfu, "Orfű Község Önkormányzata", "064010", "011130")}
	if err := f.budget(orfu, finance.BudgetChange{Entity: c.e.ID, Year: 2026, Kind: finance.Original, On: d26(1, 2), Decision: "1/2026. (II. 12.) ör.",
		Lines: []finance.AppropriationInput{{LineKey: finance.LineKey{Rovat: "K334", Funkcio: "064010"}, Amount: 1_000_000}}}); err != nil {
		t.Fatal(err)
	}
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		for _, g := range []struct {
			who  finance.Actor
			role string
		}{{countersign, finance.RoleCountersign}, {committer, finance.RoleCommit}, {certifier, finance.RoleCertify}, {validator, finance.RoleValidate}, {orderer, finance.RoleOrder}} {
			if _, err := f.s.Designate(ctx, tx, c.e.ID, finance.DesignationInput{Username: g.who.Username, Role: g.role, ValidFrom: d26(1, 1), Decision: "jegyző 1/2026."}, "jegyzo"); err != nil {
				return err
			}
		}
		for _, r := range finance.Roles {
			if _, err := f.s.Designate(ctx, tx, c.e.ID, finance.DesignationInput{Username: both.Username, Role: r, ValidFrom: d26(1, 1), ValidTo: d26(12, 31), Decision: "jegyző 2/2026."}, "jegyzo"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *chain) draft(amount hu.Forint, partner string, later ...finance.CommitmentYear) finance.Commitment {
	c.t.Helper()
	var cm finance.Commitment
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		cm, err = c.s.DraftCommitment(ctx, tx, c.e.ID, finance.CommitmentInput{On: d26(3, 2), Rovat: "K334", Funkcio: "064010", Partner: partner, Subject: "Közvilágítás karbantartása",
			Document: "SZ-12/2026", Years: append([]finance.CommitmentYear{{Year: 2026, Amount: amount}}, later...)}, drafter)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return cm
}

// do runs a step and fails the test on an error.
func (c *chain) do(fn func(ctx context.Context, tx bun.Tx) error) {
	c.t.Helper()
	if err := c.in(orfu, fn); err != nil {
		c.t.Fatal(err)
	}
}

// written counts what a step may write: steps, entries, performances,
// invoices, audit entries.
func (c *chain) written() [5]int {
	c.t.Helper()
	var n [5]int
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		for i, m := range []any{(*finance.Step)(nil), (*finance.Entry)(nil), (*finance.Performance)(nil), (*finance.Invoice)(nil)} {
			k, err := db.Count(ctx, tx.NewSelect().Model(m))
			if err != nil {
				return err
			}
			n[i] = int(k)
		}
		es, err := audit.List(ctx, tx, orfu, audit.Filter{Limit: 500})
		n[4] = len(es)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

// refused runs fn in a transaction that is committed even though fn was
// refused, so a half-written step would show; it checks the code and
// that nothing was written.
func (c *chain) refused(name, want string, fn func(ctx context.Context, tx bun.Tx) error) *finance.Problem {
	c.t.Helper()
	before := c.written()
	var got error
	if err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error { got = fn(ctx, tx); return nil }); err != nil {
		c.t.Fatal(err)
	}
	if code(got) != want {
		c.t.Errorf("%s: want %s, got %v", name, want, got)
	}
	if after := c.written(); after != before {
		c.t.Errorf("%s: the refusal wrote something: %v → %v", name, before, after)
	}
	p, _ := got.(*finance.Problem)
	return p
}

func (c *chain) status() finance.Status {
	return line(c.report(orfu, finance.Scope{Entity: c.e.ID, Year: 2026}), "K334", "064010")
}

func TestTheChainOfACommitment(t *testing.T) {
	c := newChain(t)
	cm := c.draft(400_000, "Fényes Kft.", finance.CommitmentYear{Year: 2027, Amount: 400_000}, finance.CommitmentYear{Year: 2028, Amount: 300_000})
	if cm.State != finance.Drafted || cm.Amount() != 400_000 || len(cm.Future()) != 2 {
		t.Fatalf("draft %+v", cm)
	}
	// A draft reserves nothing.
	if st := c.status(); st.Free != 1_000_000 {
		t.Errorf("free after draft %d", st.Free)
	}
	// The chain's order: nothing before the countersignature.
	c.refused("commit before countersign", "wrong_state", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, cm.ID, committer)
		return err
	})
	c.refused("certify before commit", "wrong_state", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 1, Document: "x"}, certifier)
		return err
	})
	// Only a designated countersignatory countersigns.
	c.refused("countersign undesignated", "not_designated", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, cm.ID, committer)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, cm.ID, countersign)
		return err
	})
	// Ávr. 60. § (1): the countersignatory does not commit (kettos is
	// designated for both roles: countersign a second draft as kettos,
	// then try to commit it as kettos).
	cm2 := c.draft(100_000, "Másik Bt.")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, cm2.ID, both)
		return err
	})
	p := c.refused("committer = countersignatory", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, cm2.ID, both)
		return err
	})
	if p == nil || !strings.Contains(p.HU, "Ávr. 60. § (1)") || !strings.Contains(p.EN, "countersigned") {
		t.Errorf("message %+v", p)
	}
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, cm.ID, committer)
		return err
	})
	// Only this year's part uses this year's appropriation.
	if st := c.status(); st.Committed != 400_000 || st.Free != 600_000 {
		t.Errorf("after commit %+v", st)
	}
	// Performance beyond the open part is refused with the figures.
	p = c.refused("beyond commitment", "beyond_commitment", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 400_001, Document: "SZLA-1"}, certifier)
		return err
	})
	if p == nil || !strings.Contains(p.HU, hu.Forint(400_000).Grouped()) {
		t.Errorf("message %+v", p)
	}
	c.refused("certify undesignated", "not_designated", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 1, Document: "x"}, validator)
		return err
	})
	var perf finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		perf, err = c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 250_000, Document: "SZLA-2026-17"}, certifier)
		return err
	})
	// Ordering before validation is refused.
	c.refused("order before validate", "wrong_state", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Order(ctx, tx, cm.ID, perf.ID, orderer)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Validate(ctx, tx, cm.ID, perf.ID, both)
		return err
	})
	// Ávr. 60. § (1): the validator does not order the payment.
	c.refused("orderer = validator", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Order(ctx, tx, cm.ID, perf.ID, both)
		return err
	})
	c.refused("pay before order", "wrong_state", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Pay(ctx, tx, cm.ID, perf.ID, d26(3, 25), drafter)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Order(ctx, tx, cm.ID, perf.ID, orderer)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Pay(ctx, tx, cm.ID, perf.ID, d26(3, 25), drafter)
		return err
	})
	c.refused("paid twice", "wrong_state", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Pay(ctx, tx, cm.ID, perf.ID, d26(3, 25), drafter)
		return err
	})
	// Paid 250 000 of the 400 000 committed: the open commitment is 150 000.
	if st := c.status(); st.Performance != 250_000 || st.OpenCommitment != 150_000 || st.Free != 600_000 {
		t.Errorf("after payment %+v", st)
	}
	// The history names everyone.
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		got, err := finance.CommitmentByID(ctx, tx, cm.ID)
		if err != nil {
			return err
		}
		var steps []string
		for _, s := range got.Steps {
			steps = append(steps, s.Step+":"+s.By)
		}
		want := "draft:eloado countersign:ellenjegyzo commit:polgarmester certify:szakmai validate:kettos order:utalvanyozo pay:eloado"
		if strings.Join(steps, " ") != want {
			t.Errorf("steps %v", steps)
		}
		if got.Performances[0].State != finance.Paid || got.Open() != 150_000 {
			t.Errorf("performance %+v, open %d", got.Performances[0], got.Open())
		}
		es, err := audit.List(ctx, tx, orfu, audit.Filter{ObjectID: cm.ID.String(), Limit: 500})
		n := 0
		for _, e := range es {
			if strings.HasPrefix(e.Action, "finance.commitment_") && e.ObjectID == cm.ID.String() {
				n++
			}
		}
		if n != 7 {
			t.Errorf("%d audit entries of the commitment's steps", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another tenant sees none of it.
	err = c.d.InTenantRead(c.ctx, aba, func(ctx context.Context, tx bun.Tx) error {
		if _, err := finance.CommitmentByID(ctx, tx, cm.ID); code(err) != "no_commitment" {
			t.Errorf("Aba reads Orfű's commitment: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCountersignatureRefusesBeyondFreeAppropriation(t *testing.T) {
	c := newChain(t)
	big := c.draft(1_000_001, "Nagy Zrt.")
	p := c.refused("beyond free", "not_enough_free", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, big.ID, countersign)
		return err
	})
	if p == nil || !strings.Contains(p.HU, hu.Forint(1_000_000).Grouped()) || !strings.Contains(p.EN, "exceeds it by 1 Ft") {
		t.Errorf("message %+v", p)
	}
	// Two drafts each within the free appropriation, together beyond it:
	// the second commitment is refused at the commitment itself.
	a, b := c.draft(700_000, "A Kft."), c.draft(700_000, "B Kft.")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, a.ID, countersign)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, b.ID, countersign)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error { _, err := c.s.Commit(ctx, tx, a.ID, committer); return err })
	c.refused("second beyond free", "not_enough_free", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, b.ID, committer)
		return err
	})
	// Later years do not use this year's appropriation.
	multi := c.draft(300_000, "C Kft.", finance.CommitmentYear{Year: 2027, Amount: 5_000_000})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, multi.ID, countersign)
		return err
	})
}

func TestNobodyActsToTheirOwnBenefit(t *testing.T) {
	c := newChain(t)
	// Ávr. 60. § (2): the partner is the actor (by username or by name).
	own := c.draft(10_000, "Ellenjegyző Emma")
	c.refused("countersign own", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, own.ID, countersign)
		return err
	})
	mine := c.draft(10_000, "szakmai")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, mine.ID, countersign)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, mine.ID, committer)
		return err
	})
	c.refused("certify own", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, mine.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 10_000, Document: "x"}, certifier)
		return err
	})
	var perf finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		perf, err = c.s.Certify(ctx, tx, mine.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 10_000, Document: "x"}, both)
		return err
	})
	// The validator and the orderer on a matter to their benefit.
	own2 := c.draft(10_000, "ervenyesito")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, own2.ID, countersign)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, own2.ID, committer)
		return err
	})
	var perf2 finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		perf2, err = c.s.Certify(ctx, tx, own2.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 10_000, Document: "y"}, certifier)
		return err
	})
	c.refused("validate own", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Validate(ctx, tx, own2.ID, perf2.ID, validator)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Validate(ctx, tx, mine.ID, perf.ID, validator)
		return err
	})
	own3 := c.draft(10_000, "Utalványozó Ubul")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, own3.ID, countersign)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, own3.ID, committer)
		return err
	})
	var perf3 finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		perf3, err = c.s.Certify(ctx, tx, own3.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 10_000, Document: "z"}, certifier)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Validate(ctx, tx, own3.ID, perf3.ID, validator)
		return err
	})
	c.refused("order own", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Order(ctx, tx, own3.ID, perf3.ID, orderer)
		return err
	})
	// The committing own matter too.
	own4 := c.draft(10_000, "polgarmester")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, own4.ID, countersign)
		return err
	})
	c.refused("commit own", "incompatible", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, own4.ID, committer)
		return err
	})
}

func TestDesignations(t *testing.T) {
	c := newChain(t)
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		for name, tc := range map[string]struct {
			in   finance.DesignationInput
			code string
		}{
			"no role":      {finance.DesignationInput{Username: "x", ValidFrom: d26(1, 1), Decision: "d"}, "bad_role"},
			"no user":      {finance.DesignationInput{Role: finance.RoleCertify, ValidFrom: d26(1, 1), Decision: "d"}, "bad_username"},
			"no decision":  {finance.DesignationInput{Username: "x", Role: finance.RoleCertify, ValidFrom: d26(1, 1)}, "no_decision"},
			"no start":     {finance.DesignationInput{Username: "x", Role: finance.RoleCertify, Decision: "d"}, "bad_date"},
			"ends earlier": {finance.DesignationInput{Username: "x", Role: finance.RoleCertify, ValidFrom: d26(3, 1), ValidTo: d26(2, 1), Decision: "d"}, "bad_date"},
		} {
			if _, err := c.s.Designate(ctx, tx, c.e.ID, tc.in, "jegyzo"); code(err) != tc.code {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := c.s.Designate(ctx, tx, uuid.Must(uuid.NewV7()), finance.DesignationInput{Username: "x", Role: finance.RoleCertify, ValidFrom: d26(1, 1), Decision: "d"}, "jegyzo"); code(err) != "no_entity" {
			t.Errorf("no entity: %v", err)
		}
		// A designation that ended (or not yet started) does not count.
		if _, err := c.s.Designate(ctx, tx, c.e.ID, finance.DesignationInput{Username: "regi", Role: finance.RoleCountersign, ValidFrom: d26(1, 1), ValidTo: d26(3, 9), Decision: "d"}, "jegyzo"); err != nil {
			return err
		}
		_, err := c.s.Designate(ctx, tx, c.e.ID, finance.DesignationInput{Username: "uj", Role: finance.RoleCountersign, ValidFrom: d26(3, 11), Decision: "d"}, "jegyzo")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cm := c.draft(1000, "D Kft.")
	for _, who := range []string{"regi", "uj"} {
		p := c.refused("countersign by "+who, "not_designated", func(ctx context.Context, tx bun.Tx) error {
			_, err := c.s.Countersign(ctx, tx, cm.ID, finance.Actor{Username: who})
			return err
		})
		if p == nil || !strings.Contains(p.HU, "pénzügyi ellenjegyző") || !strings.Contains(p.EN, "financial countersignatory") {
			t.Errorf("message %+v", p)
		}
	}
	// Another tenant's designations do not count either: Aba cannot act
	// on Orfű's commitment at all.
	err = c.in(aba, func(ctx context.Context, tx bun.Tx) error {
		if _, err := c.s.Countersign(ctx, tx, cm.ID, countersign); code(err) != "no_commitment" {
			t.Errorf("Aba countersigns Orfű's: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fakeRegistrar numbers incoming documents like IRAT would, and can be
// told to refuse.
type fakeRegistrar struct {
	n      int
	refuse bool
}

func (r *fakeRegistrar) RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	if r.refuse {
		return "", &finance.Problem{Code: "no_book", HU: "Nincs nyitott iktatókönyv.", EN: "No open book."}
	}
	r.n++
	return book + "/" + strings.Repeat("1", r.n) + "/2026", nil
}

func TestIncomingInvoicesAgainstTheirCommitment(t *testing.T) {
	c := newChain(t)
	cm := c.draft(300_000, "Fényes Kft.")
	reg := &fakeRegistrar{}
	invoice := func(n string, amount hu.Forint, r finance.Registrar) func(ctx context.Context, tx bun.Tx) error {
		return func(ctx context.Context, tx bun.Tx) error {
			_, err := c.s.RegisterInvoice(ctx, tx, r, cm.ID, finance.InvoiceInput{Number: n, Amount: amount, ReceivedOn: d26(3, 15)}, "iktato")
			return err
		}
	}
	c.refused("invoice on a draft", "wrong_state", invoice("SZ-1", 1000, reg))
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, cm.ID, countersign)
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, cm.ID, committer)
		return err
	})
	c.refused("no IRAT", "no_records", invoice("SZ-1", 1000, nil))
	c.refused("IRAT refuses", "records_refused", invoice("SZ-1", 1000, &fakeRegistrar{refuse: true}))
	c.refused("beyond commitment", "beyond_commitment", invoice("SZ-1", 300_001, reg))
	c.do(invoice("SZ-1", 200_000, reg))
	// The pending invoice takes its part of the open commitment.
	c.refused("second beyond what is left", "beyond_commitment", invoice("SZ-2", 100_001, reg))
	c.refused("certify beyond what invoices leave", "beyond_commitment", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Amount: 100_001, Document: "x"}, certifier)
		return err
	})
	var got finance.Commitment
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		got, err = finance.CommitmentByID(ctx, tx, cm.ID)
		return err
	})
	if len(got.Invoices) != 1 || got.Invoices[0].Registration != "KOZ/1/2026" || got.Pending() != 200_000 {
		t.Fatalf("invoices %+v", got.Invoices)
	}
	c.refused("certify an unknown invoice", "no_invoice", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Invoice: uuid.Must(uuid.NewV7())}, certifier)
		return err
	})
	var perf finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		perf, err = c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Invoice: got.Invoices[0].ID}, certifier)
		return err
	})
	if perf.Amount != 200_000 || perf.Document != "SZ-1" {
		t.Errorf("certified invoice %+v", perf)
	}
	c.refused("certify the invoice twice", "no_invoice", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 20), Invoice: got.Invoices[0].ID}, certifier)
		return err
	})
	c.do(invoice("SZ-2", 100_000, reg))
}
