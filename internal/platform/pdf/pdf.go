// Package pdf builds the service's printable documents: A4 pages with the
// issuing municipality's heading, paragraphs, key–value blocks and tables
// whose header row repeats on every page, numbered pages ("1. oldal / 3")
// and a footer with the time the document was made.
//
// Text is set in Liberation Sans (fonts/, SIL OFL 1.1), embedded as a
// subset, so every Hungarian letter prints and copies as itself. The
// layout is done here, on top of gopdf's drawing primitives, so that
// modules describe content, not coordinates.
//
// A Document collects the first error and reports it from WriteTo, so
// callers need not check each call.
package pdf

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/signintech/gopdf"

	"github.com/openasp-hu/asp/internal/hu"
)

//go:embed fonts/LiberationSans-Regular.ttf
var regularTTF []byte

//go:embed fonts/LiberationSans-Bold.ttf
var boldTTF []byte

// parsedFonts parses the two fonts once per process: parsing a TTF took
// about a seventh of the CPU of a one-page document. Each document gets
// its own copy of the parsed font with its own glyph subset; the parsed
// tables are only read after parsing, so documents made in parallel may
// share them.
var parsedFonts = sync.OnceValues(func() (*gopdf.FontContainer, error) {
	fc := &gopdf.FontContainer{}
	if err := fc.AddTTFFontData(regular, regularTTF); err != nil {
		return nil, err
	}
	if err := fc.AddTTFFontData(bold, boldTTF); err != nil {
		return nil, err
	}
	return fc, nil
})

// Options describe a document.
type Options struct {
	// Issuer is the issuing municipality's name, printed above the title
	// and on top of every further page.
	Issuer string
	// Title is the document's title (and its PDF title).
	Title string
	// Subtitle, if set, is printed under the title.
	Subtitle string
	// Landscape turns the A4 page sideways, for wide tables.
	Landscape bool
	// GeneratedAt is when the document was made; the footer shows it in
	// Budapest time, and it is the PDF's creation date. Giving it (rather
	// than reading the clock) keeps the output reproducible.
	GeneratedAt time.Time
	// Footer, if set, is printed in the footer after the time of making
	// (e.g. who made it).
	Footer string
}

// Column of a table. Width is relative: the columns share the width of
// the page in proportion to it (0 counts as 1).
type Column struct {
	Header string
	Width  float64
	// Min is a sample of the widest text the column must hold on one line
	// (a date, an identifier): the column is never narrower than it.
	Min string
	// Right aligns the column to the right (numbers).
	Right bool
}

// KV is one line of a key–value block.
type KV struct {
	Key, Value string
}

const (
	margin      = 36.0 // half an inch around the page
	footerSpace = 30.0 // below the text area: the footer
	headerSpace = 18.0 // above the text area on pages after the first
	leading     = 1.25 // line height, in font sizes

	bodySize   = 10.0
	smallSize  = 7.5
	tableSize  = 8.0
	titleSize  = 16.0
	issuerSize = 11.0
	headSize   = 12.0
	cellPadX   = 3.5
	cellPadY   = 2.5
)

const (
	regular = "LiberationSans"
	bold    = "LiberationSans-Bold"
)

// Document is a PDF being built.
type Document struct {
	g       *gopdf.GoPdf
	opt     Options
	w, h    float64 // page size
	y       float64 // where the next block starts
	pages   int
	err     error
	written bool

	font   string
	size   float64
	widths map[glyphKey]float64 // advance widths at size 1
}

type glyphKey struct {
	font string
	r    rune
}

