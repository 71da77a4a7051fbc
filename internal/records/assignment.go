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
	"github.com/openasp-hu/asp/internal/platform/module"
)

// Assignment is one szignálás: a task on a registered document given to a
// case officer (ügyintéző), with instructions and a deadline, recorded
// with the time it was given (Iratkr. 51. § (3)).
type Assignment struct {
	bun.BaseModel `bun:"table:records_assignments,alias:a"`
	db.TenantScoped

	ID           uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	DocumentID   uuid.UUID  `bun:"document_id,type:uuid" json:"document_id"`
	CaseID       uuid.UUID  `bun:"case_id,type:uuid" json:"case_id"`
	AssigneeID   uuid.UUID  `bun:"assignee_id,type:uuid" json:"assignee_id"`
	AssigneeName string     `bun:"assignee_name" json:"assignee_name"`
	Unit         string     `bun:"unit" json:"unit"`
	Instructions string     `bun:"instructions" json:"instructions"`
	CaseType     string     `bun:"case_type" json:"case_type"`
	Urgent       bool       `bun:"urgent" json:"urgent"`
	StartedOn    hu.Date    `bun:"started_on" json:"started_on"`
	DueOn        *hu.Date   `bun:"due_on" json:"due_on,omitempty"`
	DueManual    bool       `bun:"due_manual" json:"due_manual"`
	AssignedAt   time.Time  `bun:"assigned_at" json:"assigned_at"`
	AssignedBy   string     `bun:"assigned_by" json:"assigned_by"`
	SeenAt       *time.Time `bun:"seen_at" json:"seen_at,omitempty"`
	Status       string     `bun:"status" json:"status"`
	EndedAt      *time.Time `bun:"ended_at" json:"ended_at,omitempty"`
	EndedBy      string     `bun:"ended_by" json:"ended_by,omitempty"`
	Note         string     `bun:"note" json:"note,omitempty"`
}

// Assignment states.
const (
	AssignmentActive     = "active"
	AssignmentDone       = "done"
	AssignmentReassigned = "reassigned"
)

// Overdue reports whether the deadline passed before today with the task
// still open; a done task is late if it ended after its deadline.
func (a Assignment) Overdue(today hu.Date) bool {
	return a.Status == AssignmentActive && a.DueOn != nil && a.DueOn.Before(today)
}

// Late reports whether a finished task was finished after its deadline:
// the fact the Ákr. 51. § sanction turns on.
func (a Assignment) Late() bool {
	if a.Status != AssignmentDone || a.DueOn == nil || a.EndedAt == nil {
		return false
	}
	return a.DueOn.Before(hu.DateOf(*a.EndedAt))
}

// DaysLeft is the number of calendar days from today to the deadline
// (0 when it is today, passed, or there is none).
func (a Assignment) DaysLeft(today hu.Date) int {
	if a.DueOn == nil || !a.DueOn.After(today) {
		return 0
	}
	return a.DueOn.DaysSince(today)
}

// DaysLate is the number of days the deadline has passed by (0 if not).
func (a Assignment) DaysLate(today hu.Date) int {
	if a.DueOn == nil || !a.DueOn.Before(today) {
		return 0
	}
	return today.DaysSince(*a.DueOn)
}

// AssignInput is a szignálás as the assigner gives it.
type AssignInput struct {
	DocumentID   uuid.UUID
	AssigneeID   uuid.UUID
	Unit         string
	Instructions string
	CaseType     string // code; empty means DefaultCaseType
	Urgent       bool
	// Due, when set, replaces the case type's deadline (an earlier
	// internal deadline, or one for a task the law gives none).
	Due hu.Date
	// Replace ends the document's open tasks (átszignálás).
	Replace bool
	By      string
}

