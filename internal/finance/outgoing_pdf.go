package finance

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/openasp-hu/asp/internal/platform/pdf"
)

// OutgoingPDF prints an outgoing invoice (or its stornó) for the
// customer: seller, buyer, dates, the line with net, ÁFA and gross, and
// the account to pay to, with the seller's adószám (Áfa tv. 169. § d):
// an entity issues no invoice without it).
func OutgoingPDF(o OutgoingInvoice, e Entity, accounts []BankAccount, cancels string) ([]byte, error) {
	title := "Számla"
	if o.Kind == OutgoingStornoKind {
		title = "Stornó számla"
	}
	doc, err := pdf.New(pdf.Options{Issuer: e.Name, Title: title, Subtitle: "Sorszám: " + o.Number, GeneratedAt: o.CreatedAt, Footer: o.CreatedBy})
	if err != nil {
		return nil, err
	}
	seller := []pdf.KV{{Key: "Eladó", Value: e.Name}, {Key: "Adószám", Value: e.TaxNumber}}
	if e.PIR != "" {
		seller = append(seller, pdf.KV{Key: "Törzskönyvi azonosító (PIR)", Value: e.PIR})
	}
	var accts []string
	for _, a := range accounts {
		accts = append(accts, a.Formatted())
	}
	if len(accts) > 0 {
		seller = append(seller, pdf.KV{Key: "Bankszámla", Value: strings.Join(accts, ", ")})
	}
	doc.KeyValues(seller)
	doc.Space(6)
	buyer := []pdf.KV{{Key: "Vevő", Value: o.PartnerName}}
	if o.PartnerAddress != "" {
		buyer = append(buyer, pdf.KV{Key: "Cím", Value: o.PartnerAddress})
	}
	if o.PartnerTaxNumber != "" {
		buyer = append(buyer, pdf.KV{Key: "Adószám", Value: o.PartnerTaxNumber})
	}
	doc.KeyValues(buyer)
	doc.Space(6)
	dates := []pdf.KV{{Key: "Számla kelte", Value: o.IssueDate.HungarianString()}, {Key: "Teljesítés napja", Value: o.PerformanceDate.HungarianString()},
		{Key: "Fizetési határidő", Value: o.DueDate.HungarianString()}, {Key: "Fizetés módja", Value: "átutalás"}}
	if cancels != "" {
		dates = append(dates, pdf.KV{Key: "Az érvénytelenített számla", Value: cancels})
	}
	doc.KeyValues(dates)
	doc.Space(6)
	sign := ""
	if o.Kind == OutgoingStornoKind {
		sign = "-"
	}
	rate := fmt.Sprintf("%d%%", o.VATRate)
	if o.VATRate == 0 {
		rate = "AAM (adómentes)"
	}
	t := doc.Table(pdf.Column{Header: "Megnevezés", Width: 4}, pdf.Column{Header: "Nettó (Ft)", Right: true, Min: "-999 999 999"},
		pdf.Column{Header: "ÁFA-kulcs", Min: "AAM (adómentes)"}, pdf.Column{Header: "ÁFA (Ft)", Right: true, Min: "-999 999 999"}, pdf.Column{Header: "Bruttó (Ft)", Right: true, Min: "-999 999 999"})
	t.Row(o.Description, sign+o.Net.Grouped(), rate, sign+o.VAT.Grouped(), sign+o.Gross.Grouped())
	t.End()
	doc.KeyValues([]pdf.KV{{Key: "Fizetendő", Value: sign + o.Gross.Grouped() + " Ft"}})
	doc.Paragraph(OutgoingVATRoundingRule)
	if o.Kind == OutgoingInvoiceKind {
		doc.Paragraph("Kérjük, az átutalás közleményében tüntesse fel a számla sorszámát: " + o.Number + ".")
	}
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
