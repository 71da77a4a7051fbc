package identity

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// The RFC test secret, "12345678901234567890" in ASCII, base32-encoded.
var rfcSecret = totpBase32.EncodeToString([]byte("12345678901234567890"))

// RFC 4226 Appendix D: HOTP values for counters 0..9.
func TestHOTPRFC4226Vectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	key := []byte("12345678901234567890")
	for counter, w := range want {
		if got := hotp(key, uint64(counter), 6); got != w {
			t.Errorf("hotp(%d) = %s, want %s", counter, got, w)
		}
	}
}

// RFC 6238 Appendix B, SHA-1 rows (8 digits).
func TestTOTPRFC6238Vectors(t *testing.T) {
	tests := []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	key := []byte("12345678901234567890")
	for _, tt := range tests {
		step := totpStep(time.Unix(tt.unix, 0))
		if got := hotp(key, uint64(step), 8); got != tt.want {
			t.Errorf("T=%d: got %s, want %s", tt.unix, got, tt.want)
		}
		// The 6-digit code is the last six digits of the 8-digit one.
		code, err := TOTPCode(rfcSecret, time.Unix(tt.unix, 0))
		if err != nil || code != tt.want[2:] {
			t.Errorf("TOTPCode(T=%d) = %s, %v; want %s", tt.unix, code, err, tt.want[2:])
		}
	}
}

