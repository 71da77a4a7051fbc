package tax

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf"
)

// Adó- és értékbizonyítvány (tax and value certificate, domain brief
// §A.12): the jegyző certifies, on request, a property's estimated market
// value and the owner's debts on the property's taxes, for a probate
// (hagyatéki) procedure, an enforcement, a court or another authority.
// Legal basis UNCERTAIN (Air. and its implementing decree; the brief could
// not verify the sections). The property is entered by the clerk: the
// tax-object register is not used here yet.

// Purposes of a value certificate.
var valuePurposes = map[string]string{
	"hagyatek":    "hagyatéki eljárás",
	"vegrehajtas": "végrehajtási eljárás",
	"birosag":     "bírósági eljárás",
	"egyeb":       "egyéb hatósági eljárás",
}

// PurposeName names a purpose in Hungarian.
func PurposeName(code string) string { return valuePurposes[code] }

// propertyTaxTypes are the taxes levied on a property: the certificate
// shows the owner's debts on these. The owner's other debts are not the
// property's (an adóigazolás shows those).
var propertyTaxTypes = []string{"epitmenyado", "telekado", "kommunalis_ado"}

// ValueCertificate is an issued adó- és értékbizonyítvány.
type ValueCertificate struct {
	bun.BaseModel `bun:"table:tax_value_certificates,alias:vc"`
	db.TenantScoped

	ID          uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	Number      string    `bun:"number" json:"number"`
	TaxpayerID  uuid.UUID `bun:"taxpayer_id,type:uuid" json:"taxpayer_id"`
	HRSZ        string    `bun:"hrsz" json:"hrsz"`
	Address     string    `bun:"address" json:"address"`
	Purpose     string    `bun:"purpose" json:"purpose"`
	PurposeNote string    `bun:"purpose_note" json:"purpose_note"`
	Value       hu.Forint `bun:"value" json:"value"`
	ValueBasis  string    `bun:"value_basis" json:"value_basis"`
	Debts       []Debt    `bun:"debts,type:text" json:"debts"`
	DebtTotal   hu.Forint `bun:"debt_total" json:"debt_total"`
	IssuedOn    hu.Date   `bun:"issued_on" json:"issued_on"`
	IssuedAt    time.Time `bun:"issued_at" json:"issued_at"`
	IssuedBy    string    `bun:"issued_by" json:"issued_by"`

	Taxpayer Taxpayer `bun:"-" json:"-"`
	Issuer   string   `bun:"-" json:"-"`
}

// ValueCertificateInput is what the clerk enters.
type ValueCertificateInput struct {
	TaxpayerID  uuid.UUID
	HRSZ        string
	Address     string
	Purpose     string
	PurposeNote string
	Value       hu.Forint
	ValueBasis  string
}

// ValueCertificateBook is the registration book these go into, as the
// adóigazolás.
const ValueCertificateBook = CertificateBook

// IssueValueCertificate checks the request, reads the owner's debts on
// the property taxes today, registers the certificate in IRAT in the same
// transaction and records it.
func (s *Service) IssueValueCertificate(ctx context.Context, tx bun.Tx, reg Registrar, in ValueCertificateInput, by string) (ValueCertificate, error) {
	if reg == nil {
		return ValueCertificate{}, problem("no_records", "", "A bizonyítvány iktatásához az iratkezelés (IRAT) szükséges, de nincs bekötve.", "Issuing a certificate needs the records module (IRAT) to register it, and it is not connected.")
	}
	in.Address, in.PurposeNote, in.ValueBasis = strings.TrimSpace(in.Address), strings.TrimSpace(in.PurposeNote), strings.TrimSpace(in.ValueBasis)
	h, err := hu.ParseHRSZ(in.HRSZ)
	if err != nil {
		return ValueCertificate{}, problem("bad_hrsz", "hrsz", "A helyrajzi szám formája: 123, 123/4, 0123/4 vagy 123/4/A/5.", "A parcel number looks like 123, 123/4, 0123/4 or 123/4/A/5.")
	}
	switch {
	case in.Address == "" || len(in.Address) > 500:
		return ValueCertificate{}, problem("bad_address", "address", "Adja meg az ingatlan címét (legfeljebb 500 karakter).", "Enter the property's address (at most 500 characters).")
	case valuePurposes[in.Purpose] == "":
		return ValueCertificate{}, problem("bad_purpose", "purpose", "Válassza ki, milyen eljáráshoz kérik a bizonyítványt.", "Choose the procedure the certificate is for.")
	case in.Purpose == "egyeb" && in.PurposeNote == "":
		return ValueCertificate{}, problem("no_purpose_note", "purpose_note", "Egyéb eljárásnál írja le, melyik eljáráshoz kérik.", "For another procedure, say which one.")
	case len(in.PurposeNote) > 500:
		return ValueCertificate{}, problem("too_long", "purpose_note", "Az eljárás leírása legfeljebb 500 karakter.", "The procedure's description is at most 500 characters.")
	case in.Value <= 0:
		return ValueCertificate{}, problem("bad_value", "value", "A becsült forgalmi érték pozitív, egész forint legyen.", "The estimated market value must be a positive whole number of forints.")
	case in.ValueBasis == "" || len(in.ValueBasis) > 2000:
		return ValueCertificate{}, problem("no_value_basis", "value_basis", "Írja le, mi alapján becsülte az értéket (például összehasonlító adatok, helyszíni szemle; legfeljebb 2000 karakter).", "Say what the estimate is based on (e.g. comparable sales, an inspection; at most 2000 characters).")
	}
	tp, err := taxpayerByID(ctx, tx, in.TaxpayerID)
	if err != nil {
		return ValueCertificate{}, err
	}
	if tp == nil {
		return ValueCertificate{}, errNoTaxpayer
	}
	now := s.now()
	c := ValueCertificate{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, HRSZ: h.String(), Address: in.Address, Purpose: in.Purpose,
		PurposeNote: in.PurposeNote, Value: in.Value, ValueBasis: in.ValueBasis, Debts: []Debt{}, IssuedOn: hu.DateOf(now),
		IssuedAt: now.UTC(), IssuedBy: by, Taxpayer: *tp}
	accounts, err := s.Accounts(ctx, tx, tp.ID, c.IssuedOn)
	if err != nil {
		return ValueCertificate{}, err
	}
	for _, a := range accounts {
		if !isPropertyTax(a.TaxType) || a.Arrears == 0 && a.Interest == 0 {
			continue
		}
		c.Debts = append(c.Debts, Debt{TaxType: a.TaxType, Arrears: a.Arrears, Interest: a.Interest})
		c.DebtTotal += a.Arrears + a.Interest
	}
	subject := "Adó- és értékbizonyítvány: " + h.String() + " hrsz. (" + valuePurposes[in.Purpose] + ")"
	if c.Number, err = reg.RegisterOutgoing(ctx, tx, ValueCertificateBook, subject, tp.Name+" ("+tp.TaxID+")", by); err != nil {
		return ValueCertificate{}, err
	}
	if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
		return ValueCertificate{}, fmt.Errorf("insert value certificate: %w", err)
	}
	return c, appendAudit(ctx, tx, "tax.value_certificate", "taxpayer", tp.ID.String(), map[string]any{"number": c.Number, "certificate": c.ID.String(),
		"hrsz": c.HRSZ, "purpose": c.Purpose, "value": int64(c.Value), "debt_total": int64(c.DebtTotal), "by": by}, now)
}

