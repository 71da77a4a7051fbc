// Package xlsx writes the service's spreadsheet exports (Office Open XML,
// .xlsx): each sheet is one table with a bold, frozen header row and an
// autofilter, and every cell has its column's type, so numbers sum, dates
// sort and filter as dates, and text stays text (an iktatószám such as
// "12-1/2026" is never turned into a date or a formula).
//
// Rows are streamed to the file, so a sheet of many thousand rows does not
// build a document tree in memory. Times are shown in Budapest time, as
// everywhere in the service.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/openasp-hu/asp/internal/hu"
)

// Kind is the type of a column's cells.
type Kind int

const (
	// Text cells take a string.
	Text Kind = iota
	// Number cells take any Go integer or float.
	Number
	// Date cells take a time.Time (its day in Budapest) or a hu.Date,
	// shown as 2026.03.05.
	Date
	// DateTime cells take a time.Time, shown in Budapest time as
	// 2026.03.05. 14:03.
	DateTime
)

// Column of a sheet. Width is in characters (0: a width for the kind).
type Column struct {
	Header string
	Kind   Kind
	Width  float64
}

// maxText is the longest text a cell holds (the format's limit).
const maxText = 32767

// Workbook is a spreadsheet being written. Write its sheets one after the
// other, then WriteTo once.
type Workbook struct {
	f       *excelize.File
	current *Sheet
	names   map[string]bool
	styles  struct{ header, date, dateTime, text int }
	written bool
}

// New starts an empty workbook.
func New() (*Workbook, error) {
	w := &Workbook{f: excelize.NewFile(), names: map[string]bool{}}
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = w.f.NewStyle(s)
		return id
	}
	dateFmt, dateTimeFmt := `yyyy\.mm\.dd\.`, `yyyy\.mm\.dd\.\ hh:mm`
	w.styles.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6E6E6"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	w.styles.date = mk(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	w.styles.dateTime = mk(&excelize.Style{CustomNumFmt: &dateTimeFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	w.styles.text = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		w.f.Close()
		return nil, fmt.Errorf("xlsx: styles: %w", err)
	}
	return w, nil
}

// SetProperties sets the document's title, subject and author (the
// issuing municipality).
func (w *Workbook) SetProperties(title, subject, author string, created time.Time) error {
	return w.f.SetDocProps(&excelize.DocProperties{Title: title, Subject: subject, Creator: author,
		Created: created.UTC().Format(time.RFC3339), Modified: created.UTC().Format(time.RFC3339)})
}

// Sheet is one sheet being written.
type Sheet struct {
	w    *Workbook
	name string
	cols []Column
	sw   *excelize.StreamWriter
	row  int
}

