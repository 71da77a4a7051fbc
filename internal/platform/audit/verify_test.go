package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db"
)

type finding struct {
	Seq  int64
	Kind ProblemKind
}

func findings(rep Report) []finding {
	var fs []finding
	for _, p := range rep.Problems {
		fs = append(fs, finding{p.Seq, p.Kind})
	}
	slices.SortFunc(fs, func(a, b finding) int {
		if a.Seq != b.Seq {
			return int(a.Seq - b.Seq)
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	})
	return fs
}

// TestVerifyFindsTampering alters chains the way someone with direct access
// to the database could, and checks that Verify says what and where. Each
// case has a chain of five entries in a tenant of its own.
func TestVerifyFindsTampering(t *testing.T) {
	old := verifyBatch
	verifyBatch = 2 // cross batch boundaries with short chains
	t.Cleanup(func() { verifyBatch = old })

	where := func(tenant db.TenantID, cond string) string {
		return fmt.Sprintf("WHERE tenant_id = '%s' AND %s", tenant, cond)
	}
	tests := []struct {
		name   string
		tamper func(tn db.TenantID, es []Entry) []string
		want   []finding
	}{
		{
			name:   "intact",
			tamper: func(db.TenantID, []Entry) []string { return nil },
		},
		{
			name: "action changed",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"UPDATE audit_log SET action = 'user.logout' " + where(tn, "seq = 3")}
			},
			want: []finding{{3, Altered}},
		},
		{
			name: "time changed",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"UPDATE audit_log SET at = '2020-01-01 00:00:00+00:00' " + where(tn, "seq = 2")}
			},
			want: []finding{{2, Altered}},
		},
		{
			name: "detail changed",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{`UPDATE audit_log SET detail = '{"role":"admin"}' ` + where(tn, "seq = 5")}
			},
			want: []finding{{5, Altered}},
		},
		{
			name: "changed and re-hashed",
			tamper: func(tn db.TenantID, es []Entry) []string {
				e := es[2]
				e.Action = "user.logout"
				return []string{fmt.Sprintf("UPDATE audit_log SET action = '%s', hash = '%s' %s", e.Action, e.ComputeHash(), where(tn, "seq = 3"))}
			},
			want: []finding{{4, Reordered}},
		},
		{
			name: "middle entry deleted",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"DELETE FROM audit_log " + where(tn, "seq = 3")}
			},
			want: []finding{{3, Missing}},
		},
		{
			name: "two entries deleted",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"DELETE FROM audit_log " + where(tn, "seq IN (2, 3)")}
			},
			want: []finding{{2, Missing}},
		},
		{
			name: "first entry deleted",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"DELETE FROM audit_log " + where(tn, "seq = 1")}
			},
			want: []finding{{1, Missing}},
		},
		{
			name: "two entries swapped",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{
					"UPDATE audit_log SET seq = -seq " + where(tn, "seq IN (2, 3)"),
					"UPDATE audit_log SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END " + where(tn, "seq IN (-2, -3)"),
				}
			},
			// Each moved entry no longer hashes right (seq is hashed) and
			// no longer links to its predecessor; entry 4 links to the old
			// entry 3, which now sits at 2.
			want: []finding{{2, Altered}, {2, Reordered}, {3, Altered}, {3, Reordered}, {4, Reordered}},
		},
		{
			name: "last entry deleted",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"DELETE FROM audit_log " + where(tn, "seq = 5")}
			},
			want: []finding{{5, HeadMismatch}},
		},
		{
			name: "every entry deleted",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{"DELETE FROM audit_log " + where(tn, "1 = 1")}
			},
			want: []finding{{5, HeadMismatch}},
		},
		{
			name: "last entry replaced",
			tamper: func(tn db.TenantID, es []Entry) []string {
				e := es[4]
				e.Action = "user.login"
				return []string{fmt.Sprintf("UPDATE audit_log SET action = '%s', hash = '%s' %s", e.Action, e.ComputeHash(), where(tn, "seq = 5"))}
			},
			want: []finding{{5, HeadMismatch}},
		},
		{
			name: "head deleted",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{fmt.Sprintf("DELETE FROM audit_heads WHERE tenant_id = '%s'", tn)}
			},
			want: []finding{{5, HeadMismatch}},
		},
		{
			name: "entry added after the head",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{`INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_name, action, object_type, object_id,
					remote_addr, request_id, result, detail, prev_hash, hash)
					SELECT tenant_id, 6, at, actor_id, actor_name, action, object_type, object_id,
					remote_addr, request_id, result, detail, hash, hash FROM audit_log ` + where(tn, "seq = 5")}
			},
			want: []finding{{6, HeadMismatch}},
		},
		{
			// The limit of a hash chain kept in the same database: whoever
			// deletes the newest entries and rewinds the head leaves a
			// valid, shorter chain. Detecting that needs the head kept
			// elsewhere too (exported, signed or sent off-site).
			name: "tail deleted and head rewound (not detectable)",
			tamper: func(tn db.TenantID, es []Entry) []string {
				return []string{
					"DELETE FROM audit_log " + where(tn, "seq = 5"),
					fmt.Sprintf("UPDATE audit_heads SET seq = 4, hash = '%s' WHERE tenant_id = '%s'", es[3].Hash, tn),
				}
			},
		},
	}

	d := openDB(t)
	l := &Log{DB: d, Now: clock()}
	tenants := make([]db.TenantID, len(tests))
	var stmts []string
	for i, tc := range tests {
		tenants[i] = db.TenantID(fmt.Sprintf("%05d", 10001+i))
		for j := range 5 {
			record(t, l, tenants[i], Event{
				Action: []string{"user.login", "grant.create", "grant.delete", "tenant.switch", "user.logout"}[j],
				Result: ResultOK, ActorID: "u1", ActorName: "Kovács Éva",
				ObjectType: "grant", ObjectID: fmt.Sprint("g", j), Detail: map[string]any{"role": "clerk"},
			})
		}
		stmts = append(stmts, tc.tamper(tenants[i], chain(t, d, tenants[i]))...)
	}
	asAttacker(t, d, stmts...)

	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Verify(context.Background(), d, tenants[i])
			if err != nil {
				t.Fatal(err)
			}
			if got := findings(rep); !slices.Equal(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
			if rep.OK() != (len(tc.want) == 0) {
				t.Errorf("OK() = %v", rep.OK())
			}
			for _, p := range rep.Problems {
				if p.EN == "" || p.HU == "" || p.EN == p.HU {
					t.Errorf("problem %v lacks a sentence: %+v", p.Kind, p)
				}
				t.Logf("%d %s: %s / %s", p.Seq, p.Kind, p.EN, p.HU)
			}
		})
	}

	t.Run("VerifyAll", func(t *testing.T) {
		all := append(slices.Clone(tenants), "not-a-tenant", db.OperatingCentre)
		var calls []int
		reps, err := VerifyAll(context.Background(), d, all, func(done, total int) {
			if total != len(all) {
				t.Errorf("total = %d", total)
			}
			calls = append(calls, done)
		})
		if err == nil || !strings.Contains(err.Error(), "not-a-tenant") {
			t.Errorf("error = %v, want one about the invalid tenant", err)
		}
		if len(reps) != len(all)-1 || len(calls) != len(all) || calls[len(calls)-1] != len(all) {
			t.Fatalf("%d reports, progress calls %v", len(reps), calls)
		}
		for i, tc := range tests {
			if reps[i].Tenant != tenants[i] || reps[i].OK() != (len(tc.want) == 0) {
				t.Errorf("%s: report for %s, OK %v", tc.name, reps[i].Tenant, reps[i].OK())
			}
		}
		if last := reps[len(reps)-1]; last.Tenant != db.OperatingCentre || !last.OK() || last.Entries != 0 {
			t.Errorf("empty centre chain: %+v", last)
		}
	})
}

// TestVerifyReadsLongChainsInBatches checks the batch boundaries: chains
// of lengths around multiples of the batch size.
func TestVerifyReadsLongChainsInBatches(t *testing.T) {
	old := verifyBatch
	verifyBatch = 3
	t.Cleanup(func() { verifyBatch = old })
	d := openDB(t)
	l := &Log{DB: d, Now: clock()}
	n := 0
	for _, want := range []int{0, 1, 2, 3, 4, 6, 7} {
		for ; n < want; n++ {
			record(t, l, tenantA, Event{Action: "user.login", Result: ResultOK})
		}
		rep, err := Verify(context.Background(), d, tenantA)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Entries != want {
			t.Errorf("chain of %d: %d entries read, problems %v", want, rep.Entries, rep.Problems)
		}
	}
}