func isPropertyTax(t string) bool {
	for _, p := range propertyTaxTypes {
		if p == t {
			return true
		}
	}
	return false
}

// valueCertificatesOf lists a taxpayer's certificates, newest first.
func valueCertificatesOf(ctx context.Context, tx bun.IDB, taxpayer uuid.UUID) ([]ValueCertificate, error) {
	var cs []ValueCertificate
	if err := tx.NewSelect().Model(&cs).Where("taxpayer_id = ?", taxpayer).OrderExpr("issued_at DESC, id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("value certificates: %w", err)
	}
	return cs, nil
}

// PDF writes the certificate.
func (c ValueCertificate) PDF(w io.Writer) error {
	doc, err := pdf.New(pdf.Options{Issuer: c.Issuer, Title: "Adó- és értékbizonyítvány", Subtitle: "Iktatószám: " + c.Number, GeneratedAt: c.IssuedAt, Footer: c.IssuedBy})
	if err != nil {
		return err
	}
	purpose := valuePurposes[c.Purpose]
	if c.PurposeNote != "" {
		purpose += ": " + c.PurposeNote
	}
	doc.KeyValues([]pdf.KV{{Key: "Ingatlan helyrajzi száma", Value: c.HRSZ}, {Key: "Ingatlan címe", Value: c.Address},
		{Key: "Tulajdonos (adózó)", Value: c.Taxpayer.Name}, {Key: "Azonosító", Value: c.Taxpayer.TaxID},
		{Key: "Lakcím / székhely", Value: or(c.Taxpayer.Address, "–")}, {Key: "Felhasználás célja", Value: purpose},
		{Key: "Kiállítás napja", Value: c.IssuedOn.HungarianString()}})
	doc.Space(8)
	doc.Heading("Az ingatlan becsült forgalmi értéke")
	doc.Paragraph(c.Value.Grouped() + " Ft")
	doc.Paragraph("Az érték megállapításának alapja: " + c.ValueBasis)
	doc.Heading("A tulajdonos adótartozása az ingatlant terhelő adókban")
	if len(c.Debts) == 0 {
		doc.Paragraph(fmt.Sprintf("A tulajdonosnak %s napján az ingatlant terhelő helyi adókban (építményadó, telekadó, magánszemélyek kommunális adója) nincs tartozása.", c.IssuedOn.HungarianString()))
	} else {
		t := doc.Table(pdf.Column{Header: "Adónem", Width: 3}, pdf.Column{Header: "Hátralék (Ft)", Width: 1.5, Right: true}, pdf.Column{Header: "Késedelmi pótlék (Ft)", Width: 1.5, Right: true})
		var arrears, interest hu.Forint
		for _, d := range c.Debts {
			t.Row(TaxTypeName(d.TaxType), d.Arrears.Grouped(), d.Interest.Grouped())
			arrears, interest = arrears+d.Arrears, interest+d.Interest
		}
		t.Row("Összesen", arrears.Grouped(), interest.Grouped())
		t.End()
		doc.Paragraph("Összes tartozás: " + c.DebtTotal.Grouped() + " Ft")
	}
	doc.Paragraph("A bizonyítvány a becsült forgalmi értéket a kérelmező eljárásában való felhasználásra igazolja; a tartozás az önkormányzati adóhatóságnál nyilvántartott adókra vonatkozik.")
	_, err = doc.WriteTo(w)
	return err
}
