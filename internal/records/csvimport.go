package records

// The onboarding import of a previous records system's registrations: the
// file format (docs/records-import.md) and the reading of one row. The
// checks across rows and the writing are in csvimport_write.go.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/openasp-hu/asp/internal/hu"
)

// Encodings of an import file.
const (
	EncodingAuto        = ""
	EncodingUTF8        = "utf-8"
	EncodingWindows1250 = "windows-1250"
)

// importField is a column of the import file.
type importField int

const (
	fNumber importField = iota
	fBook
	fBookTitle
	fRegisteredAt
	fDirection
	fSubject
	fPartner
	fExternalRef
	fPredecessor
	fVoided
	fVoidReason
	fVoidedAt
	fRegisteredBy
	nImportFields
)

// importHeaders are the names a column is known by, as normalizeHeader
// leaves them: the documented Hungarian one first, then the English.
var importHeaders = [nImportFields][]string{
	fNumber:       {"iktatoszam", "number"},
	fBook:         {"iktatokonyv", "book"},
	fBookTitle:    {"iktatokonyv_megnevezese", "book_title"},
	fRegisteredAt: {"iktatas_ideje", "registered_at"},
	fDirection:    {"irany", "direction"},
	fSubject:      {"targy", "subject"},
	fPartner:      {"ugyfel", "partner"},
	fExternalRef:  {"hivatkozasi_szam", "external_ref"},
	fPredecessor:  {"elozmeny", "predecessor"},
	fVoided:       {"ervenytelen", "voided"},
	fVoidReason:   {"ervenytelenites_oka", "void_reason"},
	fVoidedAt:     {"ervenytelenites_ideje", "voided_at"},
	fRegisteredBy: {"iktato", "registered_by"},
}

// The documented header names, for messages.
var importHeaderLabels = [nImportFields]string{
	fNumber: "iktatószám", fBook: "iktatókönyv", fBookTitle: "iktatókönyv megnevezése",
	fRegisteredAt: "iktatás ideje", fDirection: "irány", fSubject: "tárgy", fPartner: "ügyfél",
	fExternalRef: "hivatkozási szám", fPredecessor: "előzmény", fVoided: "érvénytelen",
	fVoidReason: "érvénytelenítés oka", fVoidedAt: "érvénytelenítés ideje", fRegisteredBy: "iktató",
}

var requiredImportFields = []importField{fNumber, fRegisteredAt, fDirection, fSubject}

// Lengths allowed, in characters.
const (
	maxSubjectLen = 1000
	maxTextLen    = 500
)

var accentFolder = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ö", "o", "ő", "o", "ú", "u", "ü", "u", "ű", "u",
	"Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ö", "o", "Ő", "o", "Ú", "u", "Ü", "u", "Ű", "u")

// fold lower-cases s and drops the Hungarian accents, so "Bejövő",
// "bejovo" and "BEJÖVŐ" compare equal.
func fold(s string) string { return accentFolder.Replace(strings.ToLower(strings.TrimSpace(s))) }

