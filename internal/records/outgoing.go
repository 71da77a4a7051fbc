package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/module"
)

// The outgoing workflow (domain brief §2.7): a case officer drafts an
// outgoing document (kiadmány-tervezet) in a case, routes it to approvers
// who work in parallel, and the person with signing authority signs it
// off (kiadmányozás, Iratkr. 52. §); signing registers it as the case's
// next document. The registry then dispatches it (expediálás, 56. §) and
// records what the delivery service reports, from which the delivery
// date follows (Dáptv. 27. §).

// Draft states.
const (
	DraftEditing  = "draft"
	DraftInReview = "in_review"
	DraftApproved = "approved"
	DraftSigned   = "signed"
)

// Draft is an outgoing document before and after sign-off.
type Draft struct {
	bun.BaseModel `bun:"table:records_drafts,alias:dr"`
	db.TenantScoped

	ID               uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	CaseID           uuid.UUID  `bun:"case_id,type:uuid" json:"case_id"`
	Subject          string     `bun:"subject" json:"subject"`
	Addressee        string     `bun:"addressee" json:"addressee"`
	AddresseeAddress string     `bun:"addressee_address" json:"addressee_address"`
	Body             string     `bun:"body" json:"body"`
	Version          int        `bun:"version" json:"version"`
	Status           string     `bun:"status" json:"status"`
	SignerID         *uuid.UUID `bun:"signer_id,type:uuid" json:"signer_id,omitempty"`
	SignerName       string     `bun:"signer_name" json:"signer_name"`
	CreatedBy        string     `bun:"created_by" json:"created_by"`
	CreatedAt        time.Time  `bun:"created_at" json:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at" json:"updated_at"`
	SignedAt         *time.Time `bun:"signed_at" json:"signed_at,omitempty"`
	SignedBy         string     `bun:"signed_by" json:"signed_by"`
	SignMethod       string     `bun:"sign_method" json:"sign_method"`
	DocumentID       *uuid.UUID `bun:"document_id,type:uuid" json:"document_id,omitempty"`
}

// DraftVersion is one saved text of a draft.
type DraftVersion struct {
	bun.BaseModel `bun:"table:records_draft_versions,alias:dv"`
	db.TenantScoped

	DraftID          uuid.UUID `bun:"draft_id,pk,type:uuid"`
	Version          int       `bun:"version,pk"`
	Subject          string    `bun:"subject"`
	Addressee        string    `bun:"addressee"`
	AddresseeAddress string    `bun:"addressee_address"`
	Body             string    `bun:"body"`
	SavedBy          string    `bun:"saved_by"`
	SavedAt          time.Time `bun:"saved_at"`
}

// Review decisions.
const (
	ReviewPending    = "pending"
	ReviewApproved   = "approved"
	ReviewRejected   = "rejected"
	ReviewSuperseded = "superseded" // the draft changed before a decision
)

// Review is one approval asked of one person for one version.
type Review struct {
	bun.BaseModel `bun:"table:records_draft_reviews,alias:rv"`
	db.TenantScoped

	ID           uuid.UUID  `bun:"id,pk,type:uuid"`
	DraftID      uuid.UUID  `bun:"draft_id,type:uuid"`
	Version      int        `bun:"version"`
	ReviewerID   uuid.UUID  `bun:"reviewer_id,type:uuid"`
	ReviewerName string     `bun:"reviewer_name"`
	Decision     string     `bun:"decision"`
	Comment      string     `bun:"comment"`
	RequestedAt  time.Time  `bun:"requested_at"`
	DecidedAt    *time.Time `bun:"decided_at"`
}

// Signing methods: how the kiadmány was made authentic (Iratkr. 53. §).
// The service records the method; it does not itself apply a qualified
// electronic signature or seal.
const (
	SignPaper      = "paper"      // own signature and official stamp
	SignElectronic = "electronic" // e-signature or e-seal applied in the authentication system
)

