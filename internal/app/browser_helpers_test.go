package app

// Helpers for the tests that drive a real browser (browser_test.go): one
// headless Chromium for the whole package, started on first use, and a tab
// per test in a browser context of its own, so the tests share no cookies.

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/openasp-hu/asp/internal/platform/identity"
)

const (
	// browserTestTimeout bounds each browser test (each tab).
	browserTestTimeout = 60 * time.Second
	// The window the pages are looked at in, and the narrow one of the
	// reflow check (WCAG 1.4.10: 320 CSS pixels without scrolling sideways).
	browserWidth, browserHeight = 1280, 900
	reflowWidth                 = 320
	// axePath is axe-core, vendored for the tests only.
	axePath = "../platform/web/testdata/axe.min.js"
)

// chrome is the package's one browser, started by the first browser test
// and closed by TestMain.
var chrome struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab; new tabs derive from it
	cancel  func()
	dataDir string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chrome.cancel != nil {
		chrome.cancel()
	}
	if chrome.dataDir != "" {
		os.RemoveAll(chrome.dataDir)
	}
	os.Exit(code)
}

// chromiumPath is Debian's chromium, or "" when it is not installed.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// sharedBrowser returns the context of the package's browser. Without
// chromium the test is skipped, except on CI, where browser tests must run.
func sharedBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI must run the browser tests (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium); skipping the browser test")
	}
	chrome.once.Do(func() { chrome.err = startBrowser(path) })
	if chrome.err != nil {
		t.Fatalf("starting %s: %v", path, chrome.err)
	}
	return chrome.ctx
}

func startBrowser(path string) error {
	dir, err := os.MkdirTemp("", "asp-chromium-")
	if err != nil {
		return err
	}
	chrome.dataDir = dir
	var output syncBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(browserWidth, browserHeight),
		chromedp.CombinedOutput(&output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	chrome.ctx = ctx
	chrome.cancel = func() { cancelBrowser(); cancelAlloc() }

	// The first Do starts the browser and ties it to ctx, which has no
	// deadline; the start itself is bounded here.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(30 * time.Second):
		err = errors.New("the browser did not start within 30 s")
	}
	if err != nil {
		chrome.cancel()
		return fmt.Errorf("%w\n%s", err, output.String())
	}
	return nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tab is one browser tab on the test server, with cookies of its own.
type tab struct {
	t   *testing.T
	ctx context.Context
	srv *httptest.Server

	mu      sync.Mutex
	console []string // what the pages wrote to the console, and broken assets
}

// newTab opens a tab whose browser asks for lang (Accept-Language), with
// JavaScript on or off. A test fails when a page logged an error.
func newTab(t *testing.T, srv *httptest.Server, lang string, js bool) *tab {
	t.Helper()
	browser := sharedBrowser(t)
	deadline, cancelDeadline := context.WithTimeout(browser, browserTestTimeout)
	ctx, cancelTab := chromedp.NewContext(deadline, chromedp.WithNewBrowserContext())
	t.Cleanup(func() { cancelTab(); cancelDeadline() })
	tb := &tab{t: t, ctx: ctx, srv: srv}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(browserWidth, browserHeight)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		t.Fatal(err)
	}
	if !js {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, m := range tb.console {
			t.Errorf("browser console: %s", m)
		}
	})
	return tb
}

// record keeps the page's own errors: exceptions, console output and assets
// that failed to load. The documents' own 401, 404 and 422 answers are not
// errors of the page, so failed loads count only for /static/.
func (tb *tab) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil && ev.ExceptionDetails.Exception.Description != "" {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeDebug || ev.Type == runtime.ConsoleAPICalledTypeInfo {
			return
		}
		parts := []string{"console." + string(ev.Type) + ":"}
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		msg = strings.Join(parts, " ")
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level != cdplog.EntryLevelError && e.Level != cdplog.EntryLevelWarning {
			return
		}
		if e.Source == cdplog.EntrySourceNetwork && !strings.Contains(e.URL, "/static/") {
			return
		}
		msg = fmt.Sprintf("%s %s: %s %s", e.Source, e.Level, e.Text, e.URL)
	default:
		return
	}
	tb.mu.Lock()
	tb.console = append(tb.console, msg)
	tb.mu.Unlock()
}

func (tb *tab) fatal(what string, err error) {
	tb.t.Helper()
	if err != nil {
		tb.t.Fatalf("%s: %v (at %s)", what, err, tb.path())
	}
}

// open loads path and returns the HTTP status of the document it ends on.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	res, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(tb.srv.URL+path))
	tb.fatal("open "+path, err)
	return res.Status
}

// press clicks the element, waits for the page it leads to, and returns that
// page's HTTP status.
func (tb *tab) press(sel string) int64 {
	tb.t.Helper()
	res, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tb.fatal("press "+sel, err)
	return res.Status
}

// typeIn empties the field and types v into it, as a person would.
func (tb *tab) typeIn(sel, v string) {
	tb.t.Helper()
	tb.fatal("type in "+sel, chromedp.Do(tb.ctx,
		chromedp.Clear(chromedp.CSS(sel), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(sel), v, chromedp.NodeVisible)))
}

// click clicks the element matched by a Search selector (CSS, XPath or text),
// for actions that do not load a page.
func (tb *tab) click(search string) {
	tb.t.Helper()
	tb.fatal("click "+search, chromedp.Do(tb.ctx, chromedp.Click(search, chromedp.NodeVisible)))
}

// text is the visible text of the element.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	tb.fatal("text of "+sel, err)
	return strings.Join(strings.Fields(s), " ")
}

