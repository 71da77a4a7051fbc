package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// DispatchChannel is how an outgoing document travels (Iratkr. 56. § (1)).
type DispatchChannel string

const (
	DispatchPost       DispatchChannel = "post"
	DispatchCourier    DispatchChannel = "courier" // the office's own kézbesítő
	DispatchPersonal   DispatchChannel = "personal"
	DispatchElectronic DispatchChannel = "electronic"
	DispatchNotice     DispatchChannel = "notice" // hirdetmény on the website (Ákr. 85. § (5) b), 88. §)
)

// Channels in the order the dispatch page groups them.
var Channels = []DispatchChannel{DispatchPost, DispatchElectronic, DispatchCourier, DispatchPersonal, DispatchNotice}

// Valid reports whether c is a known channel.
func (c DispatchChannel) Valid() bool {
	for _, k := range Channels {
		if c == k {
			return true
		}
	}
	return false
}

// PresumedAfterWorkingDays: an item not picked up despite two notices
// counts as delivered on the 5th working day after the second notice
// (Dáptv. 27. § (1) c)).
const PresumedAfterWorkingDays = 5

// NoticeDays: a decision communicated by public notice counts as
// communicated on the 15th day after publication (Ákr. 85. § (5) b)).
const NoticeDays = 15

// Dispatch is one sending of a registered outgoing document.
type Dispatch struct {
	bun.BaseModel `bun:"table:records_dispatches,alias:dp"`
	db.TenantScoped

	ID           uuid.UUID       `bun:"id,pk,type:uuid" json:"id"`
	DocumentID   uuid.UUID       `bun:"document_id,type:uuid" json:"document_id"`
	Channel      DispatchChannel `bun:"channel" json:"channel"`
	Addressee    string          `bun:"addressee" json:"addressee"`
	Address      string          `bun:"address" json:"address"`
	PostalID     string          `bun:"postal_id" json:"postal_id"`
	CreatedBy    string          `bun:"created_by" json:"created_by"`
	CreatedAt    time.Time       `bun:"created_at" json:"created_at"`
	SentAt       *time.Time      `bun:"sent_at" json:"sent_at,omitempty"`
	Notice1At    *time.Time      `bun:"notice1_at" json:"notice1_at,omitempty"`
	Notice2At    *time.Time      `bun:"notice2_at" json:"notice2_at,omitempty"`
	PickedUpAt   *time.Time      `bun:"picked_up_at" json:"picked_up_at,omitempty"`
	ReturnedAt   *time.Time      `bun:"returned_at" json:"returned_at,omitempty"`
	ReturnReason string          `bun:"return_reason" json:"return_reason,omitempty"`
}

// Delivery states, derived from the events.
const (
	DeliveryPrepared  = "prepared"  // waiting to be sent
	DeliverySent      = "sent"      // on its way
	DeliveryNotified  = "notified"  // notices left, not yet picked up
	DeliveryDelivered = "delivered" // picked up (átvette)
	DeliveryPresumed  = "presumed"  // delivered by presumption (kézbesítési vélelem)
	DeliveryReturned  = "returned"  // undeliverable, came back
	DeliveryPublished = "published" // public notice on display
)

// Delivery is where a dispatch stands on a day, and the day it counts as
// delivered, if it does yet (the day legal deadlines of the addressee
// start from).
type Delivery struct {
	State       string
	DeliveredOn *hu.Date
	// PresumedOn is when it will count as delivered if nothing else
	// happens (after the second notice, or for a public notice).
	PresumedOn *hu.Date
}

// Delivery computes the state of d on today.
func (d Dispatch) Delivery(today hu.Date) Delivery {
	switch {
	case d.PickedUpAt != nil:
		on := hu.DateOf(*d.PickedUpAt)
		return Delivery{State: DeliveryDelivered, DeliveredOn: &on}
	case d.ReturnedAt != nil:
		return Delivery{State: DeliveryReturned}
	case d.SentAt == nil:
		return Delivery{State: DeliveryPrepared}
	case d.Channel == DispatchNotice:
		on := hu.DateOf(*d.SentAt).AddDays(NoticeDays)
		if on.After(today) {
			return Delivery{State: DeliveryPublished, PresumedOn: &on}
		}
		return Delivery{State: DeliveryPresumed, DeliveredOn: &on}
	case d.Notice2At != nil:
		on, err := hu.AddWorkingDays(hu.DateOf(*d.Notice2At), PresumedAfterWorkingDays)
		if err != nil { // beyond the calendar's reach: say nothing rather than guess
			return Delivery{State: DeliveryNotified}
		}
		if on.After(today) {
			return Delivery{State: DeliveryNotified, PresumedOn: &on}
		}
		return Delivery{State: DeliveryPresumed, DeliveredOn: &on}
	case d.Notice1At != nil:
		return Delivery{State: DeliveryNotified}
	}
	return Delivery{State: DeliverySent}
}

