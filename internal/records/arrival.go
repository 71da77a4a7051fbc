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

// Channel is how an item arrived.
type Channel string

const (
	Paper      Channel = "paper"
	Email      Channel = "email"
	Electronic Channel = "electronic" // Hivatali Kapu-style secure delivery
	Personal   Channel = "personal"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == Paper || c == Email || c == Electronic || c == Personal }

// Arrival is an entry of the arrival register (érkeztetés).
type Arrival struct {
	bun.BaseModel `bun:"table:records_arrivals"`
	db.TenantScoped

	ID              uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	Year            int        `bun:"year" json:"year"`
	Serial          int64      `bun:"serial" json:"serial"`
	ReceivedAt      time.Time  `bun:"received_at" json:"received_at"`
	Channel         Channel    `bun:"channel" json:"channel"`
	SenderName      string     `bun:"sender_name" json:"sender_name"`
	SenderAddress   string     `bun:"sender_address" json:"sender_address"`
	PostalID        string     `bun:"postal_id" json:"postal_id"`
	DeliveryID      string     `bun:"delivery_id" json:"delivery_id"`
	Note            string     `bun:"note" json:"note"`
	Acknowledgement string     `bun:"acknowledgement" json:"acknowledgement"`
	DocumentID      *uuid.UUID `bun:"document_id,type:uuid" json:"document_id,omitempty"`
	CreatedBy       string     `bun:"created_by" json:"created_by"`
	CreatedAt       time.Time  `bun:"created_at" json:"created_at"`
}

// Number is the érkeztetési azonosító: the year's continuous serial.
func (a Arrival) Number() string { return fmt.Sprintf("É-%d/%d", a.Serial, a.Year) }

// ArrivalInput is what the clerk records at arrival.
type ArrivalInput struct {
	// ReceivedAt is the legally relevant time of arrival; zero means now.
	// For an electronic delivery it is the delivery service's time, which
	// may be before midnight while the download is after (domain §2.14).
	ReceivedAt    time.Time
	Channel       Channel
	SenderName    string
	SenderAddress string
	PostalID      string // ragszám of a registered postal item
	DeliveryID    string // id given by the electronic delivery service
	Note          string
	By            string
}

// Arrive records an arriving item with the next serial of its year and
// the text of the automatic acknowledgement (Iratkr. 34. §, 21. §).
func (s *Service) Arrive(ctx context.Context, tx bun.Tx, in ArrivalInput) (Arrival, error) {
	t, ok := db.TenantFrom(ctx)
	if !ok {
		return Arrival{}, db.ErrNoTenant
	}
	in.SenderName = strings.TrimSpace(in.SenderName)
	if in.SenderName == "" || len(in.SenderName) > 300 {
		return Arrival{}, problem("no_sender", "sender_name", "Adja meg a küldő nevét.", "Enter the sender's name.")
	}
	if !in.Channel.Valid() {
		return Arrival{}, problem("bad_channel", "channel", "Válassza ki, hogyan érkezett a küldemény.", "Choose how the item arrived.")
	}
	now := s.now()
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	}
	if in.ReceivedAt.After(now.Add(5 * time.Minute)) {
		return Arrival{}, problem("future_arrival", "received_at", "A beérkezés időpontja nem lehet a jövőben.", "The time of arrival cannot be in the future.")
	}
	year := hu.DateOf(in.ReceivedAt).Year
	// The serial's counter row is created at the year's first arrival.
	if _, err := tx.NewRaw(`INSERT INTO records_arrival_counters (tenant_id, year, next_serial) VALUES (?, ?, 1)
		ON CONFLICT (tenant_id, year) DO NOTHING`, t, year).Exec(ctx); err != nil {
		return Arrival{}, fmt.Errorf("arrival counter %d: %w", year, err)
	}
	var serial int64
	err := tx.NewRaw(`UPDATE records_arrival_counters SET next_serial = next_serial + 1
		WHERE tenant_id = ? AND year = ? RETURNING next_serial - 1`, t, year).Scan(ctx, &serial)
	if err != nil {
		return Arrival{}, fmt.Errorf("arrival serial %d: %w", year, err)
	}
	a := Arrival{
		ID: uuid.Must(uuid.NewV7()), Year: year, Serial: serial, ReceivedAt: in.ReceivedAt.UTC(), Channel: in.Channel,
		SenderName: in.SenderName, SenderAddress: strings.TrimSpace(in.SenderAddress), PostalID: strings.TrimSpace(in.PostalID),
		DeliveryID: strings.TrimSpace(in.DeliveryID), Note: strings.TrimSpace(in.Note), CreatedBy: in.By, CreatedAt: now.UTC(),
	}
	a.Acknowledgement = fmt.Sprintf("Tisztelt %s! Küldeménye %s időpontban beérkezett hozzánk, érkeztetési azonosítója: %s. "+
		"Ez automatikus visszaigazolás, nem hivatalos irat.",
		a.SenderName, a.ReceivedAt.In(hu.Budapest()).Format("2006. 01. 02. 15:04"), a.Number())
	if err := insert(ctx, tx, &a); err != nil {
		return Arrival{}, err
	}
	return a, appendAudit(ctx, tx, "records.arrive", "arrival", a.ID.String(), map[string]any{"number": a.Number(), "channel": string(a.Channel)}, now)
}

func arrivalByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Arrival, error) {
	var a Arrival
	err := tx.NewSelect().Model(&a).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("arrival %s: %w", id, err)
	}
	return &a, nil
}

func recentArrivals(ctx context.Context, tx bun.IDB, limit int) ([]Arrival, error) {
	var as []Arrival
	if err := tx.NewSelect().Model(&as).OrderExpr("year DESC, serial DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("arrivals: %w", err)
	}
	return as, nil
}
