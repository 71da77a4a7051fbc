package app

// Tests in a real browser (headless Chromium, see browser_helpers_test.go):
// what a clerk does, with JavaScript and without it, and an accessibility
// audit (axe-core, WCAG 2.1 A and AA) of the key pages. Screenshots go to
// ASP_SCREENSHOT_DIR when it is set.

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowserClerkSignsInSwitchesTenantAndLanguage(t *testing.T) {
	clerkJourney(t, true)
}

// The service must work without JavaScript: signing in, choosing the
// municipality, the language and signing out are plain forms.
func TestBrowserWorksWithoutJavaScript(t *testing.T) {
	clerkJourney(t, false)
}

func clerkJourney(t *testing.T, js bool) {
	srv := newServer(t, demoApp(t))
	tb := newTab(t, srv, "hu", js)
	clerk := demoLogin(t, "ugyintezo")

	// Not signed in: the home page sends her to the login page.
	if st := tb.open("/"); st != http.StatusOK {
		t.Fatalf("home page, anonymous: %d", st)
	}
	tb.wantPath("/login")
	if got := tb.jsEnabled(); got != js {
		t.Fatalf("the page's script ran: %v, want %v", got, js)
	}
	if got, _ := tb.attr("html", "lang"); got != "hu" {
		t.Errorf("html lang = %q, want hu", got)
	}
	if h := tb.text("h1"); h != "Bejelentkezés" {
		t.Errorf("login heading = %q", h)
	}
	tb.shot("login")

	tb.typeIn("#username", clerk.Username)
	tb.typeIn("#password", clerk.Password)
	if st := tb.press(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("after signing in: %d", st)
	}

	// A clerk of three municipalities chooses one.
	tb.wantPath("/tenants/switch")
	if h := tb.text("h1"); h != "Melyik önkormányzat nevében dolgozik?" {
		t.Errorf("switcher heading = %q", h)
	}
	labels := strings.Join(tb.texts(".govuk-radios__label"), " | ")
	for _, want := range []string{"Orfű", "Abaliget", "Husztót"} {
		if !strings.Contains(labels, want) {
			t.Errorf("the switcher lacks %s: %s", want, labels)
		}
	}
	if strings.Contains(labels, "Kovácsszénája") {
		t.Errorf("the switcher lists a municipality she has no grant on: %s", labels)
	}
	tb.shot("switcher")
	// The first municipality comes chosen; she picks another and back, by
	// the labels, as a person does.
	tb.click(`//label[contains(normalize-space(.), "Orfű")]`)
	if got := tb.texts(".govuk-radios__input:checked + label"); len(got) != 1 || !strings.HasPrefix(got[0], "Orfű") {
		t.Fatalf("after clicking Orfű the chosen one is %q", got)
	}
	tb.click(`//label[contains(normalize-space(.), "Abaliget")]`)
	if got := tb.texts(".govuk-radios__input:checked + label"); len(got) != 1 || !strings.HasPrefix(got[0], "Abaliget") {
		t.Fatalf("after clicking Abaliget the chosen one is %q", got)
	}
	if st := tb.press(`form[action="/tenants/switch"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("after switching: %d", st)
	}

	// The dashboard, for Abaliget.
	tb.wantPath("/")
	if got := tb.text("[data-testid=current-tenant]"); got != "Abaliget" {
		t.Errorf("header tenant = %q, want Abaliget", got)
	}
	if h := tb.text("h1"); h != "Üdvözöljük, Kovács Anna!" {
		t.Errorf("dashboard heading = %q", h)
	}
	menu := tb.texts(".govuk-service-navigation__link")
	if !slices.Contains(menu, "Felhasználók") || slices.Contains(menu, "Napló") {
		t.Errorf("menu of a local IT clerk = %q", menu)
	}
	tb.shot("dashboard-hu")

	// The footer switches to English and stays on the page.
	lang := `footer form[action="/lang"] button[type=submit]`
	if got := tb.text(lang); got != "English" {
		t.Errorf("language button = %q", got)
	}
	if st := tb.press(lang); st != http.StatusOK {
		t.Fatalf("after choosing English: %d", st)
	}
	tb.wantPath("/")
	if got, _ := tb.attr("html", "lang"); got != "en" {
		t.Errorf("html lang after choosing English = %q", got)
	}
	if h := tb.text("h1"); h != "Welcome, Kovács Anna!" {
		t.Errorf("English dashboard heading = %q", h)
	}
	if menu := tb.texts(".govuk-service-navigation__link"); !slices.Equal(menu, []string{"Home", "Records", "My cases", "Local taxes", "Tax decrees", "Declarations", "Users", "Your account"}) {
		t.Errorf("English menu = %q", menu)
	}
	if got := tb.text("[data-testid=current-tenant]"); got != "Abaliget" {
		t.Errorf("header tenant after the language switch = %q", got)
	}
	if got := tb.text(lang); got != "Magyar" {
		t.Errorf("language button in English = %q", got)
	}
	tb.shot("dashboard-en")

	// Signing out ends the session; the choice of language stays.
	logout := `header form[action="/logout"] button[type=submit]`
	if got := tb.text(logout); got != "Sign out" {
		t.Errorf("sign-out button = %q", got)
	}
	tb.press(logout)
	tb.wantPath("/login")
	if h := tb.text("h1"); h != "Sign in" {
		t.Errorf("login heading after signing out = %q", h)
	}
	tb.shot("signed-out")
	tb.open("/account")
	tb.wantPath("/login")
}

// Each key page passes axe-core's WCAG 2.0/2.1 A and AA rules and reflows
// to 320 CSS pixels.
func TestBrowserAccessibility(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)

	t.Run("clerk", func(t *testing.T) {
		tb := newTab(t, srv, "hu", true)
		tb.open("/login")
		tb.audit("login-hu")

		tb.typeIn("#username", "ugyintezo")
		tb.typeIn("#password", "wrong-password-1")
		if st := tb.press(`form[action="/login"] button[type=submit]`); st != http.StatusUnauthorized {
			t.Errorf("wrong password: %d", st)
		}
		if got := tb.text(".govuk-error-summary__title"); got != "Hiba történt" {
			t.Errorf("error summary title = %q", got)
		}
		tb.audit("login-error-hu")

		if st := tb.login(demoLogin(t, "ugyintezo")); st != http.StatusOK {
			t.Fatalf("login: %d", st)
		}
		tb.wantPath("/tenants/switch")
		tb.audit("switcher")

		tb.click(`//label[contains(normalize-space(.), "Abaliget")]`)
		tb.press(`form[action="/tenants/switch"] button[type=submit]`)
		if got := tb.text("[data-testid=current-tenant]"); got != "Abaliget" {
			t.Fatalf("header tenant = %q", got)
		}
		tb.audit("dashboard-clerk")

		if st := tb.open("/account"); st != http.StatusOK {
			t.Fatalf("account: %d", st)
		}
		tb.audit("account")

		// IRAT: the registration book, the form, a refused form and the
		// registered document.
		if st := tb.open("/records"); st != http.StatusOK {
			t.Fatalf("records: %d", st)
		}
		tb.audit("records-book")
		tb.open("/records/new")
		tb.audit("records-new")
		tb.press(`form[action="/records"] button[type=submit]`) // no subject
		tb.audit("records-new-error")
		tb.typeIn("#subject", "Fakivágási kérelem")
		tb.typeIn("#partner", "Szabó Ilona")
		if st := tb.press(`form[action="/records"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("register: %d", st)
		}
		if got := tb.text("[data-testid=number]"); !strings.HasPrefix(got, "1-1/") {
			t.Errorf("registered number = %q", got)
		}
		tb.audit("records-document")
		tb.typeIn("#code", "X999")
		tb.press(`form[action$="/classify"] button[type=submit]`)
		tb.audit("records-filing-error")
		tb.open(strings.TrimSuffix(tb.path(), "/classify"))
		tb.attachAndSearch()
		tb.open("/records/fileplan")
		tb.audit("records-fileplan")
		tb.open("/records/arrivals")
		tb.audit("records-arrivals")
		tb.open("/records/inbox")
		tb.audit("records-inbox")
		tb.open("/tax/interest?amount=150000&due=2025-09-15&paid=2025-11-14")
		tb.audit("tax-interest")
		tb.open("/tax/interest?amount=x&due=2025-09-15&paid=2025-11-14")
		tb.audit("tax-interest-error")
		tb.open("/tax/taxpayers")
		tb.audit("tax-taxpayers")
		tb.click(`//summary[contains(normalize-space(.), "Új adózó")]`)
		tb.typeIn("#tax_id", "8123456786")
		tb.typeIn("#name", "Kovács Ödön")
		if st := tb.press(`form[method=post][action="/tax/taxpayers"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("create taxpayer: %d", st)
		}
		tb.audit("tax-taxpayer")
		tb.open("/tax/payments")
		tb.audit("tax-payments")

		if st := tb.open("/nincs-ilyen-oldal"); st != http.StatusNotFound {
			t.Errorf("unknown page: %d", st)
		}
		if h := tb.text("h1"); h != "Az oldal nem található" {
			t.Errorf("404 heading = %q", h)
		}
		tb.audit("not-found")
	})

	t.Run("english", func(t *testing.T) {
		tb := newTab(t, srv, "en", true)
		tb.open("/login")
		if h := tb.text("h1"); h != "Sign in" {
			t.Errorf("English login heading = %q", h)
		}
		tb.audit("login-en")
		tb.press(`form[action="/login"] button[type=submit]`) // empty form
		if got := tb.text(".govuk-error-summary__title"); got != "There is a problem" {
			t.Errorf("error summary title = %q", got)
		}
		tb.audit("login-error-en")
	})

	t.Run("key-user", func(t *testing.T) {
		tb := newTab(t, srv, "hu", true)
		ku := demoLogin(t, "kulcs.orfu")
		tb.open("/login")
		tb.typeIn("#username", ku.Username)
		tb.typeIn("#password", ku.Password)
		tb.press(`form[action="/login"] button[type=submit]`)
		tb.wantPath("/login/totp")
		if h := tb.text("h1"); h != "Második azonosítási lépés" {
			t.Errorf("TOTP heading = %q", h)
		}
		tb.audit("totp")
	})

	// IRAT szignálás: the document page with the assignment form open, the
	// overview with bulk assignment, the case types with a refused form.
	t.Run("head-of-records", func(t *testing.T) {
		tb := newTab(t, srv, "hu", true)
		if st := tb.login(demoLogin(t, "kulcs.orfu")); st != http.StatusOK {
			t.Fatalf("login: %d", st)
		}
		tb.open("/records/new")
		tb.typeIn("#subject", "Építési engedély kérelem")
		if st := tb.press(`form[action="/records"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("register: %d", st)
		}
		tb.click(`//summary[contains(normalize-space(.), "Szignálás")]`)
		tb.audit("records-document-assign")
		tb.press(`form[action$="/assignments"] button[type=submit]`) // nobody chosen
		tb.audit("records-assign-error")
		tb.open("/records/inbox?view=all")
		tb.audit("records-inbox-all")
		tb.open("/records/case-types")
		tb.audit("records-case-types")
		tb.press(`form[action="/records/case-types"] button[type=submit]`) // empty
		tb.audit("records-case-types-error")

		// The outgoing workflow: a draft, sent straight to the signer
		// (himself), signed off, then dispatched.
		head, _ := app.Identity.Users.ByUsername(context.Background(), "kulcs.orfu")
		tb.open("/records")
		tb.press(`a[href^="/records/documents/"]`)
		tb.click(`//summary[contains(normalize-space(.), "Új kiadmány-tervezet")]`)
		tb.typeIn("#subject", "Építési engedély")
		tb.typeIn("#addressee", "Kovács Ödön")
		if st := tb.press(`form[action$="/drafts"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("create draft: %d", st)
		}
		tb.audit("records-draft")
		tb.fatal("choose signer", chromedp.Do(tb.ctx, chromedp.SetValue(chromedp.CSS("#signer"), head.ID.String())))
		tb.press(`form[action$="/submit"] button[type=submit]`)
		tb.audit("records-draft-to-sign")
		tb.press(`form[action$="/sign"] button[type=submit]`)
		tb.press(`[data-testid=registered]`)
		tb.click(`//summary[contains(normalize-space(.), "Expediálás")]`)
		tb.audit("records-document-dispatch")
		tb.press(`form[action$="/dispatches"] button[type=submit]`) // post without address
		tb.audit("records-dispatch-error")
		tb.press(`[data-testid=case-cover]`)
		tb.audit("records-case-cover")
		tb.open("/records/settings")
		tb.audit("records-settings")
		tb.open("/records/dispatch")
		tb.audit("records-dispatch-list")

		// The irattár: disposal list with a refused approval, transfer.
		oldCases(t, app, "11730")
		tb.open("/records/disposal")
		tb.audit("records-disposal")
		tb.press(`form[method=post][action="/records/disposal"] button[type=submit]`)
		tb.audit("records-disposal-list")
		tb.press(`form[action$="/send"] button[type=submit]`)
		tb.typeIn("#archive_ref", "")
		tb.press(`form[action$="/approve"] button[type=submit]`)
		tb.audit("records-disposal-approve-error")
		tb.open("/records/transfer?year=2011")
		tb.audit("records-transfer")

		// ADÓ: a tax decree refused above the cap, then recorded.
		tb.open("/tax/decrees/new")
		tb.audit("tax-decree-form")
		tb.typeIn("#number", "12/2026. (XI. 28.)")
		tb.typeIn("#title", "a helyi adókról")
		tb.typeIn("#adopted_on", "2026-11-28")
		tb.typeIn("#effective_from", "2027-01-01")
		tb.typeIn("#tax_year", "2027")
		tb.fatal("choose tax", chromedp.Do(tb.ctx, chromedp.SetValue(chromedp.CSS("#rate1_tax_type"), "epitmenyado/m2")))
		tb.typeIn("#rate1_rate", "5000")
		if st := tb.press(`form[action="/tax/decrees"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			t.Fatalf("decree above the cap: %d", st)
		}
		tb.audit("tax-decree-error")
		tb.typeIn("#rate1_rate", "1000")
		if st := tb.press(`form[action="/tax/decrees"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("record decree: %d", st)
		}
		tb.audit("tax-decree")
		tb.open("/tax/decrees?year=2027")
		tb.audit("tax-decrees")
	})

	t.Run("operator", func(t *testing.T) {
		tb := newTab(t, srv, "hu", true)
		if st := tb.login(demoLogin(t, "uzemelteto")); st != http.StatusOK {
			t.Fatalf("operator login: %d", st)
		}
		tb.wantPath("/")
		tb.audit("dashboard-operator")
	})
}

// The checks must be able to fail: axe reports a field that loses its
// label, and the tab reports what a page writes to the console.
func TestBrowserChecksCanFail(t *testing.T) {
	tb := newTab(t, newServer(t, demoApp(t)), "hu", true)
	tb.open("/login")
	if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('label[for=username]').remove()`)); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range tb.axe().Violations {
		ids = append(ids, v.ID)
	}
	if !slices.Contains(ids, "label") {
		t.Errorf("axe did not report the unlabelled field; violations: %q", ids)
	}

	if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](`console.error('probe')`)); err != nil {
		t.Fatal(err)
	}
	// The console events come asynchronously; give them a moment.
	deadline := time.Now().Add(5 * time.Second)
	for {
		tb.mu.Lock()
		got := slices.Clone(tb.console)
		tb.console = nil
		tb.mu.Unlock()
		if slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "probe") }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tab did not see console.error; saw %q", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
