package identity

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Service holds the rules of accounts: creating them, checking passwords
// and second factors, locking out guessers.
type Service struct {
	DB     *db.DB
	Users  Users
	Hasher *PasswordHasher
	Audit  *audit.Log
	// Accounts and Addrs throttle failed logins per account and per
	// client address (the fast, in-memory layer); the persistent lock is
	// users.locked_until.
	Accounts *Throttle
	Addrs    *Throttle
	Policy   PasswordPolicy
	Now      func() time.Time
}

// persistent lock: after this many failures in a row the account itself
// is locked for lockDuration, whatever address the attempts come from.
const (
	maxFailedLogins = 10
	lockDuration    = 30 * time.Minute
)

// NewService wires a Service with the default parameters.
func NewService(d *db.DB, hasher *PasswordHasher, log *audit.Log) *Service {
	return &Service{
		DB: d, Users: Users{DB: d}, Hasher: hasher, Audit: log,
		Accounts: NewThrottle(ThrottleConfig{}),
		Addrs:    NewThrottle(ThrottleConfig{MaxFailures: 30}),
		Policy:   DefaultPasswordPolicy(),
		Now:      time.Now,
	}
}

// Problem is an error a user can act on, with its message in both
// languages (the web layer picks one).
type Problem struct {
	Code   string
	Field  string
	HU, EN string
	// RetryAfter is set for lockouts.
	RetryAfter time.Duration
}

func (p *Problem) Error() string { return p.EN }

// Message returns the message in lang.
func (p *Problem) Message(lang string) string {
	if lang == "en" {
		return p.EN
	}
	return p.HU
}

var (
	// ErrBadCredentials is the one answer for an unknown user, a wrong
	// password or a disabled account, so the answer reveals nothing.
	ErrBadCredentials = &Problem{Code: "bad_credentials", HU: "Hibás felhasználónév vagy jelszó.", EN: "Wrong username or password."}
	ErrBadCode        = &Problem{Code: "bad_code", Field: "code", HU: "A kód nem megfelelő vagy lejárt. Írja be a hitelesítő alkalmazás által most mutatott kódot.", EN: "The code is wrong or has expired. Enter the code your authenticator app shows now."}
)

func lockedProblem(d time.Duration) *Problem {
	mins := int((d + time.Minute - 1) / time.Minute)
	return &Problem{
		Code: "locked", RetryAfter: d,
		HU: fmt.Sprintf("Túl sok sikertelen belépési kísérlet. Próbálja újra %d perc múlva, vagy kérjen segítséget a kulcsfelhasználótól.", mins),
		EN: fmt.Sprintf("Too many failed sign-in attempts. Try again in %d minutes, or ask your key user for help.", mins),
	}
}

// NewUser is what it takes to create an account.
type NewUser struct {
	Username    string
	DisplayName string
	Email       string
	Kind        Kind
	OfficeID    string
	Password    string
	// MustChangePassword forces a new password at the first login (set
	// when someone else chose the password).
	MustChangePassword bool
}

// CheckNewUser validates the fields of a new account; it returns every
// problem at once.
func (s *Service) CheckNewUser(nu NewUser) []*Problem {
	var ps []*Problem
	name := NormalizeUsername(nu.Username)
	if !validUsername(name) {
		ps = append(ps, &Problem{Code: "bad_username", Field: "username",
			HU: "A felhasználónév 3–64 karakter lehet: kisbetű, számjegy, pont, kötőjel, aláhúzás.",
			EN: "The username must be 3–64 characters: lower-case letters, digits, dot, hyphen, underscore."})
	}
	if strings.TrimSpace(nu.DisplayName) == "" {
		ps = append(ps, &Problem{Code: "no_name", Field: "display_name", HU: "Adja meg a nevet.", EN: "Enter the name."})
	}
	if nu.Email != "" && (!strings.Contains(nu.Email, "@") || strings.ContainsAny(nu.Email, " <>")) {
		ps = append(ps, &Problem{Code: "bad_email", Field: "email", HU: "Az e-mail-cím formátuma hibás.", EN: "The e-mail address is not valid."})
	}
	if nu.Kind != Staff && nu.Kind != Operator && nu.Kind != Client {
		ps = append(ps, &Problem{Code: "bad_kind", Field: "kind", HU: "Ismeretlen fióktípus.", EN: "Unknown account kind."})
	}
	if nu.Kind != Client {
		for _, v := range s.Policy.Check(nu.Password, name, nu.Email, nu.DisplayName) {
			ps = append(ps, &Problem{Code: string(v.Code), Field: "password", HU: v.HU, EN: v.EN})
		}
	}
	return ps
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '@') {
			return false
		}
	}
	return true
}

// ProblemList is several problems; the web layer shows each at its field.
type ProblemList []*Problem

func (l ProblemList) Error() string {
	msgs := make([]string, len(l))
	for i, p := range l {
		msgs[i] = p.EN
	}
	return strings.Join(msgs, "; ")
}

