package bankstatement

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/openasp-hu/asp/internal/hu"
)

// CSV record types (first column); see docs/bank-statement-csv.md.
const (
	csvStatement = "K" // kivonat: starts a statement
	csvEntry     = "T" // tétel: one entry of the statement above
)

// Columns of a K row and a T row, for error messages (Hungarian names as in
// the documentation).
var (
	csvStatementCols = []string{"típus", "számlaszám", "kivonat azonosító", "sorszám", "kezdő nap", "záró nap", "nyitó egyenleg", "záró egyenleg", "pénznem"}
	csvEntryCols     = []string{"típus", "könyvelés napja", "értéknap", "összeg", "irány", "banki hivatkozás", "végponttól végpontig azonosító", "partner neve", "partner számlaszáma", "közlemény", "strukturált hivatkozás"}
)

// ParseCSV reads statements in the project's own CSV layout (see
// docs/bank-statement-csv.md): ";"-separated, UTF-8 (with or without BOM)
// or Windows-1250, a K row per statement followed by its T rows. The
// checks are those of ParseCamt053.
func ParseCSV(r io.Reader) ([]Statement, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, &Error{Code: CodeFormat, Err: err, HU: "A fájl nem olvasható.", EN: "The file cannot be read."}
	}
	if len(data) > MaxFileSize {
		return nil, &Error{Code: CodeTooLarge,
			HU: "A fájl túl nagy (legfeljebb 64 MiB lehet).", EN: "The file is too large (at most 64 MiB)."}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		// Not UTF-8: Hungarian Windows exports are Windows-1250, where every
		// byte decodes, so this cannot fail.
		data, _ = charmap.Windows1250.NewDecoder().Bytes(data)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ';'
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	var out []Statement
	var cur *Statement
	curLine := 0
	seen := map[string]int{}
	finish := func() *Error {
		if cur == nil {
			return nil
		}
		if err := check(cur, curLine); err != nil {
			return err
		}
		if err := assignKeys(cur, seen); err != nil {
			return err
		}
		out = append(out, *cur)
		cur = nil
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &Error{Code: CodeFormat, Line: line, Err: err,
				HU: "A CSV fájl szerkezete hibás (például páratlan idézőjel).", EN: "The CSV file is malformed: " + err.Error()}
		}
		line, _ := cr.FieldPos(0)
		kind := strings.TrimSpace(rec[0])
		if len(rec) == 1 && kind == "" {
			continue // an empty line
		}
		switch strings.ToLower(kind) {
		case "k":
			if err := finish(); err != nil {
				return nil, err
			}
			st, perr := csvStatementRow(rec, line)
			if perr != nil {
				return nil, perr
			}
			cur, curLine = st, line
		case "t":
			if cur == nil {
				return nil, errFormat(line, "típus", "Tétel (T sor) csak kivonat (K sor) után állhat.",
					"An entry (T row) must follow a statement (K row).")
			}
			e, perr := csvEntryRow(rec, line)
			if perr != nil {
				perr.Statement = cur.ID
				return nil, perr
			}
			cur.Entries = append(cur.Entries, e)
		case "típus", "tipus", "type":
			// a header row
		default:
			return nil, errFormat(line, "típus", "A sor első mezője K (kivonat) vagy T (tétel) legyen, ez: "+strconv.Quote(kind)+".",
				"The first field of a row must be K (statement) or T (entry); this is "+strconv.Quote(kind)+".")
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errFormat(0, "", "A fájlban nincs kivonat (K sor).", "The file contains no statement (K row).")
	}
	return out, nil
}

