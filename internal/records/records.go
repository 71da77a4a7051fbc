// Package records is IRAT, the records management module: registration
// books (iktatókönyv), cases (ügyirat) and registered documents (irat)
// with gapless iktatószám per book and year (Iratkr. 40–41. §, 48. §,
// 50. §). Every other module registers its documents here, inside its own
// transaction, through Registrar.
//
// Rules (domain brief §2): numbers are allocated in the registering
// transaction from a counter row, never from a sequence, so they are
// gapless and a rollback returns them; a registration is never deleted, a
// wrong one is voided and its number stays used; a follow-up in the same
// year takes the case's next alszám, one from an earlier year opens a new
// case that the old one is joined to for good (szerelés).
package records

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Direction of a document.
type Direction string

const (
	Incoming Direction = "in"
	Outgoing Direction = "out"
	Internal Direction = "internal"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == Incoming || d == Outgoing || d == Internal }

// Book is an iktatókönyv of one year.
type Book struct {
	bun.BaseModel `bun:"table:records_books"`
	db.TenantScoped

	ID         uuid.UUID  `bun:"id,pk,type:uuid"`
	Code       string     `bun:"code"`
	Year       int        `bun:"year"`
	Title      string     `bun:"title"`
	Prefix     string     `bun:"prefix"`
	Status     string     `bun:"status"`
	NextFoszam int64      `bun:"next_foszam"`
	CreatedAt  time.Time  `bun:"created_at"`
	ClosedAt   *time.Time `bun:"closed_at"`
	// ClosureEntries and ClosureHash are the manifest of a closed book.
	ClosureEntries int64  `bun:"closure_entries"`
	ClosureHash    string `bun:"closure_hash"`
	ClosedBy       string `bun:"closed_by"`
	// NumberTemplate is the form of this volume's numbers ('' = default).
	NumberTemplate NumberTemplate `bun:"number_template"`
}

// Example is a number of this book's form, for the settings page.
func (b Book) Example() string {
	return b.NumberTemplate.Format(Number{Prefix: b.Prefix, Foszam: 1234, Alszam: 3, Year: b.Year})
}

// number renders a number of this book.
func (b *Book) number(foszam, alszam int64) string {
	return b.NumberTemplate.Format(Number{Prefix: b.Prefix, Foszam: foszam, Alszam: alszam, Year: b.Year})
}

// Case is an ügyirat: one főszám in one book.
type Case struct {
	bun.BaseModel `bun:"table:records_cases"`
	db.TenantScoped

	ID            uuid.UUID  `bun:"id,pk,type:uuid"`
	BookID        uuid.UUID  `bun:"book_id,type:uuid"`
	Foszam        int64      `bun:"foszam"`
	Subject       string     `bun:"subject"`
	NextAlszam    int64      `bun:"next_alszam"`
	MergedInto    *uuid.UUID `bun:"merged_into,type:uuid"`
	PrecedingCase *uuid.UUID `bun:"preceding_case,type:uuid"`
	CreatedAt     time.Time  `bun:"created_at"`
	Filing                   // tételszám, closure, disposal, transfer (casefile.go)
}

// Document is a registered irat.
type Document struct {
	bun.BaseModel `bun:"table:records_documents"`
	db.TenantScoped

	ID           uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	CaseID       uuid.UUID  `bun:"case_id,type:uuid" json:"case_id"`
	Alszam       int64      `bun:"alszam" json:"alszam"`
	Number       string     `bun:"number" json:"number"`
	Direction    Direction  `bun:"direction" json:"direction"`
	Subject      string     `bun:"subject" json:"subject"`
	Partner      string     `bun:"partner" json:"partner"`
	ExternalRef  string     `bun:"external_ref" json:"external_ref"`
	Keywords     string     `bun:"keywords" json:"keywords"`
	RegisteredAt time.Time  `bun:"registered_at" json:"registered_at"`
	RegisteredBy string     `bun:"registered_by" json:"registered_by"`
	VoidedAt     *time.Time `bun:"voided_at" json:"voided_at,omitempty"`
	VoidReason   string     `bun:"void_reason" json:"void_reason,omitempty"`
}

// Registration is what it takes to register a document.
type Registration struct {
	BookCode    string // which book; the current year's is used (or opened)
	Direction   Direction
	Subject     string
	Partner     string // sender of an incoming, addressee of an outgoing
	ExternalRef string // the sender's own reference (hivatkozási szám)
	Keywords    string // tárgyszavak, separated by commas
	// Predecessor is the iktatószám of an earlier document of the same
	// matter (előzmény), if any.
	Predecessor string
	// Arrival is the id of the arrival-register entry this document
	// arrived as, if it was recorded there first.
	Arrival string
	// By names who registers (a user, or a module on its behalf).
	By string
}

// Registrar registers documents inside the caller's tenant transaction
// and returns the document with its iktatószám. Modules that register
// their documents declare the part of it they use and get this one.
type Registrar interface {
	Register(ctx context.Context, tx bun.Tx, r Registration) (Document, error)
}
