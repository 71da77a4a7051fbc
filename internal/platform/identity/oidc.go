package identity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"golang.org/x/oauth2"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// OIDCConfig describes the OpenID provider residents and businesses log in
// through: the national identification broker (KAÜ) or a stand-in for it.
type OIDCConfig struct {
	Issuer       string   // the provider's issuer URL; discovery is read from it
	ClientID     string   // our client at the provider
	ClientSecret string   // empty for a public client (PKCE alone)
	RedirectURL  string   // our callback: <base URL>/login/oidc/callback
	Scopes       []string // default openid, profile, email
	// ProviderName is stored with every identity (user_identities.provider)
	// and starts the generated usernames; default "kau". Changing it later
	// turns every returning client into a new user, so pick it once.
	ProviderName string
}

// DefaultOIDCProvider is the provider name when none is configured.
const DefaultOIDCProvider = "kau"

// oidcCallbackPath is where the provider sends the browser back to.
const oidcCallbackPath = "/login/oidc/callback"

// OIDCConfigFromEnv reads ASP_OIDC_ISSUER, ASP_OIDC_CLIENT_ID,
// ASP_OIDC_CLIENT_SECRET and ASP_OIDC_REDIRECT_URL (default baseURL +
// "/login/oidc/callback"). ok is false when no issuer is set: then logging in
// through a provider is simply off.
func OIDCConfigFromEnv(baseURL string) (cfg OIDCConfig, ok bool) {
	cfg = OIDCConfig{
		Issuer:       strings.TrimSpace(os.Getenv("ASP_OIDC_ISSUER")),
		ClientID:     strings.TrimSpace(os.Getenv("ASP_OIDC_CLIENT_ID")),
		ClientSecret: strings.TrimSpace(os.Getenv("ASP_OIDC_CLIENT_SECRET")),
		RedirectURL:  strings.TrimSpace(os.Getenv("ASP_OIDC_REDIRECT_URL")),
	}
	if cfg.Issuer == "" {
		return OIDCConfig{}, false
	}
	if cfg.RedirectURL == "" && baseURL != "" {
		cfg.RedirectURL = strings.TrimSuffix(baseURL, "/") + oidcCallbackPath
	}
	return cfg.withDefaults(), true
}

func (c OIDCConfig) withDefaults() OIDCConfig {
	if c.ProviderName == "" {
		c.ProviderName = DefaultOIDCProvider
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	} else if !slices.Contains(c.Scopes, oidc.ScopeOpenID) {
		// Without "openid" the provider answers plain OAuth: no ID token.
		c.Scopes = append([]string{oidc.ScopeOpenID}, c.Scopes...)
	}
	return c
}

var providerNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// check finds configuration mistakes at start-up, so that the service
// refuses to start rather than fail at the first client's login. It does
// not contact the provider: a provider that is down must not keep the
// service from starting.
func (c OIDCConfig) check() error {
	var ps []string
	if err := checkProviderURL(c.Issuer); err != nil {
		ps = append(ps, "ASP_OIDC_ISSUER: "+err.Error())
	}
	if c.ClientID == "" {
		ps = append(ps, "ASP_OIDC_CLIENT_ID is empty")
	}
	if c.RedirectURL == "" {
		ps = append(ps, "ASP_OIDC_REDIRECT_URL is empty (and no base URL to derive it from)")
	} else if err := checkProviderURL(c.RedirectURL); err != nil {
		ps = append(ps, "ASP_OIDC_REDIRECT_URL: "+err.Error())
	}
	if !providerNamePattern.MatchString(c.ProviderName) {
		ps = append(ps, fmt.Sprintf("provider name %q: use 1–32 lower-case letters, digits and hyphens", c.ProviderName))
	}
	if len(ps) > 0 {
		return fmt.Errorf("OIDC configuration: %s", strings.Join(ps, "; "))
	}
	return nil
}

// checkProviderURL accepts an absolute https URL, or http on the loopback
// interface (a provider or a service on the developer's own machine). Plain
// http anywhere else would send codes and tokens in the clear.
func checkProviderURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an absolute URL without query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return fmt.Errorf("%q: plain http is allowed only on localhost", raw)
	default:
		return fmt.Errorf("%q: the scheme must be https", raw)
	}
}

// providerTimeout bounds every request to the provider (discovery, keys,
// token, userinfo): a provider that hangs must not hang our requests.
const providerTimeout = 10 * time.Second

// federation is the connection to one OpenID provider. It discovers the
// provider lazily, at the first login that needs it, and keeps trying at
// later logins until discovery succeeds, so that a provider that is down
// when the service starts only makes client logins fail for a while.
type federation struct {
	cfg    OIDCConfig
	client *http.Client
	now    func() time.Time

	ready atomic.Pointer[oidcProvider] // set once discovery succeeded
	// mu is held while discovering: one attempt at a time, however many
	// visitors press the button while the provider is slow.
	mu       sync.Mutex
	attempts atomic.Uint64 // finished discovery attempts
	lastErr  error         // of the last attempt; guarded by mu
}

