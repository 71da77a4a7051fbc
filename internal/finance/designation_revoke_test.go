package finance_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

func TestDesignationRevocation(t *testing.T) {
	c := newChain(t)
	var g finance.Designation
	c.do(func(ctx context.Context, tx bun.Tx) error {
		gs, err := finance.Designations(ctx, tx, c.e.ID)
		for _, x := range gs {
			if x.Username == committer.Username && x.Role == finance.RoleCommit {
				g = x
			}
		}
		return err
	})
	revoke := func(from hu.Date, decision string) (finance.Designation, error) {
		var out finance.Designation
		err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			out, err = c.s.RevokeDesignation(ctx, tx, g.ID, from, decision, "jegyzo")
			return err
		})
		return out, err
	}
	// Today is 2026-03-10 in the fixture.
	if _, err := revoke(d26(3, 9), "jegyző 7/2026."); code(err) != "backdated" {
		t.Errorf("backdated: %v", err)
	}
	if _, err := revoke(d26(3, 20), " "); code(err) != "no_decision" {
		t.Errorf("no decision: %v", err)
	}
	if _, err := revoke(hu.Date{}, "jegyző 7/2026."); code(err) != "bad_date" {
		t.Errorf("no day: %v", err)
	}
	if _, err := c.in2(aba, g, d26(3, 20)); code(err) != "no_designation" {
		t.Errorf("other tenant: %v", err)
	}

	// A commitment countersigned now can still be made before the
	// revocation takes effect, not after.
	cm := c.draft(100_000, "Fényes Kft.")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Countersign(ctx, tx, cm.ID, countersign)
		return err
	})
	rg, err := revoke(d26(3, 20), "jegyző 7/2026.")
	if err != nil || rg.Revocation == nil || rg.Revocation.RevokedFrom != d26(3, 20) || !rg.ValidOn(d26(3, 19)) || rg.ValidOn(d26(3, 20)) {
		t.Fatalf("revoke: %+v %v", rg, err)
	}
	if _, err := revoke(d26(3, 25), "jegyző 8/2026."); code(err) != "already_revoked" {
		t.Errorf("twice: %v", err)
	}
	c.s.Now = func() time.Time { return time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC) }
	if err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, cm.ID, committer)
		return err
	}); code(err) != "not_designated" {
		t.Errorf("commit after the revocation: %v", err)
	}
	c.s.Now = func() time.Time { return time.Date(2026, 3, 19, 9, 0, 0, 0, time.UTC) }
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Commit(ctx, tx, cm.ID, committer)
		return err
	})

	// The register shows it; the audit log has it.
	c.do(func(ctx context.Context, tx bun.Tx) error {
		gs, err := finance.Designations(ctx, tx, c.e.ID)
		n := 0
		for _, x := range gs {
			if x.Revocation != nil {
				n++
				if x.ID != g.ID || x.Revocation.Decision != "jegyző 7/2026." || x.Revocation.CreatedBy != "jegyzo" {
					t.Errorf("register: %+v", x.Revocation)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d revocations in the register", n)
		}
		es, err2 := audit.List(ctx, tx, orfu, audit.Filter{Action: "finance.designation_revoke"})
		if err2 != nil || len(es) != 1 {
			t.Errorf("audit: %d %v", len(es), err2)
		}
		return err
	})
}

// in2 tries a revocation as another tenant.
func (c *chain) in2(tenant db.TenantID, g finance.Designation, from hu.Date) (finance.Designation, error) {
	var out finance.Designation
	err := c.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = c.s.RevokeDesignation(ctx, tx, g.ID, from, "x", "x")
		return err
	})
	return out, err
}