// DraftInput is the text of a draft.
type DraftInput struct {
	Subject, Addressee, AddresseeAddress, Body string
}

func (in *DraftInput) check() error {
	in.Subject, in.Addressee = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Addressee)
	in.AddresseeAddress = strings.TrimSpace(in.AddresseeAddress)
	switch {
	case in.Subject == "" || len(in.Subject) > 1000:
		return problem("draft_subject", "subject", "Adja meg a kiadmány tárgyát (legfeljebb 1000 karakter).", "Enter the subject of the outgoing document (at most 1000 characters).")
	case in.Addressee == "" || len(in.Addressee) > 500:
		return problem("draft_addressee", "addressee", "Adja meg a címzett nevét (legfeljebb 500 karakter).", "Enter the addressee's name (at most 500 characters).")
	case len(in.AddresseeAddress) > 1000:
		return problem("draft_address", "addressee_address", "A cím legfeljebb 1000 karakter.", "The address is at most 1000 characters.")
	case len(in.Body) > 200_000:
		return problem("draft_body", "body", "A szöveg legfeljebb 200 000 karakter.", "The text is at most 200,000 characters.")
	}
	return nil
}

// CreateDraft starts an outgoing draft in the case of documentID.
func (s *Service) CreateDraft(ctx context.Context, tx bun.Tx, documentID uuid.UUID, in DraftInput, by string) (Draft, error) {
	if err := in.check(); err != nil {
		return Draft{}, err
	}
	doc, err := documentByID(ctx, tx, documentID)
	if err != nil {
		return Draft{}, err
	}
	if doc == nil {
		return Draft{}, errNoDocument
	}
	now := s.now().UTC()
	d := Draft{ID: uuid.Must(uuid.NewV7()), CaseID: doc.CaseID, Subject: in.Subject, Addressee: in.Addressee,
		AddresseeAddress: in.AddresseeAddress, Body: in.Body, Version: 1, Status: DraftEditing,
		CreatedBy: by, CreatedAt: now, UpdatedAt: now}
	if err := insert(ctx, tx, &d); err != nil {
		return Draft{}, err
	}
	if err := saveVersion(ctx, tx, &d, by, now); err != nil {
		return Draft{}, err
	}
	return d, appendAudit(ctx, tx, "records.draft_create", "draft", d.ID.String(),
		map[string]any{"case_id": d.CaseID.String(), "subject": d.Subject, "addressee": d.Addressee, "by": by}, now)
}

func saveVersion(ctx context.Context, tx bun.Tx, d *Draft, by string, at time.Time) error {
	return insert(ctx, tx, &DraftVersion{DraftID: d.ID, Version: d.Version, Subject: d.Subject, Addressee: d.Addressee,
		AddresseeAddress: d.AddresseeAddress, Body: d.Body, SavedBy: by, SavedAt: at})
}

// EditDraft replaces the text with a new version; the earlier one is
// kept. Approvals asked for the earlier version lapse and the draft goes
// back to editing.
func (s *Service) EditDraft(ctx context.Context, tx bun.Tx, id uuid.UUID, in DraftInput, by string) (Draft, error) {
	if err := in.check(); err != nil {
		return Draft{}, err
	}
	d, err := s.openDraft(ctx, tx, id)
	if err != nil {
		return Draft{}, err
	}
	now := s.now().UTC()
	if err := supersedeReviews(ctx, tx, d.ID, now); err != nil {
		return Draft{}, err
	}
	d.Subject, d.Addressee, d.AddresseeAddress, d.Body = in.Subject, in.Addressee, in.AddresseeAddress, in.Body
	d.Version++
	d.Status, d.UpdatedAt = DraftEditing, now
	if _, err := tx.NewUpdate().Model(d).Column("subject", "addressee", "addressee_address", "body", "version", "status", "updated_at").WherePK().Exec(ctx); err != nil {
		return Draft{}, fmt.Errorf("edit draft %s: %w", d.ID, err)
	}
	if err := saveVersion(ctx, tx, d, by, now); err != nil {
		return Draft{}, err
	}
	return *d, appendAudit(ctx, tx, "records.draft_edit", "draft", d.ID.String(), map[string]any{"version": d.Version, "by": by}, now)
}