// oidcProvider is what discovery yields.
type oidcProvider struct {
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	client   *http.Client
}

func newFederation(cfg OIDCConfig, now func() time.Time) *federation {
	if now == nil {
		now = time.Now
	}
	return &federation{cfg: cfg, now: now, client: &http.Client{Timeout: providerTimeout}}
}

// provider returns the discovered provider, discovering it if need be. An
// attempt that finished while this caller waited for the lock answers for
// it too: a burst of logins against a dead provider makes one request to
// it, not one each.
func (f *federation) provider() (*oidcProvider, error) {
	if p := f.ready.Load(); p != nil {
		return p, nil
	}
	seen := f.attempts.Load()
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.ready.Load(); p != nil {
		return p, nil
	}
	if f.attempts.Load() != seen {
		return nil, f.lastErr
	}
	p, err := f.discover()
	f.attempts.Add(1)
	if err != nil {
		f.lastErr = err
		return nil, err
	}
	f.ready.Store(p)
	return p, nil
}

func (f *federation) discover() (*oidcProvider, error) {
	// Not the request's context: the result serves every later login, so
	// one visitor hanging up must not make it fail for the others.
	ctx, cancel := context.WithTimeout(context.Background(), providerTimeout)
	defer cancel()
	// go-oidc keeps the client from this context for fetching the
	// provider's keys later, but not its deadline.
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, f.client), f.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover OpenID provider %s: %w", f.cfg.Issuer, err)
	}
	return &oidcProvider{
		provider: p,
		// The verifier checks the signature, the issuer, the audience (our
		// client ID) and the expiry; the nonce is ours to check.
		verifier: p.Verifier(&oidc.Config{ClientID: f.cfg.ClientID, Now: f.now}),
		oauth: oauth2.Config{
			ClientID: f.cfg.ClientID, ClientSecret: f.cfg.ClientSecret,
			Endpoint: p.Endpoint(), RedirectURL: f.cfg.RedirectURL, Scopes: f.cfg.Scopes,
		},
		client: f.client,
	}, nil
}

// context makes oauth2 and go-oidc use the provider's HTTP client (with
// its timeout) for requests made with ctx.
func (p *oidcProvider) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.client)
}

// FederatedIdentity is what a provider tells about a person.
type FederatedIdentity struct {
	Provider      string
	Subject       string // the provider's stable identifier of the person
	Name          string // name claim
	GivenName     string
	FamilyName    string
	Email         string
	EmailVerified bool
}

// claimSet is the part of an ID token or a userinfo answer we read.
type claimSet struct {
	Subject       string   `json:"sub"`
	Name          string   `json:"name"`
	GivenName     string   `json:"given_name"`
	FamilyName    string   `json:"family_name"`
	Email         string   `json:"email"`
	EmailVerified jsonBool `json:"email_verified"`
}

// jsonBool reads true or "true": some providers send the booleans of the
// OIDC claims as strings.
type jsonBool bool

func (b *jsonBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case bool:
		*b = jsonBool(v)
	case string:
		*b = jsonBool(strings.EqualFold(v, "true"))
	default:
		*b = false
	}
	return nil
}

// hasProfile reports whether the claims name the person.
func (c claimSet) hasProfile() bool {
	return strings.TrimSpace(c.Name) != "" || strings.TrimSpace(c.GivenName+c.FamilyName) != ""
}

// fill takes the profile from o where c has none. The e-mail address and
// its verified flag travel together, from one source.
func (c *claimSet) fill(o claimSet) {
	if !c.hasProfile() {
		c.Name, c.GivenName, c.FamilyName = o.Name, o.GivenName, o.FamilyName
	}
	if c.Email == "" {
		c.Email, c.EmailVerified = o.Email, o.EmailVerified
	}
}

func (c claimSet) identity(provider string) FederatedIdentity {
	return FederatedIdentity{
		Provider: provider, Subject: c.Subject, Name: c.Name, GivenName: c.GivenName,
		FamilyName: c.FamilyName, Email: c.Email, EmailVerified: bool(c.EmailVerified),
	}
}

// DefaultClientName is the display name of a client whose provider told
// no name.
const DefaultClientName = "Ügyfél"

// DisplayName is the name to show: the name claim, else the family and
// given names in the Hungarian order ("Kovács Anna"), else "Ügyfél".
func (fi FederatedIdentity) DisplayName() string {
	name := cleanClaim(fi.Name)
	if name == "" {
		name = cleanClaim(fi.FamilyName + " " + fi.GivenName)
	}
	if name == "" {
		return DefaultClientName
	}
	return name
}

