package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
)

func init() {
	extraCommands["user"] = cmdUser
	extraCommands["token"] = cmdToken
	extraCommands["audit"] = cmdAudit
}

// The command line acts as the operating centre at the server's console;
// its changes are audited under this name.
const cliActor = "asp (command line)"

func cliContext(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Name: cliActor})
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func printProblems(err error) error {
	var ps identity.ProblemList
	if errors.As(err, &ps) {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = p.Field + ": " + p.EN
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	return err
}

func cmdUser(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 {
		return usagef("user: say create, grant, revoke or reset-password")
	}
	fs := newFlags("user " + args[0])
	username := fs.String("username", "", "the user's login name")
	switch args[0] {
	case "create":
		name := fs.String("name", "", "display name, e.g. \"Kovács Anna\"")
		email := fs.String("email", "", "e-mail address")
		kind := fs.String("kind", "staff", "staff (municipal) or operator (operating centre)")
		office := fs.String("office", "", "office id for staff, e.g. h11730 (see: asp tenant show KSH-CODE)")
		pwStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		if *kind == "staff" && *office == "" {
			return usagef("user create: staff users need --office")
		}
		if *office != "" {
			if _, err := a.Tenants.Office(ctx, *office); err != nil {
				return fmt.Errorf("no office %q (see: asp tenant show KSH-CODE)", *office)
			}
		}
		pw, generated := "", false
		if *pwStdin {
			if pw, err = readPassword(os.Stdin); err != nil {
				return err
			}
		} else {
			pw, generated = identity.TemporaryPassword(), true
		}
		var u identity.User
		err = a.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
			u, err = a.Identity.Create(ctx, tx, identity.NewUser{Username: *username, DisplayName: *name, Email: *email,
				Kind: identity.Kind(*kind), OfficeID: *office, Password: pw, MustChangePassword: generated})
			if err != nil {
				return err
			}
			_, err = audit.Append(ctx, tx, db.OperatingCentre, audit.Event{Action: "user.create", ObjectType: "user",
				ObjectID: u.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"username": u.Username, "kind": *kind, "office": *office}}, a.Now())
			return err
		})
		if err != nil {
			return printProblems(err)
		}
		fmt.Fprintf(out, "created user %s (%s)\n", u.Username, u.ID)
		if generated {
			fmt.Fprintf(out, "temporary password (to be changed at first login): %s\n", pw)
		}
		return nil
	case "grant", "revoke":
		tenant := fs.String("tenant", "", "KSH code of the municipality (tenant roles)")
		role := fs.String("role", "", "role name, e.g. key_user, or operator_admin (no --tenant)")
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		u, err := a.Identity.Users.ByUsername(ctx, *username)
		if err != nil {
			return fmt.Errorf("no user %q", *username)
		}
		if r, ok := a.Registry.Role(*role); ok && r.Scope == access.OperatorScope {
			if *tenant != "" {
				return usagef("%s is an operating-centre role: give no --tenant", *role)
			}
			if u.Kind != identity.Operator {
				return errors.New("operating-centre roles go only to operator accounts (--kind operator)")
			}
			if args[0] == "revoke" {
				return errors.New("revoking operator roles: not supported from the command line yet; disable the account instead")
			}
			return a.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
				if err := a.Grants.AddOperatorRole(ctx, tx, access.OperatorRole{UserID: u.ID, Role: *role, GrantedBy: cliActor, GrantedAt: a.Now().UTC()}); err != nil {
					return err
				}
				_, err := audit.Append(ctx, tx, db.OperatingCentre, audit.Event{Action: "operator_role.create", ObjectType: "user",
					ObjectID: u.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"role": *role}}, a.Now())
				if err == nil {
					fmt.Fprintf(out, "granted %s to %s\n", *role, u.Username)
				}
				return err
			})
		}
		svc := a.accessService()
		req := access.GrantRequest{Tenant: db.TenantID(*tenant), User: u.ID, Role: *role}
		if args[0] == "grant" {
			err = svc.Grant(ctx, nil, req)
		} else {
			err = svc.Revoke(ctx, nil, req)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%sed %s on %s for %s\n", strings.TrimSuffix(args[0], "e"), *role, *tenant, u.Username)
		return nil
	case "reset-password":
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		u, err := a.Identity.Users.ByUsername(ctx, *username)
		if err != nil {
			return fmt.Errorf("no user %q", *username)
		}
		pw := identity.TemporaryPassword()
		err = a.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
			if err := a.Identity.SetPassword(ctx, tx, &u, pw, true); err != nil {
				return err
			}
			u.SessionEpoch++
			if err := a.Identity.Users.Update(ctx, tx, &u, "session_epoch"); err != nil {
				return err
			}
			_, err := audit.Append(ctx, tx, db.OperatingCentre, audit.Event{Action: "user.reset_password", ObjectType: "user",
				ObjectID: u.ID.String(), Result: audit.ResultOK}, a.Now())
			return err
		})
		if err != nil {
			return printProblems(err)
		}
		fmt.Fprintf(out, "new temporary password for %s (sessions ended, lock lifted): %s\n", u.Username, pw)
		return nil
	default:
		return usagef("user: unknown subcommand %q (create, grant, revoke, reset-password)", args[0])
	}
}

