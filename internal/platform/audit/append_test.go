package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

func TestTenantsHaveIndependentChains(t *testing.T) {
	d := openDB(t)
	l := &Log{DB: d, Now: clock()}
	// Interleaved, so a shared counter or a shared head would show.
	for i := range 4 {
		record(t, l, tenantA, Event{Action: "user.login", Result: ResultOK, ActorID: fmt.Sprint("a", i)})
		record(t, l, tenantB, Event{Action: "user.login", Result: ResultOK, ActorID: fmt.Sprint("b", i)})
		if i < 2 {
			record(t, l, db.OperatingCentre, Event{Action: "tenant.switch", Result: ResultOK, ObjectID: string(tenantA)})
		}
	}
	for _, tc := range []struct {
		tenant      db.TenantID
		n           int
		actorPrefix string
	}{{tenantA, 4, "a"}, {tenantB, 4, "b"}, {db.OperatingCentre, 2, ""}} {
		t.Run(string(tc.tenant), func(t *testing.T) {
			es := chain(t, d, tc.tenant)
			if len(es) != tc.n {
				t.Fatalf("%d entries, want %d", len(es), tc.n)
			}
			prev := GenesisHash
			for i, e := range es {
				if e.TenantID != tc.tenant || e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != e.ComputeHash() {
					t.Errorf("entry %d: tenant %s seq %d, prev %.8s (want %.8s), hash ok %v",
						i, e.TenantID, e.Seq, e.PrevHash, prev, e.Hash == e.ComputeHash())
				}
				if !strings.HasPrefix(e.ActorID, tc.actorPrefix) {
					t.Errorf("entry %d of %s has actor %q", e.Seq, tc.tenant, e.ActorID)
				}
				prev = e.Hash
			}
			h, ok := chainHead(t, d, tc.tenant)
			if !ok || h.Seq != int64(tc.n) || h.Hash != prev {
				t.Errorf("head = %+v (found %v), want seq %d hash %.8s", h, ok, tc.n, prev)
			}
			rep, err := Verify(context.Background(), d, tc.tenant)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Entries != tc.n {
				t.Errorf("verify: %d entries, problems %v", rep.Entries, rep.Problems)
			}
		})
	}
}