// DispatchInput is a new dispatch.
type DispatchInput struct {
	Channel   DispatchChannel
	Addressee string
	Address   string
	PostalID  string // ragszám of a registered letter
}

// Dispatch prepares the sending of a registered outgoing document.
func (s *Service) Dispatch(ctx context.Context, tx bun.Tx, documentID uuid.UUID, in DispatchInput, by string) (Dispatch, error) {
	in.Addressee, in.Address, in.PostalID = strings.TrimSpace(in.Addressee), strings.TrimSpace(in.Address), strings.TrimSpace(in.PostalID)
	switch {
	case !in.Channel.Valid():
		return Dispatch{}, problem("bad_channel", "channel", "Válassza ki a küldés módját.", "Choose how it is sent.")
	case in.Addressee == "" || len(in.Addressee) > 500:
		return Dispatch{}, problem("dispatch_addressee", "addressee", "Adja meg a címzettet (legfeljebb 500 karakter).", "Enter the addressee (at most 500 characters).")
	case (in.Channel == DispatchPost || in.Channel == DispatchCourier) && in.Address == "":
		return Dispatch{}, problem("dispatch_address", "address", "Postai vagy kézbesítői küldéshez adja meg a címet.", "Give the address for sending by post or courier.")
	case len(in.Address) > 1000 || len(in.PostalID) > 100:
		return Dispatch{}, problem("dispatch_too_long", "address", "A cím legfeljebb 1000, a ragszám legfeljebb 100 karakter.", "The address is at most 1000, the postal id at most 100 characters.")
	}
	doc, err := documentByID(ctx, tx, documentID)
	if err != nil {
		return Dispatch{}, err
	}
	if doc == nil {
		return Dispatch{}, errNoDocument
	}
	if doc.Direction != Outgoing {
		return Dispatch{}, problem("not_outgoing", "", "Csak kimenő iratot lehet expediálni.", "Only outgoing documents are dispatched.")
	}
	if doc.VoidedAt != nil {
		return Dispatch{}, problem("dispatch_void", "", "A(z) %s iktatás érvénytelen, nem küldhető ki.", "Registration %s is void and cannot be sent.", doc.Number)
	}
	now := s.now().UTC()
	d := Dispatch{ID: uuid.Must(uuid.NewV7()), DocumentID: doc.ID, Channel: in.Channel, Addressee: in.Addressee,
		Address: in.Address, PostalID: in.PostalID, CreatedBy: by, CreatedAt: now}
	if err := insert(ctx, tx, &d); err != nil {
		return Dispatch{}, err
	}
	return d, appendAudit(ctx, tx, "records.dispatch", "dispatch", d.ID.String(),
		map[string]any{"number": doc.Number, "channel": d.Channel, "addressee": d.Addressee, "by": by}, now)
}

// Delivery events a clerk records from what the post or the delivery
// service reports.
const (
	EventSent     = "sent"
	EventNotice1  = "notice1"
	EventNotice2  = "notice2"
	EventPickedUp = "picked_up"
	EventReturned = "returned"
)