// openDraft reads a draft that may still change (not signed).
func (s *Service) openDraft(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Draft, error) {
	d, err := draftByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errNoDraft
	}
	if d.Status == DraftSigned {
		return nil, problem("draft_signed", "", "A kiadmányt már kiadmányozták, nem módosítható.", "The document has been signed off and cannot change.")
	}
	return d, nil
}

func supersedeReviews(ctx context.Context, tx bun.Tx, draftID uuid.UUID, now time.Time) error {
	_, err := tx.NewUpdate().Model((*Review)(nil)).Set("decision = ?", ReviewSuperseded).Set("decided_at = ?", now).
		Where("draft_id = ? AND decision = ?", draftID, ReviewPending).Exec(ctx)
	if err != nil {
		return fmt.Errorf("supersede reviews of %s: %w", draftID, err)
	}
	return nil
}

// SubmitDraft routes the current version to the approvers (any number,
// in parallel) and names who signs it off. With no approvers it is
// ready to sign at once.
func (s *Service) SubmitDraft(ctx context.Context, tx bun.Tx, id uuid.UUID, reviewers []uuid.UUID, signer uuid.UUID, by string) (Draft, error) {
	t := mustTenant(ctx)
	d, err := s.openDraft(ctx, tx, id)
	if err != nil {
		return Draft{}, err
	}
	if d.Status != DraftEditing {
		return Draft{}, problem("draft_not_editing", "", "A tervezet már jóváhagyásra vagy kiadmányozásra vár.", "The draft is already waiting for approval or signature.")
	}
	signers, err := s.people(ctx, t, DocumentsSign)
	if err != nil {
		return Draft{}, err
	}
	i := slices.IndexFunc(signers, func(p module.Person) bool { return p.ID == signer })
	if i < 0 {
		return Draft{}, problem("not_signer", "signer", "Válasszon kiadmányozási joggal rendelkező személyt.", "Choose someone with signing authority.")
	}
	approvers, err := s.people(ctx, t, DocumentsRead)
	if err != nil {
		return Draft{}, err
	}
	now := s.now().UTC()
	seen := map[uuid.UUID]bool{}
	var names []string
	for _, r := range reviewers {
		if seen[r] {
			continue
		}
		seen[r] = true
		j := slices.IndexFunc(approvers, func(p module.Person) bool { return p.ID == r })
		if j < 0 {
			return Draft{}, problem("not_reviewer", "reviewers", "A jóváhagyó csak az önkormányzat iratkezelésben dolgozó munkatársa lehet.", "An approver must work with this municipality's records.")
		}
		rv := Review{ID: uuid.Must(uuid.NewV7()), DraftID: d.ID, Version: d.Version, ReviewerID: r,
			ReviewerName: approvers[j].Name, Decision: ReviewPending, RequestedAt: now}
		if err := insert(ctx, tx, &rv); err != nil {
			return Draft{}, err
		}
		names = append(names, approvers[j].Username)
	}
	d.SignerID, d.SignerName, d.UpdatedAt = &signers[i].ID, signers[i].Name, now
	d.Status = DraftInReview
	if len(names) == 0 {
		d.Status = DraftApproved
	}
	if _, err := tx.NewUpdate().Model(d).Column("signer_id", "signer_name", "status", "updated_at").WherePK().Exec(ctx); err != nil {
		return Draft{}, fmt.Errorf("submit draft %s: %w", d.ID, err)
	}
	return *d, appendAudit(ctx, tx, "records.draft_submit", "draft", d.ID.String(),
		map[string]any{"version": d.Version, "reviewers": names, "signer": signers[i].Username, "by": by}, now)
}

