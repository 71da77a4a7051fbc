package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
)

//go:embed templates/*.html
var platformTemplates embed.FS

// Shell is what the layout shows around every page: who is logged in, for
// which municipality, which others she may switch to, and the menu of
// what her roles allow. The app computes it per request (ShellFunc).
type Shell struct {
	LoggedIn   bool
	UserName   string
	TenantID   string
	TenantName string
	Tenants    []TenantChoice
	Menu       []MenuItem
}

// CanSwitch reports whether there is another tenant to switch to.
func (s Shell) CanSwitch() bool { return len(s.Tenants) > 1 }

// TenantChoice is one entry of the tenant switcher.
type TenantChoice struct {
	ID, Name string
	Current  bool
}

// MenuItem is one link of the module menu; Label is a catalog key, Text
// its translation (filled by NewPage).
type MenuItem struct {
	Label, Href string
	Text        string
	Active      bool
}

// Page is the data every template gets: {{.T "key"}} translates, .Data
// holds the page's own values.
type Page struct {
	Lang      string
	Title     string
	Shell     Shell
	Data      any
	Form      *Form
	Flash     string
	Path      string
	RequestID string
	cat       *Catalog
}

// T translates a catalog key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// OtherLang is the language the switch in the header offers.
func (p *Page) OtherLang() string {
	if p.Lang == Hungarian {
		return English
	}
	return Hungarian
}

// Form carries submitted values and their errors back into a page.
type Form struct {
	Values map[string]string
	Errors []FieldError
}

// FieldError is one problem with one field; Message is already translated.
type FieldError struct {
	Field, Message string
}

// Value returns a submitted value.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Error returns the message for a field, or "".
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	for _, e := range f.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// Renderer renders pages inside the layout.
type Renderer struct {
	Catalog *Catalog
	Log     *slog.Logger
	// ShellFunc computes the layout's shell for a request; nil shows an
	// anonymous shell.
	ShellFunc func(r *http.Request) Shell

	mu    sync.RWMutex
	pages map[string]*template.Template // by "lang/prefix/name"
	bases map[string]*template.Template // the layout, by language
}

// NewRenderer parses the layout and the platform's own pages. The catalog
// must hold the platform's messages (NewCatalog does).
func NewRenderer(cat *Catalog, log *slog.Logger) (*Renderer, error) {
	src, err := fs.ReadFile(platformTemplates, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{Catalog: cat, Log: log, pages: map[string]*template.Template{}, bases: map[string]*template.Template{}}
	for _, lang := range Languages {
		baked, err := r.bake(lang, string(src))
		if err != nil {
			return nil, fmt.Errorf("layout: %w", err)
		}
		base, err := template.New("layout.html").Funcs(r.funcsFor(lang)).Parse(baked)
		if err != nil {
			return nil, fmt.Errorf("layout: %w", err)
		}
		r.bases[lang] = base
	}
	if err := r.Register("web", platformTemplates, "templates"); err != nil {
		return nil, err
	}
	return r, nil
}

var funcs = template.FuncMap{
	"join": strings.Join,
	// split cuts a string: {{split "a|b" "|"}}.
	"split": strings.Split,
	// list makes a list in a template: {{range list "a" "b"}}.
	"list": func(xs ...string) []string { return xs },
	// local shows a stored (UTC) time as Budapest time: {{local .At}}; a
	// hu.Date as it is.
	"local": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return t.In(hu.Budapest()).Format("2006-01-02 15:04")
		case *time.Time:
			if t != nil {
				return t.In(hu.Budapest()).Format("2006-01-02 15:04")
			}
		case hu.Date: // a civil date has no zone to convert
			if !t.IsZero() {
				return t.String()
			}
		case *hu.Date:
			if t != nil && !t.IsZero() {
				return t.String()
			}
		}
		return ""
	},
	// num groups a count's thousands: {{num .Population}} → "4 416".
	"num": func(n any) string {
		switch x := n.(type) {
		case int:
			return hu.GroupDigits(int64(x))
		case int64:
			return hu.GroupDigits(x)
		}
		return fmt.Sprint(n)
	},
}