// RecordDelivery records one event of a dispatch at the time it
// happened. Events come in their order and once each; a time in the
// future or before the previous event is refused.
func (s *Service) RecordDelivery(ctx context.Context, tx bun.Tx, id uuid.UUID, event string, at time.Time, reason, by string) (Dispatch, error) {
	d, err := dispatchByID(ctx, tx, id)
	if err != nil {
		return Dispatch{}, err
	}
	if d == nil {
		return Dispatch{}, errNoDispatch
	}
	now := s.now().UTC()
	if at.IsZero() {
		at = now
	}
	at = at.UTC()
	if at.After(now.Add(time.Minute)) {
		return Dispatch{}, problem("event_future", "at", "Az esemény ideje nem lehet a jövőben.", "The time of the event cannot be in the future.")
	}
	closed := d.PickedUpAt != nil || d.ReturnedAt != nil
	var field **time.Time
	var after *time.Time
	var column string
	switch event {
	case EventSent:
		field, after, column = &d.SentAt, &d.CreatedAt, "sent_at"
	case EventNotice1:
		field, after, column = &d.Notice1At, d.SentAt, "notice1_at"
	case EventNotice2:
		field, after, column = &d.Notice2At, d.Notice1At, "notice2_at"
	case EventPickedUp:
		field, after, column = &d.PickedUpAt, latest(d.SentAt, d.Notice1At, d.Notice2At), "picked_up_at"
	case EventReturned:
		field, after, column = &d.ReturnedAt, latest(d.SentAt, d.Notice1At, d.Notice2At), "returned_at"
		reason = strings.TrimSpace(reason)
		if reason == "" || len(reason) > 1000 {
			return Dispatch{}, problem("return_reason", "reason", "Írja be, miért jött vissza (például: nem kereste, elköltözött).", "Say why it came back (e.g. not collected, moved away).")
		}
		d.ReturnReason = reason
	default:
		return Dispatch{}, problem("bad_event", "event", "Ismeretlen kézbesítési esemény.", "Unknown delivery event.")
	}
	switch {
	case d.Channel == DispatchNotice && event != EventSent:
		return Dispatch{}, problem("notice_events", "event", "Hirdetménynél csak a közzététel napját kell rögzíteni.", "For a public notice only the day of publication is recorded.")
	case *field != nil:
		return Dispatch{}, problem("event_twice", "event", "Ez az esemény már rögzítve van.", "This event is already recorded.")
	case closed:
		return Dispatch{}, problem("delivery_closed", "event", "A küldemény kézbesítése már lezárult.", "The delivery has already ended.")
	case after == nil:
		return Dispatch{}, problem("event_order", "event", "Előbb a korábbi eseményt rögzítse (feladás, majd első, második értesítés).", "Record the earlier event first (sent, then first, second notice).")
	case at.Before(*after):
		return Dispatch{}, problem("event_order", "at", "Az esemény ideje nem lehet korábbi az előző eseménynél.", "The event cannot be earlier than the previous one.")
	}
	*field = &at
	cols := []string{column}
	if event == EventReturned {
		cols = append(cols, "return_reason")
	}
	if _, err := tx.NewUpdate().Model(d).Column(cols...).WherePK().Exec(ctx); err != nil {
		return Dispatch{}, fmt.Errorf("record %s of %s: %w", event, d.ID, err)
	}
	detail := map[string]any{"event": event, "at": at.Format(time.RFC3339), "by": by}
	if reason != "" {
		detail["reason"] = reason
	}
	return *d, appendAudit(ctx, tx, "records.delivery", "dispatch", d.ID.String(), detail, now)
}

func latest(ts ...*time.Time) *time.Time {
	var out *time.Time
	for _, t := range ts {
		if t != nil && (out == nil || t.After(*out)) {
			out = t
		}
	}
	return out
}

func dispatchByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Dispatch, error) {
	var d Dispatch
	err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dispatch %s: %w", id, err)
	}
	return &d, nil
}

func documentDispatches(ctx context.Context, tx bun.IDB, documentID uuid.UUID) ([]Dispatch, error) {
	var ds []Dispatch
	if err := tx.NewSelect().Model(&ds).Where("document_id = ?", documentID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("dispatches of %s: %w", documentID, err)
	}
	return ds, nil
}

// DispatchItem is a dispatch with its document, for the dispatch page.
type DispatchItem struct {
	Dispatch `bun:",extend"`
	Number   string `bun:"number"`
	Subject  string `bun:"subject"`
}

// dispatchQueue lists the prepared dispatches (the expediálás queue), or
// with sent those on their way: sent, not yet picked up or returned.
func dispatchQueue(ctx context.Context, tx bun.IDB, sent bool, limit int) ([]DispatchItem, error) {
	var items []DispatchItem
	q := tx.NewSelect().Model(&items).ColumnExpr("dp.*, d.number, d.subject").
		Join("JOIN records_documents AS d ON d.tenant_id = dp.tenant_id AND d.id = dp.document_id").
		Where("dp.picked_up_at IS NULL AND dp.returned_at IS NULL").
		OrderExpr("dp.channel, dp.created_at").Limit(int64(limit))
	if sent {
		q.Where("dp.sent_at IS NOT NULL")
	} else {
		q.Where("dp.sent_at IS NULL")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("dispatch queue: %w", err)
	}
	return items, nil
}
