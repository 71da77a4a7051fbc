package records

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		`C:\fakepath\Kérelem 2026.pdf`: "Kérelem 2026.pdf",
		"../../etc/passwd":             "passwd",
		"..":                           "",
		".bashrc":                      "bashrc",
		"a\x00b\nc.txt":                "abc.txt",
		"  szóközök  .pdf  ":           "szóközök  .pdf",
		"ke\u0301relem.pdf":            "kérelem.pdf", // decomposed (macOS) becomes one letter
		`a<b>c:"d"|e?f*.doc`:           "abcdef.doc",
		"jelentés.\u202Efdp.exe":       "jelentés.fdp.exe", // no right-to-left override
		"végén pont.":                  "végén pont",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("á", 300) + ".pdf"
	if got := cleanFileName(long); utf8.RuneCountInString(got) != 200 || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("long name: %d characters, %q…", utf8.RuneCountInString(got), got[len(got)-8:])
	}
}

func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"kérelem.pdf", `C:\x\y.doc`, "../..", "\u202E", strings.Repeat("ő", 250) + ".docx", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanFileName(s)
		if !utf8.ValidString(got) || strings.ContainsAny(got, "/\\\x00\"<>|?*:\n\r") || strings.HasPrefix(got, ".") || utf8.RuneCountInString(got) > 200 {
			t.Fatalf("cleanFileName(%q) = %q", s, got)
		}
		if cleanFileName(got) != got {
			t.Fatalf("not stable: %q → %q → %q", s, got, cleanFileName(got))
		}
		// The header built from it is well formed and names it.
		_, params, err := mime.ParseMediaType(contentDisposition(got))
		if got != "" && (err != nil || params["filename"] != got) {
			t.Fatalf("Content-Disposition for %q: %v %q", got, err, params["filename"])
		}
	})
}

func TestMediaType(t *testing.T) {
	zip := []byte("PK\x03\x04\x14\x00\x06\x00")
	for _, c := range []struct {
		name string
		head []byte
		want string
	}{
		{"kérelem.pdf", []byte("%PDF-1.4\n"), "application/pdf"},
		{"kérelem.docx", []byte("%PDF-1.4\n"), "application/pdf"}, // the content wins
		{"határozat.docx", zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"csomag.zip", zip, "application/zip"},
		{"régi.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), "application/msword"},
		{"aláírt.es3", []byte(`<?xml version="1.0"?><es:Dossier>`), "application/vnd.eszigno3+xml"},
		{"adat.csv", []byte("név;összeg\nKiss;100\n"), "text/csv"},
		{"ismeretlen.bin", []byte("\x00\x01\x02\x03"), "application/octet-stream"},
		{"kép.docx", []byte("\x89PNG\r\n\x1a\n"), "image/png"},
		{"oldal.txt", []byte("<html><script>alert(1)</script>"), "text/html; charset=utf-8"},
	} {
		if got := mediaType(c.name, c.head); got != c.want {
			t.Errorf("mediaType(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSizeText(t *testing.T) {
	for _, c := range []struct {
		n      int64
		hu, en string
	}{
		{1, "1 bájt", "1 bytes"},
		{1023, "1 023 bájt", "1 023 bytes"},
		{1536, "1,5 kB", "1.5 kB"},
		{50 << 20, "50,0 MB", "50.0 MB"},
		{3<<20 + 400<<10, "3,4 MB", "3.4 MB"},
		{5 << 30, "5,0 GB", "5.0 GB"},
	} {
		// Written with plain spaces here; the text has no-break ones.
		c.hu, c.en = strings.ReplaceAll(c.hu, " ", "\u00a0"), strings.ReplaceAll(c.en, " ", "\u00a0")
		if got := sizeText(c.n, "hu"); got != c.hu {
			t.Errorf("sizeText(%d, hu) = %q, want %q", c.n, got, c.hu)
		}
		if got := sizeText(c.n, "en"); got != c.en {
			t.Errorf("sizeText(%d, en) = %q, want %q", c.n, got, c.en)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	h := contentDisposition(`Kérelem "végleges"; 100%.pdf`)
	if !strings.HasPrefix(h, `attachment; filename="K_relem _v_gleges_; 100_.pdf"; filename*=UTF-8''K%C3%A9relem%20%22v%C3%A9gleges%22%3B%20100%25.pdf`) {
		t.Errorf("header %s", h)
	}
}
