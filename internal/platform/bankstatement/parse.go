package bankstatement

import (
	"bufio"
	"bytes"
	"io"
)

// Parse reads a statement file in either format, telling them apart by the
// first character: camt.053 XML starts with "<" (after an optional BOM and
// white space), anything else is read as CSV. It is what an upload form
// calls when the clerk need not say which format the bank gave.
func Parse(r io.Reader) ([]Statement, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(4096) // a short file gives what there is
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && head[0] == '<' {
		return ParseCamt053(br)
	}
	return ParseCSV(br)
}
