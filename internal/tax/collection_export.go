package tax

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// table is a list for the treasury, a bank or an employer, as CSV or
// XLSX with the same columns.
type table struct {
	Title string
	Cols  []xlsx.Column
	Rows  [][]any
}

// CSV writes the table with semicolons (what a Hungarian Excel opens) and
// a byte order mark so accents survive. A text starting with = + - @ gets
// a quote in front, so a spreadsheet does not run it as a formula.
func (t table) CSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	head := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		head[i] = c.Header
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case nil:
			case string:
				if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
					x = "'" + x
				}
				rec[i] = x
			case hu.Date:
				rec[i] = x.String()
			case time.Time:
				rec[i] = x.In(hu.Budapest()).Format("2006-01-02 15:04")
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// XLSX writes the table as one sheet.
func (t table) XLSX(w io.Writer, issuer string, at time.Time) error {
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties(t.Title, t.Title, issuer, at); err != nil {
		return err
	}
	s, err := wb.Sheet(t.Title, t.Cols...)
	if err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := s.Row(r...); err != nil {
			return err
		}
	}
	_, err = wb.WriteTo(w)
	return err
}

// RefundTable is the refund list (kiutalási lista) for the treasury.
func RefundTable(lines []RefundLine) table {
	t := table{Title: "Kiutalási lista", Cols: []xlsx.Column{
		{Header: "Nap", Kind: xlsx.Date}, {Header: "Adózó", Width: 30}, {Header: "Azonosító", Width: 14}, {Header: "Adónem", Width: 24},
		{Header: "Számlatulajdonos", Width: 30}, {Header: "Bankszámlaszám", Width: 28}, {Header: "Összeg (Ft)", Kind: xlsx.Number}, {Header: "Hivatkozás", Width: 38}}}
	for _, l := range lines {
		t.Rows = append(t.Rows, []any{l.On, l.Name, l.TaxID, TaxTypeName(l.TaxType), l.Holder, groupAccount(l.BankAccount), int64(l.Amount), l.ID.String()})
	}
	return t
}