// Assign gives a registered document to a case officer. The officer must
// hold CasesHandle on the tenant; the deadline counts from the legally
// relevant arrival of the document (its arrival-register time, else its
// registration).
func (s *Service) Assign(ctx context.Context, tx bun.Tx, in AssignInput) (Assignment, error) {
	t, ok := db.TenantFrom(ctx)
	if !ok {
		return Assignment{}, db.ErrNoTenant
	}
	in.Unit, in.Instructions = strings.TrimSpace(in.Unit), strings.TrimSpace(in.Instructions)
	if len(in.Unit) > 200 {
		return Assignment{}, problem("bad_unit", "unit", "A szervezeti egység neve legfeljebb 200 karakter.", "The unit name is at most 200 characters.")
	}
	if len(in.Instructions) > 4000 {
		return Assignment{}, problem("bad_instructions", "instructions", "Az utasítás legfeljebb 4000 karakter.", "The instructions are at most 4000 characters.")
	}
	doc, err := documentByID(ctx, tx, in.DocumentID)
	if err != nil {
		return Assignment{}, err
	}
	if doc == nil {
		return Assignment{}, errNoDocument
	}
	if doc.VoidedAt != nil {
		return Assignment{}, problem("assign_void", "", "A(z) %s iktatás érvénytelen, nem lehet kiosztani.", "Registration %s is void and cannot be assigned.", doc.Number)
	}
	assignee, err := s.eligibleOfficer(ctx, t, in.AssigneeID)
	if err != nil {
		return Assignment{}, err
	}
	if in.CaseType == "" {
		in.CaseType = DefaultCaseType
	}
	ct, err := caseType(ctx, tx, in.CaseType)
	if err != nil {
		return Assignment{}, err
	}
	if ct == nil || !ct.Active {
		return Assignment{}, problem("unknown_case_type", "case_type", "Nincs ilyen ügytípus: %s.", "There is no case type %s.", in.CaseType)
	}
	arrived, err := legalArrival(ctx, tx, doc)
	if err != nil {
		return Assignment{}, err
	}
	now := s.now().UTC()
	a := Assignment{
		ID: uuid.Must(uuid.NewV7()), DocumentID: doc.ID, CaseID: doc.CaseID,
		AssigneeID: assignee.ID, AssigneeName: assignee.Name, Unit: in.Unit, Instructions: in.Instructions,
		CaseType: ct.Code, Urgent: in.Urgent, StartedOn: hu.DateOf(arrived),
		AssignedAt: now, AssignedBy: in.By, Status: AssignmentActive,
	}
	if !in.Due.IsZero() {
		if in.Due.Before(hu.DateOf(now)) {
			return Assignment{}, problem("due_past", "due", "A határidő nem lehet a mai napnál korábbi.", "The deadline cannot be before today.")
		}
		due := in.Due
		a.DueOn, a.DueManual = &due, true
	} else {
		due, has, err := ct.Due(arrived)
		if err != nil {
			return Assignment{}, fmt.Errorf("deadline of %s: %w", ct.Code, err)
		}
		if has {
			a.DueOn = &due
		}
	}
	var replaced []string
	if in.Replace {
		var open []Assignment
		if err := tx.NewSelect().Model(&open).Where("document_id = ? AND status = ?", doc.ID, AssignmentActive).Scan(ctx); err != nil {
			return Assignment{}, fmt.Errorf("open tasks of %s: %w", doc.Number, err)
		}
		for i := range open {
			open[i].Status, open[i].EndedAt, open[i].EndedBy = AssignmentReassigned, &now, in.By
			if _, err := tx.NewUpdate().Model(&open[i]).Column("status", "ended_at", "ended_by").WherePK().Exec(ctx); err != nil {
				return Assignment{}, fmt.Errorf("end task %s: %w", open[i].ID, err)
			}
			replaced = append(replaced, open[i].ID.String())
		}
	}
	if err := insert(ctx, tx, &a); err != nil {
		return Assignment{}, err
	}
	detail := map[string]any{"number": doc.Number, "assignee": assignee.Username, "case_type": a.CaseType,
		"started_on": a.StartedOn.String(), "unit": a.Unit, "instructions": a.Instructions, "urgent": a.Urgent, "by": in.By}
	if a.DueOn != nil {
		detail["due_on"] = a.DueOn.String()
		detail["due_manual"] = a.DueManual
	}
	if len(replaced) > 0 {
		detail["replaced"] = replaced
	}
	return a, appendAudit(ctx, tx, "records.assign", "assignment", a.ID.String(), detail, now)
}