// New starts a document and prints its heading block on the first page.
func New(opt Options) (*Document, error) {
	d := &Document{g: &gopdf.GoPdf{}, opt: opt, widths: map[glyphKey]float64{}}
	size := *gopdf.PageSizeA4
	if opt.Landscape {
		size = gopdf.Rect{W: size.H, H: size.W}
	}
	d.w, d.h = size.W, size.H
	d.g.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	d.g.SetCompressLevel(6)
	fc, err := parsedFonts()
	if err != nil {
		return nil, fmt.Errorf("pdf: font: %w", err)
	}
	for _, f := range []string{regular, bold} {
		if err := d.g.AddTTFFontFromFontContainer(f, fc); err != nil {
			return nil, fmt.Errorf("pdf: font: %w", err)
		}
	}
	d.g.SetInfo(gopdf.PdfInfo{Title: opt.Title, Author: opt.Issuer, Creator: "Önkormányzati ASP", CreationDate: opt.GeneratedAt})
	d.addPage()
	if opt.Issuer != "" {
		d.lines(bold, issuerSize, d.opt.Issuer, 0)
		d.y += 4
	}
	if opt.Title != "" {
		d.lines(bold, titleSize, d.opt.Title, 0)
	}
	if opt.Subtitle != "" {
		d.y += 2
		d.lines(regular, bodySize+1, d.opt.Subtitle, 0)
	}
	d.y += 4
	d.rule(d.y, 0.8, 0.3)
	d.y += 10
	return d, d.err
}

// Heading prints a section heading.
func (d *Document) Heading(text string) {
	d.need(headSize*leading*2 + 6)
	d.y += 4
	d.lines(bold, headSize, text, 0)
	d.y += 4
}

// Paragraph prints wrapped text.
func (d *Document) Paragraph(text string) {
	d.lines(regular, bodySize, text, 0)
	d.y += bodySize * 0.6
}

// KeyValues prints a block of labelled values, the labels in bold in a
// column of their own.
func (d *Document) KeyValues(kvs []KV) {
	keyW := min(d.contentWidth()*0.3, 160)
	valW := d.contentWidth() - keyW
	lh := bodySize * leading
	for _, kv := range kvs {
		d.setFont(bold, bodySize)
		keys := d.wrap(kv.Key, keyW-8)
		d.setFont(regular, bodySize)
		vals := d.wrap(kv.Value, valW)
		n := max(len(keys), len(vals))
		d.need(float64(n)*lh + 3)
		d.setFont(bold, bodySize)
		for i, l := range keys {
			d.text(margin, d.y+float64(i)*lh, l)
		}
		d.setFont(regular, bodySize)
		for i, l := range vals {
			d.text(margin+keyW, d.y+float64(i)*lh, l)
		}
		d.y += float64(n)*lh + 3
	}
	d.y += bodySize * 0.6
}

// Space leaves vertical space, in points.
func (d *Document) Space(pt float64) { d.y += pt }

// Table starts a table and prints its header row; add rows with Row.
func (d *Document) Table(cols ...Column) *Table {
	t := &Table{d: d, cols: cols, ws: d.columnWidths(cols)}
	x := margin
	for _, w := range t.ws {
		t.xs = append(t.xs, x)
		x += w
	}
	d.setFont(bold, tableSize)
	for i, c := range cols {
		t.head = append(t.head, d.wrap(c.Header, t.ws[i]-2*cellPadX))
	}
	// The header and at least one line of a row go on the same page.
	d.need(t.height(t.head) + tableSize*leading + 2*cellPadY)
	t.header()
	return t
}

// columnWidths shares the content width among the columns by weight,
// but gives each at least its Min: those that would be narrower get
// their minimum, and the rest share what is left.
func (d *Document) columnWidths(cols []Column) []float64 {
	d.setFont(regular, tableSize)
	mins := make([]float64, len(cols))
	var sumMin float64
	for i, c := range cols {
		if c.Min != "" {
			mins[i] = d.width(c.Min) + 2*cellPadX + 0.5
		}
		sumMin += mins[i]
	}
	avail := d.contentWidth()
	if sumMin > avail*0.8 { // the minimums leave no room: shrink them alike
		for i := range mins {
			mins[i] *= avail * 0.8 / sumMin
		}
	}
	ws := make([]float64, len(cols))
	fixed := make([]bool, len(cols))
	for {
		var left, total float64 = avail, 0
		for i, c := range cols {
			if fixed[i] {
				left -= ws[i]
			} else {
				total += weight(c)
			}
		}
		changed := false
		for i, c := range cols {
			if fixed[i] {
				continue
			}
			ws[i] = left * weight(c) / total
			if ws[i] < mins[i] {
				ws[i], fixed[i], changed = mins[i], true, true
			}
		}
		if !changed {
			return ws
		}
	}
}