// TestStoredEntryRoundTrips: what Append returns is exactly what is read
// back, on both engines, in particular the time (the hash depends on it).
func TestStoredEntryRoundTrips(t *testing.T) {
	d := openDB(t)
	ctx := WithActor(context.Background(), Actor{ID: "u1", Name: "Kovács Éva", RemoteAddr: "192.0.2.1", RequestID: "r1"})
	now := time.Date(2025, 7, 14, 23, 59, 59, 999999999, time.FixedZone("CEST", 2*3600))
	var got Entry
	err := d.InTenant(ctx, tenantA, func(ctx context.Context, tx bun.Tx) error {
		var err error
		got, err = Append(ctx, tx, tenantA, Event{
			Action: "grant.create", Result: ResultOK, ObjectType: "grant", ObjectID: "g'1\\",
			Detail: map[string]any{"role": "clerk", "note": "idézőjel ' és \" jel"},
		}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	es := chain(t, d, tenantA)
	if len(es) != 1 {
		t.Fatalf("%d entries", len(es))
	}
	stored := es[0]
	if !stored.At.Equal(got.At) || !got.At.Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("at: appended %v, stored %v, want %v", got.At, stored.At, now.Truncate(time.Microsecond))
	}
	stored.At, got.At = stored.At.UTC(), got.At.UTC()
	if stored != got {
		t.Errorf("stored entry differs:\n got %+v\nwant %+v", stored, got)
	}
	if stored.ComputeHash() != stored.Hash {
		t.Error("the stored entry does not hash to its hash")
	}
}

func TestRolledBackAppendLeavesNoTrace(t *testing.T) {
	d := openDB(t)
	l := &Log{DB: d, Now: clock()}
	record(t, l, tenantA, Event{Action: "user.login", Result: ResultOK})
	before, _ := chainHead(t, d, tenantA)

	errBoom := errors.New("the data change failed")
	for _, tenant := range []db.TenantID{tenantA, tenantB} { // an existing chain and a new one
		err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
			if _, err := Append(ctx, tx, tenant, Event{Action: "grant.create", Result: ResultOK}, time.Now()); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("%s: %v", tenant, err)
		}
	}
	if es := chain(t, d, tenantA); len(es) != 1 {
		t.Errorf("%s: %d entries after the rollback, want 1", tenantA, len(es))
	}
	if after, _ := chainHead(t, d, tenantA); after != before {
		t.Errorf("%s: head moved from %+v to %+v", tenantA, before, after)
	}
	if es := chain(t, d, tenantB); len(es) != 0 {
		t.Errorf("%s: %d entries after the rollback", tenantB, len(es))
	}
	if _, found := chainHead(t, d, tenantB); found {
		t.Errorf("%s: a head survived the rollback", tenantB)
	}
	// The chain goes on where it was.
	record(t, l, tenantA, Event{Action: "user.logout", Result: ResultOK})
	if rep, err := Verify(context.Background(), d, tenantA); err != nil || !rep.OK() || rep.Entries != 2 {
		t.Errorf("verify: %+v, %v", rep, err)
	}
}

func TestAppendAndRecordRefuseTheWrongTransaction(t *testing.T) {
	d := openDB(t)
	l := &Log{DB: d}
	ev := Event{Action: "user.login", Result: ResultOK}
	tests := []struct {
		name string
		run  func() error
	}{
		{"Append in a platform transaction without a tenant", func() error {
			return d.Tx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
				_, err := Append(ctx, tx, tenantA, ev, time.Now())
				return err
			})
		}},
		{"Append to another tenant's chain", func() error {
			return d.InTenant(context.Background(), tenantB, func(ctx context.Context, tx bun.Tx) error {
				_, err := Append(ctx, tx, tenantA, ev, time.Now())
				return err
			})
		}},
		{"Append on the database handle instead of the transaction", func() error {
			return d.InTenant(context.Background(), tenantA, func(ctx context.Context, tx bun.Tx) error {
				_, err := Append(ctx, d.Bun(), tenantA, ev, time.Now())
				return err
			})
		}},
		{"Append with an invalid tenant id", func() error {
			_, err := Append(db.WithTenant(context.Background(), "x"), d.Bun(), "x", ev, time.Now())
			return err
		}},
		{"Record inside a transaction of another tenant", func() error {
			return d.InTenant(context.Background(), tenantB, func(ctx context.Context, tx bun.Tx) error {
				return l.Record(ctx, tenantA, ev)
			})
		}},
		{"Record inside a transaction of the same tenant", func() error {
			// Would wait for the writer the caller holds (SQLite) or for
			// the head it may have locked (PostgreSQL).
			return d.InTenant(context.Background(), tenantA, func(ctx context.Context, tx bun.Tx) error {
				return l.Record(ctx, tenantA, ev)
			})
		}},
		{"List outside a tenant transaction", func() error {
			_, err := List(context.Background(), d.Reader(), tenantA, Filter{})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err == nil {
				t.Error("accepted")
			} else {
				t.Log(err)
			}
		})
	}
	for _, tenant := range []db.TenantID{tenantA, tenantB} {
		if es := chain(t, d, tenant); len(es) != 0 {
			t.Errorf("%s: %d entries written", tenant, len(es))
		}
	}
}

// TestRecordOutlivesTheRequest: a client that hangs up right after a
// failed login must still be logged.
func TestRecordOutlivesTheRequest(t *testing.T) {
	d := openDB(t)
	ctx, cancel := context.WithCancel(WithActor(context.Background(), Actor{RemoteAddr: "203.0.113.9"}))
	cancel()
	l := &Log{DB: d}
	if err := l.Record(ctx, tenantA, Event{Action: "user.login_failed", Result: ResultFailed, ActorName: "admin"}); err != nil {
		t.Fatal(err)
	}
	es := chain(t, d, tenantA)
	if len(es) != 1 || es[0].RemoteAddr != "203.0.113.9" || es[0].Result != ResultFailed {
		t.Errorf("entries: %+v", es)
	}
}

// TestAttackerSuppliedFieldsAreStored: odd bytes from a request (a NUL, an
// invalid UTF-8 sequence, a huge user name) must not make the insert fail,
// or an attacker could keep a failed login out of the log.
func TestAttackerSuppliedFieldsAreStored(t *testing.T) {
	d := openDB(t)
	l := &Log{DB: d}
	record(t, l, tenantA, Event{
		Action: "user.login_failed", Result: ResultFailed,
		ActorName:  "admin\x00' OR 1=1 --\xc3\x28" + strings.Repeat("ű", 5000),
		RemoteAddr: "2001:db8::1",
		RequestID:  strings.Repeat("r", 10000),
		Detail:     map[string]any{"username": "\x00\xff"},
	})
	if rep, err := Verify(context.Background(), d, tenantA); err != nil || !rep.OK() || rep.Entries != 1 {
		t.Errorf("verify: %+v, %v", rep, err)
	}
}

