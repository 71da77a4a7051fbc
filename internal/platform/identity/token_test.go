package identity

import (
	"crypto/sha256"
	"errors"
	"regexp"
	"strings"
	"testing"
)

var apiTokenForm = regexp.MustCompile(`^asp_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$`)

func TestNewAPIToken(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		plain, id, hash := NewAPIToken()
		if !apiTokenForm.MatchString(plain) {
			t.Fatalf("token %q has the wrong form", plain)
		}
		if seen[plain] || seen[id] {
			t.Fatal("token repeated")
		}
		seen[plain], seen[id] = true, true

		gotID, secret, err := ParseAPIToken(plain)
		if err != nil || gotID != id {
			t.Fatalf("ParseAPIToken(%q) = %q, %v; want id %q", plain, gotID, err, id)
		}
		if len(hash) != sha256.Size || strings.Contains(string(hash), secret) {
			t.Fatalf("bad hash %x", hash)
		}
		if !VerifyAPIToken(secret, hash) {
			t.Fatal("own secret does not verify")
		}
	}
}

func TestParseAPIToken(t *testing.T) {
	const id = "abcdefgh2345"
	const secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_-w8" // 32 bytes, canonical
	good := "asp_" + id + "_" + secret
	tests := []struct {
		name   string
		token  string
		wantOK bool
	}{
		{"valid", good, true},
		{"secret of underscores", "asp_" + id + "_" + "________________________________________0w8", true},
		{"secret starting with underscore", "asp_" + id + "_" + "_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true},
		{"empty", "", false},
		{"prefix only", "asp_", false},
		{"wrong prefix", "ASP_" + id + "_" + secret, false},
		{"other prefix", "ghp_" + id + "_" + secret, false},
		{"upper-case id", "asp_" + strings.ToUpper(id) + "_" + secret, false},
		{"id with 0 or 1", "asp_abcdefgh2301_" + secret, false},
		{"short id", "asp_abcdefgh234_A" + secret, false},
		{"missing separator", "asp_" + id + "x" + secret, false},
		{"secret too short", good[:len(good)-1], false},
		{"secret too long", good + "A", false},
		{"standard base64 in secret", "asp_" + id + "_" + strings.ReplaceAll(secret, "_", "/"), false},
		{"padding", "asp_" + id + "_" + secret[:42] + "=", false},
		{"non-canonical trailing bits", "asp_" + id + "_" + secret[:42] + "9", false},
		{"newline in secret", "asp_" + id + "_" + secret[:20] + "\n" + secret[21:], false},
		{"leading space", " " + good[:len(good)-1], false},
		{"Bearer prefix left in", "Bearer " + good, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotID, gotSecret, err := ParseAPIToken(tt.token)
			if tt.wantOK {
				if err != nil || gotID != tt.token[4:16] || gotSecret != tt.token[17:] {
					t.Fatalf("ParseAPIToken = %q, %q, %v", gotID, gotSecret, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidAPIToken) || gotID != "" || gotSecret != "" {
				t.Fatalf("ParseAPIToken = %q, %q, %v; want ErrInvalidAPIToken", gotID, gotSecret, err)
			}
		})
	}
}

func TestVerifyAPIToken(t *testing.T) {
	_, _, hash := NewAPIToken()
	plain, _, _ := NewAPIToken()
	_, otherSecret, _ := ParseAPIToken(plain)
	sum := sha256.Sum256([]byte("s3cret"))
	tests := []struct {
		name   string
		secret string
		hash   []byte
		want   bool
	}{
		{"match", "s3cret", sum[:], true},
		{"other secret", otherSecret, hash, false},
		{"empty secret", "", sum[:], false},
		{"nil hash", "s3cret", nil, false},
		{"truncated hash", "s3cret", sum[:16], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyAPIToken(tt.secret, tt.hash); got != tt.want {
				t.Fatalf("VerifyAPIToken = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzParseAPIToken(f *testing.F) {
	plain, _, _ := NewAPIToken()
	f.Add(plain)
	f.Add("")
	f.Add("asp_")
	f.Add("asp_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_-w8")
	f.Add("asp_abcdefgh2345_AAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAA_-w8")
	f.Fuzz(func(t *testing.T, token string) {
		id, secret, err := ParseAPIToken(token)
		if err != nil {
			if id != "" || secret != "" {
				t.Fatal("parts returned with an error")
			}
			return
		}
		// Whatever parses is exactly the canonical shape and rebuilds the
		// input.
		if !apiTokenForm.MatchString(token) || "asp_"+id+"_"+secret != token {
			t.Fatalf("accepted %q as id %q secret %q", token, id, secret)
		}
	})
}