func (a *App) accessService() *access.Service {
	return &access.Service{DB: a.DB, Store: a.Grants, Registry: a.Registry, Now: a.Now}
}

func cmdToken(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 {
		return usagef("token: say create or revoke")
	}
	fs := newFlags("token " + args[0])
	switch args[0] {
	case "create":
		username := fs.String("username", "", "the user the token acts as")
		tenant := fs.String("tenant", "", "KSH code of the municipality the token acts for")
		name := fs.String("name", "", "what the token is for, e.g. \"warehouse feed\"")
		ttl := fs.Duration("ttl", 90*24*time.Hour, "lifetime; 0 for none")
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		u, err := a.Identity.Users.ByUsername(ctx, *username)
		if err != nil {
			return fmt.Errorf("no user %q", *username)
		}
		grants, err := a.Grants.GrantMap(ctx, u.ID)
		if err != nil {
			return err
		}
		t := db.TenantID(*tenant)
		if _, ok := grants[t]; !ok {
			return fmt.Errorf("%s holds no role on %q: a token acts with its owner's rights there, so it would have none", u.Username, *tenant)
		}
		var plain string
		err = a.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			var tok identity.APIToken
			plain, tok, err = a.Identity.CreateToken(ctx, tx, u.ID, t, *name, *ttl)
			if err != nil {
				return err
			}
			return identity.AuditToken(ctx, tx, "api_token.create", tok, a.Now())
		})
		if err != nil {
			return printProblems(err)
		}
		fmt.Fprintln(out, plain)
		fmt.Fprintln(os.Stderr, "This is the only time the token is shown. Use it as: Authorization: Bearer <token>")
		return nil
	case "revoke":
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		if fs.NArg() != 1 {
			return usagef("token revoke: give the token id (the part after asp_, before the next _) or the whole token")
		}
		id := fs.Arg(0)
		if pid, _, err := identity.ParseAPIToken(id); err == nil {
			id = pid
		}
		var tok identity.APIToken
		err = a.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			tok, err = a.Identity.RevokeToken(ctx, tx, id)
			return err
		})
		if err != nil {
			return fmt.Errorf("token %s: %w", id, err)
		}
		err = a.DB.InTenant(ctx, tok.TenantID, func(ctx context.Context, tx bun.Tx) error {
			return identity.AuditToken(ctx, tx, "api_token.revoke", tok, a.Now())
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "revoked token %s (%s)\n", tok.ID, tok.Name)
		return nil
	default:
		return usagef("token: unknown subcommand %q (create, revoke)", args[0])
	}
}

func cmdAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("audit: say verify")
	}
	fs := newFlags("audit verify")
	tenant := fs.String("tenant", "", "only this tenant's chain (KSH code, or \"centre\")")
	a, err := openFor(ctx, fs, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	var ids []db.TenantID
	if *tenant != "" {
		ids = []db.TenantID{db.TenantID(*tenant)}
	} else {
		all, err := a.Tenants.IDs(ctx)
		if err != nil {
			return err
		}
		ids = append([]db.TenantID{db.OperatingCentre}, all...)
	}
	// Progress on a terminal; a log line at the end otherwise.
	tty := isTerminal(os.Stderr)
	progress := func(done, total int) {
		if tty && (done%100 == 0 || done == total) {
			fmt.Fprintf(os.Stderr, "\rchecked %d of %d chains", done, total)
		}
	}
	start := time.Now()
	reports, err := audit.VerifyAll(ctx, a.DB, ids, progress)
	if tty {
		fmt.Fprintln(os.Stderr)
	}
	a.Log.Info("audit verify", "chains", len(ids), "took", time.Since(start).Round(time.Millisecond))
	if err != nil {
		return err
	}
	bad, entries := 0, 0
	for _, r := range reports {
		entries += r.Entries
		if r.OK() {
			continue
		}
		bad++
		fmt.Fprintf(out, "chain %s: %d entries, %d problems\n", r.Tenant, r.Entries, len(r.Problems)+r.Omitted)
		for _, p := range r.Problems {
			fmt.Fprintf(out, "  seq %d: %s: %s\n", p.Seq, p.Kind, p.EN)
		}
	}
	fmt.Fprintf(out, "%d chains, %d entries checked; %d chains with problems\n", len(reports), entries, bad)
	if bad > 0 {
		return errors.New("the audit log has been tampered with or damaged")
	}
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
