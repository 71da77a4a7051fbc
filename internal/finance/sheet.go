package finance

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/openasp-hu/asp/internal/hu"
)

// The budget spreadsheet in the common layout: rows labelled with the
// rovat in brackets ("Törvény szerinti illetmények (K1101)"), columns
// headed by the kormányzati funkció ("011130 Önkormányzatok …"), amounts
// in forints in the cells. The first row holds the headings, the first
// column the labels.

// ParseRowLabel finds the rovat at the end of a row label: "Name (K1101)".
func ParseRowLabel(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return "", false
	}
	open := strings.LastIndexByte(s, '(')
	if open < 0 {
		return "", false
	}
	code := strings.ToUpper(strings.TrimSpace(s[open+1 : len(s)-1]))
	if !validRovatCode(code) {
		return "", false
	}
	return code, true
}

// ParseColumnHeader finds the funkció at the start of a column heading:
// "011130 Name". A 5-digit code lost its leading zero to a spreadsheet
// that took it for a number; it is restored (every leaf has 6 digits).
func ParseColumnHeader(s string) (string, bool) {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end < 5 || end > 6 || (end < len(s) && s[end] != ' ' && s[end] != '\t' && s[end] != '-') {
		return "", false
	}
	return strings.Repeat("0", 6-end) + s[:end], true
}

// ImportIssue is a cell that did not map.
type ImportIssue struct {
	Cell   string `json:"cell"`
	Value  string `json:"value"`
	HU, EN string `json:"-"`
	Reason string `json:"reason"`
}

// Message gives the issue in lang.
func (i ImportIssue) Message(lang string) string {
	if lang == "en" {
		return i.EN
	}
	return i.HU
}

func cellName(row, col int) string {
	n, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return n
}

// parseAmount reads a cell's forints: "1 234 567", "1234567", or a
// spreadsheet number with no fraction ("1234567.0", "1.234567E6").
func parseAmount(s string) (hu.Forint, bool) {
	if f, err := hu.ParseForint(s); err == nil {
		return f, true
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return hu.Forint(v), true
	}
	return 0, false
}