// normalizeHeader turns a header cell into the form importHeaders use:
// "Iktatás ideje" → "iktatas_ideje".
func normalizeHeader(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range fold(s) {
		if r == ' ' || r == '-' || r == '.' || r == '_' || r == '/' || r == '\t' {
			sep = b.Len() > 0
			continue
		}
		if sep {
			b.WriteByte('_')
			sep = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ImportIssue is one finding of the check: a rejected row (an error) or
// something worth knowing that does not stop the import (a warning).
// Line is the file's line (the header is line 1; 0 for the file as a
// whole); Column is the header cell as written in the file.
type ImportIssue struct {
	Line   int
	Column string
	Code   string
	HU, EN string
}

// Message returns the text in lang.
func (i ImportIssue) Message(lang string) string {
	if lang == "en" {
		return i.EN
	}
	return i.HU
}

func issue(line int, column string, p *Problem) ImportIssue {
	return ImportIssue{Line: line, Column: column, Code: p.Code, HU: p.HU, EN: p.EN}
}

// importSource is an import file once its encoding is known.
type importSource struct {
	src      io.ReadSeeker
	encoding string
	bom      bool
	sha256   string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// openImportSource reads the file once: its SHA-256, whether it starts
// with a byte-order mark, and — unless the caller named the encoding —
// whether it is valid UTF-8 throughout; a file that is not is taken as
// Windows-1250, what Hungarian office software writes. The whole file is
// looked at because a Windows-1250 file may have nothing but ASCII in its
// first thousand lines.
func openImportSource(src io.ReadSeeker, enc string) (*importSource, error) {
	if enc != EncodingAuto && enc != EncodingUTF8 && enc != EncodingWindows1250 {
		return nil, fmt.Errorf("import: unknown encoding %q", enc)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: rewind: %w", err)
	}
	h := sha256.New()
	s := &importSource{src: src, encoding: enc}
	valid := true
	var carry []byte
	buf := make([]byte, 64<<10)
	first := true
	for {
		n, err := src.Read(buf)
		h.Write(buf[:n])
		chunk := buf[:n]
		if first && n > 0 {
			// A BOM split over two reads is not worth handling: Read on a
			// file or a buffer returns far more than three bytes.
			s.bom = bytes.HasPrefix(chunk, utf8BOM)
			first = false
		}
		if enc == EncodingAuto && valid && n > 0 {
			data := append(carry, chunk...)
			// Keep an incomplete last character for the next chunk.
			cut := len(data)
			for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
				if utf8.RuneStart(data[i]) {
					if !utf8.FullRune(data[i:]) {
						cut = i
					}
					break
				}
			}
			valid = utf8.Valid(data[:cut])
			carry = append([]byte(nil), data[cut:]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("import: read: %w", err)
		}
	}
	if len(carry) > 0 {
		valid = false
	}
	if enc == EncodingAuto {
		s.encoding = EncodingWindows1250
		if s.bom || valid {
			s.encoding = EncodingUTF8
		}
	}
	s.sha256 = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// open rewinds the file and returns a CSV reader on its decoded text,
// with the delimiter taken from the header line, and the running hash of
// the bytes read (to prove the second reading read the same file).
func (s *importSource) open() (*csv.Reader, rune, hash.Hash, io.Reader, error) {
	if _, err := s.src.Seek(0, io.SeekStart); err != nil {
		return nil, 0, nil, nil, fmt.Errorf("import: rewind: %w", err)
	}
	h := sha256.New()
	raw := io.TeeReader(s.src, h)
	var text io.Reader = raw
	if s.encoding == EncodingWindows1250 {
		text = charmap.Windows1250.NewDecoder().Reader(raw)
	}
	br := bufio.NewReaderSize(text, 64<<10)
	if head, _ := br.Peek(len(utf8BOM)); s.encoding == EncodingUTF8 && bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(64 << 10)
	comma := detectComma(head)
	r := csv.NewReader(br)
	r.Comma = comma
	r.ReuseRecord = true
	r.TrimLeadingSpace = true
	return r, comma, h, raw, nil
}

// detectComma picks ';' or ',' by which appears more often outside quotes
// in the header line; ';' on a tie, because Hungarian spreadsheets write
// it (the decimal mark is the comma).
func detectComma(head []byte) rune {
	semi, comma, quoted := 0, 0, false
	for _, c := range head {
		if c == '\n' && !quoted {
			break
		}
		switch c {
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				semi++
			}
		case ',':
			if !quoted {
				comma++
			}
		}
	}
	if comma > semi {
		return ','
	}
	return ';'
}

// importHeader maps the file's columns to the fields.
type importHeader struct {
	index [nImportFields]int // column of each field, -1 when absent
	names []string           // the header cells as written
	// blank are columns without a name, as a trailing delimiter makes
	// them; they must stay empty.
	blank []int
}

func (h *importHeader) name(f importField) string {
	if i := h.index[f]; i >= 0 && i < len(h.names) {
		return h.names[i]
	}
	return importHeaderLabels[f]
}

// readImportHeader checks the header line: every column known, none twice,
// the required ones there.
func readImportHeader(rec []string) (*importHeader, []ImportIssue) {
	h := &importHeader{}
	for i := range h.index {
		h.index[i] = -1
	}
	var issues []ImportIssue
	for i, cell := range rec {
		h.names = append(h.names, strings.Clone(strings.TrimSpace(cell)))
		n := normalizeHeader(cell)
		if n == "" {
			h.blank = append(h.blank, i)
			continue
		}
		found := false
		for f, names := range importHeaders {
			for _, alias := range names {
				if n != alias {
					continue
				}
				found = true
				if h.index[f] >= 0 {
					issues = append(issues, issue(1, h.names[i], problem("duplicate_column", "", "A(z) „%s” oszlop kétszer szerepel a fejlécben.", "Column %q appears twice in the header.", h.names[i])))
				} else {
					h.index[f] = i
				}
			}
		}
		if !found {
			issues = append(issues, issue(1, h.names[i], problem("unknown_column", "",
				"Ismeretlen oszlop: „%s”. Az ismert oszlopok: "+knownColumns()+". Minden oszlopot át kell venni vagy törölni a fájlból, hogy adat ne vesszen el észrevétlenül.",
				"Unknown column %q. The known columns are: "+knownColumns()+". Every column must be imported or removed from the file, so that no data is lost unnoticed.", cleanForMessage(h.names[i]))))
		}
	}
	for _, f := range requiredImportFields {
		if h.index[f] < 0 {
			issues = append(issues, issue(1, importHeaderLabels[f], problem("missing_column", "", "Hiányzik a(z) „%s” oszlop a fejlécből.", "The header lacks the column %q.", importHeaderLabels[f])))
		}
	}
	return h, issues
}

func knownColumns() string {
	names := make([]string, len(importHeaderLabels))
	copy(names, importHeaderLabels[:])
	return strings.Join(names, ", ")
}

// cleanForMessage keeps a cell quoted in a message short and printable.
func cleanForMessage(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return s
}

// importRow is one data line, read.
type importRow struct {
	line        int
	number      Number
	canon       string // the number as stored: by the file's form
	numberOK    bool
	book        string
	bookTitle   string
	at          time.Time
	atOK        bool
	direction   Direction
	subject     string
	partner     string
	externalRef string
	predecessor string // as written, "" when none; read in the importer, which knows the forms in use
	voided      bool
	voidReason  string
	voidedAt    time.Time
	by          string
}

// DefaultImportedBy names who registered a document when the file does
// not say.
const DefaultImportedBy = "(korábbi rendszer)"

// parseImportRow reads one data line; every problem of the line is
// returned, not only the first. tmpl is the form of the file's numbers;
// now bounds the dates (nothing is registered in the future).
func parseImportRow(h *importHeader, tmpl NumberTemplate, rec []string, line int, now time.Time) (importRow, []ImportIssue) {
	row := importRow{line: line}
	var issues []ImportIssue
	bad := func(f importField, p *Problem) { issues = append(issues, issue(line, h.name(f), p)) }
	get := func(f importField) string {
		i := h.index[f]
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	// Text that would not store or show right: broken encoding, control
	// characters (PostgreSQL refuses NUL in text).
	for f := range nImportFields {
		v := get(f)
		if msg := badText(v); msg != nil {
			bad(f, msg)
		}
	}

	for _, i := range h.blank {
		if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
			issues = append(issues, issue(line, fmt.Sprintf("#%d", i+1), problem("unnamed_column", "", "A(z) %d. oszlopnak nincs neve a fejlécben, mégis van benne adat.", "Column %d has no name in the header but holds data.", i+1)))
		}
	}
	if v := get(fNumber); v == "" {
		bad(fNumber, problem("no_number", "", "Hiányzik az iktatószám.", "The iktatószám is missing."))
	} else if n, err := tmpl.Parse(v); err != nil {
		bad(fNumber, problem("bad_number", "", "A(z) „%s” nem iktatószám. A helyes alak: %s vagy ELŐTAG/%[2]s.", "%q is not an iktatószám of the form %s or PREFIX/%[2]s.", cleanForMessage(v), tmpl.Example()))
	} else {
		row.number, row.canon, row.numberOK = n, tmpl.Format(n), true
	}

	row.book = get(fBook)
	if row.book == "" && row.numberOK {
		row.book = row.number.Prefix
	}
	switch {
	case row.book == "" && row.numberOK:
		bad(fBook, problem("no_book", "", "Adja meg az iktatókönyv kódját (vagy legyen előtag az iktatószámban).", "Give the registration book's code (or a prefix in the iktatószám)."))
	case row.book != "" && !bookCodePattern.MatchString(row.book):
		bad(fBook, problem("bad_book", "", "Az iktatókönyv kódja („%s”) legfeljebb 20 betű, számjegy, pont, kötőjel vagy aláhúzás lehet.", "The book code (%q) may be at most 20 letters, digits, dots, hyphens or underscores.", cleanForMessage(row.book)))
		row.book = ""
	}
	row.bookTitle = get(fBookTitle)
	if utf8.RuneCountInString(row.bookTitle) > 200 {
		bad(fBookTitle, tooLong(200))
	}

	if v := get(fRegisteredAt); v == "" {
		bad(fRegisteredAt, problem("no_date", "", "Hiányzik az iktatás ideje.", "The time of registration is missing."))
	} else if t, ok := parseImportTime(v); !ok {
		bad(fRegisteredAt, problem("bad_date", "", "A(z) „%s” nem dátum. Használja a 2019.03.05. vagy a 2019-03-05 alakot, időponttal vagy anélkül (2019.03.05. 14:30).", "%q is not a date. Write 2019.03.05. or 2019-03-05, with or without a time (2019-03-05 14:30).", cleanForMessage(v)))
	} else if t.After(now) {
		bad(fRegisteredAt, problem("future_date", "", "Az iktatás ideje (%s) a jövőben van.", "The time of registration (%s) is in the future.", cleanForMessage(v)))
	} else {
		row.at, row.atOK = t, true
	}
	if row.numberOK && row.atOK {
		// The number carries the year its főszám was registered in
		// (Iratkr. 40. § (1)). A case's first document is registered in
		// that year; later documents may follow in later years where the
		// records policy allows cases across years (41. § (4), 50. § (4)),
		// which is reported, not refused. Earlier is impossible.
		y := hu.DateOf(row.at).Year
		switch {
		case y < row.number.Year || (y > row.number.Year && row.number.Alszam == 1):
			bad(fRegisteredAt, problem("year_mismatch", "", "A(z) %s iktatószám éve %d, de az iktatás ideje %d. évi.", "Number %s is of %d, but the registration is dated %d.", row.canon, row.number.Year, y))
		}
	}

	switch fold(get(fDirection)) {
	case "bejovo", "in", "incoming":
		row.direction = Incoming
	case "kimeno", "out", "outgoing":
		row.direction = Outgoing
	case "belso", "internal":
		row.direction = Internal
	case "":
		bad(fDirection, problem("no_direction", "", "Hiányzik az irány (bejövő, kimenő vagy belső).", "The direction is missing (in, out or internal)."))
	default:
		bad(fDirection, problem("bad_direction", "", "Ismeretlen irány: „%s”. Lehet bejövő, kimenő vagy belső (in, out, internal).", "Unknown direction %q: use bejövő, kimenő or belső (in, out, internal).", cleanForMessage(get(fDirection))))
	}

	row.subject = get(fSubject)
	if row.subject == "" {
		bad(fSubject, problem("no_subject", "", "Hiányzik az irat tárgya.", "The subject of the document is missing."))
	} else if utf8.RuneCountInString(row.subject) > maxSubjectLen {
		bad(fSubject, tooLong(maxSubjectLen))
	}
	for _, f := range []struct {
		field importField
		dst   *string
		max   int
	}{{fPartner, &row.partner, maxTextLen}, {fExternalRef, &row.externalRef, maxTextLen}, {fRegisteredBy, &row.by, 200}, {fVoidReason, &row.voidReason, maxSubjectLen}} {
		*f.dst = get(f.field)
		if utf8.RuneCountInString(*f.dst) > f.max {
			bad(f.field, tooLong(f.max))
		}
	}
	if row.by == "" {
		row.by = DefaultImportedBy
	}

	row.predecessor = get(fPredecessor)

	switch fold(get(fVoided)) {
	case "", "nem", "n", "0", "false", "no":
	case "igen", "i", "x", "1", "true", "yes", "y", "ervenytelen", "sztorno":
		row.voided = true
	default:
		bad(fVoided, problem("bad_voided", "", "Az érvénytelen oszlopban „igen” vagy „nem” (üres) állhat, nem „%s”.", "The voided column takes yes or no (empty), not %q.", cleanForMessage(get(fVoided))))
	}
	if row.voided && row.voidReason == "" {
		// Iratkr. 48–49. §: an invalidation keeps its reason. Where the old
		// system kept none, the file says so in words.
		bad(fVoidReason, problem("no_void_reason", "", "Az érvénytelenített iratnál adja meg az érvénytelenítés okát (ha a régi rendszer nem tárolta, írja be: „a korábbi rendszerben nem rögzítették”).", "Give the reason for a voided registration (if the old system kept none, write so)."))
	}
	if !row.voided && row.voidReason != "" {
		bad(fVoidReason, problem("reason_without_void", "", "Érvénytelenítés oka csak érvénytelen iratnál állhat.", "A void reason is allowed only on a voided registration."))
	}
	if v := get(fVoidedAt); v != "" {
		t, ok := parseImportTime(v)
		switch {
		case !row.voided:
			bad(fVoidedAt, problem("reason_without_void", "", "Érvénytelenítés ideje csak érvénytelen iratnál állhat.", "A void time is allowed only on a voided registration."))
		case !ok:
			bad(fVoidedAt, problem("bad_date", "", "A(z) „%s” nem dátum. Használja a 2019.03.05. vagy a 2019-03-05 alakot, időponttal vagy anélkül.", "%q is not a date. Write 2019.03.05. or 2019-03-05, with or without a time.", cleanForMessage(v)))
		case t.After(now) || (row.atOK && t.Before(row.at)):
			bad(fVoidedAt, problem("bad_void_time", "", "Az érvénytelenítés ideje az iktatás és a mai nap közé essen.", "The void time must lie between the registration and today."))
		default:
			row.voidedAt = t
		}
	} else if row.voided {
		row.voidedAt = row.at
	}
	return row, issues
}

var bookCodePattern = prefixPattern

func tooLong(n int) *Problem {
	return problem("too_long", "", "Túl hosszú: legfeljebb %d karakter lehet.", "Too long: at most %d characters.", n)
}

// badText refuses what would not store or show: invalid UTF-8, the
// replacement character a decoder leaves for bytes it cannot map, control
// characters other than tab and line breaks.
func badText(v string) *Problem {
	if v == "" {
		return nil
	}
	bad := !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError)
	if !bad {
		for _, r := range v {
			if r != '\t' && r != '\n' && r != '\r' && unicode.IsControl(r) {
				bad = true
				break
			}
		}
	}
	if bad {
		return problem("bad_text", "", "Olvashatatlan vagy vezérlőkarakter van a mezőben. Ellenőrizze a fájl kódolását (UTF-8 vagy Windows-1250).", "The field holds an unreadable or control character. Check the file's encoding (UTF-8 or Windows-1250).")
	}
	return nil
}

// parseImportTime reads a registration time: a Hungarian or ISO date,
// with an optional time of day (hh:mm or hh:mm:ss), in Budapest time;
// or an RFC 3339 timestamp with its offset.
func parseImportTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	date, clock := s, ""
	if i := strings.IndexByte(s, 'T'); i > 0 {
		date, clock = s[:i], s[i+1:]
	} else if strings.Contains(s, ":") {
		i := strings.LastIndexAny(s, " \t")
		if i < 0 {
			return time.Time{}, false
		}
		date, clock = s[:i], strings.TrimSpace(s[i+1:])
	}
	d, err := hu.ParseDate(date)
	if err != nil {
		return time.Time{}, false
	}
	var hh, mm, ss int
	if clock != "" {
		var t time.Time
		if t, err = time.Parse("15:04:05", clock); err != nil {
			if t, err = time.Parse("15:04", clock); err != nil {
				return time.Time{}, false
			}
		}
		hh, mm, ss = t.Clock()
	}
	return time.Date(d.Year, d.Month, d.Day, hh, mm, ss, 0, hu.Budapest()), true
}

// csvIssue turns a CSV syntax error into the row's rejection.
func csvIssue(err error, fields, want int) ImportIssue {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return issue(0, "", problem("bad_csv", "", "A fájl nem olvasható CSV-ként.", "The file cannot be read as CSV."))
	}
	line := pe.StartLine
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return issue(line, "", problem("field_count", "", "A sorban %d mező van, a fejlécben %d. Ellenőrizze az elválasztójeleket és az idézőjeleket.", "The row has %d fields, the header %d. Check the delimiters and the quotes.", fields, want))
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return issue(line, "", problem("bad_quote", "", "Idézőjel áll egy idézőjelek közé nem tett mezőben (%d. sor). Tegye a mezőt idézőjelek közé, a benne lévő idézőjelet pedig írja kétszer.", "A quote appears in an unquoted field (line %d). Enclose the field in quotes and double the quote inside it.", pe.Line))
	case errors.Is(pe.Err, csv.ErrQuote):
		return issue(line, "", problem("bad_quote", "", "Az ebben a sorban kezdődő idézőjeles mező nincs szabályosan lezárva (a %d. sorig olvastuk).", "A quoted field starting in this line is not closed properly (read up to line %d).", pe.Line))
	}
	return issue(line, "", problem("bad_csv", "", "A sor nem olvasható CSV-ként.", "The row cannot be read as CSV."))
}