// VerifiedEmail is the e-mail address, only if the provider vouches for
// it; an address that would not pass as one is dropped, so a provider's
// odd value cannot keep a person from logging in.
func (fi FederatedIdentity) VerifiedEmail() string {
	e := strings.TrimSpace(fi.Email)
	if !fi.EmailVerified || len(e) > 254 || !strings.Contains(e, "@") || strings.ContainsAny(e, " <>") || strings.IndexFunc(e, unicode.IsControl) >= 0 {
		return ""
	}
	return e
}

// cleanClaim makes a claim safe to show: no control characters, single
// spaces, at most 200 characters.
func cleanClaim(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > 200 {
		s = strings.TrimSpace(string(r[:200]))
	}
	return s
}

// federatedUsername is the generated username of a federated user: the
// provider's name and the start of a hash of the provider and the subject
// ("kau-1a2b3c4d5e6f"), so the username is stable but tells nothing about
// the person. n is how many hex digits of the hash to use.
func federatedUsername(provider, subject string, n int) string {
	sum := sha256.Sum256([]byte(provider + "\x00" + subject))
	return provider + "-" + hex.EncodeToString(sum[:])[:n]
}

// federatedUsernameLengths are the hash lengths tried in turn. Twelve hex
// digits (48 bits) make a clash unlikely but not impossible among millions
// of residents; a clash must not lock the second person out, so a longer
// name is tried next.
var federatedUsernameLengths = []int{12, 16, 24, 64}

// userIdentity links an account to a person at an OpenID provider.
type userIdentity struct {
	bun.BaseModel `bun:"table:user_identities"`

	Provider  string    `bun:"provider,pk"`
	Subject   string    `bun:"subject,pk"`
	UserID    uuid.UUID `bun:"user_id,type:uuid"`
	CreatedAt time.Time `bun:"created_at"`
}

// UserByIdentity returns the user linked to the provider's subject, or
// ErrUserNotFound.
func (s *Service) UserByIdentity(ctx context.Context, provider, subject string) (User, error) {
	var ui userIdentity
	err := s.DB.Reader().NewSelect().Model(&ui).Where("provider = ? AND subject = ?", provider, subject).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrUserNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("identity %s: %w", provider, err)
	}
	return s.Users.ByID(ctx, ui.UserID)
}

// errNameClash is a generated username taken by another person.
var errNameClash = errors.New("generated username taken")

// CreateFederatedUser makes the client account of a person logging in
// through a provider for the first time: the user, the link to the
// provider's subject and the audit entry commit together. When the same
// person's first two logins race, the second finds and returns the account
// the first made.
func (s *Service) CreateFederatedUser(ctx context.Context, fi FederatedIdentity) (User, error) {
	if fi.Provider == "" || fi.Subject == "" {
		return User{}, errors.New("federated user: provider and subject are required")
	}
	for _, n := range federatedUsernameLengths {
		u, err := s.createFederated(ctx, fi, federatedUsername(fi.Provider, fi.Subject, n))
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, errNameClash) {
			return User{}, err
		}
		// The name is taken: by this very person (a racing first login),
		// or by someone whose hash starts the same.
		if u, err := s.UserByIdentity(ctx, fi.Provider, fi.Subject); err == nil {
			return u, nil
		} else if !errors.Is(err, ErrUserNotFound) {
			return User{}, err
		}
	}
	return User{}, fmt.Errorf("federated user %s: every generated username is taken", fi.Provider)
}

func (s *Service) createFederated(ctx context.Context, fi FederatedIdentity, username string) (User, error) {
	var u User
	err := s.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, err = s.Create(ctx, tx, NewUser{
			Username: username, DisplayName: fi.DisplayName(), Email: fi.VerifiedEmail(), Kind: Client,
		})
		var ps ProblemList
		if errors.As(err, &ps) && len(ps) == 1 && ps[0].Code == "username_taken" {
			return errNameClash
		}
		if err != nil {
			return err
		}
		link := userIdentity{Provider: fi.Provider, Subject: fi.Subject, UserID: u.ID, CreatedAt: u.CreatedAt}
		if _, err := tx.NewInsert().Model(&link).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				// Linked meanwhile, under a name of another length.
				return errNameClash
			}
			return fmt.Errorf("link identity: %w", err)
		}
		_, err = audit.Append(ctx, tx, db.OperatingCentre, audit.Event{
			ActorID: u.ID.String(), ActorName: u.Username, Action: "user.federated_create",
			ObjectType: "user", ObjectID: u.ID.String(), Result: audit.ResultOK,
			Detail: map[string]any{"provider": fi.Provider, "kind": string(Client)},
		}, s.Now())
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}
