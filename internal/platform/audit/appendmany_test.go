package audit

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

func TestAppendManyKeepsTheChain(t *testing.T) {
	d := openDB(t)
	ctx := context.Background()
	const tenant db.TenantID = "11730"
	log := &Log{DB: d}
	if err := log.Record(ctx, tenant, Event{Action: "test.first", Result: ResultOK}); err != nil {
		t.Fatal(err)
	}
	evs := []Event{
		Resolve(WithActor(ctx, Actor{ID: "u1", Name: "anna"}), Event{Action: "test.batch", Result: ResultOK}),
		Resolve(WithActor(ctx, Actor{ID: "u2", Name: "bela"}), Event{Action: "test.batch", Result: ResultOK}),
		{Action: "test.batch", Result: ResultFailed, Detail: map[string]any{"n": 3}},
	}
	var got []Entry
	err := d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		got, err = AppendMany(ctx, tx, tenant, evs, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Seq != 2 || got[2].Seq != 4 || got[0].ActorName != "anna" || got[1].ActorName != "bela" {
		t.Fatalf("entries = %+v", got)
	}
	if err := log.Record(ctx, tenant, Event{Action: "test.after", Result: ResultOK}); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(ctx, d, tenant)
	if err != nil || !rep.OK() || rep.Entries != 5 {
		t.Fatalf("verify after AppendMany: %+v, %v", rep, err)
	}
	if _, err := AppendMany(ctx, d.Bun(), tenant, evs, time.Now()); err == nil {
		t.Error("AppendMany outside a tenant transaction was accepted")
	}
}
