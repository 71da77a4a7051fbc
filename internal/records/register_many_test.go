package records_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/records"
)

func TestRegisterMany(t *testing.T) {
	d, s, _ := setup(t)
	first := mustRegister(t, d, s, orfu, in("Előtte iktatott"))
	// More than one INSERT's worth, to cross a chunk boundary.
	const n = 2500
	regs := make([]records.Registration, n)
	for i := range regs {
		regs[i] = records.Registration{BookCode: "KOZ", Direction: records.Outgoing, Subject: fmt.Sprintf("Adó határozat %d", i), Partner: "Adózó", By: "kivetes"}
	}
	var docs []records.Document
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		docs, err = s.RegisterMany(ctx, tx, regs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if first.Number != "1-1/2026" || len(docs) != n {
		t.Fatalf("first %s, %d docs", first.Number, len(docs))
	}
	for i, doc := range docs {
		if want := fmt.Sprintf("%d-1/2026", i+2); doc.Number != want || doc.Subject != regs[i].Subject {
			t.Fatalf("doc %d = %s %q, want %s", i, doc.Number, doc.Subject, want)
		}
	}
	// The next single registration follows without a gap, and the audit
	// chain holds every registration.
	if next := mustRegister(t, d, s, orfu, in("Utána")); next.Number != fmt.Sprintf("%d-1/2026", n+2) {
		t.Errorf("next = %s", next.Number)
	}
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		c, err := tx.NewSelect().Table("audit_log").Where("tenant_id = ? AND action = 'records.register'", orfu).Count(ctx)
		if err != nil {
			return err
		}
		if c != n+2 {
			t.Errorf("%d register entries in the audit log, want %d", c, n+2)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.Verify(context.Background(), d, orfu); err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}

	// A refused registration writes nothing, not even the ones before it.
	bad := []records.Registration{regs[0], {BookCode: "NINCS", Direction: records.Outgoing, Subject: "x", By: "kivetes"}}
	err = d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.RegisterMany(ctx, tx, bad)
		return err
	})
	var p *records.Problem
	if !errors.As(err, &p) {
		t.Fatalf("unknown book: %v", err)
	}
	if next := mustRegister(t, d, s, orfu, in("Még egy")); next.Number != fmt.Sprintf("%d-1/2026", n+3) {
		t.Errorf("after a refusal = %s", next.Number)
	}
}
