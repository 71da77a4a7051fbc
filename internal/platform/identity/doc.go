// Package identity authenticates the people and programs that use the
// service.
//
// The files listed here hold the storage-free security primitives; the
// user store and the login service build on them:
//
//   - password.go: argon2id password hashes in PHC string form, with a
//     bound on concurrent hashing and a dummy verification for unknown
//     accounts;
//   - policy.go: the password policy (NIST SP 800-63B: length and a
//     blocklist, no composition rules), with Hungarian and English messages;
//   - totp.go: RFC 6238 one-time codes with replay protection;
//   - recovery.go: single-use recovery codes for a lost authenticator;
//   - token.go: API tokens of the form asp_<id>_<secret>;
//   - throttle.go: in-memory throttling of failed logins per account and
//     per client address.
//
// Secrets are compared in constant time, and random values come from
// crypto/rand.
package identity
