package finance

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/pdf"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// A report laid out once for the screen, the PDF and the XLSX: titled
// sections of a table each, and the §B.2/§B.6 checks, so the three show
// the same figures and the same differences.

type reportCol struct {
	Header string
	Num    bool
	Width  float64
}

// reportRow's cells are strings, hu.Forint or nil (empty).
type reportRow struct {
	Cells  []any
	Strong bool
}

type reportSection struct {
	Title string
	Cols  []reportCol
	Rows  []reportRow
}

type reportDoc struct {
	Kind, Title, Subtitle string
	Issuer                string
	Landscape             bool
	Sections              []reportSection
	Checks                []Check
	Notes                 []string
	lang                  string
}

// tr picks the page's language.
func (d reportDoc) tr(huText, en string) string {
	if d.lang == "en" {
		return en
	}
	return huText
}

// Differences counts the checks that fail.
func (d reportDoc) Differences() int {
	n := 0
	for _, c := range d.Checks {
		if !c.OK() {
			n++
		}
	}
	return n
}

// CheckText names a check in the page's language.
func (d reportDoc) CheckText(c Check) string { return d.tr(c.HU, c.EN) }

// IsNum tells the screen to right-align a cell.
func (reportDoc) IsNum(v any) bool { _, ok := v.(hu.Forint); return ok }

// Cell formats a cell for the screen and the PDF.
func (reportDoc) Cell(v any) string {
	switch c := v.(type) {
	case nil:
		return ""
	case hu.Forint:
		return c.Grouped()
	case string:
		return c
	default:
		return fmt.Sprint(c)
	}
}

func (d reportDoc) writePDF(w io.Writer, at time.Time, by string) error {
	doc, err := pdf.New(pdf.Options{Issuer: d.Issuer, Title: d.Title, Subtitle: d.Subtitle, Landscape: d.Landscape, GeneratedAt: at, Footer: by})
	if err != nil {
		return err
	}
	for _, s := range d.Sections {
		if s.Title != "" {
			doc.Heading(s.Title)
		}
		cols := make([]pdf.Column, len(s.Cols))
		for i, c := range s.Cols {
			cols[i] = pdf.Column{Header: c.Header, Width: c.Width, Right: c.Num}
			if c.Num {
				cols[i].Min = "-999 999 999 999"
			}
		}
		t := doc.Table(cols...)
		for _, r := range s.Rows {
			cells := make([]string, len(r.Cells))
			for i, c := range r.Cells {
				cells[i] = d.Cell(c)
			}
			t.Row(cells...)
		}
		t.End()
	}
	doc.Heading(d.tr("Ellenőrzések (§B.2, §B.6)", "Checks (§B.2, §B.6)"))
	for _, c := range d.Checks {
		mark := d.tr("rendben", "agrees")
		if !c.OK() {
			mark = d.tr("ELTÉRÉS", "DIFFERENCE") + " " + (c.Budget - c.Financial).Grouped()
		}
		doc.Paragraph(fmt.Sprintf("%s – %s: %s / %s Ft", mark, d.CheckText(c), c.Budget.Grouped(), c.Financial.Grouped()))
	}
	for _, n := range d.Notes {
		doc.Paragraph(n)
	}
	_, err = doc.WriteTo(w)
	return err
}

func (d reportDoc) writeXLSX(w io.Writer, at time.Time) error {
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties(d.Title, d.Subtitle, "ASP GAZD", at); err != nil {
		return err
	}
	used := map[string]bool{}
	for i, s := range d.Sections {
		name := sheetName(s.Title, i, used)
		cols := make([]xlsx.Column, len(s.Cols))
		for j, c := range s.Cols {
			cols[j] = xlsx.Column{Header: c.Header, Kind: xlsx.Text, Width: 14 * max(c.Width, 1)}
			if c.Num {
				cols[j] = xlsx.Column{Header: c.Header, Kind: xlsx.Number, Width: 16}
			}
		}
		sh, err := wb.Sheet(name, cols...)
		if err != nil {
			return err
		}
		for _, r := range s.Rows {
			vals := make([]any, len(r.Cells))
			for j, c := range r.Cells {
				switch v := c.(type) {
				case hu.Forint:
					vals[j] = int64(v)
				case nil:
				default:
					if s.Cols[j].Num {
						vals[j] = nil
					} else {
						vals[j] = d.Cell(v)
					}
				}
			}
			if err := sh.Row(vals...); err != nil {
				return err
			}
		}
	}
	sh, err := wb.Sheet(sheetName(d.tr("Ellenőrzések", "Checks"), len(d.Sections), used),
		xlsx.Column{Header: d.tr("Ellenőrzés", "Check"), Kind: xlsx.Text, Width: 70}, xlsx.Column{Header: d.tr("Egyik oldal", "One side"), Kind: xlsx.Number, Width: 16},
		xlsx.Column{Header: d.tr("Másik oldal", "Other side"), Kind: xlsx.Number, Width: 16}, xlsx.Column{Header: d.tr("Eltérés", "Difference"), Kind: xlsx.Number, Width: 16})
	if err != nil {
		return err
	}
	for _, c := range d.Checks {
		if err := sh.Row(d.CheckText(c), int64(c.Budget), int64(c.Financial), int64(c.Budget-c.Financial)); err != nil {
			return err
		}
	}
	_, err = wb.WriteTo(w)
	return err
}

// sheetName makes a unique sheet name within the format's 31 characters
// and without the characters it forbids.
func sheetName(title string, i int, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, title)
	if name == "" {
		name = "Munkalap"
	}
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	if used[name] {
		name = fmt.Sprintf("%s %d", name, i+1)
	}
	used[name] = true
	return name
}
