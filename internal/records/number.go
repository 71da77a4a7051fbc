package records

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Number is an iktatószám: the main number of the case (főszám), the
// document's sequence within the case (alszám), the year of the főszám's
// registration, and optionally the book's prefix (Iratkr. 40–41. §).
type Number struct {
	Prefix string
	Foszam int64
	Alszam int64
	Year   int
}

// String renders the number in the default form, "ADO/1234-3/2026" or
// "1234-3/2026". The form is the one most municipal offices use; the
// exact ASP rendering is an assumption (domain §2.4), so it is kept in
// one place.
func (n Number) String() string {
	s := fmt.Sprintf("%d-%d/%d", n.Foszam, n.Alszam, n.Year)
	if n.Prefix != "" {
		s = n.Prefix + "/" + s
	}
	return s
}

var (
	numberPattern = regexp.MustCompile(`^(?:([A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._-]{1,20})/)?([0-9]{1,12})-([0-9]{1,9})/([0-9]{4})$`)
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._-]{0,20}$`)
)

// NumberError is a malformed iktatószám, with the message in both
// languages for the page that shows it.
type NumberError struct {
	Input string
	// Forms are examples of the forms in use; empty means the default.
	Forms []string
}

func (e *NumberError) forms() string {
	if len(e.Forms) == 0 {
		return "1234-3/2026"
	}
	return strings.Join(e.Forms, ", ")
}

func (e *NumberError) Error() string {
	return fmt.Sprintf("%q is not an iktatószám of the form %s or PREFIX/%s", e.Input, e.forms(), strings.Split(e.forms(), ", ")[0])
}

// HU is the Hungarian message.
func (e *NumberError) HU() string {
	return fmt.Sprintf("A(z) „%s” nem iktatószám. A helyes alak: %s vagy ELŐTAG/%s.", e.Input, e.forms(), strings.Split(e.forms(), ", ")[0])
}

// ParseNumber reads an iktatószám typed by a person or sent by another
// system. Spaces around it are ignored; anything else malformed is an
// error, never a guess.
func ParseNumber(s string) (Number, error) {
	in := strings.TrimSpace(s)
	m := numberPattern.FindStringSubmatch(in)
	if m == nil {
		return Number{}, &NumberError{Input: s}
	}
	f, err1 := strconv.ParseInt(m[2], 10, 64)
	a, err2 := strconv.ParseInt(m[3], 10, 64)
	y, err3 := strconv.Atoi(m[4])
	if err1 != nil || err2 != nil || err3 != nil || f < 1 || a < 1 || y < 1900 || y > 9999 {
		return Number{}, &NumberError{Input: s}
	}
	return Number{Prefix: m[1], Foszam: f, Alszam: a, Year: y}, nil
}

// NumberTemplate is a municipality's form of the iktatószám: the three
// parts {főszám}, {alszám} and {év}, each once, in any order, with
// separators from "-/.: " between them. A book's prefix, if any, comes in
// front with a "/". Each book keeps the template it was opened with, so
// every number of a volume has one form.
type NumberTemplate string

// DefaultNumberTemplate gives "1234-3/2026".
const DefaultNumberTemplate NumberTemplate = "{főszám}-{alszám}/{év}"

var templateParts = []string{"{főszám}", "{alszám}", "{év}"}

// CheckTemplate reports whether t is a usable template, as a Problem a
// person can act on.
func CheckTemplate(t NumberTemplate) error {
	s := string(t)
	bad := problem("bad_template", "number_template",
		"A minta a {főszám}, {alszám} és {év} részeket pontosan egyszer tartalmazza, köztük legalább egy elválasztóval a „-/.: ” jelek közül; például {főszám}-{alszám}/{év} vagy {év}/{főszám}-{alszám}.",
		"The template holds {főszám}, {alszám} and {év} exactly once each, with at least one separator from “-/.: ” between them; e.g. {főszám}-{alszám}/{év} or {év}/{főszám}-{alszám}.")
	if len(s) > 60 {
		return bad
	}
	for _, p := range templateParts {
		if strings.Count(s, p) != 1 {
			return bad
		}
	}
	rest := s
	for _, p := range templateParts {
		rest = strings.Replace(rest, p, "\x00", 1)
	}
	// Between and around the parts only separators; never two parts
	// side by side, or "123456" could not be read back.
	for i, r := range rest {
		if r == 0 {
			if i+1 < len(rest) && rest[i+1] == 0 {
				return bad
			}
			continue
		}
		if !strings.ContainsRune("-/.: ", r) {
			return bad
		}
	}
	return nil
}

func (t NumberTemplate) orDefault() NumberTemplate {
	if t == "" {
		return DefaultNumberTemplate
	}
	return t
}

// Format renders n by the template.
func (t NumberTemplate) Format(n Number) string {
	s := strings.NewReplacer(
		"{főszám}", strconv.FormatInt(n.Foszam, 10),
		"{alszám}", strconv.FormatInt(n.Alszam, 10),
		"{év}", strconv.Itoa(n.Year),
	).Replace(string(t.orDefault()))
	if n.Prefix != "" {
		s = n.Prefix + "/" + s
	}
	return s
}

// Example is the template's form of 1234-3/2026, for messages and hints.
func (t NumberTemplate) Example() string {
	return t.Format(Number{Foszam: 1234, Alszam: 3, Year: 2026})
}

var templateRegexps sync.Map // NumberTemplate → *regexp.Regexp

func (t NumberTemplate) regexp() *regexp.Regexp {
	t = t.orDefault()
	if re, ok := templateRegexps.Load(t); ok {
		return re.(*regexp.Regexp)
	}
	var b strings.Builder
	b.WriteString(`^(?:([A-Za-z0-9ÁÉÍÓÖŐÚÜŰáéíóöőúüű._-]{1,20})/)?`)
	rest := string(t)
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "{főszám}"):
			b.WriteString(`(?P<f>[0-9]{1,12})`)
			rest = rest[len("{főszám}"):]
		case strings.HasPrefix(rest, "{alszám}"):
			b.WriteString(`(?P<a>[0-9]{1,9})`)
			rest = rest[len("{alszám}"):]
		case strings.HasPrefix(rest, "{év}"):
			b.WriteString(`(?P<y>[0-9]{4})`)
			rest = rest[len("{év}"):]
		default:
			b.WriteString(regexp.QuoteMeta(rest[:1]))
			rest = rest[1:]
		}
	}
	b.WriteString(`$`)
	re := regexp.MustCompile(b.String())
	templateRegexps.Store(t, re)
	return re
}

// Parse reads a number written by the template; spaces around it are
// ignored, anything else malformed is an error.
func (t NumberTemplate) Parse(s string) (Number, error) {
	re := t.regexp()
	m := re.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Number{}, &NumberError{Input: s, Forms: []string{t.Example()}}
	}
	f, err1 := strconv.ParseInt(m[re.SubexpIndex("f")], 10, 64)
	a, err2 := strconv.ParseInt(m[re.SubexpIndex("a")], 10, 64)
	y, err3 := strconv.Atoi(m[re.SubexpIndex("y")])
	if err1 != nil || err2 != nil || err3 != nil || f < 1 || a < 1 || y < 1900 {
		return Number{}, &NumberError{Input: s, Forms: []string{t.Example()}}
	}
	return Number{Prefix: m[1], Foszam: f, Alszam: a, Year: y}, nil
}