// eligibleOfficer finds id among the people who may handle cases here.
func (s *Service) eligibleOfficer(ctx context.Context, t db.TenantID, id uuid.UUID) (module.Person, error) {
	if s.People == nil {
		return module.Person{}, errors.New("records: no people directory wired")
	}
	people, err := s.People.With(ctx, t, CasesHandle)
	if err != nil {
		return module.Person{}, err
	}
	for _, p := range people {
		if p.ID == id {
			return p, nil
		}
	}
	return module.Person{}, problem("not_officer", "assignee",
		"A kiválasztott személy nem ügyintéző ennél az önkormányzatnál; csak ügyintézői szerepkörrel rendelkezőnek lehet szignálni.",
		"The person chosen is not a case officer of this municipality; only people with the case officer role can be assigned.")
}

// legalArrival is the time the deadline counts from: the arrival
// register's time when the document was recorded there first (for an
// electronic delivery the delivery service's time, domain §2.6), else the
// registration.
func legalArrival(ctx context.Context, tx bun.IDB, doc *Document) (time.Time, error) {
	var a Arrival
	err := tx.NewSelect().Model(&a).Where("document_id = ?", doc.ID).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return doc.RegisteredAt, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("arrival of %s: %w", doc.Number, err)
	}
	return a.ReceivedAt, nil
}

// FinishAssignment closes a task as done (elintézve), by its assignee or
// by someone who assigns.
func (s *Service) FinishAssignment(ctx context.Context, tx bun.Tx, id uuid.UUID, note string, by Actor) (Assignment, error) {
	a, err := assignmentByID(ctx, tx, id)
	if err != nil {
		return Assignment{}, err
	}
	if a == nil {
		return Assignment{}, errNoAssignment
	}
	if a.AssigneeID != by.ID && !by.CanAssign {
		return Assignment{}, problem("not_yours", "", "Ezt a feladatot csak az ügyintézője vagy a szignáló zárhatja le.", "Only the assignee or an assigner can close this task.")
	}
	if a.Status != AssignmentActive {
		return Assignment{}, problem("task_closed", "", "Ez a feladat már le van zárva.", "This task is already closed.")
	}
	note = strings.TrimSpace(note)
	if len(note) > 4000 {
		return Assignment{}, problem("bad_note", "note", "A megjegyzés legfeljebb 4000 karakter.", "The note is at most 4000 characters.")
	}
	now := s.now().UTC()
	a.Status, a.EndedAt, a.EndedBy, a.Note = AssignmentDone, &now, by.Username, note
	if _, err := tx.NewUpdate().Model(a).Column("status", "ended_at", "ended_by", "note").WherePK().Exec(ctx); err != nil {
		return Assignment{}, fmt.Errorf("finish task %s: %w", a.ID, err)
	}
	detail := map[string]any{"document_id": a.DocumentID.String(), "note": note, "late": a.Late()}
	if a.DueOn != nil {
		detail["due_on"] = a.DueOn.String()
	}
	return *a, appendAudit(ctx, tx, "records.assignment_done", "assignment", a.ID.String(), detail, now)
}

// Actor is who acts, as far as the task rules need to know.
type Actor struct {
	ID        uuid.UUID
	Username  string
	CanAssign bool
	CanSign   bool // holds signing authority (kiadmányozási jog)
}

// markSeen records the first time the assignee opened the document of
// their open tasks (ISZ-r. 14. §: "seen by assignee" is logged).
func (s *Service) markSeen(ctx context.Context, tx bun.Tx, documentID, user uuid.UUID) error {
	now := s.now().UTC()
	var ids []string
	err := tx.NewRaw(`UPDATE records_assignments SET seen_at = ?
		WHERE tenant_id = ? AND document_id = ? AND assignee_id = ? AND status = 'active' AND seen_at IS NULL
		RETURNING id`, now, mustTenant(ctx), documentID, user).Scan(ctx, &ids)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("mark seen: %w", err)
	}
	for _, id := range ids {
		if err := appendAudit(ctx, tx, "records.assignment_seen", "assignment", id, map[string]any{"document_id": documentID.String()}, now); err != nil {
			return err
		}
	}
	return nil
}