func (s *Service) people(ctx context.Context, t db.TenantID, perm access.Permission) ([]module.Person, error) {
	if s.People == nil {
		return nil, errors.New("records: no people directory wired")
	}
	return s.People.With(ctx, t, perm)
}

// Decide records an approver's decision. A rejection needs a reason and
// sends the draft back to its author; the last approval makes it ready
// to sign.
func (s *Service) Decide(ctx context.Context, tx bun.Tx, reviewID uuid.UUID, approve bool, comment string, by Actor) (Review, error) {
	var rv Review
	err := tx.NewSelect().Model(&rv).Where("id = ?", reviewID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Review{}, errNoReview
	}
	if err != nil {
		return Review{}, fmt.Errorf("review %s: %w", reviewID, err)
	}
	if rv.ReviewerID != by.ID {
		return Review{}, problem("not_your_review", "", "Ezt a jóváhagyást más kapta.", "This approval was asked of someone else.")
	}
	if rv.Decision != ReviewPending {
		return Review{}, problem("review_done", "", "Erről a változatról már döntött, vagy a tervezet azóta megváltozott.", "You have already decided on this version, or the draft has changed since.")
	}
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return Review{}, problem("reject_reason", "comment", "Írja le, miért nem hagyja jóvá.", "Say why you do not approve.")
	}
	if len(comment) > 4000 {
		return Review{}, problem("bad_comment", "comment", "A megjegyzés legfeljebb 4000 karakter.", "The comment is at most 4000 characters.")
	}
	now := s.now().UTC()
	rv.Decision, rv.Comment, rv.DecidedAt = ReviewRejected, comment, &now
	if approve {
		rv.Decision = ReviewApproved
	}
	if _, err := tx.NewUpdate().Model(&rv).Column("decision", "comment", "decided_at").WherePK().Exec(ctx); err != nil {
		return Review{}, fmt.Errorf("decide %s: %w", rv.ID, err)
	}
	d, err := draftByID(ctx, tx, rv.DraftID)
	if err != nil {
		return Review{}, err
	}
	switch {
	case !approve:
		// The other approvers need not decide on a text that will change.
		if err := supersedeReviews(ctx, tx, d.ID, now); err != nil {
			return Review{}, err
		}
		d.Status = DraftEditing
	default:
		var pending int64
		pending, err = db.Count(ctx, tx.NewSelect().Model((*Review)(nil)).Where("draft_id = ? AND version = ? AND decision = ?", d.ID, d.Version, ReviewPending))
		if err != nil {
			return Review{}, fmt.Errorf("pending reviews of %s: %w", d.ID, err)
		}
		if pending == 0 {
			d.Status = DraftApproved
		}
	}
	d.UpdatedAt = now
	if _, err := tx.NewUpdate().Model(d).Column("status", "updated_at").WherePK().Exec(ctx); err != nil {
		return Review{}, fmt.Errorf("draft %s after review: %w", d.ID, err)
	}
	return rv, appendAudit(ctx, tx, "records.draft_review", "draft", d.ID.String(),
		map[string]any{"version": rv.Version, "decision": rv.Decision, "comment": comment, "by": by.Username, "draft_status": d.Status}, now)
}