// field returns column i trimmed, "" when the row is shorter.
func field(rec []string, i int) string {
	if i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func csvStatementRow(rec []string, line int) (*Statement, *Error) {
	col := func(i int) string { return csvStatementCols[i] }
	st := &Statement{Currency: "HUF"}
	if len(rec) > len(csvStatementCols) {
		return nil, errFormat(line, "", "A K sorban túl sok mező van (legfeljebb 9).", "A K row has too many fields (at most 9).")
	}
	if v := field(rec, 1); v == "" {
		return nil, missing("számlaszám", "account number", line, col(1))
	} else if err := parseAccount(st, v); err != nil {
		return nil, invalid("számlaszám", "account number", line, col(1), err)
	}
	if st.ID = field(rec, 2); st.ID == "" {
		return nil, missing("kivonat azonosító", "statement id", line, col(2))
	}
	if v := field(rec, 3); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, invalid("sorszám", "sequence number", line, col(3), nil)
		}
		st.LegalSequence, st.ElectronicSequence = n, n
	}
	for i, d := range []*hu.Date{&st.PeriodFrom, &st.PeriodTo} {
		v := field(rec, 4+i)
		if v == "" {
			return nil, missing(col(4+i), []string{"period start", "period end"}[i], line, col(4+i))
		}
		var err error
		if *d, err = hu.ParseDate(v); err != nil {
			return nil, invalid("dátum", "date", line, col(4+i), err)
		}
	}
	if st.PeriodTo.Before(st.PeriodFrom) {
		return nil, invalid("időszak: a záró nap a kezdő nap előtt van", "period: it ends before it starts", line, col(5), nil)
	}
	for i, b := range []*hu.Forint{&st.Opening, &st.Closing} {
		v := field(rec, 6+i)
		if v == "" {
			return nil, missing(col(6+i), []string{"opening balance", "closing balance"}[i], line, col(6+i))
		}
		a, err := csvAmount(v, line, col(6+i))
		if err != nil {
			return nil, err
		}
		*b = a
	}
	if v := field(rec, 8); v != "" && !strings.EqualFold(v, "HUF") && !strings.EqualFold(v, "Ft") {
		return nil, errCurrency(line, col(8), v)
	}
	return st, nil
}

func csvEntryRow(rec []string, line int) (Entry, *Error) {
	col := func(i int) string { return csvEntryCols[i] }
	e := Entry{Line: line, Transactions: 1}
	if len(rec) > len(csvEntryCols) {
		return e, errFormat(line, "", "A T sorban túl sok mező van (legfeljebb 11); a ; jelet tartalmazó közleményt tegye idézőjelbe.",
			"A T row has too many fields (at most 11); quote a remittance text that contains ;.")
	}
	v := field(rec, 1)
	if v == "" {
		return e, missing(col(1), "booking date", line, col(1))
	}
	var err error
	if e.BookingDate, err = hu.ParseDate(v); err != nil {
		return e, invalid("dátum", "date", line, col(1), err)
	}
	if v := field(rec, 2); v != "" {
		if e.ValueDate, err = hu.ParseDate(v); err != nil {
			return e, invalid("dátum", "date", line, col(2), err)
		}
	}
	v = field(rec, 3)
	if v == "" {
		return e, missing(col(3), "amount", line, col(3))
	}
	amt, perr := csvAmount(v, line, col(3))
	if perr != nil {
		return e, perr
	}
	switch strings.ToLower(field(rec, 4)) {
	case "":
		e.Direction = Credit
		if amt < 0 {
			e.Direction, amt = Debit, -amt
		}
	case "j", "jóváírás", "jovairas", "c", "cr", "crdt", "credit":
		e.Direction = Credit
	case "t", "terhelés", "terheles", "d", "dr", "dbit", "debit":
		e.Direction = Debit
	default:
		return e, invalid("irány (J/T vagy C/D)", "direction (J/T or C/D)", line, col(4), nil)
	}
	if amt < 0 {
		return e, invalid("összeg: irány megadása mellett nem lehet negatív", "amount: it cannot be negative when the direction is given", line, col(3), nil)
	}
	e.Amount = amt
	e.BankRef = field(rec, 5)
	e.EndToEnd = field(rec, 6)
	name, acct := field(rec, 7), cleanAccount(field(rec, 8))
	if e.Direction == Credit {
		e.DebtorName, e.DebtorAccount = name, acct
	} else {
		e.CreditorName, e.CreditorAccount = name, acct
	}
	e.Remittance = field(rec, 9)
	e.CreditorRef = field(rec, 10)
	return e, nil
}

// csvAmount reads a signed whole-forint amount such as "150 000", "-150000"
// or "150 000,00".
func csvAmount(s string, line int, col string) (hu.Forint, *Error) {
	a, err := hu.ParseForint(s)
	if err != nil {
		if errors.Is(err, &hu.ValidationError{Code: hu.CodeFraction}) {
			return 0, errFraction(line, col, s)
		}
		if errors.Is(err, &hu.ValidationError{Code: hu.CodeOverflow}) {
			return 0, errTooLarge("", line)
		}
		return 0, invalid("összeg", "amount", line, col, err)
	}
	return a, nil
}
