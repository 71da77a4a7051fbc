package identity

import "crypto/rand"

// TemporaryPassword makes a password that someone else (a key user, the
// operator) hands over once; the user must change it at the first login.
// 16 base32 characters in groups of four: 80 random bits, easy to read out.
func TemporaryPassword() string {
	t := rand.Text()[:16]
	return t[:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:]
}