// Sign is the kiadmányozás: the named signer, holding signing authority,
// signs off the approved draft, and it is registered in the same
// transaction as the case's next (outgoing) document. A case of an
// earlier year gets a new case this year, joined to it (szerelés), as any
// registration does.
func (s *Service) Sign(ctx context.Context, tx bun.Tx, id uuid.UUID, method string, by Actor) (Draft, Document, error) {
	d, err := s.openDraft(ctx, tx, id)
	if err != nil {
		return Draft{}, Document{}, err
	}
	if method != SignPaper && method != SignElectronic {
		return Draft{}, Document{}, problem("sign_method", "method", "Válassza ki a hitelesítés módját.", "Choose how the document is authenticated.")
	}
	if d.SignerID == nil || *d.SignerID != by.ID || !by.CanSign {
		return Draft{}, Document{}, problem("not_the_signer", "", "Ezt a kiadmányt csak a kijelölt kiadmányozó írhatja alá: %s.", "Only the named signer can sign this document: %s.", d.SignerName)
	}
	if d.Status != DraftApproved {
		return Draft{}, Document{}, problem("not_approved", "", "A tervezetet még nem hagyta jóvá minden jóváhagyó.", "Not every approver has approved the draft yet.")
	}
	c, err := caseByID(ctx, tx, d.CaseID)
	if err != nil {
		return Draft{}, Document{}, err
	}
	b, err := bookByID(ctx, tx, c.BookID)
	if err != nil {
		return Draft{}, Document{}, err
	}
	first, err := caseDocuments(ctx, tx, c.ID)
	if err != nil {
		return Draft{}, Document{}, err
	}
	if len(first) == 0 {
		return Draft{}, Document{}, fmt.Errorf("case %s has no documents", c.ID)
	}
	doc, err := s.Register(ctx, tx, Registration{BookCode: b.Code, Direction: Outgoing, Subject: d.Subject,
		Partner: d.Addressee, Predecessor: first[0].Number, By: by.Username})
	if err != nil {
		return Draft{}, Document{}, err
	}
	now := s.now().UTC()
	d.Status, d.SignedAt, d.SignedBy, d.SignMethod, d.DocumentID, d.UpdatedAt = DraftSigned, &now, by.Username, method, &doc.ID, now
	if _, err := tx.NewUpdate().Model(d).Column("status", "signed_at", "signed_by", "sign_method", "document_id", "updated_at").WherePK().Exec(ctx); err != nil {
		return Draft{}, Document{}, fmt.Errorf("sign draft %s: %w", d.ID, err)
	}
	return *d, doc, appendAudit(ctx, tx, "records.sign", "draft", d.ID.String(),
		map[string]any{"version": d.Version, "method": method, "number": doc.Number, "by": by.Username}, now)
}

func draftByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (*Draft, error) {
	var d Draft
	err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("draft %s: %w", id, err)
	}
	return &d, nil
}

func caseDrafts(ctx context.Context, tx bun.IDB, caseID uuid.UUID) ([]Draft, error) {
	var ds []Draft
	if err := tx.NewSelect().Model(&ds).Where("case_id = ?", caseID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("drafts of case %s: %w", caseID, err)
	}
	return ds, nil
}

func draftVersions(ctx context.Context, tx bun.IDB, draftID uuid.UUID) ([]DraftVersion, error) {
	var vs []DraftVersion
	if err := tx.NewSelect().Model(&vs).Where("draft_id = ?", draftID).OrderExpr("version DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("versions of %s: %w", draftID, err)
	}
	return vs, nil
}

func draftReviews(ctx context.Context, tx bun.IDB, draftID uuid.UUID) ([]Review, error) {
	var rs []Review
	if err := tx.NewSelect().Model(&rs).Where("draft_id = ?", draftID).OrderExpr("version DESC, requested_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("reviews of %s: %w", draftID, err)
	}
	return rs, nil
}

// pendingFor lists the drafts waiting for the user: approvals asked of
// them, and approved drafts they are to sign.
func pendingFor(ctx context.Context, tx bun.IDB, user uuid.UUID) (reviews []Draft, toSign []Draft, err error) {
	err = tx.NewSelect().Model(&reviews).
		Where("EXISTS (SELECT 1 FROM records_draft_reviews AS r WHERE r.tenant_id = dr.tenant_id AND r.draft_id = dr.id AND r.reviewer_id = ? AND r.decision = ?)", user, ReviewPending).
		OrderExpr("dr.updated_at").Limit(500).Scan(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("drafts to review: %w", err)
	}
	err = tx.NewSelect().Model(&toSign).Where("dr.signer_id = ? AND dr.status = ?", user, DraftApproved).OrderExpr("dr.updated_at").Limit(500).Scan(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("drafts to sign: %w", err)
	}
	return reviews, toSign, nil
}
