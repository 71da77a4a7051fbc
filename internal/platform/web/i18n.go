package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

// Languages the interface speaks; Hungarian first.
const (
	Hungarian = "hu"
	English   = "en"
)

// Languages lists the supported languages, the default first.
var Languages = []string{Hungarian, English}

//go:embed i18n/*.json
var platformCatalogs embed.FS

// Catalog holds the translated messages of every package, by language and
// key. Messages use fmt verbs for their arguments. Keys are dotted,
// package first: "login.title", "records.register.title".
type Catalog struct {
	mu   sync.RWMutex
	msgs map[string]map[string]string
}

// NewCatalog returns a catalog with the platform's own messages.
func NewCatalog() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	if err := c.Load(platformCatalogs, "i18n"); err != nil {
		return nil, err
	}
	return c, nil
}

// Load adds the messages of dir/<lang>.json files in fsys. A key defined
// twice is an error, so packages cannot silently override each other.
func (c *Catalog) Load(fsys fs.FS, dir string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, lang := range Languages {
		b, err := fs.ReadFile(fsys, path.Join(dir, lang+".json"))
		if err != nil {
			return fmt.Errorf("catalog %s/%s: %w", dir, lang, err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("catalog %s/%s.json: %w", dir, lang, err)
		}
		if c.msgs[lang] == nil {
			c.msgs[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return fmt.Errorf("catalog %s/%s.json: key %q defined twice", dir, lang, k)
			}
			c.msgs[lang][k] = v
		}
	}
	return nil
}

// T translates key into lang, formatting args into it. A missing key
// shows as the key itself, so a gap is visible rather than blank (and a
// test checks that every key exists in every language).
func (c *Catalog) T(lang, key string, args ...any) string {
	c.mu.RLock()
	msg, ok := c.msgs[lang][key]
	if !ok {
		msg, ok = c.msgs[Hungarian][key]
	}
	c.mu.RUnlock()
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys returns every key of lang.
func (c *Catalog) Keys(lang string) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	return keys
}

// LangCookie remembers a visitor's choice of language.
const LangCookie = "asp_lang"

// RequestLang picks the language of a request: an explicit choice (cookie)
// first, then the browser's Accept-Language, then Hungarian.
func RequestLang(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil && validLang(c.Value) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		base := strings.SplitN(tag, "-", 2)[0]
		if validLang(base) {
			return base
		}
	}
	return Hungarian
}

func validLang(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}
