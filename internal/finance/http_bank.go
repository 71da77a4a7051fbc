package finance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/web"
)

func (h *handlers) routesBank(rt *web.Router, read, post, manage []web.Middleware) {
	rt.Handle("GET /finance/entities/{entity}/bank", h.bank, read...)
	rt.Handle("POST /finance/entities/{entity}/bank/accounts", h.addBankAccount, manage...)
	rt.Handle("POST /finance/entities/{entity}/bank/statements", h.importBank, post...)
	rt.Handle("POST /finance/bank/entries/{bankentry}/resolve", h.resolveBankEntry, post...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/bank-accounts", h.apiBankAccounts, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/bank-accounts", h.apiAddBankAccount, manage...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/bank-statements", h.apiImportBank, post...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/bank-entries", h.apiBankEntries, read...)
	rt.Handle("POST /api/v1/finance/bank-entries/{bankentry}/resolve", h.apiResolveBankEntry, post...)
}

type bankData struct {
	Entity     Entity
	Accounts   []BankAccount
	Statements []BankStatement
	Waiting    []BankEntry
	Latest     []BankEntry
	Orders     []BankOrderView
	Result     *BankImportResult
	CanPost    bool
	CanManage  bool
	lang       string
}

// Reason names why an entry waits.
func (d bankData) Reason(r string) string { return bankReasonName(r, d.lang) }

// StatusName names an entry's status.
func (d bankData) StatusName(s string) string { return bankStatusName(s, d.lang) }

var bankReasonNames = map[string][2]string{
	BankReasonNoInvoice:     {"nem nevez meg nyitott kimenő számlát, és összeg + számlaszám alapján sem egyértelmű", "names no open outgoing invoice, and amount + account do not identify one"},
	BankReasonAmountDiffers: {"több, mint a megnevezett számla nyitott része", "more than the open part of the invoice it names"},
	BankReasonNoOrder:       {"nincs hozzá illő utalványozott kifizetés", "no payment order matches it"},
	BankReasonOtherYear:     {"más évi számlához vagy kötelezettségvállaláshoz illik", "matches an invoice or commitment of another year"},
	BankReasonReversal:      {"a bank sztornózott egy korábbi tételt", "the bank reversed an earlier entry"},
}

func bankReasonName(r, lang string) string {
	n, ok := bankReasonNames[r]
	if !ok {
		return r
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

func bankStatusName(s, lang string) string {
	n := map[string][2]string{BankMatched: {"automatikusan párosítva", "matched"}, BankUnmatched: {"kézi rendezésre vár", "waiting"}, BankResolved: {"kézzel rendezve", "resolved by hand"}}[s]
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

func (h *handlers) bank(w http.ResponseWriter, r *http.Request) error {
	return h.renderBank(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderBank(w http.ResponseWriter, r *http.Request, status int, form *web.Form, res *BankImportResult) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	d := bankData{Result: res, CanPost: p.Can(Post), CanManage: p.Can(Manage), lang: web.RequestLang(r)}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Accounts, err = BankAccounts(ctx, tx, id); err != nil {
			return err
		}
		if d.Statements, err = BankStatements(ctx, tx, id, 20); err != nil {
			return err
		}
		if d.Waiting, err = BankEntries(ctx, tx, id, BankUnmatched, 200); err != nil {
			return err
		}
		if d.Latest, err = BankEntries(ctx, tx, id, "", 50); err != nil {
			return err
		}
		d.Orders, err = BankOrders(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.bank.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/bank", page)
}

func (h *handlers) addBankAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.AddBankAccount(ctx, tx, id, r.PostFormValue("account"), r.PostFormValue("name"), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		return h.renderBank(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"account", "name"}, prob, web.RequestLang(r)), nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"/bank", http.StatusSeeOther)
	return nil
}

// parseBankFile reads a statement file; the parser's refusal (with the
// place of the fault) becomes a Problem.
func parseBankFile(f io.Reader) ([]bankstatement.Statement, error) {
	sts, err := bankstatement.Parse(f)
	var perr *bankstatement.Error
	if errors.As(err, &perr) {
		return nil, &Problem{Code: "bad_statement", Field: "file", HU: perr.Message("hu"), EN: perr.Message("en")}
	}
	return sts, err
}

func (h *handlers) importBank(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	// The entity first: another tenant's id is not found whatever the
	// upload holds.
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, bankstatement.MaxFileSize+1<<20)
	var res BankImportResult
	file, _, ferr := r.FormFile("file")
	if ferr != nil {
		err = problem("no_file", "file", "Válassza ki a bankszámlakivonat fájlját (camt.053 XML vagy CSV).", "Choose the statement file (camt.053 XML or CSV).")
	} else {
		defer file.Close()
		var sts []bankstatement.Statement
		if sts, err = parseBankFile(file); err == nil {
			err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
				var err error
				res, err = h.svc.ImportBankStatements(ctx, tx, id, sts, p.Username)
				return err
			})
		}
	}
	var prob *Problem
	if errors.As(err, &prob) {
		f := &web.Form{Values: map[string]string{"form": "import"}, Errors: []web.FieldError{{Field: "file", Message: prob.Message(web.RequestLang(r))}}}
		return h.renderBank(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	return h.renderBank(w, r, http.StatusOK, nil, &res)
}

// resolutionFromForm reads the clerk's decision.
func resolutionFromForm(get func(string) string) BankResolution {
	in := BankResolution{Action: get("action"), Invoice: get("invoice"), Rovat: get("rovat"), Funkcio: get("funkcio"), Task: get("task")}
	in.Performance, _ = uuid.Parse(get("performance"))
	return in
}

func (h *handlers) bankEntryID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("bankentry"))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	return id, nil
}