func mustTenant(ctx context.Context) db.TenantID {
	t, _ := db.TenantFrom(ctx)
	return t
}

func assignmentByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Assignment, error) {
	var a Assignment
	err := tx.NewSelect().Model(&a).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", id, err)
	}
	return &a, nil
}

func documentAssignments(ctx context.Context, tx bun.IDB, documentID uuid.UUID) ([]Assignment, error) {
	var as []Assignment
	if err := tx.NewSelect().Model(&as).Where("document_id = ?", documentID).OrderExpr("assigned_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tasks of %s: %w", documentID, err)
	}
	return as, nil
}

// InboxItem is a task with its document, for the lists.
type InboxItem struct {
	Assignment `bun:",extend"`
	Number     string `bun:"number" json:"number"`
	Subject    string `bun:"subject" json:"subject"`
	Partner    string `bun:"partner" json:"partner"`
}

// openTasks lists open tasks, the earliest deadline first (no deadline
// last); of one assignee when assignee is not nil.
func openTasks(ctx context.Context, tx bun.IDB, assignee *uuid.UUID, limit int) ([]InboxItem, error) {
	var items []InboxItem
	q := tx.NewSelect().Model(&items).
		ColumnExpr("a.*, d.number, d.subject, d.partner").
		Join("JOIN records_documents AS d ON d.tenant_id = a.tenant_id AND d.id = a.document_id").
		Where("a.status = ?", AssignmentActive).
		OrderExpr("a.due_on IS NULL, a.due_on, a.urgent DESC, a.assigned_at").Limit(int64(limit))
	if assignee != nil {
		q.Where("a.assignee_id = ?", *assignee)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("open tasks: %w", err)
	}
	return items, nil
}

// unassigned lists valid incoming documents that have never been
// assigned: the assigner's queue.
func unassigned(ctx context.Context, tx bun.IDB, limit int) ([]Document, error) {
	var ds []Document
	err := tx.NewSelect().Model(&ds).
		Where("direction = ? AND voided_at IS NULL", Incoming).
		Where("NOT EXISTS (SELECT 1 FROM records_assignments AS a WHERE a.tenant_id = document.tenant_id AND a.document_id = document.id)").
		OrderExpr("registered_at, number").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("unassigned documents: %w", err)
	}
	return ds, nil
}

// Inbox is a case officer's list of open tasks, by urgency of deadline.
type Inbox struct {
	Today   hu.Date
	Overdue []InboxItem // deadline before today
	DueSoon []InboxItem // deadline within DueSoonWorkingDays working days
	Later   []InboxItem // later, or no deadline
}

// DueSoonWorkingDays is how near a deadline must be to show as due soon.
const DueSoonWorkingDays = 5

// inboxLimit bounds one list; an officer with more open tasks than this
// has a problem no list solves.
const inboxLimit = 1000

// Inbox returns the open tasks of assignee, or of everyone in the tenant
// when assignee is nil (the assigner's overview).
func (s *Service) Inbox(ctx context.Context, tx bun.IDB, assignee *uuid.UUID) (Inbox, error) {
	in := Inbox{Today: hu.DateOf(s.now())}
	items, err := openTasks(ctx, tx, assignee, inboxLimit)
	if err != nil {
		return in, err
	}
	soon, err := hu.AddWorkingDays(in.Today, DueSoonWorkingDays)
	if err != nil {
		return in, err
	}
	for _, it := range items {
		switch {
		case it.DueOn == nil:
			in.Later = append(in.Later, it)
		case it.DueOn.Before(in.Today):
			in.Overdue = append(in.Overdue, it)
		case !it.DueOn.After(soon):
			in.DueSoon = append(in.DueSoon, it)
		default:
			in.Later = append(in.Later, it)
		}
	}
	return in, nil
}

// Count is the number of open tasks in the inbox.
func (in Inbox) Count() int { return len(in.Overdue) + len(in.DueSoon) + len(in.Later) }