// MapSheet maps a sheet's cells to appropriation lines of entity e;
// every non-empty cell that does not map is an issue. Amounts of the
// same rovat and funkció (two rows with one code) are added.
func MapSheet(rows [][]string, e Entity, task string) ([]AppropriationInput, []ImportIssue) {
	var issues []ImportIssue
	issue := func(r, c int, v, huText, en string, args ...any) {
		if utf8.RuneCountInString(v) > 80 {
			v = string([]rune(v)[:80]) + "…"
		}
		h, n := fmt.Sprintf(huText, args...), fmt.Sprintf(en, args...)
		issues = append(issues, ImportIssue{Cell: cellName(r, c), Value: v, HU: h, EN: n, Reason: n})
	}
	if len(rows) == 0 {
		issues = append(issues, ImportIssue{Cell: "A1", HU: "A táblázat üres.", EN: "The sheet is empty.", Reason: "The sheet is empty."})
		return nil, issues
	}
	// Column headings: funkció, or a reason why not.
	cols := map[int]string{}
	colProblem := map[int]*Problem{}
	for c := 1; c < len(rows[0]); c++ {
		h := strings.TrimSpace(rows[0][c])
		if h == "" {
			continue
		}
		f, ok := ParseColumnHeader(h)
		if !ok {
			colProblem[c] = problem("bad_header", "", "az oszlop fejléce (%q) nem „011130 Megnevezés” alakú", "the column heading (%q) is not of the form \"011130 Name\"", h)
			issue(0, c, h, "Az oszlop fejléce nem „011130 Megnevezés” alakú.", "The column heading is not of the form \"011130 Name\".")
			continue
		}
		if p := e.permitsFunkcio(f); p != nil {
			colProblem[c] = p
			issue(0, c, h, "%s", "%s", p.HU)
			issues[len(issues)-1].EN, issues[len(issues)-1].Reason = p.EN, p.EN
			continue
		}
		cols[c] = f
	}
	sums := map[LineKey]hu.Forint{}
	var order []LineKey
	for r := 1; r < len(rows); r++ {
		row := rows[r]
		empty := true
		for c := 1; c < len(row); c++ {
			if strings.TrimSpace(row[c]) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		label := ""
		if len(row) > 0 {
			label = strings.TrimSpace(row[0])
		}
		rovat, ok := ParseRowLabel(label)
		var rowProblem *Problem
		if !ok {
			rowProblem = problem("bad_label", "", "a sor címkéje (%q) nem „Megnevezés (K1101)” alakú", "the row label (%q) is not of the form \"Name (K1101)\"", label)
		} else if _, known := mustCodes().Rovat(rovat); !known {
			rowProblem = problem("bad_rovat", "", "nincs %s rovat a rovatrendben", "there is no rovat %s in the rovatrend", rovat)
		}
		for c := 1; c < len(row); c++ {
			v := strings.TrimSpace(row[c])
			if v == "" {
				continue
			}
			switch {
			case rowProblem != nil:
				issue(r, c, v, "Nem vehető át: %s.", "Not mapped: %s.", rowProblem.HU)
				issues[len(issues)-1].EN = "Not mapped: " + rowProblem.EN + "."
				issues[len(issues)-1].Reason = issues[len(issues)-1].EN
			case colProblem[c] != nil:
				issue(r, c, v, "Nem vehető át: az oszlop fejléce hibás.", "Not mapped: the column heading is wrong.")
			case cols[c] == "":
				issue(r, c, v, "Nem vehető át: az oszlopnak nincs fejléce (kormányzati funkció).", "Not mapped: the column has no heading (kormányzati funkció).")
			default:
				a, ok := parseAmount(v)
				if !ok || a < 0 {
					issue(r, c, v, "Nem egész, nem negatív forintösszeg.", "Not a whole, non-negative amount of forints.")
					continue
				}
				if a == 0 {
					continue
				}
				k := LineKey{Rovat: rovat, Funkcio: cols[c], Task: taskOr(task)}
				if _, seen := sums[k]; !seen {
					order = append(order, k)
				}
				sums[k] += a
			}
		}
	}
	if len(issues) > 0 {
		return nil, issues
	}
	out := make([]AppropriationInput, 0, len(order))
	for _, k := range order {
		out = append(out, AppropriationInput{LineKey: k, Amount: sums[k]})
	}
	return out, nil
}

// maxSheetBytes bounds an uploaded budget sheet.
const maxSheetBytes = 10 << 20

// ReadSheetFile reads the first sheet of an XLSX file or a CSV file
// (comma or semicolon separated, UTF-8) into rows of text.
func ReadSheetFile(name string, r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSheetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSheetBytes {
		return nil, problem("too_big", "file", "A fájl legfeljebb 10 MiB lehet.", "The file may be at most 10 MiB.")
	}
	if bytes.HasPrefix(data, []byte("PK")) {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, problem("bad_file", "file", "Az XLSX fájl nem olvasható.", "The XLSX file cannot be read.")
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, problem("bad_file", "file", "Az XLSX fájlban nincs munkalap.", "The XLSX file has no sheet.")
		}
		rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, problem("bad_file", "file", "Az XLSX fájl első munkalapja nem olvasható.", "The first sheet of the XLSX file cannot be read.")
		}
		return rows, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, problem("bad_file", "file", "A CSV fájl nem UTF-8 kódolású; mentse el UTF-8-ként, vagy töltse fel XLSX-ként.", "The CSV file is not UTF-8; save it as UTF-8 or upload it as XLSX.")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, problem("bad_file", "file", "A CSV fájl nem olvasható: %v.", "The CSV file cannot be read: %v.", err)
	}
	return rows, nil
}