// TestAppRoleCannotChangeTheLog: the service's own connection can neither
// change nor delete entries: SQLite's triggers refuse; on PostgreSQL there
// is no UPDATE or DELETE policy (so no row is affected) and the trigger
// would refuse anyway.
func TestAppRoleCannotChangeTheLog(t *testing.T) {
	d := openDB(t)
	l := &Log{DB: d, Now: clock()}
	for range 3 {
		record(t, l, tenantA, Event{Action: "user.login", Result: ResultOK})
	}
	stmts := []string{
		"UPDATE audit_log SET action = 'user.logout' WHERE tenant_id = '17376' AND seq = 2",
		"DELETE FROM audit_log WHERE tenant_id = '17376' AND seq = 2",
		"DELETE FROM audit_log WHERE tenant_id = '17376'",
	}
	for _, s := range stmts {
		for _, inTenant := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s (in tenant transaction: %v)", s, inTenant), func(t *testing.T) {
				run := func(ctx context.Context, idb bun.IDB) error {
					res, err := idb.ExecContext(ctx, s)
					if err != nil {
						t.Logf("refused: %v", err)
						return nil
					}
					if n, _ := res.RowsAffected(); n != 0 {
						return fmt.Errorf("%d rows affected", n)
					}
					if d.Dialect == db.SQLite {
						return errors.New("SQLite accepted it without the trigger firing")
					}
					return nil
				}
				var err error
				if inTenant {
					err = d.InTenant(context.Background(), tenantA, func(ctx context.Context, tx bun.Tx) error { return run(ctx, tx) })
				} else {
					err = run(context.Background(), d.Bun())
				}
				if err != nil {
					t.Error(err)
				}
			})
		}
	}
	if d.Dialect == db.Postgres {
		// Nor can it take the guards down: it does not own the table.
		for _, s := range []string{
			"TRUNCATE audit_log",
			"ALTER TABLE audit_log DISABLE TRIGGER USER",
			"ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY",
			"DROP TRIGGER audit_log_no_change ON audit_log",
			"DROP POLICY tenant_read ON audit_log",
		} {
			if _, err := d.Bun().ExecContext(context.Background(), s); err == nil {
				t.Errorf("%s: accepted", s)
			}
		}
	}
	if rep, err := Verify(context.Background(), d, tenantA); err != nil || !rep.OK() || rep.Entries != 3 {
		t.Errorf("verify: %+v, %v", rep, err)
	}
}

// TestPostgresRefusesEntriesOutsideTheirTenant: row-level security is the
// second line behind Append's own check.
func TestPostgresRefusesEntriesOutsideTheirTenant(t *testing.T) {
	d := dbtest.OpenPostgres(t, migrations.Platform)
	ctx := context.Background()
	e, err := newEntry(ctx, tenantA, Event{Action: "user.login", Result: ResultOK}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.Seq, e.PrevHash = 1, GenesisHash
	e.Hash = e.ComputeHash()

	if _, err := d.Bun().NewInsert().Model(&e).Exec(ctx); err == nil {
		t.Error("audit_log: insert without app.tenant_id accepted")
	} else {
		t.Log(err)
	}
	if _, err := d.Bun().NewInsert().Model(&head{TenantID: tenantA, Hash: GenesisHash}).Exec(ctx); err == nil {
		t.Error("audit_heads: insert without app.tenant_id accepted")
	}
	err = d.InTenant(ctx, tenantB, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&e).Exec(ctx)
		return err
	})
	if err == nil {
		t.Error("audit_log: insert for tenant A inside a transaction of tenant B accepted")
	}
	// And nothing is visible without a tenant either.
	var n int
	if err := d.Bun().NewRaw("SELECT count(*) FROM audit_log").Scan(ctx, &n); err != nil || n != 0 {
		t.Errorf("count without tenant: %d, %v", n, err)
	}
}

// TestConcurrentRecordsMakeOneGaplessChain: appends to one tenant from many
// goroutines serialise on the chain head (on PostgreSQL including the very
// first, which creates it).
func TestConcurrentRecordsMakeOneGaplessChain(t *testing.T) {
	d := openDB(t)
	l := &Log{DB: d}
	const workers, each = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				errs <- l.Record(context.Background(), tenantA, Event{
					Action: "user.login", Result: ResultOK, ActorID: fmt.Sprintf("w%d", w), ObjectID: fmt.Sprint(i),
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Verify(context.Background(), d, tenantA)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Entries != workers*each {
		t.Errorf("verify: %d entries, problems %v", rep.Entries, rep.Problems)
	}
	if h, _ := chainHead(t, d, tenantA); h.Seq != workers*each {
		t.Errorf("head at %d, want %d", h.Seq, workers*each)
	}
}

func BenchmarkAppend(b *testing.B) {
	d := openDB(b)
	l := &Log{DB: d}
	ctx := WithActor(context.Background(), Actor{ID: "u1", Name: "Kovács Éva", RemoteAddr: "192.0.2.1", RequestID: "r1"})
	ev := Event{Action: "grant.create", Result: ResultOK, ObjectType: "grant", ObjectID: "g1", Detail: map[string]any{"role": "clerk"}}
	for b.Loop() {
		if err := l.Record(ctx, tenantA, ev); err != nil {
			b.Fatal(err)
		}
	}
}