func TestTOTPStep(t *testing.T) {
	tests := []struct {
		unix int64
		want int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {-1, -1}, {-30, -1}, {-31, -2},
	}
	for _, tt := range tests {
		if got := totpStep(time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("totpStep(%d) = %d, want %d", tt.unix, got, tt.want)
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	now := time.Unix(1_750_000_005, 0) // 5 s into a step
	step := totpStep(now)
	codeAt := func(s int64) string { return hotp([]byte("12345678901234567890"), uint64(s), 6) }

	tests := []struct {
		name     string
		secret   string
		code     string
		lastUsed int64
		wantStep int64
		wantOK   bool
	}{
		{"current step", rfcSecret, codeAt(step), 0, step, true},
		{"previous step (drift)", rfcSecret, codeAt(step - 1), 0, step - 1, true},
		{"next step (drift)", rfcSecret, codeAt(step + 1), 0, step + 1, true},
		{"two steps old", rfcSecret, codeAt(step - 2), 0, 0, false},
		{"two steps ahead", rfcSecret, codeAt(step + 2), 0, 0, false},
		{"replay of the same step", rfcSecret, codeAt(step), step, 0, false},
		{"older code after a newer one was used", rfcSecret, codeAt(step - 1), step, 0, false},
		{"next code after current was used", rfcSecret, codeAt(step + 1), step, step + 1, true},
		{"previous step still unused", rfcSecret, codeAt(step - 1), step - 2, step - 1, true},
		{"spaces in code", rfcSecret, codeAt(step)[:3] + " " + codeAt(step)[3:], 0, step, true},
		{"lower-case secret", strings.ToLower(rfcSecret), codeAt(step), 0, step, true},
		{"padded secret", rfcSecret + "====", codeAt(step), 0, step, true},
		{"wrong code", rfcSecret, "000000", 0, 0, false},
		{"too short", rfcSecret, codeAt(step)[:5], 0, 0, false},
		{"too long", rfcSecret, codeAt(step) + "0", 0, 0, false},
		{"eight-digit form", rfcSecret, "00" + codeAt(step), 0, 0, false},
		{"non-digits", rfcSecret, "12a456", 0, 0, false},
		{"non-ASCII digits", rfcSecret, "١٢٣٤٥٦", 0, 0, false},
		{"empty code", rfcSecret, "", 0, 0, false},
		{"invalid secret", "not base32!", codeAt(step), 0, 0, false},
		{"secret too short", totpBase32.EncodeToString([]byte("short")), codeAt(step), 0, 0, false},
		{"empty secret", "", codeAt(step), 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := VerifyTOTP(tt.secret, tt.code, now, tt.lastUsed)
			if s != tt.wantStep || ok != tt.wantOK {
				t.Fatalf("VerifyTOTP = %d, %v; want %d, %v", s, ok, tt.wantStep, tt.wantOK)
			}
		})
	}
}

func TestVerifyTOTPReplayFlow(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Now()
	code, err := TOTPCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	step, ok := VerifyTOTP(secret, code, now, 0)
	if !ok {
		t.Fatal("fresh code rejected")
	}
	// The same code within the same 30 s, or a little later, is refused.
	for _, later := range []time.Duration{0, time.Second, 29 * time.Second, 45 * time.Second} {
		if _, ok := VerifyTOTP(secret, code, now.Add(later), step); ok {
			t.Fatalf("replay accepted %v later", later)
		}
	}
	// The next step's code is accepted once.
	next, _ := TOTPCode(secret, now.Add(30*time.Second))
	step2, ok := VerifyTOTP(secret, next, now.Add(30*time.Second), step)
	if !ok || step2 != step+1 {
		t.Fatalf("next code: %d, %v", step2, ok)
	}
}

func TestNewTOTPSecret(t *testing.T) {
	a, b := NewTOTPSecret(), NewTOTPSecret()
	if a == b {
		t.Fatal("secrets repeat")
	}
	if len(a) != 32 || strings.Contains(a, "=") || strings.ToUpper(a) != a {
		t.Fatalf("unexpected secret form %q", a)
	}
	key, err := decodeTOTPSecret(a)
	if err != nil || len(key) != 20 {
		t.Fatalf("decode: %d bytes, %v", len(key), err)
	}
}

func TestTOTPCodeErrors(t *testing.T) {
	if _, err := TOTPCode("!!", time.Now()); err == nil {
		t.Error("invalid secret accepted")
	}
	if _, err := TOTPCode(rfcSecret, time.Unix(-100, 0)); err == nil {
		t.Error("time before 1970 accepted")
	}
}

func TestTOTPURI(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	tests := []struct {
		name       string
		issuer     string
		account    string
		wantPrefix string
		wantLabel  string // decoded path without the leading "/"
		wantIssuer string
		wantNoPlus bool
	}{
		{
			name: "plain", issuer: "Példafalva Önkormányzat", account: "kovacs.janos@peldafalva.hu",
			wantPrefix: "otpauth://totp/P%C3%A9ldafalva%20%C3%96nkorm%C3%A1nyzat:kovacs.janos%40peldafalva.hu?secret=JBSWY3DPEHPK3PXP&issuer=",
			wantLabel:  "Példafalva Önkormányzat:kovacs.janos@peldafalva.hu", wantIssuer: "Példafalva Önkormányzat", wantNoPlus: true,
		},
		{
			name: "colon in issuer is escaped", issuer: "ASP: Teszt", account: "user",
			wantPrefix: "otpauth://totp/ASP%3A%20Teszt:user?", wantLabel: "ASP: Teszt:user", wantIssuer: "ASP: Teszt", wantNoPlus: true,
		},
		{
			name: "plus sign survives", issuer: "A+B", account: "x+y",
			wantPrefix: "otpauth://totp/A%2BB:x%2By?", wantLabel: "A+B:x+y", wantIssuer: "A+B",
		},
		{
			name: "no issuer", issuer: "", account: "user",
			wantPrefix: "otpauth://totp/user?secret=", wantLabel: "user", wantIssuer: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TOTPURI(tt.issuer, tt.account, secret)
			if !strings.HasPrefix(got, tt.wantPrefix) {
				t.Fatalf("TOTPURI = %q, want prefix %q", got, tt.wantPrefix)
			}
			if tt.wantNoPlus && strings.Contains(got, "+") {
				t.Fatalf("space encoded as + in %q", got)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if u.Scheme != "otpauth" || u.Host != "totp" || strings.TrimPrefix(u.Path, "/") != tt.wantLabel {
				t.Fatalf("parsed %q %q %q", u.Scheme, u.Host, u.Path)
			}
			if q.Get("secret") != secret || q.Get("issuer") != tt.wantIssuer ||
				q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
				t.Fatalf("query %v", q)
			}
		})
	}
}

func FuzzVerifyTOTP(f *testing.F) {
	f.Add(rfcSecret, "287082", int64(59), int64(0))
	f.Add("", "", int64(0), int64(-1))
	f.Add("jbswy3dpehpk3pxp====", "12 34 56", int64(-100), int64(1<<62))
	f.Fuzz(func(t *testing.T, secret, code string, unix, lastUsed int64) {
		step, ok := VerifyTOTP(secret, code, time.Unix(unix, 0), lastUsed)
		if ok && step <= lastUsed {
			t.Fatalf("accepted step %d <= lastUsed %d", step, lastUsed)
		}
		if !ok && step != 0 {
			t.Fatalf("rejected but step %d", step)
		}
	})
}

func BenchmarkTOTPVerify(b *testing.B) {
	secret := NewTOTPSecret()
	now := time.Now()
	code, _ := TOTPCode(secret, now)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := VerifyTOTP(secret, code, now, 0); !ok {
			b.Fatal("rejected")
		}
	}
}
