package bankstatement

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
)

// camtNamespacePrefix is the namespace of every camt.053 version; the
// version follows as "NN" (02 … 13 exist). Elements kept their names and
// paths across versions except where noted in end(), so one reader serves all.
const camtNamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."

// ParseCamt053 reads an ISO 20022 camt.053 (BankToCustomerStatement)
// message, version 001.02 or later, and returns its statements in file
// order. It reads at most MaxFileSize bytes and never holds more than one
// element's text beyond the statements themselves.
//
// Only booked entries (status BOOK) are accepted; amounts must be whole
// HUF. The opening booked balance (OPBD, or PRCD when there is no OPBD)
// and the closing booked balance (CLBD) are required and must agree with
// the entries, and so must the bank's TxsSummry when present. When an
// entry carries several transactions (TxDtls; batch booking) the details
// of the first one are kept and Transactions counts them.
func ParseCamt053(r io.Reader) ([]Statement, error) {
	lr := &io.LimitedReader{R: r, N: MaxFileSize + 1}
	d := xml.NewDecoder(lr)
	p := &camtParser{dec: d, seen: map[string]int{}}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return nil, &Error{Code: CodeTooLarge,
					HU: "A fájl túl nagy (legfeljebb 64 MiB lehet).", EN: "The file is too large (at most 64 MiB)."}
			}
			line, _ := d.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			return nil, &Error{Code: CodeFormat, Line: line, Err: err,
				HU: "A fájl nem szabályos XML: " + err.Error(), EN: "The file is not well-formed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			p.start(t)
		case xml.EndElement:
			p.end()
		case xml.CharData:
			if p.depth() > 0 {
				p.text = append(p.text, t...)
			}
		}
		if p.err != nil {
			if p.err.Statement == "" && p.cur != nil {
				p.err.Statement = p.cur.ID // Id comes first in Stmt, so it is known by now
			}
			return nil, p.err
		}
	}
	if p.ns == "" {
		return nil, errFormat(1, "", "A fájl nem camt.053 bankszámlakivonat (nincs camt.053 névterű Document elem).",
			"The file is not a camt.053 statement (no Document element in a camt.053 namespace).")
	}
	if len(p.out) == 0 {
		return nil, errFormat(0, "BkToCstmrStmt/Stmt", "A fájlban nincs kivonat.", "The file contains no statement.")
	}
	return p.out, nil
}

// camtParser walks the token stream keeping the element path. Indexes into
// path mark where the current statement, entry, balance and first TxDtls
// begin (-1 when outside), so that leaf paths can be matched relative to them.
type camtParser struct {
	dec  *xml.Decoder
	ns   string   // the camt namespace, once the Document element is seen
	path []string // local names from Document down; empty outside Document
	text []byte

	stmt, ntry, bal, tx int // indexes into path, -1 when outside
	txCount             int
	ustrd               int // Ustrd lines read in the first TxDtls

	cur               *Statement
	stmtLine          int
	grpCreated        time.Time
	opening, closing  *camtBalance
	hasPRCD           bool
	prcd              camtBalance
	balNow            camtBalance
	sum               camtSummary
	entry             Entry
	entryCcy, ntrySts string
	hasAmt, hasDir    bool
	ccy               string // Ccy attribute of the Amt being read

	out  []Statement
	seen map[string]int
	err  *Error
}

type camtBalance struct {
	code   string
	amt    hu.Forint
	dir    string
	hasAmt bool
	line   int
}

// camtSummary is TxsSummry; "" means not given.
type camtSummary struct {
	count, sum, net, netDir            string
	cdtCount, cdtSum, dbtCount, dbtSum string
	line                               int
}

func (p *camtParser) depth() int { return len(p.path) }

func (p *camtParser) line() int { l, _ := p.dec.InputPos(); return l }

