package finance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Registrar is what GAZD needs of the records module (IRAT): registering
// an incoming document (an invoice) in the caller's transaction and
// getting its iktatószám (§B.6 step 2: the invoice arrives → iktatás).
// The app wires IRAT's implementation in.
type Registrar interface {
	RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (number string, err error)
}

// InvoiceBook is the registration book incoming invoices go into.
// UNCERTAIN: offices may keep a separate book for invoices; the general
// one is the safe default.
const InvoiceBook = "KOZ"

// Invoice is an incoming invoice registered in IRAT and booked against a
// commitment, waiting for (or having had) its certification.
type Invoice struct {
	bun.BaseModel `bun:"table:finance_invoices,alias:iv"`
	db.TenantScoped

	ID            uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	CommitmentID  uuid.UUID `bun:"commitment_id,type:uuid" json:"commitment_id"`
	Number        string    `bun:"number" json:"number"`
	Amount        hu.Forint `bun:"amount" json:"amount"`
	ReceivedOn    hu.Date   `bun:"received_on" json:"received_on"`
	Registration  string    `bun:"registration" json:"registration"` // iktatószám
	PerformanceID string    `bun:"performance_id" json:"performance_id,omitempty"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	CreatedBy     string    `bun:"created_by" json:"created_by"`
}

// InvoiceInput is an invoice that arrived.
type InvoiceInput struct {
	Number     string    `json:"number"`
	Amount     hu.Forint `json:"amount"`
	ReceivedOn hu.Date   `json:"received_on"`
}

// Pending is the sum of the invoices booked but not yet certified.
func (c Commitment) Pending() hu.Forint {
	var s hu.Forint
	for _, iv := range c.Invoices {
		if iv.PerformanceID == "" {
			s += iv.Amount
		}
	}
	return s
}

// PendingIn is the sum of the invoices awaiting certification that bear
// on year y's part (by the day they arrived).
func (c Commitment) PendingIn(y int) hu.Forint {
	var s hu.Forint
	for _, iv := range c.Invoices {
		if iv.PerformanceID == "" && c.WorkingYear(iv.ReceivedOn) == y {
			s += iv.Amount
		}
	}
	return s
}

// PendingInvoices lists the invoices not yet certified.
func (c Commitment) PendingInvoices() []Invoice {
	var out []Invoice
	for _, iv := range c.Invoices {
		if iv.PerformanceID == "" {
			out = append(out, iv)
		}
	}
	return out
}

func invoicesOf(ctx context.Context, tx bun.IDB, commitment uuid.UUID) ([]Invoice, error) {
	var ivs []Invoice
	if err := tx.NewSelect().Model(&ivs).Where("commitment_id = ?", commitment).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("invoices: %w", err)
	}
	return ivs, nil
}

// registrarRefusal turns IRAT's refusal (it has Message(lang)) into a
// Problem of this module, so pages and the API show it as a refusal.
func registrarRefusal(err error) error {
	var m interface{ Message(string) string }
	if errors.As(err, &m) {
		return &Problem{Code: "records_refused", HU: "Az iktatás nem sikerült: " + m.Message("hu"), EN: "Registration failed: " + m.Message("en")}
	}
	return err
}

// RegisterInvoice registers an incoming invoice in IRAT and books it
// against a made commitment: not beyond its open part (this year's
// commitment less what is certified and what other invoices await).
func (s *Service) RegisterInvoice(ctx context.Context, tx bun.Tx, reg Registrar, id uuid.UUID, in InvoiceInput, by string) (Invoice, error) {
	if reg == nil {
		return Invoice{}, problem("no_records", "", "A számla iktatásához az iratkezelés (IRAT) szükséges, de nincs bekötve.", "Registering an invoice needs the records module (IRAT), and it is not connected.")
	}
	c, err := CommitmentByID(ctx, tx, id)
	if err != nil {
		return Invoice{}, err
	}
	if c.State != Committed {
		return Invoice{}, problem("wrong_state", "", "Számlát csak vállalt kötelezettséghez lehet rögzíteni.", "An invoice can only be booked against a commitment that has been made.")
	}
	in.Number = strings.TrimSpace(in.Number)
	if in.Number == "" || len(in.Number) > 200 {
		return Invoice{}, problem("no_document", "number", "Adja meg a számla számát, legfeljebb 200 karakter.", "Give the invoice number, at most 200 characters.")
	}
	if !in.ReceivedOn.IsValid() {
		return Invoice{}, problem("bad_date", "received_on", "Adja meg a beérkezés napját (ÉÉÉÉ-HH-NN).", "Give the day the invoice arrived (YYYY-MM-DD).")
	}
	if in.Amount <= 0 {
		return Invoice{}, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	}
	y := c.WorkingYear(in.ReceivedOn)
	if free := c.OpenIn(y) - c.PendingIn(y); in.Amount > free {
		return Invoice{}, problem("beyond_commitment", "amount", "A számla (%s Ft) több, mint a kötelezettségvállalás nyitott része: %s Ft (vállalt %s Ft, igazolt %s Ft, igazolásra váró számlák %s Ft).",
			"The invoice (%s Ft) is more than the commitment's open part: %s Ft (committed %s Ft, certified %s Ft, invoices awaiting certification %s Ft).",
			in.Amount.Grouped(), free.Grouped(), c.PartOf(y).Grouped(), c.PerformedIn(y).Grouped(), c.PendingIn(y).Grouped())
	}
	number, err := reg.RegisterIncoming(ctx, tx, InvoiceBook, "Számla "+in.Number+" – "+c.Subject, c.Partner, by)
	if err != nil {
		return Invoice{}, registrarRefusal(err)
	}
	now := s.now().UTC()
	iv := Invoice{ID: uuid.Must(uuid.NewV7()), CommitmentID: c.ID, Number: in.Number, Amount: in.Amount, ReceivedOn: in.ReceivedOn, Registration: number, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&iv).Exec(ctx); err != nil {
		return Invoice{}, fmt.Errorf("insert invoice: %w", err)
	}
	return iv, appendAudit(ctx, tx, "finance.invoice_register", "commitment", c.ID.String(), map[string]any{"invoice": iv.ID.String(), "number": iv.Number,
		"amount": int64(iv.Amount), "registration": number, "by": by}, now)
}
