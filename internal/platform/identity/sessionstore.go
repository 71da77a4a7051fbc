package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// SessionStore keeps scs sessions in the sessions table. It is ours rather
// than scs's sqlite3store/postgresstore because it reads through the
// read pool and writes through the single SQLite writer: every page view
// reads its session, and those reads must not queue behind writes.
//
// It also keeps what it read for a moment (sessionCacheTTL): a page view
// then reads its session from memory. Writes and deletes go to the
// database and update the memory at once; another instance of the service
// sees a deleted session gone within the TTL (docs/decisions/0002).
type SessionStore struct {
	DB *db.DB

	mu    sync.Mutex
	cache map[string]cachedSession
}

type cachedSession struct {
	data   []byte
	expiry time.Time
	at     time.Time
}

const (
	sessionCacheTTL   = 2 * time.Second
	maxCachedSessions = 10000
)

var _ scs.CtxStore = (*SessionStore)(nil)

func (s *SessionStore) remember(token string, data []byte, expiry time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil || len(s.cache) >= maxCachedSessions {
		s.cache = map[string]cachedSession{}
	}
	s.cache[token] = cachedSession{data: data, expiry: expiry, at: time.Now()}
}

func (s *SessionStore) forget(token string) {
	s.mu.Lock()
	delete(s.cache, token)
	s.mu.Unlock()
}

// FindCtx returns the data of a live session.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	now := time.Now()
	s.mu.Lock()
	c, ok := s.cache[token]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < sessionCacheTTL && now.Before(c.expiry) {
		return c.data, true, nil
	}
	var data []byte
	var err error
	if s.DB.Dialect == db.Postgres {
		err = s.DB.Reader().QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = ? AND expiry > now()", token).Scan(&data)
	} else {
		err = s.DB.Reader().QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = ? AND expiry > ?", token, unixSeconds(time.Now())).Scan(&data)
	}
	if errors.Is(err, sql.ErrNoRows) {
		s.forget(token)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	// The expiry is not read back: the cache entry lives only the TTL.
	s.remember(token, data, now.Add(sessionCacheTTL))
	return data, true, nil
}

// CommitCtx stores a session.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var err error
	if s.DB.Dialect == db.Postgres {
		_, err = s.DB.Bun().ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	} else {
		_, err = s.DB.Bun().ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, unixSeconds(expiry))
	}
	if err != nil {
		s.forget(token)
		return fmt.Errorf("commit session: %w", err)
	}
	s.remember(token, b, expiry)
	return nil
}

// DeleteCtx removes a session.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	s.forget(token)
	if _, err := s.DB.Bun().ExecContext(ctx, "DELETE FROM sessions WHERE token = ?", token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx variants.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s *SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions past their expiry; the app runs it
// periodically.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	var res sql.Result
	var err error
	if s.DB.Dialect == db.Postgres {
		res, err = s.DB.Bun().ExecContext(ctx, "DELETE FROM sessions WHERE expiry < now()")
	} else {
		res, err = s.DB.Bun().ExecContext(ctx, "DELETE FROM sessions WHERE expiry < ?", unixSeconds(time.Now()))
	}
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

// Session lifetimes: a clerk's session ends after 30 idle minutes or 10
// hours (a working day) whatever she does.
const (
	SessionIdleTimeout = 30 * time.Minute
	SessionLifetime    = 10 * time.Hour
	SessionCookie      = "asp_session"
	// sessionTouchInterval is how stale the last-seen time may get before
	// it is written again; it is the precision of the idle timeout.
	sessionTouchInterval = time.Minute
)

// NewSessionManager returns the scs manager the web layer uses.
func NewSessionManager(d *db.DB, secureCookie bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = &SessionStore{DB: d}
	sm.Codec = sessionCodec{}
	// No sm.IdleTimeout: scs would then rewrite the session on every
	// request. The Authenticator keeps the idle timeout itself and writes
	// the session at most once a minute (sessionTouchInterval).
	sm.Lifetime = SessionLifetime
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = 2 // http.SameSiteLaxMode: the OIDC callback arrives by a cross-site GET
	sm.Cookie.Secure = secureCookie
	sm.Cookie.Path = "/"
	return sm
}
