package tax

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/pdf"
)

// Registrar is what ADÓ needs of the records module (IRAT): registering
// an outgoing document of the tax office in the caller's transaction and
// getting its iktatószám. The app wires IRAT's implementation in.
type Registrar interface {
	RegisterOutgoing(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (number string, err error)
	// RegisterIncoming registers a document that arrived (a declaration,
	// a data report) and returns its iktatószám.
	RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (number string, err error)
	// RegisterOutgoingMany registers many outgoing documents of one book,
	// each opening its own case, in the order given (a mass assessment's
	// decisions); the numbers come back in the same order. A refusal
	// writes nothing.
	RegisterOutgoingMany(ctx context.Context, tx bun.Tx, book string, items []RegistrationItem, by string) (numbers []string, err error)
	// RegisterIncomingMany is its twin for documents that arrived (a
	// chunk of returns forwarded by NAV).
	RegisterIncomingMany(ctx context.Context, tx bun.Tx, book string, items []RegistrationItem, by string) (numbers []string, err error)
}

// RegistrationItem is one document of RegisterOutgoingMany.
type RegistrationItem struct {
	Subject, Partner string
}

// CertificateBook is the registration book certificates go into.
const CertificateBook = "KOZ"

// Certificate is an adóigazolás: whether the taxpayer owes this authority
// anything on the day (domain brief §A.12), registered in IRAT.
type Certificate struct {
	Number   string // iktatószám
	Issuer   string
	Taxpayer Taxpayer
	On       hu.Date
	Debts    []Debt // empty: no debt
	At       time.Time
	By       string
}

// Debt is an arrear of one tax type on the certificate.
type Debt struct {
	TaxType  string
	Arrears  hu.Forint
	Interest hu.Forint // accrued, not yet posted
}

// IssueCertificate checks the taxpayer's accounts on today and registers
// the certificate; the arrears and the interest accrued so far both count
// as debt.
func (s *Service) IssueCertificate(ctx context.Context, tx bun.Tx, reg Registrar, taxpayerID uuid.UUID, by string) (Certificate, error) {
	if reg == nil {
		return Certificate{}, problem("no_records", "", "Az adóigazolás iktatásához az iratkezelés (IRAT) szükséges, de nincs bekötve.", "Issuing a certificate needs the records module (IRAT) to register it, and it is not connected.")
	}
	tp, err := taxpayerByID(ctx, tx, taxpayerID)
	if err != nil {
		return Certificate{}, err
	}
	if tp == nil {
		return Certificate{}, errNoTaxpayer
	}
	now := s.now()
	c := Certificate{Taxpayer: *tp, On: hu.DateOf(now), At: now, By: by}
	accounts, err := s.Accounts(ctx, tx, tp.ID, c.On)
	if err != nil {
		return Certificate{}, err
	}
	for _, a := range accounts {
		if a.Arrears > 0 || a.Interest > 0 {
			c.Debts = append(c.Debts, Debt{TaxType: a.TaxType, Arrears: a.Arrears, Interest: a.Interest})
		}
	}
	subject := "Adóigazolás: nincs adótartozás"
	if len(c.Debts) > 0 {
		subject = "Adóigazolás: adótartozás"
	}
	if c.Number, err = reg.RegisterOutgoing(ctx, tx, CertificateBook, subject, tp.Name+" ("+tp.TaxID+")", by); err != nil {
		return Certificate{}, err
	}
	return c, appendAudit(ctx, tx, "tax.certificate", "taxpayer", tp.ID.String(),
		map[string]any{"number": c.Number, "debts": len(c.Debts), "on": c.On.String(), "by": by}, now)
}

// PDF writes the certificate.
func (c Certificate) PDF(w io.Writer) error {
	doc, err := pdf.New(pdf.Options{Issuer: c.Issuer, Title: "Adóigazolás", Subtitle: "Iktatószám: " + c.Number, GeneratedAt: c.At, Footer: c.By})
	if err != nil {
		return err
	}
	doc.KeyValues([]pdf.KV{{Key: "Adózó", Value: c.Taxpayer.Name}, {Key: "Azonosító", Value: c.Taxpayer.TaxID},
		{Key: "Cím", Value: or(c.Taxpayer.Address, "–")}, {Key: "Igazolás napja", Value: c.On.HungarianString()}})
	doc.Space(8)
	if len(c.Debts) == 0 {
		doc.Paragraph(fmt.Sprintf("Igazoljuk, hogy a fenti adózónak %s napján az önkormányzati adóhatóságnál nincs adótartozása.", c.On.HungarianString()))
	} else {
		doc.Paragraph(fmt.Sprintf("Igazoljuk, hogy a fenti adózónak %s napján az önkormányzati adóhatóságnál az alábbi tartozása van:", c.On.HungarianString()))
		t := doc.Table(pdf.Column{Header: "Adónem", Width: 3}, pdf.Column{Header: "Hátralék (Ft)", Width: 1.5, Right: true}, pdf.Column{Header: "Késedelmi pótlék (Ft)", Width: 1.5, Right: true})
		for _, d := range c.Debts {
			t.Row(TaxTypeName(d.TaxType), d.Arrears.Grouped(), d.Interest.Grouped())
		}
		t.End()
	}
	doc.Paragraph("Az igazolás csak az önkormányzati adóhatóságnál nyilvántartott adókra vonatkozik.")
	_, err = doc.WriteTo(w)
	return err
}
