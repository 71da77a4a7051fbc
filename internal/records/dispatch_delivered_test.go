package records_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/records"
)

// DeliveredOn tells other modules the day a document counts as
// delivered: by presumption once its day has come, the earliest of
// several dispatches, nothing for a document not delivered.
func TestDeliveredOnForOtherModules(t *testing.T) {
	d, s, c := setupOutgoing(t)
	c.t = budapest(2026, 3, 2, 8, 0) // Monday
	r := in("Határozat")
	r.Direction = records.Outgoing
	decision := mustRegister(t, d, s, orfu, r)
	other := mustRegister(t, d, s, orfu, r)
	var post, hand records.Dispatch
	err := tx(d, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if post, err = s.Dispatch(ctx, tx, decision.ID, records.DispatchInput{Channel: records.DispatchPost, Addressee: "Kiss Péter", Address: "7677 Orfű, Fő utca 1."}, "iktato"); err != nil {
			return err
		}
		hand, err = s.Dispatch(ctx, tx, decision.ID, records.DispatchInput{Channel: records.DispatchPersonal, Addressee: "Kiss Péter"}, "iktato")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c.t = budapest(2026, 3, 13, 12, 0)
	for _, e := range []struct {
		id uuid.UUID
		ev string
		at time.Time
	}{
		{post.ID, records.EventSent, budapest(2026, 3, 2, 14, 0)},
		{post.ID, records.EventNotice1, budapest(2026, 3, 4, 10, 0)},
		{post.ID, records.EventNotice2, budapest(2026, 3, 9, 10, 0)},
		{hand.ID, records.EventSent, budapest(2026, 3, 10, 9, 0)},
	} {
		if err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.RecordDelivery(ctx, tx, e.id, e.ev, e.at, "", "iktato")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	deliveredOn := func() map[string]hu.Date {
		t.Helper()
		var got map[string]hu.Date
		if err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			var err error
			got, err = s.DeliveredOn(ctx, tx, []string{decision.Number, other.Number, "nincs/1/2026"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// 13 March: the post's presumed day (16 March) has not come.
	if got := deliveredOn(); len(got) != 0 {
		t.Errorf("on 13 March: %v", got)
	}
	c.t = budapest(2026, 3, 16, 12, 0)
	if got := deliveredOn(); len(got) != 1 || got[decision.Number] != (hu.Date{Year: 2026, Month: 3, Day: 16}) {
		t.Errorf("on 16 March: %v", got)
	}
	// Handed over on 12 March: the earlier delivery counts.
	if err := tx(d, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.RecordDelivery(ctx, tx, hand.ID, records.EventPickedUp, budapest(2026, 3, 12, 9, 0), "", "iktato")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := deliveredOn(); len(got) != 1 || got[decision.Number] != (hu.Date{Year: 2026, Month: 3, Day: 12}) {
		t.Errorf("picked up earlier: %v", got)
	}
}