// Create makes an account inside tx (so a grant or an audit entry made in
// the same transaction lands with it).
func (s *Service) Create(ctx context.Context, tx bun.IDB, nu NewUser) (User, error) {
	if ps := s.CheckNewUser(nu); len(ps) > 0 {
		return User{}, ProblemList(ps)
	}
	now := s.Now().UTC()
	u := User{
		ID: uuid.Must(uuid.NewV7()), Username: NormalizeUsername(nu.Username), Email: strings.TrimSpace(nu.Email),
		DisplayName: strings.TrimSpace(nu.DisplayName), Kind: nu.Kind, OfficeID: nu.OfficeID,
		MustChangePassword: nu.MustChangePassword, Language: "hu", CreatedAt: now, UpdatedAt: now,
	}
	if nu.Password != "" {
		h, err := s.Hasher.Hash(ctx, nu.Password)
		if err != nil {
			return User{}, err
		}
		u.PasswordHash, u.PasswordChangedAt = h, &now
	}
	if err := s.Users.Insert(ctx, tx, &u); err != nil {
		if errors.Is(err, ErrUsernameTaken) {
			return User{}, ProblemList{{Code: "username_taken", Field: "username",
				HU: "Ez a felhasználónév már foglalt.", EN: "This username is already taken."}}
		}
		return User{}, err
	}
	return u, nil
}

// SetPassword replaces a user's password inside tx, checking the policy.
// mustChange marks it as chosen by someone else (a reset).
func (s *Service) SetPassword(ctx context.Context, tx bun.IDB, u *User, pw string, mustChange bool) error {
	var ps ProblemList
	for _, v := range s.Policy.Check(pw, u.Username, u.Email, u.DisplayName) {
		ps = append(ps, &Problem{Code: string(v.Code), Field: "password", HU: v.HU, EN: v.EN})
	}
	if len(ps) > 0 {
		return ps
	}
	h, err := s.Hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	u.PasswordHash, u.PasswordChangedAt, u.MustChangePassword = h, &now, mustChange
	u.FailedLogins, u.LockedUntil, u.UpdatedAt = 0, nil, now
	return s.Users.Update(ctx, tx, u, "password_hash", "password_changed_at", "must_change_password", "failed_logins", "locked_until")
}

// Attempt describes a login attempt, for throttling and the audit log.
type Attempt struct {
	Username, Password string
	Addr               netip.Addr
}

