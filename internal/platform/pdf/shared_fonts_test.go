package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The parsed fonts are shared by all documents: documents made at the
// same time must each carry their own glyph subset, whatever letters the
// others use (run with -race to check the sharing itself).
func TestDocumentsMadeInParallelKeepTheirOwnLetters(t *testing.T) {
	texts := []string{"Őrség Győző", "Ünnepi Ágnes", "Szőlő Ferenc", "Hűvös Éva", "Kún Ödön", "Tükör Ibolya"}
	out := make([][]byte, len(texts)*4)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := New(Options{Title: fmt.Sprintf("Dokumentum %d", i), GeneratedAt: made})
			if err != nil {
				t.Error(err)
				return
			}
			d.Paragraph(texts[i%len(texts)])
			d.Heading(strings.ToUpper(texts[i%len(texts)]))
			var buf bytes.Buffer
			if _, err := d.WriteTo(&buf); err != nil {
				t.Error(err)
				return
			}
			out[i] = buf.Bytes()
		}()
	}
	wg.Wait()
	for i, b := range out {
		if b == nil {
			continue
		}
		text := pdfText(t, b, false)
		want := texts[i%len(texts)]
		if !strings.Contains(text, want) || !strings.Contains(text, strings.ToUpper(want)) || !strings.Contains(text, fmt.Sprintf("Dokumentum %d", i)) {
			t.Errorf("document %d lacks %q:\n%s", i, want, text)
		}
	}
}
