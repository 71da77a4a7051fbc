// Command gendata derives data/iranyitoszam_nagyvarosok.csv from the Magyar
// Posta postal-code workbook. The Posta list's "Települések" sheet (embedded
// as data/iranyitoszam_telepulesek.csv) leaves out the six cities that are
// coded street by street — Budapest, Miskolc, Debrecen, Szeged, Pécs, Győr —
// so their codes are collected from the street sheets here, mechanically,
// without hand-entered values.
//
// Run from the repository root, with shared/ beside it:
//
//	go run ./internal/hu/internal/gendata ../shared/data/posta_iranyitoszam_2019/iranyitoszam_2019-01-15.xlsx > internal/hu/data/iranyitoszam_nagyvarosok.csv
package main

import (
	"archive/zip"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
)

// citySheets maps the workbook's street-sheet names to the settlement.
var citySheets = map[string]string{
	"Bp.u.":       "Budapest",
	"Miskolc u.":  "Miskolc",
	"Debrecen u.": "Debrecen",
	"Szeged u.":   "Szeged",
	"Pécs u.":     "Pécs",
	"Győr u.":     "Győr",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendata WORKBOOK.xlsx > iranyitoszam_nagyvarosok.csv")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func run(file string, out io.Writer) error {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return err
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}

	shared, err := sharedStrings(files["xl/sharedStrings.xml"])
	if err != nil {
		return err
	}
	sheets, err := sheetPaths(files["xl/workbook.xml"], files["xl/_rels/workbook.xml.rels"])
	if err != nil {
		return err
	}

	type row struct{ code, city string }
	seen := map[row]bool{}
	var rows []row
	for name, city := range citySheets {
		p, ok := sheets[name]
		if !ok {
			return fmt.Errorf("sheet %q not in workbook", name)
		}
		codes, err := firstColumn(files[p], shared)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, c := range codes {
			c = strings.TrimSpace(c)
			n, err := strconv.Atoi(c)
			if err != nil || n < 1000 || n > 9999 {
				continue // header row ("IRSZ") or a blank cell
			}
			r := row{c, city}
			if !seen[r] {
				seen[r] = true
				rows = append(rows, r)
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return strings.Compare(a.code+a.city, b.code+b.city)
	})

	w := csv.NewWriter(out)
	w.Write([]string{"iranyitoszam", "telepules"})
	for _, r := range rows {
		w.Write([]string{r.code, r.city})
	}
	w.Flush()
	return w.Error()
}

func readXML(f *zip.File, v any) error {
	if f == nil {
		return fmt.Errorf("missing part")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

func sharedStrings(f *zip.File) ([]string, error) {
	var sst struct {
		SI []struct {
			T []string `xml:"t"`
			R []struct {
				T string `xml:"t"`
			} `xml:"r"`
		} `xml:"si"`
	}
	if err := readXML(f, &sst); err != nil {
		return nil, fmt.Errorf("sharedStrings: %w", err)
	}
	out := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		var b strings.Builder
		for _, t := range si.T {
			b.WriteString(t)
		}
		for _, r := range si.R {
			b.WriteString(r.T)
		}
		out[i] = b.String()
	}
	return out, nil
}

// sheetPaths maps sheet names to their part paths inside the zip.
func sheetPaths(wb, rels *zip.File) (map[string]string, error) {
	var w struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readXML(wb, &w); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	var r struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXML(rels, &r); err != nil {
		return nil, fmt.Errorf("workbook rels: %w", err)
	}
	target := map[string]string{}
	for _, x := range r.Rel {
		target[x.ID] = path.Join("xl", x.Target)
	}
	out := map[string]string{}
	for _, s := range w.Sheets {
		out[s.Name] = target[s.RID]
	}
	return out, nil
}

// firstColumn returns the column-A values of a worksheet.
func firstColumn(f *zip.File, shared []string) ([]string, error) {
	var ws struct {
		Rows []struct {
			Cells []struct {
				Ref  string `xml:"r,attr"`
				Type string `xml:"t,attr"`
				V    string `xml:"v"`
				IS   string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := readXML(f, &ws); err != nil {
		return nil, err
	}
	var out []string
	for _, row := range ws.Rows {
		for _, c := range row.Cells {
			col := strings.TrimRight(c.Ref, "0123456789")
			if col != "A" {
				continue
			}
			switch c.Type {
			case "s":
				i, err := strconv.Atoi(c.V)
				if err != nil || i < 0 || i >= len(shared) {
					return nil, fmt.Errorf("bad shared-string index %q", c.V)
				}
				out = append(out, shared[i])
			case "inlineStr":
				out = append(out, c.IS)
			default:
				out = append(out, c.V)
			}
		}
	}
	return out, nil
}
