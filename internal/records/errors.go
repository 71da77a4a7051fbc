package records

import (
	"fmt"

	"github.com/openasp-hu/asp/internal/platform/refusal"
)

// Problem is a refusal a clerk can act on, in both languages: the one
// type of every module (refusal.Problem).
type Problem = refusal.Problem

func problem(code, field, hu, en string, args ...any) *Problem {
	return refusal.New(code, field, hu, en, args...)
}

var (
	errNoSubject = problem("no_subject", "subject", "Adja meg az irat tárgyát.", "Enter the subject of the document.")
	errDirection = problem("bad_direction", "direction", "Válassza ki, hogy bejövő, kimenő vagy belső irat.", "Choose whether the document is incoming, outgoing or internal.")
)

func errUnknownBook(code string) *Problem {
	return problem("unknown_book", "book", "Nincs „%s” kódú iktatókönyv.", "There is no registration book with the code %q.", code)
}

func errClosedBook(code string, year int) *Problem {
	return &Problem{Code: "closed_book", Field: "book",
		HU: fmt.Sprintf("A(z) %s iktatókönyv %d. évi kötete le van zárva, abba nem lehet iktatni.", code, year),
		EN: fmt.Sprintf("The %d volume of book %s is closed; nothing can be registered in it.", year, code)}
}

func errUnknownPredecessor(n string) *Problem {
	return problem("unknown_predecessor", "predecessor", "Ennél az önkormányzatnál nincs %s iktatószámú irat.", "This municipality has no document registered as %s.", n)
}

func errVoidedPredecessor(n string) *Problem {
	return problem("voided_predecessor", "predecessor", "A(z) %s iktatás érvénytelenítve van, nem lehet előzmény.", "Registration %s has been voided and cannot be a predecessor.", n)
}

func errAlreadyVoid(n string) *Problem {
	return problem("already_void", "", "A(z) %s iktatás már érvénytelen.", "Registration %s is already void.", n)
}

var errNoReason = problem("no_reason", "reason", "Írja le, miért érvényteleníti az iktatást.", "Say why the registration is voided.")

var (
	errNoDocument   = problem("no_document", "", "Nincs ilyen iktatott irat.", "There is no such registered document.")
	errNoAssignment = problem("no_assignment", "", "Nincs ilyen feladat.", "There is no such task.")
	errNoDraft      = problem("no_draft", "", "Nincs ilyen kiadmány-tervezet.", "There is no such draft.")
	errNoReview     = problem("no_review", "", "Nincs ilyen jóváhagyási kérés.", "There is no such approval request.")
	errNoDispatch   = problem("no_dispatch", "", "Nincs ilyen expediálás.", "There is no such dispatch.")
)