// Sheet starts a sheet (the previous one is finished) and writes its
// header row. A name is at most 31 characters, without : \ / ? * [ ].
func (w *Workbook) Sheet(name string, cols ...Column) (*Sheet, error) {
	if w.written {
		return nil, errors.New("xlsx: workbook already written")
	}
	if len(cols) == 0 {
		return nil, errors.New("xlsx: a sheet needs columns")
	}
	if w.names[name] {
		return nil, fmt.Errorf("xlsx: two sheets named %q", name)
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	if len(w.names) == 0 {
		// The new file's only sheet gets the first name.
		if err := w.f.SetSheetName("Sheet1", name); err != nil {
			return nil, fmt.Errorf("xlsx: sheet %q: %w", name, err)
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("xlsx: sheet %q: %w", name, err)
	}
	w.names[name] = true
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx: sheet %q: %w", name, err)
	}
	s := &Sheet{w: w, name: name, cols: cols, sw: sw}
	for i, c := range cols {
		width := c.Width
		if width <= 0 {
			width = map[Kind]float64{Text: 24, Number: 10, Date: 12, DateTime: 17}[c.Kind]
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, fmt.Errorf("xlsx: sheet %q: %w", name, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx: sheet %q: %w", name, err)
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: w.styles.header, Value: cleanText(c.Header)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("xlsx: sheet %q: %w", name, err)
	}
	s.row = 1
	w.current = s
	return s, nil
}

// Row writes the next row. Each value must suit its column's kind; nil
// leaves a cell empty. Fewer values than columns leave the rest empty.
func (s *Sheet) Row(values ...any) error {
	if s.w.current != s {
		return fmt.Errorf("xlsx: sheet %q is finished", s.name)
	}
	if len(values) > len(s.cols) {
		return fmt.Errorf("xlsx: sheet %q: row of %d values in %d columns", s.name, len(values), len(s.cols))
	}
	cells := make([]any, len(values))
	for i, v := range values {
		c, err := s.cell(s.cols[i], v)
		if err != nil {
			return fmt.Errorf("xlsx: sheet %q row %d column %q: %w", s.name, s.row, s.cols[i].Header, err)
		}
		cells[i] = c
	}
	s.row++
	ref, _ := excelize.CoordinatesToCellName(1, s.row)
	if err := s.sw.SetRow(ref, cells); err != nil {
		return fmt.Errorf("xlsx: sheet %q row %d: %w", s.name, s.row, err)
	}
	return nil
}

func (s *Sheet) cell(col Column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	st := s.w.styles
	switch col.Kind {
	case Text:
		if t, ok := v.(string); ok {
			return excelize.Cell{StyleID: st.text, Value: cleanText(t)}, nil
		}
	case Number:
		switch n := v.(type) {
		case int, int8, int16, int32, int64, uint8, uint16, uint32, float32, float64:
			return excelize.Cell{Value: n}, nil
		}
	case Date:
		switch d := v.(type) {
		case hu.Date:
			return excelize.Cell{StyleID: st.date, Value: wall(d.Time())}, nil
		case time.Time:
			return excelize.Cell{StyleID: st.date, Value: wall(hu.DateOf(d).Time())}, nil
		case *time.Time:
			if d == nil {
				return nil, nil
			}
			return excelize.Cell{StyleID: st.date, Value: wall(hu.DateOf(*d).Time())}, nil
		}
	case DateTime:
		switch t := v.(type) {
		case time.Time:
			return excelize.Cell{StyleID: st.dateTime, Value: wall(t)}, nil
		case *time.Time:
			if t == nil {
				return nil, nil
			}
			return excelize.Cell{StyleID: st.dateTime, Value: wall(*t)}, nil
		}
	}
	return nil, fmt.Errorf("a %T does not fit a %s column", v, col.Kind)
}

func (k Kind) String() string {
	switch k {
	case Text:
		return "text"
	case Number:
		return "number"
	case Date:
		return "date"
	case DateTime:
		return "date-time"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// wall is t's Budapest wall-clock time, to the minute, as a zone-less
// value: a spreadsheet has no time zones.
func wall(t time.Time) time.Time {
	b := t.In(hu.Budapest())
	return time.Date(b.Year(), b.Month(), b.Day(), b.Hour(), b.Minute(), 0, 0, time.UTC)
}

// cleanText drops the control characters XML cannot hold (keeping line
// breaks and tabs) and cuts text to a cell's limit.
func cleanText(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' || r == utf8.RuneError }) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\n' && r != '\t' || r == utf8.RuneError {
				return -1
			}
			return r
		}, s)
	}
	if utf8.RuneCountInString(s) > maxText {
		s = string([]rune(s)[:maxText-1]) + "…"
	}
	return s
}

// finish closes the current sheet: the autofilter over its table, then
// its data are flushed.
func (w *Workbook) finish() error {
	s := w.current
	if s == nil {
		return nil
	}
	w.current = nil
	last, _ := excelize.CoordinatesToCellName(len(s.cols), max(s.row, 2))
	if err := w.f.AutoFilter(s.name, "A1:"+last, nil); err != nil {
		return fmt.Errorf("xlsx: sheet %q: autofilter: %w", s.name, err)
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: sheet %q: %w", s.name, err)
	}
	return nil
}

// WriteTo finishes the workbook and writes it; it can be called once.
func (w *Workbook) WriteTo(out io.Writer) (int64, error) {
	if w.written {
		return 0, errors.New("xlsx: workbook already written")
	}
	w.written = true
	defer w.f.Close()
	if len(w.names) == 0 {
		return 0, errors.New("xlsx: a workbook needs a sheet")
	}
	if err := w.finish(); err != nil {
		return 0, err
	}
	// The first sheet is the active one already; setting it again would
	// parse the streamed sheets back into memory.
	return w.f.WriteTo(out)
}

// Close releases the workbook's temporary files when it is not written.
func (w *Workbook) Close() error { return w.f.Close() }
