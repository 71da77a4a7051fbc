package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Kind is what sort of account a user is.
type Kind string

const (
	Staff    Kind = "staff"    // a municipal clerk, notary, key user
	Operator Kind = "operator" // operating-centre staff
	Client   Kind = "client"   // a resident or business, logged in through OIDC
)

// User is an account.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID                 uuid.UUID  `bun:"id,pk,type:uuid"`
	Username           string     `bun:"username"`
	Email              string     `bun:"email"`
	DisplayName        string     `bun:"display_name"`
	Kind               Kind       `bun:"kind"`
	OfficeID           string     `bun:"office_id,nullzero"`
	PasswordHash       string     `bun:"password_hash"`
	PasswordChangedAt  *time.Time `bun:"password_changed_at"`
	MustChangePassword bool       `bun:"must_change_password"`
	TOTPSecret         string     `bun:"totp_secret"`
	TOTPEnabled        bool       `bun:"totp_enabled"`
	TOTPLastStep       int64      `bun:"totp_last_step"`
	RecoveryCodes      string     `bun:"recovery_codes"` // hashes, comma-separated; a used one becomes empty
	FailedLogins       int        `bun:"failed_logins"`
	LockedUntil        *time.Time `bun:"locked_until"`
	DisabledAt         *time.Time `bun:"disabled_at"`
	SessionEpoch       int        `bun:"session_epoch"`
	Language           string     `bun:"language"`
	LastLoginAt        *time.Time `bun:"last_login_at"`
	CreatedAt          time.Time  `bun:"created_at"`
	UpdatedAt          time.Time  `bun:"updated_at"`
}

// Disabled reports whether the account is switched off.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// ErrUserNotFound is returned for an unknown user.
var ErrUserNotFound = errors.New("user not found")

// ErrUsernameTaken is returned when creating a user whose name exists.
var ErrUsernameTaken = errors.New("username taken")

// NormalizeUsername folds a username for storage and lookup.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Users reads and writes accounts.
type Users struct{ DB *db.DB }

// ByID returns a user.
func (s Users) ByID(ctx context.Context, id uuid.UUID) (User, error) {
	var u User
	err := s.DB.Reader().NewSelect().Model(&u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrUserNotFound
	}
	if err != nil {
		return u, fmt.Errorf("user %s: %w", id, err)
	}
	return u, nil
}

// ByUsername returns a user by (normalised) username.
func (s Users) ByUsername(ctx context.Context, name string) (User, error) {
	var u User
	err := s.DB.Reader().NewSelect().Model(&u).Where("username = ?", NormalizeUsername(name)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrUserNotFound
	}
	if err != nil {
		return u, fmt.Errorf("user %q: %w", name, err)
	}
	return u, nil
}

// ByIDs returns users by id, in no particular order.
func (s Users) ByIDs(ctx context.Context, ids []uuid.UUID) ([]User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var us []User
	if err := s.DB.Reader().NewSelect().Model(&us).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return us, nil
}

// InOffices returns the users employed by the given offices.
func (s Users) InOffices(ctx context.Context, offices []string) ([]User, error) {
	if len(offices) == 0 {
		return nil, nil
	}
	var us []User
	if err := s.DB.Reader().NewSelect().Model(&us).Where("office_id IN (?)", bun.In(offices)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("users of offices: %w", err)
	}
	return us, nil
}

// Insert stores a new user inside tx.
func (s Users) Insert(ctx context.Context, tx bun.IDB, u *User) error {
	if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return ErrUsernameTaken
		}
		return fmt.Errorf("insert user %s: %w", u.Username, err)
	}
	access.Changed()
	return nil
}

// Update writes the named columns of u inside tx (updated_at always).
func (s Users) Update(ctx context.Context, tx bun.IDB, u *User, columns ...string) error {
	_, err := tx.NewUpdate().Model(u).Column(append(columns, "updated_at")...).WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Username, err)
	}
	access.Changed()
	return nil
}