func (p *camtParser) start(t xml.StartElement) {
	p.text = p.text[:0]
	if p.ns == "" {
		// Tolerate an envelope (e.g. a business application header) around
		// the Document; everything before it is ignored.
		if t.Name.Local == "Document" && strings.HasPrefix(t.Name.Space, camtNamespacePrefix) {
			v, err := strconv.Atoi(strings.TrimPrefix(t.Name.Space, camtNamespacePrefix))
			if err != nil || v < 2 || v > 99 {
				p.err = errFormat(p.line(), "Document", "Ismeretlen camt.053 változat: "+t.Name.Space,
					"Unknown camt.053 version: "+t.Name.Space)
				return
			}
			p.ns = t.Name.Space
			p.path = append(p.path[:0], "Document")
			p.stmt, p.ntry, p.bal, p.tx = -1, -1, -1, -1
		}
		return
	}
	if len(p.path) == 0 {
		return // after the Document element
	}
	name := t.Name.Local
	if t.Name.Space != p.ns {
		name = "{}" + name // foreign elements (SplmtryData) never match a path
	}
	p.path = append(p.path, name)
	i := len(p.path) - 1
	switch {
	case name == "Stmt" && i == 2 && p.path[1] == "BkToCstmrStmt":
		p.stmt = i
		p.cur = &Statement{Currency: "HUF"}
		p.stmtLine = p.line()
		p.opening, p.closing, p.hasPRCD = nil, nil, false
		p.sum = camtSummary{}
	case p.stmt >= 0 && i == p.stmt+1 && name == "Ntry":
		p.ntry = i
		p.entry = Entry{Line: p.line()}
		p.entryCcy, p.ntrySts, p.hasAmt, p.hasDir = "", "", false, false
		p.txCount, p.ustrd = 0, 0
	case p.stmt >= 0 && i == p.stmt+1 && name == "Bal":
		p.bal = i
		p.balNow = camtBalance{line: p.line()}
	case p.stmt >= 0 && i == p.stmt+1 && name == "TxsSummry":
		p.sum.line = p.line()
	case p.ntry >= 0 && i == p.ntry+2 && name == "TxDtls" && p.path[p.ntry+1] == "NtryDtls":
		p.txCount++
		if p.txCount == 1 {
			p.tx = i
		}
	}
	if name == "Amt" {
		p.ccy = ""
		for _, a := range t.Attr {
			if a.Name.Local == "Ccy" {
				p.ccy = a.Value
			}
		}
	}
}

// rel is the path below index i, "A/B/C".
func (p *camtParser) rel(i int) string { return strings.Join(p.path[i+1:], "/") }

func (p *camtParser) end() {
	if len(p.path) == 0 {
		return
	}
	i := len(p.path) - 1
	// Only leaves with text carry fields; skipping the rest saves building
	// a path for every closing container element.
	raw := bytes.TrimSpace(p.text)
	p.text = p.text[:0]
	var text string
	if len(raw) > 0 {
		text = string(raw)
	}
	switch {
	case text == "" && p.stmt >= 0 && i > max(p.stmt, p.ntry, p.bal, p.tx): // below the innermost context
		// nothing to record
	case p.tx >= 0 && i > p.tx:
		p.txField(p.rel(p.tx), text)
	case p.tx >= 0 && i == p.tx:
		p.tx = -1
	case p.ntry >= 0 && i > p.ntry:
		p.entryField(p.rel(p.ntry), text)
	case p.ntry >= 0 && i == p.ntry:
		p.endEntry()
		p.ntry = -1
	case p.bal >= 0 && i > p.bal:
		p.balField(p.rel(p.bal), text)
	case p.bal >= 0 && i == p.bal:
		p.endBalance()
		p.bal = -1
	case p.stmt >= 0 && i > p.stmt:
		p.stmtField(p.rel(p.stmt), text)
	case p.stmt >= 0 && i == p.stmt:
		p.endStatement()
		p.stmt = -1
	case i == 3 && p.path[1] == "BkToCstmrStmt" && p.path[2] == "GrpHdr" && p.path[3] == "CreDtTm":
		if t, ok := parseDateTime(text); ok {
			p.grpCreated = t
		}
	}
	p.path = p.path[:i]
}

func (p *camtParser) elem(rel string) string {
	if p.ntry >= 0 {
		return "Ntry/" + rel
	}
	return "Stmt/" + rel
}

