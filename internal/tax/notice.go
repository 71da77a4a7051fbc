package tax

import (
	"fmt"
	"io"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/pdf"
)

// BalanceNotice is the egyenlegértesítő: a taxpayer's accounts on a day,
// with where to pay (domain brief §A.6; sent twice a year).
type BalanceNotice struct {
	Issuer   string // the municipality
	Taxpayer Taxpayer
	Accounts []Account
	// Collection maps a tax type to the accounts it is paid to.
	Collection map[string][]string
	At         time.Time
}

// PDF writes the notice.
func (n BalanceNotice) PDF(w io.Writer) error {
	doc, err := pdf.New(pdf.Options{Issuer: n.Issuer, Title: "Értesítés az adószámla egyenlegéről",
		Subtitle: fmt.Sprintf("%s napján", n.At.In(hu.Budapest()).Format("2006. 01. 02.")), GeneratedAt: n.At})
	if err != nil {
		return err
	}
	doc.KeyValues([]pdf.KV{{Key: "Adózó", Value: n.Taxpayer.Name}, {Key: "Azonosító", Value: n.Taxpayer.TaxID}, {Key: "Cím", Value: or(n.Taxpayer.Address, "–")}})
	doc.Space(8)
	t := doc.Table(pdf.Column{Header: "Adónem", Width: 3}, pdf.Column{Header: "Hátralék (Ft)", Width: 1.4, Right: true},
		pdf.Column{Header: "Még nem esedékes (Ft)", Width: 1.6, Right: true}, pdf.Column{Header: "Túlfizetés (Ft)", Width: 1.4, Right: true},
		pdf.Column{Header: "Egyenleg (Ft)", Width: 1.4, Right: true})
	var total hu.Forint
	for _, a := range n.Accounts {
		t.Row(TaxTypeName(a.TaxType), a.Arrears.Grouped(), a.NotYetDue.Grouped(), a.Overpayment.Grouped(), a.Balance().Grouped())
		total += a.Balance()
	}
	t.End()
	doc.Paragraph(fmt.Sprintf("Egyenleg összesen: %s Ft. A negatív egyenleg tartozás, a pozitív túlfizetés.", total.Grouped()))
	var interest hu.Forint
	for _, a := range n.Accounts {
		interest += a.Interest
	}
	if interest > 0 {
		doc.Paragraph(fmt.Sprintf("A késedelmes befizetések után eddig %s Ft késedelmi pótlék keletkezett (Art. 209. §), amelyet adószámláján előírunk.", interest.Grouped()))
	}
	doc.Space(6)
	doc.Heading("Hová fizessen")
	var kvs []pdf.KV
	for _, a := range n.Accounts {
		for _, acct := range n.Collection[a.TaxType] {
			kvs = append(kvs, pdf.KV{Key: TaxTypeName(a.TaxType), Value: groupAccount(acct)})
		}
	}
	if len(kvs) == 0 {
		doc.Paragraph("A beszedési számlák számát az önkormányzat adóügyi irodája adja meg.")
	} else {
		doc.KeyValues(kvs)
	}
	doc.Paragraph(fmt.Sprintf("A közleményben tüntesse fel az azonosítóját: %s.", n.Taxpayer.TaxID))
	_, err = doc.WriteTo(w)
	return err
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// groupAccount writes 16 or 24 digits as 8-8(-8).
func groupAccount(digits string) string {
	if a, err := hu.ParseBankAccount(digits); err == nil {
		return a.String()
	}
	return digits
}
