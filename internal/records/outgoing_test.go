package records_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/records"
)

// jegyzo holds signing authority in Orfű.
var jegyzo = module.Person{ID: uuid.MustParse("018f0000-0000-7000-8000-000000000004"), Username: "jegyzo", Name: "Dr. Jegyző Júlia"}

func setupOutgoing(t *testing.T) (*db.DB, *records.Service, *clock) {
	d, s, c := setup(t)
	s.People = directory{orfu: {
		records.CasesHandle:   {kovacs, szabo},
		records.DocumentsRead: {kovacs, szabo, iktato, jegyzo},
		records.DocumentsSign: {jegyzo},
	}}
	return d, s, c
}

// tx runs fn in an Orfű transaction and returns its error.
func tx(d *db.DB, fn func(ctx context.Context, tx bun.Tx) error) error {
	return d.InTenant(context.Background(), orfu, fn)
}

func actor(p module.Person, sign bool) records.Actor {
	return records.Actor{ID: p.ID, Username: p.Username, CanSign: sign}
}

func TestDraftApprovalAndSignOff(t *testing.T) {
	d, s, _ := setupOutgoing(t)
	in := mustRegister(t, d, s, orfu, in("Építési engedély iránti kérelem"))
	text := records.DraftInput{Subject: "Hiánypótlási felhívás", Addressee: "Kiss Péter", AddresseeAddress: "7677 Orfű, Fő utca 1.", Body: "Tisztelt Kiss Péter! …"}

	var draft records.Draft
	if err := tx(d, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.CreateDraft(ctx, tx, in.ID, records.DraftInput{Subject: "", Addressee: "x"}, "kovacs"); problemCode(err) != "draft_subject" {
			t.Errorf("draft without subject: %v", err)
		}
		var err error
		draft, err = s.CreateDraft(ctx, tx, in.ID, text, "kovacs")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	edit := func(body string) (records.Draft, error) {
		var out records.Draft
		err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			t2 := text
			t2.Body = body
			var err error
			out, err = s.EditDraft(ctx, tx, draft.ID, t2, "kovacs")
			return err
		})
		return out, err
	}
	submit := func(reviewers []uuid.UUID, signer uuid.UUID) (records.Draft, error) {
		var out records.Draft
		err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			var err error
			out, err = s.SubmitDraft(ctx, tx, draft.ID, reviewers, signer, "kovacs")
			return err
		})
		return out, err
	}
	sign := func(who records.Actor, method string) (records.Draft, records.Document, error) {
		var out records.Draft
		var doc records.Document
		err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			var err error
			out, doc, err = s.Sign(ctx, tx, draft.ID, method, who)
			return err
		})
		return out, doc, err
	}
	if v, err := edit("Második változat"); err != nil || v.Version != 2 {
		t.Fatalf("edit: %v, %v", v.Version, err)
	}
	if _, err := submit(nil, kovacs.ID); problemCode(err) != "not_signer" {
		t.Errorf("a case officer named as signer: %v", err)
	}
	if _, err := submit([]uuid.UUID{uuid.New()}, jegyzo.ID); problemCode(err) != "not_reviewer" {
		t.Errorf("an outsider named approver: %v", err)
	}
	sub, err := submit([]uuid.UUID{szabo.ID, iktato.ID}, jegyzo.ID)
	if err != nil || sub.Status != records.DraftInReview || sub.SignerName != jegyzo.Name {
		t.Fatalf("submit: %+v, %v", sub, err)
	}
	if _, _, err := sign(actor(jegyzo, true), records.SignPaper); problemCode(err) != "not_approved" {
		t.Errorf("signed before approval: %v", err)
	}

	reviews := func() []records.Review {
		var rs []records.Review
		err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewSelect().Model(&rs).Where("draft_id = ?", draft.ID).OrderExpr("requested_at, reviewer_name").Scan(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	decide := func(who module.Person, approve bool, comment string) error {
		for _, r := range reviews() {
			if r.ReviewerID == who.ID && r.Decision == records.ReviewPending {
				return tx(d, func(ctx context.Context, tx bun.Tx) error {
					_, err := s.Decide(ctx, tx, r.ID, approve, comment, actor(who, false))
					return err
				})
			}
		}
		t.Fatalf("no pending review for %s", who.Username)
		return nil
	}
	// Someone else cannot decide on Szabó's review.
	rs := reviews()
	if err := tx(d, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.Decide(ctx, tx, rs[0].ID, true, "", actor(kovacs, false))
		return err
	}); problemCode(err) != "not_your_review" {
		t.Errorf("decided on someone else's review: %v", err)
	}
	if err := decide(szabo, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := decide(iktato, false, ""); problemCode(err) != "reject_reason" {
		t.Errorf("rejection without reason: %v", err)
	}
	if err := decide(iktato, false, "A határidőt pontosítani kell."); err != nil {
		t.Fatal(err)
	}
	// Back to the author; a new version asks again.
	v3, err := edit("Harmadik változat, pontos határidővel")
	if err != nil || v3.Version != 3 || v3.Status != records.DraftEditing {
		t.Fatalf("edit after rejection: %+v, %v", v3, err)
	}
	if sub, err := submit([]uuid.UUID{szabo.ID}, jegyzo.ID); err != nil || sub.Status != records.DraftInReview {
		t.Fatalf("resubmit: %v", err)
	}
	if err := decide(szabo, true, "Rendben."); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sign(actor(kovacs, false), records.SignPaper); problemCode(err) != "not_the_signer" {
		t.Errorf("signed by the author: %v", err)
	}
	if _, _, err := sign(actor(jegyzo, true), "fax"); problemCode(err) != "sign_method" {
		t.Errorf("unknown method: %v", err)
	}
	signed, out, err := sign(actor(jegyzo, true), records.SignPaper)
	if err != nil {
		t.Fatal(err)
	}
	if out.Number != "1-2/2026" || out.Direction != records.Outgoing || out.Partner != "Kiss Péter" || out.CaseID != in.CaseID {
		t.Errorf("registered on signing: %+v", out)
	}
	if signed.Status != records.DraftSigned || *signed.DocumentID != out.ID || signed.Version != 3 {
		t.Errorf("signed draft: %+v", signed)
	}
	if _, err := edit("Utólagos módosítás"); problemCode(err) != "draft_signed" {
		t.Errorf("edited after signing: %v", err)
	}
	// Every review of the history stays: v2 approved + rejected, v3 approved.
	count := map[string]int{}
	for _, r := range reviews() {
		count[r.Decision]++
	}
	if count[records.ReviewApproved] != 2 || count[records.ReviewRejected] != 1 {
		t.Errorf("review history: %v", count)
	}
}

// A reply to last year's case is registered in this year's book as a new
// case joined to the old one (szerelés).
func TestSignOffInANewYear(t *testing.T) {
	d, s, c := setupOutgoing(t)
	c.t = budapest(2026, 12, 30, 10, 0)
	old := mustRegister(t, d, s, orfu, in("Év végi kérelem"))
	var draft records.Draft
	err := tx(d, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if draft, err = s.CreateDraft(ctx, tx, old.ID, records.DraftInput{Subject: "Határozat", Addressee: "Kiss Péter"}, "kovacs"); err != nil {
			return err
		}
		_, err = s.SubmitDraft(ctx, tx, draft.ID, nil, jegyzo.ID, "kovacs")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c.t = budapest(2027, 1, 4, 9, 0)
	var doc records.Document
	err = tx(d, func(ctx context.Context, tx bun.Tx) error {
		var err error
		_, doc, err = s.Sign(ctx, tx, draft.ID, records.SignElectronic, actor(jegyzo, true))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Number != "1-1/2027" || doc.CaseID == old.CaseID {
		t.Errorf("reply in the new year: %s in case %s (old case %s)", doc.Number, doc.CaseID, old.CaseID)
	}
}

func TestDispatchAndDelivery(t *testing.T) {
	d, s, c := setupOutgoing(t)
	c.t = budapest(2026, 3, 2, 8, 0) // Monday
	incoming := mustRegister(t, d, s, orfu, in("Kérelem"))
	r := in("Határozat")
	r.Direction, r.Predecessor = records.Outgoing, incoming.Number
	outgoing := mustRegister(t, d, s, orfu, r)

	dispatch := func(doc uuid.UUID, in records.DispatchInput) (records.Dispatch, error) {
		var out records.Dispatch
		err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			var err error
			out, err = s.Dispatch(ctx, tx, doc, in, "iktato")
			return err
		})
		return out, err
	}
	for name, tc := range map[string]struct {
		doc  uuid.UUID
		in   records.DispatchInput
		code string
	}{
		"unknown channel": {outgoing.ID, records.DispatchInput{Channel: "fax", Addressee: "Kiss Péter"}, "bad_channel"},
		"no addressee":    {outgoing.ID, records.DispatchInput{Channel: records.DispatchElectronic}, "dispatch_addressee"},
		"post, no addr":   {outgoing.ID, records.DispatchInput{Channel: records.DispatchPost, Addressee: "Kiss Péter"}, "dispatch_address"},
		"incoming":        {incoming.ID, records.DispatchInput{Channel: records.DispatchElectronic, Addressee: "Kiss Péter"}, "not_outgoing"},
		"unknown doc":     {uuid.New(), records.DispatchInput{Channel: records.DispatchElectronic, Addressee: "Kiss Péter"}, "no_document"},
	} {
		if _, err := dispatch(tc.doc, tc.in); problemCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	post, err := dispatch(outgoing.ID, records.DispatchInput{Channel: records.DispatchPost, Addressee: "Kiss Péter", Address: "7677 Orfű, Fő utca 1.", PostalID: "RL123456789HU"})
	if err != nil {
		t.Fatal(err)
	}
	// Prepared the same morning: by hand, and as a public notice.
	hand, _ := dispatch(outgoing.ID, records.DispatchInput{Channel: records.DispatchPersonal, Addressee: "Kiss Péter"})
	notice, _ := dispatch(outgoing.ID, records.DispatchInput{Channel: records.DispatchNotice, Addressee: "Ismeretlen helyen tartózkodó örökös"})
	event := func(id uuid.UUID, ev string, at time.Time, reason string) (records.Dispatch, error) {
		var out records.Dispatch
		err := tx(d, func(ctx context.Context, tx bun.Tx) error {
			var err error
			out, err = s.RecordDelivery(ctx, tx, id, ev, at, reason, "iktato")
			return err
		})
		return out, err
	}
	day := func(y int, m time.Month, dd int) hu.Date { return hu.Date{Year: y, Month: m, Day: dd} }

	c.t = budapest(2026, 3, 13, 12, 0)
	if _, err := event(post.ID, records.EventNotice1, budapest(2026, 3, 4, 10, 0), ""); problemCode(err) != "event_order" {
		t.Errorf("notice before sending: %v", err)
	}
	if _, err := event(post.ID, records.EventSent, budapest(2026, 3, 20, 10, 0), ""); problemCode(err) != "event_future" {
		t.Errorf("sent in the future: %v", err)
	}
	if _, err := event(post.ID, records.EventSent, budapest(2026, 3, 2, 14, 0), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := event(post.ID, records.EventSent, budapest(2026, 3, 2, 15, 0), ""); problemCode(err) != "event_twice" {
		t.Errorf("sent twice: %v", err)
	}
	if _, err := event(post.ID, records.EventNotice1, budapest(2026, 3, 1, 10, 0), ""); problemCode(err) != "event_order" {
		t.Errorf("notice before it was sent: %v", err)
	}
	if _, err := event(post.ID, records.EventNotice1, budapest(2026, 3, 4, 10, 0), ""); err != nil {
		t.Fatal(err)
	}
	got, err := event(post.ID, records.EventNotice2, budapest(2026, 3, 9, 10, 0), "")
	if err != nil {
		t.Fatal(err)
	}
	// Second notice on Monday 9 March: presumed delivered on the fifth
	// working day after it, Monday 16 March (15 March is a Sunday).
	if dl := got.Delivery(day(2026, 3, 13)); dl.State != records.DeliveryNotified || dl.PresumedOn == nil || *dl.PresumedOn != day(2026, 3, 16) || dl.DeliveredOn != nil {
		t.Errorf("on 13 March: %+v", dl)
	}
	if dl := got.Delivery(day(2026, 3, 16)); dl.State != records.DeliveryPresumed || *dl.DeliveredOn != day(2026, 3, 16) {
		t.Errorf("on 16 March: %+v", dl)
	}
	if _, err := event(post.ID, records.EventReturned, budapest(2026, 3, 13, 9, 0), ""); problemCode(err) != "return_reason" {
		t.Errorf("returned without reason: %v", err)
	}
	if got, err = event(post.ID, records.EventReturned, budapest(2026, 3, 13, 9, 0), "Nem kereste"); err != nil || got.Delivery(day(2026, 3, 13)).State != records.DeliveryReturned {
		t.Fatalf("returned: %v", err)
	}
	if _, err := event(post.ID, records.EventPickedUp, budapest(2026, 3, 13, 10, 0), ""); problemCode(err) != "delivery_closed" {
		t.Errorf("picked up after it came back: %v", err)
	}

	// Picked up in person: delivered that day.
	event(hand.ID, records.EventSent, budapest(2026, 3, 10, 9, 0), "")
	got, err = event(hand.ID, records.EventPickedUp, budapest(2026, 3, 10, 9, 30), "")
	if dl := got.Delivery(day(2026, 3, 13)); err != nil || dl.State != records.DeliveryDelivered || *dl.DeliveredOn != day(2026, 3, 10) {
		t.Errorf("picked up: %+v, %v", dl, err)
	}
	// A public notice counts as communicated on the 15th day.
	got, _ = event(notice.ID, records.EventSent, budapest(2026, 3, 2, 9, 0), "")
	if dl := got.Delivery(day(2026, 3, 13)); dl.State != records.DeliveryPublished || *dl.PresumedOn != day(2026, 3, 17) {
		t.Errorf("notice on display: %+v", dl)
	}
	if dl := got.Delivery(day(2026, 3, 17)); dl.State != records.DeliveryPresumed || *dl.DeliveredOn != day(2026, 3, 17) {
		t.Errorf("notice communicated: %+v", dl)
	}
	if _, err := event(notice.ID, records.EventNotice1, budapest(2026, 3, 3, 9, 0), ""); problemCode(err) != "notice_events" {
		t.Errorf("notice on a public notice: %v", err)
	}
}