func (p *camtParser) stmtField(rel, text string) {
	if p.err != nil {
		return
	}
	st := p.cur
	switch rel {
	case "Id":
		st.ID = text
	case "ElctrncSeqNb", "LglSeqNb":
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < 0 {
			p.err = invalid("sorszám", "sequence number", p.line(), "Stmt/"+rel, nil)
			return
		}
		if rel == "ElctrncSeqNb" {
			st.ElectronicSequence = n
		} else {
			st.LegalSequence = n
		}
	case "CreDtTm":
		t, ok := parseDateTime(text)
		if !ok {
			p.err = invalid("időpont", "date-time", p.line(), "Stmt/"+rel, nil)
			return
		}
		st.Created = t
	case "FrToDt/FrDtTm", "FrToDt/ToDtTm":
		t, ok := parseDateTime(text)
		if !ok {
			p.err = invalid("időpont", "date-time", p.line(), "Stmt/"+rel, nil)
			return
		}
		if rel == "FrToDt/FrDtTm" {
			st.PeriodFrom = hu.DateOf(t)
		} else {
			st.PeriodTo = hu.DateOf(t)
		}
	case "Acct/Id/IBAN", "Acct/Id/Othr/Id":
		if err := parseAccount(st, text); err != nil {
			p.err = invalid("számlaszám", "account number", p.line(), "Stmt/"+rel, err)
		}
	case "Acct/Ccy":
		if text != "HUF" {
			p.err = errCurrency(p.line(), "Stmt/"+rel, text)
		}
	case "TxsSummry/TtlNtries/NbOfNtries":
		p.sum.count = text
	case "TxsSummry/TtlNtries/Sum":
		p.sum.sum = text
	case "TxsSummry/TtlNtries/TtlNetNtryAmt", "TxsSummry/TtlNtries/TtlNetNtry/Amt": // .02 vs later
		p.sum.net = text
	case "TxsSummry/TtlNtries/CdtDbtInd", "TxsSummry/TtlNtries/TtlNetNtry/CdtDbtInd":
		p.sum.netDir = text
	case "TxsSummry/TtlCdtNtries/NbOfNtries":
		p.sum.cdtCount = text
	case "TxsSummry/TtlCdtNtries/Sum":
		p.sum.cdtSum = text
	case "TxsSummry/TtlDbtNtries/NbOfNtries":
		p.sum.dbtCount = text
	case "TxsSummry/TtlDbtNtries/Sum":
		p.sum.dbtSum = text
	}
}

func (p *camtParser) balField(rel, text string) {
	if p.err != nil {
		return
	}
	switch rel {
	case "Tp/CdOrPrtry/Cd":
		p.balNow.code = text
	case "Amt":
		if p.ccy != "HUF" {
			p.err = errCurrency(p.line(), "Bal/Amt", p.ccy)
			return
		}
		amt, err := parseCamtAmount(text, p.line(), "Bal/Amt")
		if err != nil {
			p.err = err
			return
		}
		p.balNow.amt, p.balNow.hasAmt = amt, true
	case "CdtDbtInd":
		p.balNow.dir = text
	}
}

func (p *camtParser) endBalance() {
	if p.err != nil {
		return
	}
	b := p.balNow
	if b.code != "OPBD" && b.code != "PRCD" && b.code != "CLBD" {
		return // available, interim and forward balances do not take part
	}
	if !b.hasAmt {
		p.err = missing("egyenleg összege", "balance amount", b.line, "Bal/Amt")
		return
	}
	switch b.dir {
	case "CRDT":
	case "DBIT":
		b.amt = -b.amt
	default:
		p.err = invalid("jóváírás/terhelés jelző", "credit/debit indicator", b.line, "Bal/CdtDbtInd", nil)
		return
	}
	switch b.code {
	case "OPBD":
		p.opening = &b
	case "PRCD":
		p.prcd, p.hasPRCD = b, true
	case "CLBD":
		p.closing = &b
	}
}

func (p *camtParser) entryField(rel, text string) {
	if p.err != nil {
		return
	}
	e := &p.entry
	switch rel {
	case "NtryRef":
		e.EntryRef = text
	case "Amt":
		p.entryCcy = p.ccy
		if p.ccy != "HUF" {
			p.err = errCurrency(p.line(), "Ntry/Amt", p.ccy)
			return
		}
		amt, err := parseCamtAmount(text, p.line(), "Ntry/Amt")
		if err != nil {
			p.err = err
			return
		}
		e.Amount, p.hasAmt = amt, true
	case "CdtDbtInd":
		switch text {
		case "CRDT":
			e.Direction = Credit
		case "DBIT":
			e.Direction = Debit
		default:
			p.err = invalid("jóváírás/terhelés jelző", "credit/debit indicator", p.line(), "Ntry/CdtDbtInd", nil)
			return
		}
		p.hasDir = true
	case "RvslInd":
		e.Reversal = text == "true" || text == "1"
	case "Sts", "Sts/Cd": // a plain code up to .07, a choice with Cd from .08
		if text != "" {
			p.ntrySts = text
		}
	case "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm":
		d, ok := parseDateOrTime(text)
		if !ok {
			p.err = invalid("dátum", "date", p.line(), "Ntry/"+rel, nil)
			return
		}
		if strings.HasPrefix(rel, "BookgDt") {
			e.BookingDate = d
		} else {
			e.ValueDate = d
		}
	case "AcctSvcrRef":
		e.BankRef = text
	case "AddtlNtryInf":
		if e.Remittance == "" {
			e.Remittance = text // some banks put the közlemény only here
		}
	}
}

