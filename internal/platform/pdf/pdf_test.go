package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
)

func pdfText(t *testing.T, pdf []byte, layout bool) string { return pdftest.Text(t, pdf, layout) }

var made = time.Date(2026, 3, 5, 13, 3, 0, 0, time.UTC) // 14:03 in Budapest

func build(t *testing.T, opt Options, body func(d *Document)) []byte {
	t.Helper()
	d, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	body(d)
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHungarianTextComesOutExactly(t *testing.T) {
	pdf := build(t, Options{Issuer: "Őrszentmiklós", Title: "Próba: Hűvösvölgy", Subtitle: "ŐŰ őű ÁÉÍÓÖÚÜ áéíóöúü", GeneratedAt: made, Footer: "Kiss Ágnes"}, func(d *Document) {
		d.Paragraph("árvíztűrő tükörfúrógép ÁRVÍZTŰRŐ TÜKÖRFÚRÓGÉP")
		d.KeyValues([]KV{{"Ügyfél", "Szőlősi Győző"}, {"Cím", "7677 Orfű, Ősz utca 1."}})
		tb := d.Table(Column{Header: "Iktatószám"}, Column{Header: "Tárgy", Width: 3}, Column{Header: "Összeg", Right: true})
		tb.Row("1-1/2026", "Kérelem – „idézőjel” és emoji 🙂", "12 500")
		tb.End()
	})
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, pdf, false)
	for _, want := range []string{"Őrszentmiklós", "Hűvösvölgy", "Ügyfél", "árvíztűrő tükörfúrógép", "ÁRVÍZTŰRŐ TÜKÖRFÚRÓGÉP",
		"ŐŰ őű ÁÉÍÓÖÚÜ áéíóöúü", "Szőlősi Győző", "7677 Orfű, Ősz utca 1.", "„idézőjel”", "Összeg", "12 500",
		"Készült: 2026. 03. 05. 14:03 · Kiss Ágnes", "1. oldal / 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// The fonts are embedded, so the document prints the same anywhere.
	if out, err := exec.Command("pdffonts", writeTemp(t, pdf)).CombinedOutput(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
		for _, l := range lines {
			if f := strings.Fields(l); len(f) < 5 || !strings.HasPrefix(f[0], "LiberationSans") || f[len(f)-5] != "yes" {
				t.Errorf("font not embedded: %s", l)
			}
		}
		if len(lines) != 2 {
			t.Errorf("fonts:\n%s", out)
		}
	}
}

func writeTemp(t *testing.T, b []byte) string {
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLongTableRepeatsItsHeaderAndNumbersPages(t *testing.T) {
	long := strings.Repeat("hosszú tárgy ", 20)
	pdf := build(t, Options{Issuer: "Hűvösvölgy", Title: "Lista", Landscape: true, GeneratedAt: made}, func(d *Document) {
		tb := d.Table(Column{Header: "Sorszám", Right: true}, Column{Header: "Tárgy", Width: 4}, Column{Header: "Ügyfél", Width: 2})
		for i := 1; i <= 200; i++ {
			subject := fmt.Sprintf("Tárgy %d", i)
			if i%10 == 0 {
				subject += " " + long
			}
			tb.Row(fmt.Sprint(i), subject, "Ügyfél "+fmt.Sprint(i))
		}
		tb.End()
		d.Paragraph("Vége.")
	})
	text := pdfText(t, pdf, false)
	pages := pdftest.Pages(text)
	if len(pages) < 3 {
		t.Fatalf("%d pages for 200 rows", len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(p, "Sorszám") || !strings.Contains(p, "Ügyfél") {
			t.Errorf("page %d lacks the table header", i+1)
		}
		if want := fmt.Sprintf("%d. oldal / %d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if i > 0 && !strings.Contains(p, "Hűvösvölgy · Lista") {
			t.Errorf("page %d lacks the running header", i+1)
		}
	}
	// Every row is there once, in order.
	last := -1
	for i := 1; i <= 200; i++ {
		at := strings.Index(text, fmt.Sprintf("Ügyfél %d\n", i))
		if at < 0 || at < last {
			t.Fatalf("row %d missing or out of order", i)
		}
		last = at
	}
	if !strings.Contains(pages[len(pages)-1], "Vége.") {
		t.Error("text after the table is not on the last page")
	}
}

func TestOverlongWordsAndRowsAreCutNotLost(t *testing.T) {
	pdf := build(t, Options{Title: "Vágás", GeneratedAt: made}, func(d *Document) {
		tb := d.Table(Column{Header: "A"}, Column{Header: "B", Width: 6})
		tb.Row(strings.Repeat("Ő", 80), "x")
		tb.Row("y", strings.Repeat("sor ", 3000))
		tb.End()
	})
	text := pdfText(t, pdf, false)
	if strings.Count(text, "Ő") != 80 {
		t.Errorf("a long word lost letters: %d of 80", strings.Count(text, "Ő"))
	}
	if !strings.Contains(text, "…") {
		t.Error("a cut row has no mark")
	}
}

func TestOutputIsReproducible(t *testing.T) {
	mk := func() []byte {
		return build(t, Options{Issuer: "Őrszentmiklós", Title: "Ugyanaz", GeneratedAt: made}, func(d *Document) {
			d.KeyValues([]KV{{"Ügyfél", "Hűvösvölgyi Ödön"}})
			tb := d.Table(Column{Header: "Ő"}, Column{Header: "Ű"})
			tb.Row("árvíztűrő", "tükörfúrógép")
			tb.End()
		})
	}
	if a, b := mk(), mk(); !bytes.Equal(a, b) {
		t.Error("the same input gave different PDFs")
	}
}

func TestTooManyCellsIsAnError(t *testing.T) {
	d, err := New(Options{Title: "x", GeneratedAt: made})
	if err != nil {
		t.Fatal(err)
	}
	d.Table(Column{Header: "A"}).Row("1", "2")
	if _, err := d.WriteTo(&bytes.Buffer{}); err == nil {
		t.Error("a row with too many cells was accepted")
	}
}

// TestWriteSample writes a sample to look at: ASP_PDF_SAMPLE=/tmp/x.pdf.
func TestWriteSample(t *testing.T) {
	out := os.Getenv("ASP_PDF_SAMPLE")
	if out == "" {
		t.Skip("set ASP_PDF_SAMPLE to write a sample")
	}
	pdf := build(t, Options{Issuer: "Őrszentmiklós Nagyközség Önkormányzata", Title: "Iktatókönyv – KOZ 2026", Subtitle: "Általános iktatókönyv", Landscape: true, GeneratedAt: made, Footer: "ugyintezo"}, func(d *Document) {
		d.KeyValues([]KV{{"Állapot", "Nyitott"}, {"Bejegyzések", "120"}})
		tb := d.Table(Column{Header: "Iktatószám", Width: 1.3}, Column{Header: "Iktatva", Width: 1.1}, Column{Header: "Irány", Width: 0.7},
			Column{Header: "Tárgy", Width: 3}, Column{Header: "Ügyfél", Width: 2}, Column{Header: "Hivatkozási szám", Width: 1.1})
		for i := 1; i <= 120; i++ {
			tb.Row(fmt.Sprintf("%d-1/2026", i), "2026. 03. 05. 14:03", "Bejövő", "árvíztűrő tükörfúrógép beszerzése és egyéb hosszabb tárgy", "Hűvösvölgyi Ödön", "ABC/123")
		}
		tb.End()
	})
	if err := os.WriteFile(out, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}