func weight(c Column) float64 {
	if c.Width <= 0 {
		return 1
	}
	return c.Width
}

// Table is a table being printed.
type Table struct {
	d      *Document
	cols   []Column
	xs, ws []float64
	head   [][]string
}

// Row prints one row; a cell's text wraps within its column, and a row
// that does not fit goes to the next page under a repeated header.
// Missing cells are empty, extra ones are an error.
func (t *Table) Row(cells ...string) {
	d := t.d
	if len(cells) > len(t.cols) {
		d.fail(fmt.Errorf("pdf: row of %d cells in a table of %d columns", len(cells), len(t.cols)))
		return
	}
	d.setFont(regular, tableSize)
	lines := make([][]string, len(t.cols))
	for i := range t.cols {
		if i < len(cells) {
			lines[i] = d.wrap(cells[i], t.ws[i]-2*cellPadX)
		}
	}
	// A row taller than a whole page is cut, with a mark, rather than
	// split across pages: it does not happen with the service's fields.
	maxLines := int((d.bottom()-d.top()-t.height(t.head))/(tableSize*leading)) - 2
	for i, ls := range lines {
		if len(ls) > maxLines {
			lines[i] = append(ls[:maxLines-1:maxLines-1], "…")
		}
	}
	h := t.height(lines)
	if d.y+h > d.bottom() {
		d.addPage()
		t.header()
	}
	t.draw(lines, false)
}

// End finishes the table and leaves a little space after it.
func (t *Table) End() { t.d.y += bodySize }

func (t *Table) height(lines [][]string) float64 {
	n := 1
	for _, ls := range lines {
		n = max(n, len(ls))
	}
	return float64(n)*tableSize*leading + 2*cellPadY
}

func (t *Table) header() { t.draw(t.head, true) }

func (t *Table) draw(lines [][]string, header bool) {
	d := t.d
	h := t.height(lines)
	if header {
		d.g.SetFillColor(230, 230, 230)
		d.g.RectFromUpperLeftWithStyle(margin, d.y, d.contentWidth(), h, "F")
		d.setFont(bold, tableSize)
	} else {
		d.setFont(regular, tableSize)
	}
	for i, ls := range lines {
		for j, l := range ls {
			x := t.xs[i] + cellPadX
			if t.cols[i].Right {
				x = t.xs[i] + t.ws[i] - cellPadX - d.width(l)
			}
			d.text(x, d.y+cellPadY+float64(j)*tableSize*leading, l)
		}
	}
	d.y += h
	if header {
		d.rule(d.y, 0.6, 0.4)
	} else {
		d.rule(d.y, 0.3, 0.75)
	}
}

// WriteTo numbers the pages, prints the footers and writes the PDF. It
// can be called once.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	if d.written {
		return 0, errors.New("pdf: document already written")
	}
	d.written = true
	made := "Készült: " + d.opt.GeneratedAt.In(hu.Budapest()).Format("2006. 01. 02. 15:04")
	if d.opt.Footer != "" {
		made += " · " + d.opt.Footer
	}
	for p := 1; p <= d.pages && d.err == nil; p++ {
		d.fail(d.g.SetPage(p))
		d.setFont(regular, smallSize)
		y := d.h - margin + (footerSpace-smallSize)/2 - 6
		d.rule(y-4, 0.3, 0.6)
		d.text(margin, y, made)
		num := fmt.Sprintf("%d. oldal / %d", p, d.pages)
		d.text(d.w-margin-d.width(num), y, num)
	}
	if d.err != nil {
		return 0, d.err
	}
	return d.g.WriteTo(w)
}

// Pages is the number of pages so far.
func (d *Document) Pages() int { return d.pages }

func (d *Document) contentWidth() float64 { return d.w - 2*margin }
func (d *Document) bottom() float64       { return d.h - margin - footerSpace + 12 }

func (d *Document) top() float64 {
	if d.pages > 1 {
		return margin + headerSpace
	}
	return margin
}

