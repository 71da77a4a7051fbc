package records

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// Event is one line of a case's timeline on its cover sheet (előadói ív):
// what happened, when, by whom, to which document.
type Event struct {
	At   time.Time
	Kind string // the i18n key suffix: records.timeline.<Kind>
	// A1 and A2 fill the Kind's text (%[1]s, %[2]s; a text may use one).
	A1, A2 string
	By     string
	// DocumentID links the line to a document of the case, if any.
	DocumentID *uuid.UUID
	DraftID    *uuid.UUID
}

// caseTimeline gathers the case's events from its documents, tasks,
// drafts and dispatches, oldest first. Each source is read with one query.
func caseTimeline(ctx context.Context, tx bun.IDB, caseID uuid.UUID) ([]Event, error) {
	docs, err := caseDocuments(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	var evs []Event
	docIDs := make([]uuid.UUID, 0, len(docs))
	number := map[uuid.UUID]string{}
	for _, d := range docs {
		id := d.ID
		docIDs = append(docIDs, id)
		number[id] = d.Number
		evs = append(evs, Event{At: d.RegisteredAt, Kind: "registered." + string(d.Direction), A1: d.Number, A2: d.Subject, By: d.RegisteredBy, DocumentID: &id})
		if d.VoidedAt != nil {
			evs = append(evs, Event{At: *d.VoidedAt, Kind: "voided", A1: d.Number, A2: d.VoidReason, DocumentID: &id})
		}
	}
	var tasks []Assignment
	if err := tx.NewSelect().Model(&tasks).Where("case_id = ?", caseID).Scan(ctx); err != nil {
		return nil, err
	}
	for _, a := range tasks {
		id := a.DocumentID
		evs = append(evs, Event{At: a.AssignedAt, Kind: "assigned", A1: number[id], A2: a.AssigneeName, By: a.AssignedBy, DocumentID: &id})
		if a.SeenAt != nil {
			evs = append(evs, Event{At: *a.SeenAt, Kind: "seen", A1: number[id], By: a.AssigneeName, DocumentID: &id})
		}
		if a.EndedAt != nil {
			evs = append(evs, Event{At: *a.EndedAt, Kind: "task_" + a.Status, A1: number[id], By: a.EndedBy, DocumentID: &id})
		}
	}
	drafts, err := caseDrafts(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	for _, d := range drafts {
		id := d.ID
		evs = append(evs, Event{At: d.CreatedAt, Kind: "draft", A1: d.Subject, By: d.CreatedBy, DraftID: &id})
		if d.SignedAt != nil {
			evs = append(evs, Event{At: *d.SignedAt, Kind: "signed", A1: d.Subject, By: d.SignedBy, DraftID: &id, DocumentID: d.DocumentID})
		}
		reviews, err := draftReviews(ctx, tx, d.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range reviews {
			if r.DecidedAt != nil && (r.Decision == ReviewApproved || r.Decision == ReviewRejected) {
				evs = append(evs, Event{At: *r.DecidedAt, Kind: "review_" + r.Decision, A1: d.Subject, By: r.ReviewerName, DraftID: &id})
			}
		}
	}
	if len(docIDs) > 0 {
		var dispatches []Dispatch
		if err := tx.NewSelect().Model(&dispatches).Where("document_id IN (?)", bun.In(docIDs)).Scan(ctx); err != nil {
			return nil, err
		}
		for _, d := range dispatches {
			id := d.DocumentID
			for _, e := range []struct {
				at   *time.Time
				kind string
			}{{d.SentAt, "sent"}, {d.Notice1At, "notice1"}, {d.Notice2At, "notice2"}, {d.PickedUpAt, "picked_up"}, {d.ReturnedAt, "returned"}} {
				if e.at != nil {
					evs = append(evs, Event{At: *e.at, Kind: "delivery_" + e.kind, A1: number[id], A2: d.Addressee, DocumentID: &id})
				}
			}
		}
	}
	c, err := caseByID(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	for _, e := range []struct {
		at   *time.Time
		kind string
		by   string
	}{{c.ClosedAt, "case_closed", c.ClosedBy}, {c.ArchivedAt, "case_archived", c.ArchivedBy}, {c.DisposedAt, "case_disposed", ""}, {c.TransferredAt, "case_transferred", ""}} {
		if e.at != nil {
			evs = append(evs, Event{At: *e.at, Kind: e.kind, A1: c.FilePlanCode, By: e.by})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	return evs, nil
}
