// Package refusal is the error a module returns when it refuses what a
// user asked for: a reason the user can act on, in Hungarian and in
// English, and the form field it concerns. Every module uses this one
// type, so a refusal passed on from another module (IRAT refusing a
// registration the tax office asked for) reaches the user as a refusal,
// not as a server error.
package refusal

import "fmt"

// Problem is a refusal a clerk can act on, in both languages.
type Problem struct {
	Code, Field string
	HU, EN      string
}

func (p *Problem) Error() string { return p.EN }

// Message returns the text in lang.
func (p *Problem) Message(lang string) string {
	if lang == "en" {
		return p.EN
	}
	return p.HU
}

// New makes a refusal; hu and en are formats for the same args.
func New(code, field, hu, en string, args ...any) *Problem {
	return &Problem{Code: code, Field: field, HU: fmt.Sprintf(hu, args...), EN: fmt.Sprintf(en, args...)}
}
