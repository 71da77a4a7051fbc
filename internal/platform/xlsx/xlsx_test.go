package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/openasp-hu/asp/internal/hu"
)

func write(t *testing.T, fill func(w *Workbook)) []byte {
	t.Helper()
	w, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fill(w)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestCellsKeepTheirTypes(t *testing.T) {
	// 23:30 UTC on 31 December is already New Year's Day in Budapest.
	at := time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)
	day, _ := hu.NewDate(2026, 3, 5)
	b := write(t, func(w *Workbook) {
		if err := w.SetProperties("Iktatókönyv", "KOZ 2026", "Őrszentmiklós", at); err != nil {
			t.Fatal(err)
		}
		s, err := w.Sheet("Iktatókönyv", Column{Header: "Iktatószám"}, Column{Header: "Főszám", Kind: Number},
			Column{Header: "Iktatva", Kind: DateTime}, Column{Header: "Nap", Kind: Date}, Column{Header: "Ügyfél"}, Column{Header: "Összeg", Kind: Number})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range [][]any{
			{"12-1/2026", int64(12), at, day, "Hűvösvölgyi Ödön", 12500.5},
			{"=1+1", 3, at, at, "árvíztűrő tükörfúrógép\x07", nil},
			{"1-1/2026", int64(1), nil, nil, ""},
		} {
			if err := s.Row(row...); err != nil {
				t.Fatal(err)
			}
		}
	})
	f := open(t, b)
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Iktatókönyv" {
		t.Fatalf("sheets %v", got)
	}
	const sh = "Iktatókönyv"
	check := func(cell string, typ excelize.CellType, raw, shown string) {
		t.Helper()
		gt, err := f.GetCellType(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		gotRaw, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		gotShown, _ := f.GetCellValue(sh, cell)
		if gt != typ || gotRaw != raw || (shown != "" && gotShown != shown) {
			t.Errorf("%s: type %v raw %q shown %q; want %v %q %q", cell, gt, gotRaw, gotShown, typ, raw, shown)
		}
	}
	// Header row.
	check("A1", excelize.CellTypeInlineString, "Iktatószám", "")
	check("E1", excelize.CellTypeInlineString, "Ügyfél", "")
	// Text stays text, even when it looks like a formula or a date.
	check("A2", excelize.CellTypeInlineString, "12-1/2026", "12-1/2026")
	check("A3", excelize.CellTypeInlineString, "=1+1", "=1+1")
	if f, _ := f.GetCellFormula(sh, "A3"); f != "" {
		t.Errorf("text became a formula: %q", f)
	}
	check("E2", excelize.CellTypeInlineString, "Hűvösvölgyi Ödön", "")
	check("E3", excelize.CellTypeInlineString, "árvíztűrő tükörfúrógép", "") // the bell is dropped
	// Numbers are numbers.
	check("B2", excelize.CellTypeUnset, "12", "12")
	check("F2", excelize.CellTypeUnset, "12500.5", "")
	// Times are Budapest wall-clock serials: 2026-01-01 00:30 = 46023 + 30/1440.
	check("C2", excelize.CellTypeUnset, "46023.020833333336", "2026.01.01. 00:30")
	check("D2", excelize.CellTypeUnset, "46086", "2026.03.05.")
	check("D3", excelize.CellTypeUnset, "46023", "2026.01.01.") // the day in Budapest
	// Empty cells stay empty.
	for _, c := range []string{"C4", "D4", "E4", "F3"} {
		if v, _ := f.GetCellValue(sh, c); v != "" {
			t.Errorf("%s = %q, want empty", c, v)
		}
	}
	// The header is bold, frozen and filtered.
	id, _ := f.GetCellStyle(sh, "A1")
	if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Error("header not bold")
	}
	if p, err := f.GetPanes(sh); err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("header not frozen: %+v %v", p, err)
	}
	if x := sheetXML(t, b, 1); !strings.Contains(x, `<autoFilter ref="A1:F4"`) {
		t.Errorf("no autofilter over the table:\n%s", x[max(0, len(x)-700):])
	}
	if props, err := f.GetDocProps(); err != nil || props.Title != "Iktatókönyv" || props.Creator != "Őrszentmiklós" {
		t.Errorf("properties %+v %v", props, err)
	}
}

func sheetXML(t *testing.T, b []byte, n int) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x, _ := io.ReadAll(r)
	// excelize writes the filter's range as absolute ($A$1:$F$4).
	return strings.ReplaceAll(string(x), "$", "")
}

func TestSeveralSheets(t *testing.T) {
	b := write(t, func(w *Workbook) {
		a, _ := w.Sheet("Adatok", Column{Header: "Adat"}, Column{Header: "Érték"})
		a.Row("Önkormányzat", "Őrszentmiklós")
		s, err := w.Sheet("Lista", Column{Header: "Sorszám", Kind: Number})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 1000; i++ {
			if err := s.Row(i); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Row("késő"); err == nil {
			t.Error("a finished sheet took a row")
		}
	})
	f := open(t, b)
	if v, _ := f.GetCellValue("Adatok", "B2"); v != "Őrszentmiklós" {
		t.Errorf("Adatok!B2 = %q", v)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("the active sheet is %d, want the first", f.GetActiveSheetIndex())
	}
	if v, _ := f.GetCellValue("Lista", "A1001"); v != "1000" {
		t.Errorf("Lista!A1001 = %q", v)
	}
	if x := sheetXML(t, b, 2); !strings.Contains(x, `<autoFilter ref="A1:A1001"`) {
		t.Error("second sheet has no autofilter")
	}
}

func TestWrongValuesAreRefused(t *testing.T) {
	w, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, _ := w.Sheet("S", Column{Header: "N", Kind: Number}, Column{Header: "D", Kind: Date})
	for _, row := range [][]any{{"12"}, {1, "2026-03-05"}, {1, 2, 3}} {
		if err := s.Row(row...); err == nil {
			t.Errorf("row %v accepted", row)
		}
	}
	if _, err := w.Sheet("S", Column{Header: "x"}); err == nil {
		t.Error("two sheets with one name")
	}
	if _, err := w.Sheet("a/b", Column{Header: "x"}); err == nil {
		t.Error("a bad sheet name accepted")
	}
}