// Authenticate checks a username and password. Every outcome is in the
// operating centre's audit chain; failures count towards the lockouts.
func (s *Service) Authenticate(ctx context.Context, at Attempt) (User, error) {
	now := s.Now()
	name := NormalizeUsername(at.Username)
	acctKey, addrKey := "acct:"+name, IPThrottleKey(at.Addr)
	for _, k := range []string{acctKey, addrKey} {
		th := s.Accounts
		if k == addrKey {
			th = s.Addrs
		}
		if ok, wait := th.Allowed(k, now); !ok {
			if err := s.record(ctx, "user.login", "", name, at.Addr, audit.ResultDenied, map[string]any{"reason": "throttled"}); err != nil {
				return User{}, err
			}
			return User{}, lockedProblem(wait)
		}
	}
	fail := func(u *User, reason string) (User, error) {
		s.Accounts.Failure(acctKey, now)
		s.Addrs.Failure(addrKey, now)
		id := ""
		if u != nil {
			id = u.ID.String()
			if err := s.countFailure(ctx, u); err != nil {
				return User{}, err
			}
		}
		if err := s.record(ctx, "user.login", id, name, at.Addr, audit.ResultFailed, map[string]any{"reason": reason}); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	u, err := s.Users.ByUsername(ctx, name)
	if errors.Is(err, ErrUserNotFound) || (err == nil && u.PasswordHash == "") {
		// Spend the same time as a real check, so timing does not tell
		// whether the account exists.
		if err := s.Hasher.DummyVerify(ctx, at.Password); err != nil {
			return User{}, err
		}
		return fail(nil, "unknown user")
	}
	if err != nil {
		return User{}, err
	}
	if u.LockedUntil != nil && u.LockedUntil.After(now) {
		if err := s.record(ctx, "user.login", u.ID.String(), name, at.Addr, audit.ResultDenied, map[string]any{"reason": "locked"}); err != nil {
			return User{}, err
		}
		return User{}, lockedProblem(u.LockedUntil.Sub(now))
	}
	ok, rehash, err := s.Hasher.Verify(ctx, at.Password, u.PasswordHash)
	if err != nil {
		return User{}, err
	}
	if !ok {
		return fail(&u, "wrong password")
	}
	if u.Disabled() {
		return fail(&u, "disabled")
	}
	s.Accounts.Success(acctKey)
	nowUTC := now.UTC()
	u.FailedLogins, u.LockedUntil, u.UpdatedAt = 0, nil, nowUTC
	cols := []string{"failed_logins", "locked_until"}
	if rehash {
		if h, err := s.Hasher.Hash(ctx, at.Password); err == nil {
			u.PasswordHash = h
			cols = append(cols, "password_hash")
		}
	}
	if err := s.Users.Update(ctx, s.DB.Bun(), &u, cols...); err != nil {
		return User{}, err
	}
	return u, nil
}

// countFailure adds a failure to the account and locks it after too many.
func (s *Service) countFailure(ctx context.Context, u *User) error {
	u.FailedLogins++
	u.UpdatedAt = s.Now().UTC()
	if u.FailedLogins >= maxFailedLogins {
		until := s.Now().UTC().Add(lockDuration)
		u.LockedUntil = &until
		u.FailedLogins = 0
	}
	return s.Users.Update(ctx, s.DB.Bun(), u, "failed_logins", "locked_until")
}

// LoggedIn records a completed login (after the second factor, if any).
func (s *Service) LoggedIn(ctx context.Context, u *User, addr netip.Addr, method string) error {
	now := s.Now().UTC()
	u.LastLoginAt, u.UpdatedAt = &now, now
	if err := s.Users.Update(ctx, s.DB.Bun(), u, "last_login_at"); err != nil {
		return err
	}
	return s.record(ctx, "user.login", u.ID.String(), u.Username, addr, audit.ResultOK, map[string]any{"method": method})
}

// CheckSecondFactor verifies a TOTP code or, failing that, a recovery
// code (which is then used up). Failures count like wrong passwords.
func (s *Service) CheckSecondFactor(ctx context.Context, u *User, code string, addr netip.Addr) error {
	now := s.Now()
	acctKey := "acct:" + u.Username
	if ok, wait := s.Accounts.Allowed(acctKey, now); !ok {
		return lockedProblem(wait)
	}
	code = strings.TrimSpace(code)
	if step, ok := VerifyTOTP(u.TOTPSecret, code, now, u.TOTPLastStep); ok {
		u.TOTPLastStep = step
		u.UpdatedAt = now.UTC()
		return s.Users.Update(ctx, s.DB.Bun(), u, "totp_last_step")
	}
	hashes := strings.Split(u.RecoveryCodes, ",")
	if i, ok := MatchRecoveryCode(code, hashes); ok {
		hashes[i] = ""
		u.RecoveryCodes = strings.Join(hashes, ",")
		u.UpdatedAt = now.UTC()
		if err := s.Users.Update(ctx, s.DB.Bun(), u, "recovery_codes"); err != nil {
			return err
		}
		return s.record(ctx, "user.recovery_code_used", u.ID.String(), u.Username, addr, audit.ResultOK, nil)
	}
	s.Accounts.Failure(acctKey, now)
	s.Addrs.Failure(IPThrottleKey(addr), now)
	if err := s.countFailure(ctx, u); err != nil {
		return err
	}
	if err := s.record(ctx, "user.second_factor", u.ID.String(), u.Username, addr, audit.ResultFailed, nil); err != nil {
		return err
	}
	return ErrBadCode
}

// EnableTOTP stores a confirmed TOTP secret and new recovery codes; it
// returns the recovery codes in plain text, to be shown once.
func (s *Service) EnableTOTP(ctx context.Context, u *User, secret, code string) ([]string, error) {
	step, ok := VerifyTOTP(secret, strings.TrimSpace(code), s.Now(), 0)
	if !ok {
		return nil, ErrBadCode
	}
	plain, hashes := NewRecoveryCodes(10)
	u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep = secret, true, step
	u.RecoveryCodes = strings.Join(hashes, ",")
	u.UpdatedAt = s.Now().UTC()
	err := s.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Users.Update(ctx, tx, u, "totp_secret", "totp_enabled", "totp_last_step", "recovery_codes"); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, db.OperatingCentre, audit.Event{
			ActorID: u.ID.String(), ActorName: u.Username, Action: "user.totp_enable",
			ObjectType: "user", ObjectID: u.ID.String(), Result: audit.ResultOK}, s.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return plain, nil
}

// LogoutEverywhere ends every session of the user: sessions carry the
// epoch they were made in, and a session of an older epoch is refused.
func (s *Service) LogoutEverywhere(ctx context.Context, u *User) error {
	u.SessionEpoch++
	u.UpdatedAt = s.Now().UTC()
	return s.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Users.Update(ctx, tx, u, "session_epoch"); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, db.OperatingCentre, audit.Event{
			Action: "user.logout_everywhere", ObjectType: "user", ObjectID: u.ID.String(), Result: audit.ResultOK}, s.Now())
		return err
	})
}

// record writes an event to the operating centre's chain. Logins fail
// closed: when the event cannot be recorded, the caller returns the error
// instead of letting the user in unrecorded.
func (s *Service) record(ctx context.Context, action, userID, username string, addr netip.Addr, res audit.Result, detail map[string]any) error {
	ev := audit.Event{ActorID: userID, ActorName: username, Action: action, ObjectType: "user", ObjectID: userID, Result: res, Detail: detail}
	if addr.IsValid() {
		ev.RemoteAddr = addr.String()
	}
	if err := s.Audit.Record(ctx, db.OperatingCentre, ev); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
