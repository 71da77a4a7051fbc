package audit

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

func TestList(t *testing.T) {
	d := openDB(t)
	now := clock() // one minute per entry
	l := &Log{DB: d, Now: now}
	events := []Event{
		{Action: "user.login", ActorID: "u1"},                                          // 1
		{Action: "user.login_failed", ActorName: "mallory", Result: ResultFailed},      // 2
		{Action: "grant.create", ActorID: "u1", ObjectType: "grant", ObjectID: "g1"},   // 3
		{Action: "users.export", ActorID: "u2"},                                        // 4: "user." must not match
		{Action: "grant.delete", ActorID: "u2", ObjectType: "grant", ObjectID: "g1"},   // 5
		{Action: "tenant.switch", ActorID: "u1", ObjectType: "tenant", ObjectID: "g1"}, // 6
		{Action: "user.logout", ActorID: "u1"},                                         // 7
	}
	for _, ev := range events {
		if ev.Result == "" {
			ev.Result = ResultOK
		}
		record(t, l, tenantA, ev)
	}
	record(t, &Log{DB: d}, tenantB, Event{Action: "user.login", Result: ResultOK, ActorID: "u1"})
	start := chain(t, d, tenantA)[0].At // entry n was at start + (n-1) minutes

	tests := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"everything, newest first", Filter{}, []int64{7, 6, 5, 4, 3, 2, 1}},
		{"action area", Filter{Action: "user."}, []int64{7, 2, 1}},
		{"action prefix", Filter{Action: "user.login"}, []int64{2, 1}},
		{"exact action", Filter{Action: "grant.delete"}, []int64{5}},
		{"actor", Filter{ActorID: "u2"}, []int64{5, 4}},
		{"object", Filter{ObjectType: "grant", ObjectID: "g1"}, []int64{5, 3}},
		{"object id alone", Filter{ObjectID: "g1"}, []int64{6, 5, 3}},
		{"since", Filter{Since: start.Add(4 * time.Minute)}, []int64{7, 6, 5}},
		{"until (exclusive)", Filter{Until: start.Add(2 * time.Minute)}, []int64{2, 1}},
		{"window, in another zone", Filter{
			Since: start.Add(time.Minute).In(time.FixedZone("CET", 3600)),
			Until: start.Add(3*time.Minute + time.Microsecond).In(time.FixedZone("X", -5*3600)),
		}, []int64{4, 3, 2}},
		{"first page", Filter{Limit: 3}, []int64{7, 6, 5}},
		{"next page", Filter{Limit: 3, BeforeSeq: 5}, []int64{4, 3, 2}},
		{"last page", Filter{Limit: 3, BeforeSeq: 2}, []int64{1}},
		{"combined", Filter{Action: "grant.", ActorID: "u1"}, []int64{3}},
		{"nothing", Filter{ActorID: "nobody"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := d.InTenantRead(context.Background(), tenantA, func(ctx context.Context, tx bun.Tx) error {
				es, err := List(ctx, tx, tenantA, tc.f)
				for _, e := range es {
					if e.TenantID != tenantA {
						t.Errorf("entry of %s listed", e.TenantID)
					}
					if e.At.Location() != time.UTC {
						t.Errorf("at not in UTC: %v", e.At)
					}
					got = append(got, e.Seq)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("seqs = %v, want %v", got, tc.want)
			}
		})
	}
}