// texts is the text of every element that matches, or none.
func (tb *tab) texts(sel string) []string {
	tb.t.Helper()
	ids, err := chromedp.Run(tb.ctx, chromedp.QueryNodeIDs(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	tb.fatal("find "+sel, err)
	var out []string
	for _, id := range ids {
		s, err := chromedp.Run(tb.ctx, chromedp.TextContent(chromedp.NodeIDs{id}))
		tb.fatal("text of "+sel, err)
		out = append(out, strings.Join(strings.Fields(s), " "))
	}
	return out
}

// attr is an attribute of the first element that matches, and whether it
// is there.
func (tb *tab) attr(sel, name string) (string, bool) {
	tb.t.Helper()
	a, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	tb.fatal("attribute "+name+" of "+sel, err)
	return a.Value, a.Exists
}

// path is the path and query the tab shows.
func (tb *tab) path() string {
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	return u.RequestURI()
}

// wantPath fails the test unless the tab shows path (the query aside).
func (tb *tab) wantPath(want string) {
	tb.t.Helper()
	if got, _, _ := strings.Cut(tb.path(), "?"); got != want {
		tb.t.Fatalf("the browser is on %s, want %s", tb.path(), want)
	}
}

// shot saves a full-page PNG of the tab to ASP_SCREENSHOT_DIR, or to the
// test's temporary directory.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	tb.fatal("screenshot "+name, err)
	dir := os.Getenv("ASP_SCREENSHOT_DIR")
	if dir == "" {
		dir = tb.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	test := strings.NewReplacer("/", "-", " ", "_").Replace(strings.TrimPrefix(tb.t.Name(), "Test"))
	file := filepath.Join(dir, test+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot %s", file)
}

// login signs in through the form, with the second step when the account
// has one, and returns the status of the page it lands on.
func (tb *tab) login(l DemoLogin) int64 {
	tb.t.Helper()
	if p, _, _ := strings.Cut(tb.path(), "?"); p != "/login" {
		tb.open("/login")
	}
	tb.typeIn("#username", l.Username)
	tb.typeIn("#password", l.Password)
	status := tb.press(`form[action="/login"] button[type=submit]`)
	if l.TOTPSecret != "" {
		tb.wantPath("/login/totp")
		tb.totp(l.TOTPSecret)
		status = tb.press(`form[action="/login/totp"] button[type=submit]`)
	}
	return status
}

// totp types the current code of the authenticator app.
func (tb *tab) totp(secret string) {
	tb.t.Helper()
	code, err := identity.TOTPCode(secret, time.Now())
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.typeIn("#code", code)
}

// axeResult is the part of axe-core's result the tests need.
type axeResult struct {
	Violations []axeViolation `json:"violations"`
	Passes     int            `json:"passes"`     // rules that passed
	Incomplete []string       `json:"incomplete"` // rules a person must judge
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "axe %s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t%s  %s", strings.Join(n.Target, ", "), n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n\t\t%s", strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
	}
	return b.String()
}

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	return string(b), err
})

// axeRun is the audit: WCAG 2.0 and 2.1, levels A and AA.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => ({
    passes: r.passes.length,
    incomplete: r.incomplete.map(v => v.id + ' (' + v.nodes.length + ')'),
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact || '', help: v.help,
      nodes: v.nodes.map(n => ({
        target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
        html: n.html, summary: n.failureSummary || ''}))}))}))`

// axe runs axe-core on the page as it is now.
func (tb *tab) axe() axeResult {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatal(err)
	}
	// The vendored file is evaluated in the page by DevTools, which the
	// pages' Content-Security-Policy does not govern.
	tb.fatal("inject axe", chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](src)))
	res, err := chromedp.Run(tb.ctx, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	tb.fatal("axe.run", err)
	if res.Passes == 0 {
		tb.t.Fatalf("axe passed no rule at %s: it did not run", tb.path())
	}
	return res
}

// audit looks at the page as a checker and a person would: it saves a
// screenshot, runs axe-core on it, checks that it reflows to 320 CSS pixels
// without a horizontal scrollbar, and fails the test for each violation.
func (tb *tab) audit(name string) {
	tb.t.Helper()
	tb.shot(name)
	res := tb.axe()
	for _, v := range res.Violations {
		tb.t.Errorf("%s (%s): %s", name, tb.path(), v)
	}
	if len(res.Incomplete) > 0 {
		tb.t.Logf("%s: axe leaves to a person: %s", name, strings.Join(res.Incomplete, ", "))
	}

	// Reflow, WCAG 1.4.10, which axe cannot check.
	tb.fatal("narrow viewport", chromedp.Do(tb.ctx, chromedp.EmulateViewport(reflowWidth, browserHeight)))
	over, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(() => {
	  const w = document.documentElement.clientWidth;
	  if (document.documentElement.scrollWidth <= w) return [];
	  return [...document.body.querySelectorAll('*')]
	    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1; })
	    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
	    .slice(0, 5)
	    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).trim().split(/\s+/).join('.') : '') +
	      ' (right edge ' + Math.round(e.getBoundingClientRect().right) + 'px)');
	})()`))
	tb.fatal("reflow check", err)
	if len(over) > 0 {
		tb.t.Errorf("%s: at %d CSS px the page scrolls sideways (WCAG 1.4.10 reflow); too wide: %s", name, reflowWidth, strings.Join(over, "; "))
	}
	tb.shot(name + "-320px")
	// chromedp.ResetViewport leaves Chromium 156 at the narrow width.
	tb.fatal("desktop viewport", chromedp.Do(tb.ctx, chromedp.EmulateViewport(browserWidth, browserHeight)))
}

// jsEnabled tells whether the page's own script ran (init.js marks the body).
func (tb *tab) jsEnabled() bool {
	tb.t.Helper()
	class, _ := tb.attr("body", "class")
	return strings.Contains(" "+class+" ", " js-enabled ")
}
