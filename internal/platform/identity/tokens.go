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

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// APIToken is a machine client's credential: it acts as its user, for one
// tenant, until revoked or expired. Only a hash of its secret is stored.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         string      `bun:"id,pk" json:"id"`
	UserID     uuid.UUID   `bun:"user_id,type:uuid" json:"user_id"`
	TenantID   db.TenantID `bun:"tenant_id" json:"tenant_id"`
	Name       string      `bun:"name" json:"name"`
	SecretHash []byte      `bun:"secret_hash" json:"-"`
	CreatedAt  time.Time   `bun:"created_at" json:"created_at"`
	ExpiresAt  *time.Time  `bun:"expires_at" json:"expires_at,omitempty"`
	LastUsedAt *time.Time  `bun:"last_used_at" json:"last_used_at,omitempty"`
	RevokedAt  *time.Time  `bun:"revoked_at" json:"revoked_at,omitempty"`
}

// ErrTokenInvalid covers a malformed, unknown, revoked or expired token:
// the client learns only that it must get a new one.
var ErrTokenInvalid = errors.New("invalid, revoked or expired API token")

// CreateToken makes a token for user on tenant inside tx and returns it in
// plain text: the only time anyone sees it. The caller checks that the
// user holds a grant on tenant.
func (s *Service) CreateToken(ctx context.Context, tx bun.IDB, user uuid.UUID, tenant db.TenantID, name string, ttl time.Duration) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", APIToken{}, ProblemList{{Code: "bad_token_name", Field: "name",
			HU: "Adjon a tokennek egy legfeljebb 100 karakteres nevet.", EN: "Give the token a name of at most 100 characters."}}
	}
	plain, id, hash := NewAPIToken()
	now := s.Now().UTC()
	t := APIToken{ID: id, UserID: user, TenantID: tenant, Name: name, SecretHash: hash, CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	if _, err := tx.NewInsert().Model(&t).Exec(ctx); err != nil {
		return "", APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return plain, t, nil
}

// RevokeToken revokes a token inside tx. Revoking twice is not an error.
func (s *Service) RevokeToken(ctx context.Context, tx bun.IDB, id string) (APIToken, error) {
	var t APIToken
	err := tx.NewSelect().Model(&t).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrTokenInvalid
	}
	if err != nil {
		return t, fmt.Errorf("revoke token %s: %w", id, err)
	}
	if t.RevokedAt != nil {
		return t, nil
	}
	now := s.Now().UTC()
	t.RevokedAt = &now
	if _, err := tx.NewUpdate().Model(&t).Column("revoked_at").WherePK().Exec(ctx); err != nil {
		return t, fmt.Errorf("revoke token %s: %w", id, err)
	}
	return t, nil
}

// Tokens lists a user's tokens, newest first.
func (s *Service) Tokens(ctx context.Context, user uuid.UUID) ([]APIToken, error) {
	var ts []APIToken
	if err := s.DB.Reader().NewSelect().Model(&ts).Where("user_id = ?", user).OrderExpr("created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return ts, nil
}

// tokenTouchInterval limits how often last_used_at is written, so a busy
// client does not turn every read into a write.
const tokenTouchInterval = time.Minute

// CheckToken resolves a bearer token to its user and tenant.
func (s *Service) CheckToken(ctx context.Context, plain string) (User, APIToken, error) {
	id, secret, err := ParseAPIToken(plain)
	if err != nil {
		return User{}, APIToken{}, ErrTokenInvalid
	}
	var t APIToken
	err = s.DB.Reader().NewSelect().Model(&t).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, APIToken{}, ErrTokenInvalid
	}
	if err != nil {
		return User{}, APIToken{}, fmt.Errorf("token %s: %w", id, err)
	}
	now := s.Now()
	if !VerifyAPIToken(secret, t.SecretHash) || t.RevokedAt != nil || (t.ExpiresAt != nil && !t.ExpiresAt.After(now)) {
		return User{}, APIToken{}, ErrTokenInvalid
	}
	u, err := s.Users.ByID(ctx, t.UserID)
	if err != nil || u.Disabled() {
		return User{}, APIToken{}, ErrTokenInvalid
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > tokenTouchInterval {
		used := now.UTC()
		t.LastUsedAt = &used
		if _, err := s.DB.Bun().NewUpdate().Model(&t).Column("last_used_at").WherePK().Exec(ctx); err != nil {
			return User{}, APIToken{}, fmt.Errorf("token %s: %w", id, err)
		}
	}
	return u, t, nil
}

// AuditToken records the creation or revocation of a token in its
// tenant's chain, inside tx (which must be that tenant's transaction).
func AuditToken(ctx context.Context, tx bun.IDB, action string, t APIToken, now time.Time) error {
	_, err := audit.Append(ctx, tx, t.TenantID, audit.Event{
		Action: action, ObjectType: "api_token", ObjectID: t.ID, Result: audit.ResultOK,
		Detail: map[string]any{"name": t.Name, "user_id": t.UserID.String()},
	}, now)
	return err
}
