package hu

// BankAccount is a Hungarian pénzforgalmi jelzőszám (domestic bank account
// number): 16 or 24 digits written in blocks of eight. The first block is
// the bank and branch (its first three digits name the bank); it carries a
// check digit in position 8, and the rest (8 or 16 digits, taken as one
// unit) carries one in its last position. Each unit is valid when
//
//	Σ d_i · w_i ≡ 0 (mod 10), weights 9,7,3,1 repeating
//
// (the check rule of the Hungarian GIRO clearing system). A 16-digit number and
// the same number followed by eight zeros denote the same account — that is
// how 16-digit accounts appear inside a HU IBAN — so the trailing zero block
// is dropped when normalising.
type BankAccount struct {
	digits string // 16 or 24 digits; "" for the zero value
}

var bankAccountSubject = subject{"bankszamlaszam", "A bankszámlaszám", "The bank account number"}

// giroWeights are the weights of the Hungarian bank account check.
var giroWeights = []int{9, 7, 3, 1}

// ParseBankAccount validates a Hungarian bank account number. Spaces and
// hyphens between the digits are ignored.
func ParseBankAccount(s string) (BankAccount, error) {
	d, ok := stripSeparators(s)
	switch {
	case d == "":
		return BankAccount{}, bankAccountSubject.errEmpty()
	case !ok:
		return BankAccount{}, bankAccountSubject.errDigitsOnly()
	case len(d) != 16 && len(d) != 24:
		return BankAccount{}, bankAccountSubject.errLength("16 vagy 24", "16 or 24", digitCount(d))
	}
	if weightedSum(d[:8], giroWeights)%10 != 0 {
		return BankAccount{}, bankAccountSubject.err(CodeChecksum,
			"A bankszámlaszám első nyolcas blokkjának ellenőrző számjegye nem egyezik (valószínűleg elírás).",
			"The bank account number's first block has a wrong check digit (probably a typing error).")
	}
	if weightedSum(d[8:], giroWeights)%10 != 0 {
		return BankAccount{}, bankAccountSubject.err(CodeChecksum,
			"A bankszámlaszám második részének ellenőrző számjegye nem egyezik (valószínűleg elírás).",
			"The bank account number's account part has a wrong check digit (probably a typing error).")
	}
	if len(d) == 24 && d[16:] == "00000000" {
		d = d[:16]
	}
	return BankAccount{digits: d}, nil
}

// String returns the blocks joined by hyphens, "12345678-12345678" or
// "12345678-12345678-12345678" ("" for the zero value).
func (a BankAccount) String() string {
	d := a.digits
	switch len(d) {
	case 16:
		return d[:8] + "-" + d[8:]
	case 24:
		return d[:8] + "-" + d[8:16] + "-" + d[16:]
	}
	return ""
}

// Digits returns the 16 or 24 digits without separators.
func (a BankAccount) Digits() string { return a.digits }

// BankCode returns the first three digits, which identify the bank
// (e.g. "117" for OTP Bank).
func (a BankAccount) BankCode() string {
	if a.digits == "" {
		return ""
	}
	return a.digits[:3]
}

// IsZero reports whether a is the empty BankAccount.
func (a BankAccount) IsZero() bool { return a.digits == "" }

// IBAN returns the account as a HU IBAN (16-digit accounts are padded with
// eight zeros, as the IBAN standard for Hungary requires). It returns the
// zero IBAN for the zero BankAccount.
func (a BankAccount) IBAN() IBAN {
	if a.digits == "" {
		return IBAN{}
	}
	bban := a.digits
	if len(bban) == 16 {
		bban += "00000000"
	}
	return IBAN{s: "HU" + ibanCheckDigits("HU", bban) + bban}
}

// MarshalText implements encoding.TextMarshaler (hyphenated form).
func (a BankAccount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler using ParseBankAccount. Empty
// text gives the zero value, so optional fields survive a JSON round trip.
func (a *BankAccount) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*a = BankAccount{}
		return nil
	}
	v, err := ParseBankAccount(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