func (p *camtParser) txField(rel, text string) {
	if p.err != nil {
		return
	}
	e := &p.entry
	switch rel {
	case "Refs/AcctSvcrRef":
		if e.BankRef == "" {
			e.BankRef = text
		}
	case "Refs/EndToEndId":
		if text != "NOTPROVIDED" {
			e.EndToEnd = text
		}
	case "RmtInf/Ustrd":
		if p.ustrd == 0 {
			e.Remittance = text // replaces an AddtlNtryInf fallback
		} else if text != "" {
			e.Remittance += " " + text
		}
		p.ustrd++
	case "RmtInf/Strd/CdtrRefInf/Ref":
		if e.CreditorRef == "" {
			e.CreditorRef = text
		}
	case "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm": // the Pty level exists from .08
		e.DebtorName = text
	case "RltdPties/DbtrAcct/Id/IBAN", "RltdPties/DbtrAcct/Id/Othr/Id":
		e.DebtorAccount = cleanAccount(text)
	case "RltdPties/Cdtr/Nm", "RltdPties/Cdtr/Pty/Nm":
		e.CreditorName = text
	case "RltdPties/CdtrAcct/Id/IBAN", "RltdPties/CdtrAcct/Id/Othr/Id":
		e.CreditorAccount = cleanAccount(text)
	}
}

func (p *camtParser) endEntry() {
	if p.err != nil {
		return
	}
	e := p.entry
	switch {
	case !p.hasAmt:
		p.err = missing("a tétel összege", "entry amount", e.Line, "Ntry/Amt")
	case !p.hasDir:
		p.err = missing("a tétel jóváírás/terhelés jelzője", "entry credit/debit indicator", e.Line, "Ntry/CdtDbtInd")
	case p.ntrySts != "BOOK":
		p.err = &Error{Code: CodeStatus, Line: e.Line, Element: "Ntry/Sts",
			HU: "A kivonatban csak könyvelt (BOOK) tétel lehet, ez: " + strconv.Quote(p.ntrySts) + ".",
			EN: "A statement may contain only booked (BOOK) entries; this one is " + strconv.Quote(p.ntrySts) + "."}
	case e.BookingDate.IsZero() && e.ValueDate.IsZero():
		p.err = missing("a könyvelés napja", "booking date", e.Line, "Ntry/BookgDt")
	}
	if p.err != nil {
		p.err.Statement = p.cur.ID
		return
	}
	if e.BookingDate.IsZero() {
		e.BookingDate = e.ValueDate
	}
	e.Transactions = max(p.txCount, 1)
	p.cur.Entries = append(p.cur.Entries, e)
}

func (p *camtParser) endStatement() {
	if p.err != nil {
		return
	}
	st := p.cur
	line := p.stmtLine
	fail := func(e *Error) { e.Statement = st.ID; p.err = e }
	if st.ID == "" {
		fail(missing("a kivonat azonosítója", "statement id", line, "Stmt/Id"))
		return
	}
	if st.Account.IsZero() && st.IBAN.IsZero() {
		fail(missing("a számlaszám", "account", line, "Stmt/Acct/Id"))
		return
	}
	if p.opening == nil && p.hasPRCD {
		p.opening = &p.prcd
	}
	if p.opening == nil {
		fail(missing("a nyitó egyenleg (OPBD)", "opening booked balance (OPBD)", line, "Stmt/Bal"))
		return
	}
	if p.closing == nil {
		fail(missing("a záró egyenleg (CLBD)", "closing booked balance (CLBD)", line, "Stmt/Bal"))
		return
	}
	if st.Created.IsZero() {
		st.Created = p.grpCreated
	}
	st.Opening, st.Closing = p.opening.amt, p.closing.amt
	if err := check(st, p.closing.line); err != nil {
		p.err = err
		return
	}
	if err := p.checkSummary(); err != nil {
		fail(err)
		return
	}
	if err := assignKeys(st, p.seen); err != nil {
		p.err = err
		return
	}
	p.out = append(p.out, *st)
	p.cur = nil
}