// funcsFor returns the template functions of one language: t translates a
// catalog key ({{t "key"}}, {{t .Label}}, {{t "key" .Arg}}).
func (r *Renderer) funcsFor(lang string) template.FuncMap {
	m := template.FuncMap{"t": func(key string, args ...any) string { return r.Catalog.T(lang, key, args...) }}
	for k, v := range funcs {
		m[k] = v
	}
	return m
}

// constT matches a translation of a constant key with no arguments.
var constT = regexp.MustCompile(`\{\{t "([A-Za-z0-9_.\-]+)"\}\}`)

// bake writes the translations of constant keys into a template's source,
// so each language's pages carry their fixed texts as plain text and a
// page view spends no function call on them. (Every action in an
// html/template costs reflection calls; most of a page's are fixed
// labels.) The catalog of a package must be loaded before its templates
// are registered; the i18n tests check that every key exists.
func (r *Renderer) bake(lang, src string) (string, error) {
	var missing []string
	out := constT.ReplaceAllStringFunc(src, func(m string) string {
		key := constT.FindStringSubmatch(m)[1]
		if !r.Catalog.Has(lang, key) {
			missing = append(missing, key)
			return m
		}
		tr := r.Catalog.T(lang, key)
		if strings.Contains(tr, "{{") {
			return m
		}
		return html.EscapeString(tr)
	})
	// The page's language is fixed per copy too.
	other := English
	if lang == English {
		other = Hungarian
	}
	out = strings.NewReplacer("{{.Lang}}", lang, "{{.OtherLang}}", other).Replace(out)
	if len(missing) > 0 {
		return "", fmt.Errorf("no %s text for %s (is the catalog loaded before the templates?)", lang, strings.Join(missing, ", "))
	}
	return out, nil
}

// Register parses every page in dir of fsys as "<prefix>/<name>" (the file
// name without .html), once per language. Each page defines "content".
// Files whose name starts with "_" are partials: parsed into every page of
// the prefix, not pages themselves. The layout itself is skipped.
func (r *Renderer) Register(prefix string, fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, path.Join(dir, "*.html"))
	if err != nil {
		return err
	}
	partials, err := fs.Glob(fsys, path.Join(dir, "_*.html"))
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range files {
		name := prefix + "/" + strings.TrimSuffix(path.Base(f), ".html")
		if name == "web/layout" || strings.HasPrefix(path.Base(f), "_") {
			continue
		}
		for _, lang := range Languages {
			t, err := r.bases[lang].Clone()
			if err != nil {
				return err
			}
			for _, file := range append([]string{f}, partials...) {
				src, err := fs.ReadFile(fsys, file)
				if err != nil {
					return err
				}
				baked, err := r.bake(lang, string(src))
				if err != nil {
					return fmt.Errorf("template %s: %w", file, err)
				}
				if _, err := t.New(path.Base(file)).Parse(baked); err != nil {
					return fmt.Errorf("template %s (%s): %w", name, file, err)
				}
			}
			if _, dup := r.pages[lang+"/"+name]; dup {
				return fmt.Errorf("template %s registered twice", name)
			}
			r.pages[lang+"/"+name] = t
		}
	}
	return nil
}

// NewPage prepares the data of a page for request r.
func (r *Renderer) NewPage(req *http.Request, titleKey string, data any) *Page {
	p := &Page{Lang: RequestLang(req), Data: data, Path: req.URL.Path, RequestID: RequestID(req.Context()), cat: r.Catalog}
	if r.ShellFunc != nil {
		p.Shell = r.ShellFunc(req)
		for i := range p.Shell.Menu {
			p.Shell.Menu[i].Text = p.T(p.Shell.Menu[i].Label)
		}
	}
	p.Title = p.T(titleKey)
	return p
}

// Render writes page name with status. The page is rendered to a buffer
// first, so a template error becomes a clean error page, not half a page.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, name string, p *Page) error {
	r.mu.RLock()
	t, ok := r.pages[p.Lang+"/"+name]
	r.mu.RUnlock()
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // a huge page's buffer is left to the GC
			buf.Reset()
			buffers.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout.html", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// buffers recycles the buffers pages are rendered into.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Page renders a page with status 200: the common case for handlers.
func (r *Renderer) Page(w http.ResponseWriter, req *http.Request, name, titleKey string, data any) error {
	return r.Render(w, req, http.StatusOK, name, r.NewPage(req, titleKey, data))
}