func (d *Document) fail(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

// addPage starts a page; pages after the first carry the issuer and the
// title on top, so a loose sheet still says what it belongs to.
func (d *Document) addPage() {
	d.g.AddPage()
	d.pages++
	d.y = d.top()
	if d.pages > 1 {
		d.setFont(regular, smallSize)
		head := strings.TrimPrefix(d.opt.Issuer+" · "+d.opt.Title, " · ")
		head = strings.TrimSuffix(head, " · ")
		if ls := d.wrap(head, d.contentWidth()); len(ls) > 0 {
			d.text(margin, margin-4, ls[0])
		}
		d.rule(margin+smallSize*leading-2, 0.3, 0.6)
	}
}

// need starts a new page unless h points fit on this one.
func (d *Document) need(h float64) {
	if d.y+h > d.bottom() && d.y > d.top() {
		d.addPage()
	}
}

// lines prints text wrapped to the content width, breaking pages as
// needed.
func (d *Document) lines(font string, size float64, text string, indent float64) {
	d.setFont(font, size)
	lh := size * leading
	for _, l := range d.wrap(text, d.contentWidth()-indent) {
		d.need(lh)
		d.setFont(font, size)
		d.text(margin+indent, d.y, l)
		d.y += lh
	}
}

func (d *Document) rule(y, width, gray float64) {
	d.g.SetLineWidth(width)
	d.g.SetStrokeColor(uint8(gray*255), uint8(gray*255), uint8(gray*255))
	d.g.Line(margin, y, d.w-margin, y)
}

func (d *Document) setFont(font string, size float64) {
	if d.font == font && d.size == size {
		return
	}
	d.fail(d.g.SetFont(font, "", size))
	d.font, d.size = font, size
}

// text draws one line with its top at y.
func (d *Document) text(x, y float64, s string) {
	if s == "" {
		return
	}
	d.g.SetTextColor(0, 0, 0)
	d.g.SetXY(x, y)
	d.fail(d.g.Cell(nil, s))
}

// width is the width of s in the current font, without kerning (as
// gopdf draws it). Advance widths are cached per rune.
func (d *Document) width(s string) float64 {
	var w float64
	for _, r := range s {
		w += d.advance(r)
	}
	return w * d.size
}

func (d *Document) advance(r rune) float64 {
	k := glyphKey{d.font, r}
	if a, ok := d.widths[k]; ok {
		return a
	}
	a, err := d.g.MeasureTextWidth(string(r))
	d.fail(err)
	a /= d.size
	d.widths[k] = a
	return a
}

// wrap breaks text into lines no wider than width: at spaces where it
// can, inside a word where a word alone is too wide. Line breaks in the
// text are kept; control characters are dropped.
func (d *Document) wrap(text string, width float64) []string {
	width = max(width, 1) // a column narrower than its padding: a letter a line
	var out []string
	for _, para := range strings.Split(clean(text), "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			if len(out) > 0 {
				out = append(out, "")
			}
			continue
		}
		line, lw := "", 0.0
		space := d.width(" ")
		for _, w := range words {
			ww := d.width(w)
			switch {
			case line == "" && ww <= width:
				line, lw = w, ww
			case line != "" && lw+space+ww <= width:
				line, lw = line+" "+w, lw+space+ww
			default:
				if line != "" {
					out = append(out, line)
				}
				line, lw = "", 0
				// A word wider than the column is cut where it must be.
				for w != "" && ww > width {
					cut, cw := d.fit(w, width)
					out = append(out, w[:cut])
					w, ww = w[cut:], ww-cw
				}
				line, lw = w, ww
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// fit returns how many bytes of s fit in width (at least one rune) and
// their width.
func (d *Document) fit(s string, width float64) (int, float64) {
	var w float64
	for i, r := range s {
		a := d.advance(r) * d.size
		if w+a > width && i > 0 {
			return i, w
		}
		w += a
	}
	return len(s), w
}

// clean drops control characters but line breaks, and turns tabs into
// spaces; the fonts draw nothing sensible for them.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
}
