package bankstatement

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/openasp-hu/asp/internal/hu"
)

// Error codes, for callers that react to a kind of problem.
const (
	CodeFormat    = "format"    // not a camt.053 / CSV statement, or malformed
	CodeTooLarge  = "too_large" // the file or an amount is too large
	CodeMissing   = "missing"   // a required element or column is missing
	CodeInvalid   = "invalid"   // a value is not valid (date, account, …)
	CodeCurrency  = "currency"  // not HUF
	CodeFraction  = "fraction"  // a HUF amount with a non-zero fraction
	CodeBalance   = "balance"   // opening + credits − debits ≠ closing
	CodeSummary   = "summary"   // the bank's own totals disagree with the entries
	CodeDuplicate = "duplicate" // the same entry key twice in one file
	CodeStatus    = "status"    // an entry that is not booked
)

// Error is a problem with an uploaded statement file, with a message in
// Hungarian and English and where it happened, so that a clerk can find
// the place in the file or show it to the bank.
type Error struct {
	Code      string
	HU, EN    string
	Statement string // statement id, when known
	Line      int    // 1-based line in the file; 0 when unknown
	Element   string // XML element path or CSV column; "" when not applicable
	Err       error  // underlying cause (e.g. a *hu.ValidationError), may be nil
}

func (e *Error) where(lang string) string {
	s := ""
	if e.Line > 0 {
		if lang == "hu" {
			s += strconv.Itoa(e.Line) + ". sor"
		} else {
			s += "line " + strconv.Itoa(e.Line)
		}
	}
	if e.Element != "" {
		if s != "" {
			s += ", "
		}
		s += e.Element
	}
	if e.Statement != "" {
		if s != "" {
			s += ", "
		}
		if lang == "hu" {
			s += "kivonat: " + e.Statement
		} else {
			s += "statement " + e.Statement
		}
	}
	if s != "" {
		s = " (" + s + ")"
	}
	return s
}

// Error returns the English message with the location.
func (e *Error) Error() string { return e.EN + e.where("en") }

// Message returns the message with the location in the given language ("hu"
// for Hungarian, anything else English).
func (e *Error) Message(lang string) string {
	if lang == "hu" || lang == "HU" {
		return e.HU + e.where("hu")
	}
	return e.EN + e.where("en")
}

// Unwrap gives the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches on Code, so callers can write
// errors.Is(err, &bankstatement.Error{Code: bankstatement.CodeBalance}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// invalid wraps a validation error of a field (a *hu.ValidationError gives
// its own bilingual text).
func invalid(what, whatEN string, line int, elem string, cause error) *Error {
	e := &Error{Code: CodeInvalid, Line: line, Element: elem, Err: cause,
		HU: "Hibás " + what + ".", EN: "Invalid " + whatEN + "."}
	var ve *hu.ValidationError
	if errors.As(cause, &ve) {
		e.HU = "Hibás " + what + ": " + ve.HU
		e.EN = "Invalid " + whatEN + ": " + ve.EN
	}
	return e
}

func missing(what, whatEN string, line int, elem string) *Error {
	return &Error{Code: CodeMissing, Line: line, Element: elem,
		HU: "Hiányzik: " + what + ".", EN: "Missing " + whatEN + "."}
}

func errFormat(line int, elem, huMsg, en string) *Error {
	return &Error{Code: CodeFormat, Line: line, Element: elem, HU: huMsg, EN: en}
}

func errCurrency(line int, elem, ccy string) *Error {
	return &Error{Code: CodeCurrency, Line: line, Element: elem,
		HU: fmt.Sprintf("Csak forintos (HUF) kivonat tölthető fel, ez a tétel %q pénznemű.", ccy),
		EN: fmt.Sprintf("Only HUF statements can be imported; this is in %q.", ccy)}
}

func errFraction(line int, elem, amt string) *Error {
	return &Error{Code: CodeFraction, Line: line, Element: elem,
		HU: fmt.Sprintf("Az összeg (%s) nem egész forint; forintos összeg nem tartalmazhat fillért.", amt),
		EN: fmt.Sprintf("The amount (%s) is not whole forints; HUF amounts cannot have fractions.", amt)}
}

func errTooLarge(stmt string, line int) *Error {
	return &Error{Code: CodeTooLarge, Statement: stmt, Line: line,
		HU: "Az összeg vagy az egyenleg túl nagy.", EN: "An amount or the balance is too large."}
}

func errBalance(stmt string, line int, opening, computed, closing hu.Forint) *Error {
	return &Error{Code: CodeBalance, Statement: stmt, Line: line,
		HU: fmt.Sprintf("A kivonat nem egyezik: nyitó egyenleg %s, a tételekkel számolt záró egyenleg %s, a kivonat záró egyenlege %s.",
			opening, computed, closing),
		EN: fmt.Sprintf("The statement does not add up: opening balance %s, closing balance from the entries %s, stated closing balance %s.",
			opening, computed, closing)}
}

func errSummary(stmt string, line int, elem string, what, whatEN string, stated, actual string) *Error {
	return &Error{Code: CodeSummary, Statement: stmt, Line: line, Element: elem,
		HU: fmt.Sprintf("A kivonat összesítője nem egyezik a tételekkel (%s): a bank szerint %s, a tételekből %s.", what, stated, actual),
		EN: fmt.Sprintf("The statement's summary does not match its entries (%s): the bank says %s, the entries give %s.", whatEN, stated, actual)}
}

func errDuplicate(stmt string, line, prevLine int, ref string) *Error {
	huRef, enRef := "", ""
	if ref != "" {
		huRef, enRef = " (banki hivatkozás: "+ref+")", " (bank reference "+ref+")"
	}
	return &Error{Code: CodeDuplicate, Statement: stmt, Line: line,
		HU: fmt.Sprintf("Ez a tétel%s kétszer szerepel a fájlban; az első előfordulás a %d. sorban van.", huRef, prevLine),
		EN: fmt.Sprintf("This entry%s occurs twice in the file; the first one is on line %d.", enRef, prevLine)}
}
