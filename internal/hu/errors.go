package hu

import "fmt"

// Machine-readable error codes carried by ValidationError.Code. The web
// layer may switch on them; the messages are for people.
const (
	CodeEmpty    = "empty"    // nothing was given
	CodeFormat   = "format"   // wrong characters or shape
	CodeLength   = "length"   // wrong number of digits
	CodeChecksum = "checksum" // check digit does not match
	CodeRange    = "range"    // a part is outside its allowed values
	CodeOverflow = "overflow" // result does not fit the type
	CodeFraction = "fraction" // a fractional amount where whole units are required
	CodeUnknown  = "unknown"  // well-formed but not in the reference table
	CodeData     = "data"     // an embedded reference table could not be read
)

// ValidationError describes why an input was rejected. It carries a machine
// code plus a Hungarian and an English message so that the web layer can
// show the message in the user's language without re-deriving it.
type ValidationError struct {
	Field string // what was being parsed, e.g. "adoazonosito"
	Code  string // one of the Code* constants
	HU    string // Hungarian message
	EN    string // English message
}

// Error returns the English message, so that logs stay in one language.
func (e *ValidationError) Error() string { return e.EN }

// Message returns the message in the given language: "hu" gives the
// Hungarian text, anything else the English one.
func (e *ValidationError) Message(lang string) string {
	if lang == "hu" || lang == "HU" {
		return e.HU
	}
	return e.EN
}

// Is lets errors.Is match on Code (and on Field when the target sets it), so
// callers can write errors.Is(err, &hu.ValidationError{Code: hu.CodeChecksum}).
func (e *ValidationError) Is(target error) bool {
	t, ok := target.(*ValidationError)
	if !ok || t == nil {
		return false
	}
	if t.Code != "" && t.Code != e.Code {
		return false
	}
	if t.Field != "" && t.Field != e.Field {
		return false
	}
	return true
}

// subject names the thing being validated in both languages, so that the
// shared helpers below can build whole sentences. HU carries its article
// ("Az adószám") because a/az depends on the word.
type subject struct {
	field string // machine name, copied to ValidationError.Field
	hu    string // e.g. "Az adószám"
	en    string // e.g. "The tax number"
}

// err builds a ValidationError for this subject.
func (s subject) err(code, hu, en string) *ValidationError {
	return &ValidationError{Field: s.field, Code: code, HU: hu, EN: en}
}

// errEmpty is the common "nothing given" error.
func (s subject) errEmpty() *ValidationError {
	return s.err(CodeEmpty, s.hu+" nincs megadva.", s.en+" is empty.")
}

// errLength is the common "wrong number of digits" error; want is e.g. "10"
// or "16 vagy 24" / "16 or 24".
func (s subject) errLength(wantHU, wantEN string, got int) *ValidationError {
	return s.err(CodeLength,
		fmt.Sprintf("%s %s számjegyből áll, a megadott érték %d számjegyű.", s.hu, wantHU, got),
		fmt.Sprintf("%s must have %s digits, got %d.", s.en, wantEN, got))
}

// errChecksum is the common "check digit does not match" error.
func (s subject) errChecksum() *ValidationError {
	return s.err(CodeChecksum,
		s.hu+" ellenőrző számjegye nem egyezik (valószínűleg elírás).",
		s.en+" has a wrong check digit (probably a typing error).")
}

// errDigitsOnly is the common "only digits, spaces and hyphens" error.
func (s subject) errDigitsOnly() *ValidationError {
	return s.err(CodeFormat,
		s.hu+" csak számjegyeket, szóközt és kötőjelet tartalmazhat.",
		s.en+" may contain only digits, spaces and hyphens.")
}

// errData reports that an embedded reference table could not be read.
func (s subject) errData(cause error) *ValidationError {
	return s.err(CodeData,
		s.hu+" nem ellenőrizhető, mert a beépített adattábla hibás: "+cause.Error(),
		s.en+" cannot be checked because the embedded table is broken: "+cause.Error())
}
