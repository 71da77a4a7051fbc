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

// Incoming documents registered in bulk: consecutive main numbers after
// the ones before, each its own case, every one in the audit chain; an
// outgoing one among them or an unknown book refuses the lot and writes
// nothing.
func TestRegisterIncomingMany(t *testing.T) {
	d, s, _ := setup(t)
	first := mustRegister(t, d, s, orfu, in("Előtte iktatott"))
	const n = 300
	regs := make([]records.Registration, n)
	for i := range regs {
		regs[i] = records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: fmt.Sprintf("Iparűzésiadó-bevallás %d", i), Partner: "Adózó Kft.", By: "nav-import"}
	}
	register := func(regs []records.Registration) ([]records.Document, error) {
		var docs []records.Document
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			docs, err = s.RegisterIncomingMany(ctx, tx, regs)
			return err
		})
		return docs, err
	}
	docs, err := register(regs)
	if err != nil {
		t.Fatal(err)
	}
	if first.Number != "1-1/2026" || len(docs) != n {
		t.Fatalf("first %s, %d docs", first.Number, len(docs))
	}
	cases := map[string]bool{}
	for i, doc := range docs {
		if want := fmt.Sprintf("%d-1/2026", i+2); doc.Number != want || doc.Subject != regs[i].Subject || doc.Direction != records.Incoming || cases[doc.CaseID.String()] {
			t.Fatalf("doc %d = %s %q %s, want %s in a case of its own", i, doc.Number, doc.Subject, doc.Direction, want)
		}
		cases[doc.CaseID.String()] = true
	}
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		c, err := tx.NewSelect().Table("audit_log").Where("tenant_id = ? AND action = 'records.register'", orfu).Count(ctx)
		if err == nil && c != n+1 {
			t.Errorf("%d register entries in the audit log, want %d", c, n+1)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.Verify(context.Background(), d, orfu); err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}

	out := records.Registration{BookCode: "KOZ", Direction: records.Outgoing, Subject: "Határozat", By: "nav-import"}
	if _, err := register([]records.Registration{regs[0], out}); err == nil {
		t.Error("an outgoing document was taken as incoming")
	}
	_, err = register([]records.Registration{regs[0], {BookCode: "NINCS", Direction: records.Incoming, Subject: "x", By: "nav-import"}})
	var p *records.Problem
	if !errors.As(err, &p) {
		t.Fatalf("unknown book: %v", err)
	}
	if next := mustRegister(t, d, s, orfu, in("Utána")); next.Number != fmt.Sprintf("%d-1/2026", n+2) {
		t.Errorf("after the refusals = %s", next.Number)
	}
}
