// Package bankstatement reads bank account statements (bankszámlakivonat)
// in the two formats the municipal modules accept: ISO 20022 camt.053 XML
// and a CSV layout of our own (docs/bank-statement-csv.md). Both the tax
// (ADÓ) and the finance (GAZD) modules import statements through it, so it
// holds no rule of either: it only turns a file into checked Statements.
//
// Every accepted statement is internally consistent: all amounts are whole
// forints in HUF, opening balance + credits − debits = closing balance, the
// bank's own totals (if given) agree, and no entry key occurs twice.
package bankstatement

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
)

// MaxFileSize is the largest statement file the parsers read (64 MiB). A
// year of a busy collection account in camt.053 is well below it; the limit
// keeps a hostile or mistaken upload from exhausting memory.
const MaxFileSize = 64 << 20

// Direction says whether an entry added money to the account or took it.
type Direction string

// The two directions, named by their ISO 20022 codes.
const (
	Credit Direction = "CRDT" // jóváírás: money in
	Debit  Direction = "DBIT" // terhelés: money out
)

// Statement is one account statement: one account, one period.
type Statement struct {
	ID string // the bank's statement identifier (camt Stmt/Id)
	// ElectronicSequence and LegalSequence are the bank's running numbers
	// of statements (0 when not given); LegalSequence is the one printed
	// on paper statements.
	ElectronicSequence int64
	LegalSequence      int64
	Created            time.Time // UTC; zero when not given

	// Account is the statement's account. IBAN is set when the file gave
	// an IBAN or the account is Hungarian (then both are set).
	Account hu.BankAccount
	IBAN    hu.IBAN

	PeriodFrom, PeriodTo hu.Date // civil days in Europe/Budapest; zero when not given
	Currency             string  // always "HUF"

	// Opening and Closing are the booked balances, negative when the
	// account is overdrawn (DBIT balance).
	Opening, Closing hu.Forint

	Entries []Entry
}

// Entry is one booked movement on the account.
type Entry struct {
	BookingDate hu.Date
	ValueDate   hu.Date // zero when not given
	Amount      hu.Forint
	Direction   Direction
	Reversal    bool // the bank reverses an earlier entry (camt RvslInd)

	EntryRef    string // the entry's reference within the statement (NtryRef)
	BankRef     string // the bank's unique reference (AcctSvcrRef)
	EndToEnd    string // the payer's end-to-end id; "" for NOTPROVIDED
	Remittance  string // unstructured közlemény, lines joined by one space
	CreditorRef string // structured creditor reference (e.g. RF…)

	DebtorName, DebtorAccount     string // payer; account as given, separators removed
	CreditorName, CreditorAccount string // payee

	// Transactions is the number of transactions the bank booked as this
	// one entry (camt TxDtls; 1 for an ordinary entry). For a batch the
	// references, parties and remittance are those of the first one.
	Transactions int

	Line int // line in the file where the entry starts

	key string
}

// Signed returns the amount as it changes the balance: positive for
// credits, negative for debits.
func (e Entry) Signed() hu.Forint {
	if e.Direction == Debit {
		return -e.Amount
	}
	return e.Amount
}

// Key identifies the entry across imports, so that importing the same
// statement again (or an overlapping one) finds the entries already there.
//
// When the bank gives its own reference (AcctSvcrRef, or the CSV's bank
// reference column) the key is "ref:" + account digits + ":" + reference:
// banks guarantee that reference unique per account. Otherwise the key is
// "sha:" + a SHA-256 over the account, dates, amount, direction,
// references, remittance and counterparties, followed by "#n" where n
// counts identical entries earlier in the same statement. The counter
// keeps two genuinely identical payments (same payer, same day, same
// amount, same text) apart while giving the same keys on every re-import.
func (e Entry) Key() string { return e.key }

// assignKeys fills Entry.key for a statement and reports the first key that
// occurs twice among keys already seen in the file.
func assignKeys(st *Statement, seen map[string]int) *Error {
	acct := st.Account.Digits()
	if acct == "" {
		acct = st.IBAN.Electronic() // a foreign account
	}
	counts := map[string]int{}
	for i := range st.Entries {
		e := &st.Entries[i]
		if e.BankRef != "" {
			e.key = "ref:" + acct + ":" + e.BankRef
		} else {
			h := sha256.New()
			for _, f := range []string{acct, e.BookingDate.String(), e.ValueDate.String(),
				strconv.FormatInt(int64(e.Amount), 10), string(e.Direction), strconv.FormatBool(e.Reversal),
				e.EntryRef, e.EndToEnd, e.Remittance, e.CreditorRef,
				e.DebtorName, e.DebtorAccount, e.CreditorName, e.CreditorAccount} {
				h.Write([]byte(f))
				h.Write([]byte{0})
			}
			base := "sha:" + hex.EncodeToString(h.Sum(nil)[:16])
			e.key = base + "#" + strconv.Itoa(counts[base])
			counts[base]++
		}
		if prev, dup := seen[e.key]; dup {
			return errDuplicate(st.ID, e.Line, prev, e.BankRef)
		}
		seen[e.key] = e.Line
	}
	return nil
}

// check verifies the statement's arithmetic: opening + credits − debits =
// closing, with overflow treated as a mismatch.
func check(st *Statement, line int) *Error {
	bal := st.Opening
	for _, e := range st.Entries {
		var err error
		if bal, err = bal.Add(e.Signed()); err != nil {
			return errTooLarge(st.ID, e.Line)
		}
	}
	if bal != st.Closing {
		return errBalance(st.ID, line, st.Opening, bal, st.Closing)
	}
	return nil
}

// cleanAccount removes spaces and hyphens from an account as the bank gave it.
func cleanAccount(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// parseAccount reads the statement's own account: an IBAN or a Hungarian
// account number.
func parseAccount(st *Statement, s string) error {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] >= 'A' && s[0] <= 'Z' || len(s) >= 2 && s[0] >= 'a' && s[0] <= 'z' {
		iban, err := hu.ParseIBAN(s)
		if err != nil {
			return err
		}
		st.IBAN = iban
		if iban.Country() == "HU" {
			acct, err := iban.BankAccount()
			if err != nil {
				return err
			}
			st.Account = acct
		}
		return nil
	}
	acct, err := hu.ParseBankAccount(s)
	if err != nil {
		return err
	}
	st.Account = acct
	st.IBAN = acct.IBAN()
	return nil
}