func (h *handlers) resolveBankEntry(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.bankEntryID(r)
	if err != nil {
		return err
	}
	var be BankEntry
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		be, err = h.svc.ResolveBankEntry(ctx, tx, id, resolutionFromForm(r.PostFormValue), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoBankEntry.Code {
			return web.NotFound()
		}
		// The page of the entry's entity, with the refusal at the entry.
		var entity uuid.UUID
		if e := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			b, err := BankEntryByID(ctx, tx, id)
			entity = b.EntityID
			return err
		}); e != nil {
			return e
		}
		r.SetPathValue("entity", entity.String())
		f := formOf(r, []string{"action", "invoice", "performance", "rovat", "funkcio", "task"}, prob, web.RequestLang(r))
		f.Values["entry"] = id.String()
		return h.renderBank(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/entities/"+be.EntityID.String()+"/bank", http.StatusSeeOther)
	return nil
}

// --- API ---

func (h *handlers) apiBankAccounts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	var as []BankAccount
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		as, err = BankAccounts(ctx, tx, id)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	if as == nil {
		as = []BankAccount{}
	}
	api.Write(w, http.StatusOK, map[string]any{"accounts": as})
	return nil
}

func (h *handlers) apiAddBankAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req struct {
		Account string `json:"account"`
		Name    string `json:"name"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var ba BankAccount
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		ba, err = h.svc.AddBankAccount(ctx, tx, id, req.Account, req.Name, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, ba)
	return nil
}

// apiImportBank takes the statement file as the request body (camt.053
// XML or the documented CSV; told apart by the content).
func (h *handlers) apiImportBank(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, bankstatement.MaxFileSize+1<<20)
	sts, err := parseBankFile(r.Body)
	if err != nil {
		return apiRefusal(r, err)
	}
	var res BankImportResult
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.ImportBankStatements(ctx, tx, id, sts, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusOK, res)
	return nil
}

func (h *handlers) apiBankEntries(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if status != "" && status != BankMatched && status != BankUnmatched && status != BankResolved {
		return apiRefusal(r, problem("bad_status", "status", "Az állapot matched, unmatched vagy resolved.", "The status is matched, unmatched or resolved."))
	}
	var bes []BankEntry
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		bes, err = BankEntries(ctx, tx, id, status, 1000)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	if bes == nil {
		bes = []BankEntry{}
	}
	api.Write(w, http.StatusOK, map[string]any{"entries": bes})
	return nil
}

func (h *handlers) apiResolveBankEntry(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.bankEntryID(r)
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error { _, err := BankEntryByID(ctx, tx, id); return err })
	if err != nil {
		return bankRefusal(r, err)
	}
	var req struct {
		Action      string `json:"action"`
		Invoice     string `json:"invoice"`
		Performance string `json:"performance"`
		Rovat       string `json:"rovat"`
		Funkcio     string `json:"funkcio"`
		Task        string `json:"task"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	vals := map[string]string{"action": req.Action, "invoice": req.Invoice, "performance": req.Performance, "rovat": req.Rovat, "funkcio": req.Funkcio, "task": req.Task}
	var be BankEntry
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		be, err = h.svc.ResolveBankEntry(ctx, tx, id, resolutionFromForm(func(k string) string { return vals[k] }), p.Username)
		return err
	})
	if err != nil {
		return bankRefusal(r, err)
	}
	api.Write(w, http.StatusOK, be)
	return nil
}

func bankRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) && prob.Code == errNoBankEntry.Code {
		return web.NotFound()
	}
	return apiRefusal(r, err)
}

// ImportMessage says in lang what an import did, for the page.
func (r BankImportResult) ImportMessage(lang string) string {
	if r.Nothing() && len(r.AlreadyImported) == 0 {
		if lang == "en" {
			return "The file's statements hold no entry; nothing changed."
		}
		return "A fájl kivonataiban nincs tétel; semmi sem változott."
	}
	if lang == "en" {
		if r.Nothing() {
			return fmt.Sprintf("Every entry of this file was imported before (statement %s); nothing changed.", strings.Join(r.AlreadyImported, ", "))
		}
		return fmt.Sprintf("%d new entries: %d matched and posted (%s Ft), %d waiting; %d entries were imported before.", r.Entries-r.Duplicates, r.Matched, r.MatchedAmount.Grouped(), r.Unmatched, r.Duplicates)
	}
	if r.Nothing() {
		return fmt.Sprintf("A fájl minden tételét korábban már beolvasták (kivonat: %s); semmi sem változott.", strings.Join(r.AlreadyImported, ", "))
	}
	return fmt.Sprintf("%d új tétel: %d párosítva és lekönyvelve (%s Ft), %d kézi rendezésre vár; %d tételt korábban már beolvastak.", r.Entries-r.Duplicates, r.Matched, r.MatchedAmount.Grouped(), r.Unmatched, r.Duplicates)
}