// checkSummary compares TxsSummry, where given, with the entries.
func (p *camtParser) checkSummary() *Error {
	s := p.sum
	var n, nc, nd int
	var sum, sc, sd, net hu.Forint
	var err error
	add := func(to *hu.Forint, v hu.Forint) {
		if err == nil {
			*to, err = to.Add(v)
		}
	}
	for _, e := range p.cur.Entries {
		n++
		add(&sum, e.Amount)
		add(&net, e.Signed())
		if e.Direction == Credit {
			nc++
			add(&sc, e.Amount)
		} else {
			nd++
			add(&sd, e.Amount)
		}
	}
	if err != nil {
		return errTooLarge("", s.line)
	}
	type pair struct {
		stated, elem, what, whatEN string
		count                      bool
		actual                     hu.Forint
	}
	netStated := s.net
	if netStated != "" && s.netDir == "DBIT" {
		netStated = "-" + netStated
	}
	for _, c := range []pair{
		{s.count, "TxsSummry/TtlNtries/NbOfNtries", "tételek száma", "number of entries", true, hu.Forint(n)},
		{s.sum, "TxsSummry/TtlNtries/Sum", "tételek összege", "sum of entries", false, sum},
		{netStated, "TxsSummry/TtlNtries/TtlNetNtry", "nettó forgalom", "net total", false, net},
		{s.cdtCount, "TxsSummry/TtlCdtNtries/NbOfNtries", "jóváírások száma", "number of credits", true, hu.Forint(nc)},
		{s.cdtSum, "TxsSummry/TtlCdtNtries/Sum", "jóváírások összege", "sum of credits", false, sc},
		{s.dbtCount, "TxsSummry/TtlDbtNtries/NbOfNtries", "terhelések száma", "number of debits", true, hu.Forint(nd)},
		{s.dbtSum, "TxsSummry/TtlDbtNtries/Sum", "terhelések összege", "sum of debits", false, sd},
	} {
		if c.stated == "" {
			continue
		}
		var v hu.Forint
		if c.count {
			k, err := strconv.ParseInt(c.stated, 10, 64)
			if err != nil {
				return invalid("darabszám", "count", s.line, c.elem, nil)
			}
			v = hu.Forint(k)
		} else {
			neg := strings.HasPrefix(c.stated, "-")
			a, err := parseCamtAmount(strings.TrimPrefix(c.stated, "-"), s.line, c.elem)
			if err != nil {
				return err
			}
			v = a
			if neg {
				v = -a
			}
		}
		if v != c.actual {
			if c.count {
				return errSummary("", s.line, c.elem, c.what, c.whatEN, strconv.FormatInt(int64(v), 10), strconv.FormatInt(int64(c.actual), 10))
			}
			return errSummary("", s.line, c.elem, c.what, c.whatEN, v.String(), c.actual.String())
		}
	}
	return nil
}

// parseCamtAmount reads an ISO 20022 decimal amount in HUF: digits with an
// optional fraction, which must be zero.
func parseCamtAmount(s string, line int, elem string) (hu.Forint, *Error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, invalid("összeg", "amount", line, elem, nil)
	}
	if strings.Trim(frac, "0") != "" {
		return 0, errFraction(line, elem, s)
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		return 0, nil
	}
	if len(whole) > 15 { // beyond a quadrillion forints: no real statement, and sums stay far from overflow
		return 0, errTooLarge("", line)
	}
	v, _ := strconv.ParseInt(whole, 10, 64)
	return hu.Forint(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDateTime reads an ISODateTime; without a zone it is Budapest time.
func parseDateTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, hu.Budapest()); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// parseDateOrTime reads an ISODate or an ISODateTime as a Budapest civil day.
func parseDateOrTime(s string) (hu.Date, bool) {
	if strings.Contains(s, "T") {
		t, ok := parseDateTime(s)
		if !ok {
			return hu.Date{}, false
		}
		return hu.DateOf(t), true
	}
	if len(s) != 10 {
		return hu.Date{}, false
	}
	d, err := hu.ParseDate(s)
	return d, err == nil
}
