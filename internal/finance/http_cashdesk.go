package finance

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/pdf"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// Pages and API of the cash desk (házipénztár).

var cashSeparationRoutes = []separation.Route{
	{Pattern: "GET /finance/entities/{entity}/cash-desks"},
	{Pattern: "POST /finance/entities/{entity}/cash-desks", Form: map[string][]string{"name": {"X"}, "closing_limit": {"1"}, "cashier": {"X"}}},
	{Pattern: "GET /finance/cash-desks/{desk}"},
	{Pattern: "POST /finance/cash-desks/{desk}/settings", Form: map[string][]string{"name": {"X"}, "closing_limit": {"1"}, "cashier": {"X"}}},
	{Pattern: "POST /finance/cash-desks/{desk}/vouchers", Form: map[string][]string{"kind": {"receipt"}, "event": {"cash_withdrawal"}, "on": {"2026-03-02"}, "partner": {"X"}, "purpose": {"X"}, "amount": {"5"}}},
	{Pattern: "POST /finance/cash-desks/{desk}/closings", Form: map[string][]string{"on": {"2026-03-02"}}},
	{Pattern: "POST /finance/cash-desks/{desk}/counts", Form: map[string][]string{"on": {"2026-03-02"}, "counted_by": {"X"}, "count_5": {"1"}}},
	{Pattern: "GET /finance/cash-desks/{desk}/book"},
	{Pattern: "GET /finance/cash-desks/{desk}/book.pdf"},
	{Pattern: "GET /finance/cash-desks/{desk}/book.xlsx"},
	{Pattern: "GET /finance/cash-vouchers/{voucher}/pdf"},
	{Pattern: "POST /finance/cash-vouchers/{voucher}/reverse", Form: map[string][]string{"on": {"2026-03-02"}, "reason": {"X"}}},
	{Pattern: "GET /api/v1/finance/entities/{entity}/cash-desks"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/cash-desks"},
	{Pattern: "GET /api/v1/finance/cash-desks/{desk}"},
	{Pattern: "POST /api/v1/finance/cash-desks/{desk}/vouchers"},
	{Pattern: "GET /api/v1/finance/cash-desks/{desk}/book"},
	{Pattern: "POST /api/v1/finance/cash-desks/{desk}/closings"},
	{Pattern: "POST /api/v1/finance/cash-desks/{desk}/counts"},
	{Pattern: "GET /api/v1/finance/cash-vouchers/{voucher}"},
	{Pattern: "POST /api/v1/finance/cash-vouchers/{voucher}/reverse"},
}

// The desk's routes join the module's list here rather than in its
// literal, so other features' hooks there stay untouched.
func init() { SeparationRoutes = append(SeparationRoutes, cashSeparationRoutes...) }

func (h *handlers) routesCash(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	post := []web.Middleware{d.Tenant, identity.Require(Post)}
	manage := []web.Middleware{d.Tenant, identity.Require(Manage)}
	rt.Handle("GET /finance/entities/{entity}/cash-desks", h.cashDesks, read...)
	rt.Handle("POST /finance/entities/{entity}/cash-desks", h.cashCreateDesk, manage...)
	rt.Handle("GET /finance/cash-desks/{desk}", h.cashDesk, read...)
	rt.Handle("POST /finance/cash-desks/{desk}/settings", h.cashSettings, manage...)
	rt.Handle("POST /finance/cash-desks/{desk}/vouchers", h.cashIssue, post...)
	rt.Handle("POST /finance/cash-desks/{desk}/closings", h.cashClose, post...)
	rt.Handle("POST /finance/cash-desks/{desk}/counts", h.cashCount, post...)
	rt.Handle("GET /finance/cash-desks/{desk}/book", h.cashBookPage, read...)
	rt.Handle("GET /finance/cash-desks/{desk}/book.pdf", h.cashBookPDF, read...)
	rt.Handle("GET /finance/cash-desks/{desk}/book.xlsx", h.cashBookXLSX, read...)
	rt.Handle("GET /finance/cash-vouchers/{voucher}/pdf", h.cashVoucherPDF, read...)
	rt.Handle("POST /finance/cash-vouchers/{voucher}/reverse", h.cashReverse, post...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/cash-desks", h.apiCashDesks, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/cash-desks", h.apiCashCreateDesk, manage...)
	rt.Handle("GET /api/v1/finance/cash-desks/{desk}", h.apiCashDesk, read...)
	rt.Handle("POST /api/v1/finance/cash-desks/{desk}/vouchers", h.apiCashIssue, post...)
	rt.Handle("GET /api/v1/finance/cash-desks/{desk}/book", h.apiCashBook, read...)
	rt.Handle("POST /api/v1/finance/cash-desks/{desk}/closings", h.apiCashClose, post...)
	rt.Handle("POST /api/v1/finance/cash-desks/{desk}/counts", h.apiCashCount, post...)
	rt.Handle("GET /api/v1/finance/cash-vouchers/{voucher}", h.apiCashVoucher, read...)
	rt.Handle("POST /api/v1/finance/cash-vouchers/{voucher}/reverse", h.apiCashReverse, post...)
}

func cashPathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	return id, nil
}

// cashRefusal is apiRefusal that also answers 404 for a desk or voucher
// that is not the tenant's.
func cashRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) && cashIsNotFound(prob) {
		return web.NotFound()
	}
	return apiRefusal(r, err)
}

// --- the entity's desks ---

type cashDeskRow struct {
	CashDesk
	Balance hu.Forint
}

type cashDesksData struct {
	Entity    Entity
	Desks     []cashDeskRow
	CanManage bool
}

func (h *handlers) cashDesks(w http.ResponseWriter, r *http.Request) error {
	return h.renderCashDesks(w, r, http.StatusOK, nil)
}

func (h *handlers) renderCashDesks(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	d := cashDesksData{CanManage: p.Can(Manage)}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		ds, err := CashDesks(ctx, tx, id)
		for _, desk := range ds {
			bal, err := CashBalance(ctx, tx, desk.ID, hu.Date{})
			if err != nil {
				return err
			}
			d.Desks = append(d.Desks, cashDeskRow{desk, bal})
		}
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	page := h.deps.Render.NewPage(r, "finance.cash.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/cashdesks", page)
}

var cashDeskFields = []string{"name", "closing_limit", "cashier", "controller"}

func cashDeskFromForm(r *http.Request) (CashDeskInput, *Problem) {
	in := CashDeskInput{Name: r.PostFormValue("name"), Cashier: r.PostFormValue("cashier"), Controller: r.PostFormValue("controller")}
	a, err := hu.ParseForint(r.PostFormValue("closing_limit"))
	if err != nil {
		return in, problem("bad_limit", "closing_limit", "A záró pénzkészlet limitje egész forint, például 500 000.", "The closing limit is whole forints, e.g. 500 000.")
	}
	in.Limit = a
	return in, nil
}

func (h *handlers) cashCreateDesk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	in, prob := cashDeskFromForm(r)
	var d CashDesk
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			d, err = h.svc.CreateCashDesk(ctx, tx, id, in, p.Username)
			return err
		})
	}
	if errors.As(err, &prob) && !cashIsNotFound(prob) {
		return h.renderCashDesks(w, r, http.StatusUnprocessableEntity, formOf(r, cashDeskFields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return cashRefusal(r, err)
	}
	http.Redirect(w, r, "/finance/cash-desks/"+d.ID.String(), http.StatusSeeOther)
	return nil
}

// --- one desk ---

type cashDeskData struct {
	Desk       CashDesk
	Entity     Entity
	Balance    hu.Forint
	Excess     hu.Forint
	Vouchers   []CashVoucher
	ReversedBy map[string]string
	Counts     []CashCount
	Kinds      []string
	Events     map[string][]string
	Notes      []int64
	Coins      []int64
	Today      hu.Date
	CanPost    bool
	CanManage  bool
	lang       string
}

// EventName names an event in the page's language.
func (d cashDeskData) EventName(e string) string { return EventName(e, d.lang) }

// KindName names a voucher kind.
func (d cashDeskData) KindName(k string) string { return cashKindName(k, d.lang) }

// Limit shows the closing limit.
func (d cashDeskData) Limit() hu.Forint { return d.Desk.Limit }

func cashKindName(k, lang string) string {
	switch {
	case k == CashReceipt && lang == "en":
		return "Receipt voucher"
	case k == CashReceipt:
		return "Bevételi pénztárbizonylat"
	case lang == "en":
		return "Payment voucher"
	}
	return "Kiadási pénztárbizonylat"
}

func (h *handlers) cashDesk(w http.ResponseWriter, r *http.Request) error {
	return h.renderCashDesk(w, r, http.StatusOK, nil)
}

func (h *handlers) loadCashDesk(r *http.Request, id uuid.UUID) (cashDeskData, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := cashDeskData{Kinds: []string{CashReceipt, CashPayment}, Events: cashEvents, Today: hu.DateOf(h.svc.now()), CanPost: p.Can(Post), CanManage: p.Can(Manage), lang: web.RequestLang(r)}
	for _, v := range CashDenominations {
		if CashNote(v) {
			d.Notes = append(d.Notes, v)
		} else {
			d.Coins = append(d.Coins, v)
		}
	}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Desk, err = CashDeskByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Entity, err = EntityByID(ctx, tx, d.Desk.EntityID); err != nil {
			return err
		}
		if d.Balance, err = CashBalance(ctx, tx, id, hu.Date{}); err != nil {
			return err
		}
		d.Excess = max(0, d.Balance-d.Desk.Limit)
		if d.Vouchers, err = CashVouchers(ctx, tx, id, 50); err != nil {
			return err
		}
		if d.ReversedBy, err = CashReversedBy(ctx, tx, id); err != nil {
			return err
		}
		d.Counts, err = CashCounts(ctx, tx, id, 10)
		return err
	})
	return d, err
}

func (h *handlers) renderCashDesk(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	id, err := cashPathID(r, "desk")
	if err != nil {
		return err
	}
	d, err := h.loadCashDesk(r, id)
	if err != nil {
		return cashRefusal(r, err)
	}
	page := h.deps.Render.NewPage(r, "finance.cash.desk", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/cashdesk", page)
}

// cashDone redirects to the desk's page after a change, or re-renders it
// with the refusal.
func (h *handlers) cashDone(w http.ResponseWriter, r *http.Request, desk uuid.UUID, err error, fields []string, anchor string) error {
	var prob *Problem
	if errors.As(err, &prob) && !cashIsNotFound(prob) {
		return h.renderCashDesk(w, r, http.StatusUnprocessableEntity, formOf(r, fields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return cashRefusal(r, err)
	}
	http.Redirect(w, r, "/finance/cash-desks/"+desk.String()+anchor, http.StatusSeeOther)
	return nil
}

// cashDeskOfTenant answers 404 before anything is read from the request
// when the desk is not the tenant's.
func (h *handlers) cashDeskOfTenant(r *http.Request) (uuid.UUID, error) {
	id, err := cashPathID(r, "desk")
	if err != nil {
		return uuid.Nil, err
	}
	p := access.PrincipalFrom(r.Context())
	err = h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := CashDeskByID(ctx, tx, id)
		return err
	})
	return id, cashRefusal(r, err)
}

func (h *handlers) cashSettings(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	in, prob := cashDeskFromForm(r)
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.UpdateCashDesk(ctx, tx, id, in, p.Username)
			return err
		})
	}
	return h.cashDone(w, r, id, err, append([]string{"form"}, cashDeskFields...), "")
}

var cashVoucherFields = []string{"kind", "event", "on", "partner", "purpose", "amount", "rovat", "funkcio", "task", "commitment_id"}

func (h *handlers) cashIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	in := CashVoucherInput{Kind: r.PostFormValue("kind"), Event: r.PostFormValue("event"), Partner: r.PostFormValue("partner"), Purpose: r.PostFormValue("purpose"),
		Rovat: r.PostFormValue("rovat"), Funkcio: r.PostFormValue("funkcio"), Task: r.PostFormValue("task"), Commitment: r.PostFormValue("commitment_id")}
	var prob *Problem
	if in.On, prob = formDate(r.PostFormValue("on"), true); prob == nil {
		if in.Amount, prob = formAmount(r.PostFormValue("amount")); prob != nil {
			prob = problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen, például 12 500.", "The amount must be a positive whole number of forints, e.g. 12 500.")
		}
	}
	var v CashVoucher
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			v, err = h.svc.IssueCashVoucher(ctx, tx, id, in, p.Username)
			return err
		})
	}
	return h.cashDone(w, r, id, err, cashVoucherFields, "#voucher-"+v.ID.String())
}

func (h *handlers) cashClose(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	on, prob := formDate(r.PostFormValue("on"), true)
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.CloseCashDay(ctx, tx, id, on, p.Username)
			return err
		})
	}
	return h.cashDone(w, r, id, err, []string{"form", "on"}, "")
}

// cashPiecesFromForm reads the count's pieces: one field count_<value>
// per denomination; an empty field is none.
func cashPiecesFromForm(get func(string) string) ([]CashPieces, *Problem) {
	var out []CashPieces
	for _, v := range append(CashDenominations, 2, 1) {
		s := strings.TrimSpace(get("count_" + strconv.FormatInt(v, 10)))
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(s, " ", ""), 10, 64)
		if err != nil {
			return nil, problem("bad_pieces", "denominations", "A(z) %d forintos címlet darabszáma egész szám legyen.", "The number of %d forint pieces must be a whole number.", v)
		}
		out = append(out, CashPieces{Value: v, Pieces: n})
	}
	return out, nil
}

func (h *handlers) cashCount(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	in := CashCountInput{CountedBy: r.PostFormValue("counted_by"), Witness: r.PostFormValue("witness"), Note: r.PostFormValue("note")}
	var prob *Problem
	if in.On, prob = formDate(r.PostFormValue("on"), true); prob == nil {
		in.Denominations, prob = cashPiecesFromForm(r.PostFormValue)
	}
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.RecordCashCount(ctx, tx, id, in, p.Username)
			return err
		})
	}
	fields := []string{"form", "on", "counted_by", "witness", "note"}
	for _, v := range CashDenominations {
		fields = append(fields, "count_"+strconv.FormatInt(v, 10))
	}
	return h.cashDone(w, r, id, err, fields, "#counts")
}

func (h *handlers) cashReverse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	vid, err := cashPathID(r, "voucher")
	if err != nil {
		return err
	}
	var orig CashVoucher
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		orig, err = CashVoucherByID(ctx, tx, vid)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	on, prob := formDate(r.PostFormValue("on"), true)
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.ReverseCashVoucher(ctx, tx, vid, on, r.PostFormValue("reason"), p.Username)
			return err
		})
	}
	// The desk's page shows the refusal; its path names the desk.
	r.SetPathValue("desk", orig.DeskID.String())
	return h.cashDone(w, r, orig.DeskID, err, []string{"form", "on", "reason"}, "")
}

// --- the cash book ---

type cashBookData struct {
	Book  CashBook
	Query string
	lang  string
}

// KindName names a voucher kind.
func (d cashBookData) KindName(k string) string { return cashKindName(k, d.lang) }

// cashPeriod reads from and to from the query: the current month by
// default.
func (h *handlers) cashPeriod(r *http.Request) (hu.Date, hu.Date, *Problem) {
	today := hu.DateOf(h.svc.now())
	from, to := hu.Date{Year: today.Year, Month: today.Month, Day: 1}, today
	q := r.URL.Query()
	if s := q.Get("from"); s != "" {
		d, err := hu.ParseDate(s)
		if err != nil {
			return from, to, problem("bad_period", "from", "Az időszak kezdő napját ÉÉÉÉ-HH-NN alakban adja meg.", "Give the period's first day as YYYY-MM-DD.")
		}
		from = d
	}
	if s := q.Get("to"); s != "" {
		d, err := hu.ParseDate(s)
		if err != nil {
			return from, to, problem("bad_period", "to", "Az időszak záró napját ÉÉÉÉ-HH-NN alakban adja meg.", "Give the period's last day as YYYY-MM-DD.")
		}
		to = d
	}
	if to.Before(from) || from.AddDays(3660).Before(to) {
		return from, to, problem("bad_period", "from", "A kezdő nap nem lehet későbbi a záró napnál, és az időszak legfeljebb tíz év.", "The first day cannot be after the last, and a period is at most ten years.")
	}
	return from, to, nil
}

func (h *handlers) loadCashBook(r *http.Request) (CashBook, error) {
	id, err := cashPathID(r, "desk")
	if err != nil {
		return CashBook{}, err
	}
	from, to, prob := h.cashPeriod(r)
	p := access.PrincipalFrom(r.Context())
	var b CashBook
	err = h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if _, err = CashDeskByID(ctx, tx, id); err != nil {
			return err
		}
		if prob != nil {
			return prob
		}
		b, err = CashBookOf(ctx, tx, id, from, to)
		return err
	})
	return b, err
}

func (h *handlers) cashBookPage(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadCashBook(r)
	var prob *Problem
	if errors.As(err, &prob) && !cashIsNotFound(prob) {
		return &web.Error{Status: http.StatusBadRequest, Key: "finance.refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return cashRefusal(r, err)
	}
	q := "from=" + b.From.String() + "&to=" + b.To.String()
	page := h.deps.Render.NewPage(r, "finance.cash.book", cashBookData{Book: b, Query: q, lang: web.RequestLang(r)})
	return h.deps.Render.Render(w, r, http.StatusOK, "finance/cashdesk_book", page)
}

func (h *handlers) cashBookFile(w http.ResponseWriter, r *http.Request) (CashBook, error) {
	b, err := h.loadCashBook(r)
	var prob *Problem
	if errors.As(err, &prob) && !cashIsNotFound(prob) {
		return b, &web.Error{Status: http.StatusBadRequest, Key: "finance.refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return b, cashRefusal(r, err)
	}
	return b, nil
}

func cashSigned(v CashVoucher) string {
	if v.Reverses != "" {
		return "Stornó"
	}
	return ""
}

func (h *handlers) cashBookPDF(w http.ResponseWriter, r *http.Request) error {
	b, err := h.cashBookFile(w, r)
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	d, err := pdf.New(pdf.Options{Issuer: b.Entity.Name, Title: "Pénztárkönyv – " + b.Desk.Name, Subtitle: b.From.String() + " – " + b.To.String(),
		Landscape: true, GeneratedAt: h.svc.now(), Footer: p.Name})
	if err != nil {
		return err
	}
	d.KeyValues([]pdf.KV{{Key: "Nyitó egyenleg", Value: b.Opening.String()}, {Key: "Bevételek", Value: b.In.String()}, {Key: "Kiadások", Value: b.Out.String()},
		{Key: "Záró egyenleg", Value: b.Closing.String()}, {Key: "Záró pénzkészlet limit", Value: b.Desk.Limit.String()}, {Key: "Pénztáros", Value: b.Desk.Cashier}})
	t := d.Table(pdf.Column{Header: "Nap", Min: "2026-03-02"}, pdf.Column{Header: "Bizonylatszám", Min: "BP-2026-000001"}, pdf.Column{Header: "Befizető / átvevő", Width: 2},
		pdf.Column{Header: "Jogcím", Width: 3}, pdf.Column{Header: "Rovat", Min: "K1101"}, pdf.Column{Header: "Bevétel", Right: true, Min: "1 000 000 Ft"},
		pdf.Column{Header: "Kiadás", Right: true, Min: "1 000 000 Ft"}, pdf.Column{Header: "Egyenleg", Right: true, Min: "1 000 000 Ft"})
	for _, l := range b.Lines {
		in, out := "", ""
		if l.In > 0 {
			in = l.In.String()
		}
		if l.Out > 0 {
			out = l.Out.String()
		}
		t.Row(l.Voucher.On.String(), strings.TrimSpace(l.Voucher.Number+" "+cashSigned(l.Voucher)), l.Voucher.Partner, l.Voucher.Purpose, l.Voucher.Rovat, in, out, l.Balance.String())
	}
	t.End()
	d.Heading("Napi zárások")
	dt := d.Table(pdf.Column{Header: "Nap", Min: "2026-03-02"}, pdf.Column{Header: "Záró egyenleg", Right: true}, pdf.Column{Header: "Limit feletti (befizetendő)", Right: true}, pdf.Column{Header: "Lezárta", Width: 2})
	for _, day := range b.Days {
		closed := "nincs lezárva"
		if day.Closing != nil {
			closed = day.Closing.ClosedBy
		}
		dt.Row(day.On.String(), day.Balance.String(), day.Excess.String(), closed)
	}
	dt.End()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="penztarkonyv-`+b.From.String()+`.pdf"`)
	_, err = d.WriteTo(w)
	return err
}

func (h *handlers) cashBookXLSX(w http.ResponseWriter, r *http.Request) error {
	b, err := h.cashBookFile(w, r)
	if err != nil {
		return err
	}
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties("Pénztárkönyv "+b.Desk.Name, b.From.String()+" – "+b.To.String(), "ASP GAZD", h.svc.now()); err != nil {
		return err
	}
	sh, err := wb.Sheet("Pénztárkönyv", xlsx.Column{Header: "Nap", Kind: xlsx.Date}, xlsx.Column{Header: "Bizonylatszám", Kind: xlsx.Text, Width: 16},
		xlsx.Column{Header: "Stornó", Kind: xlsx.Text, Width: 8}, xlsx.Column{Header: "Befizető / átvevő", Kind: xlsx.Text, Width: 30}, xlsx.Column{Header: "Jogcím", Kind: xlsx.Text, Width: 40},
		xlsx.Column{Header: "Rovat", Kind: xlsx.Text, Width: 8}, xlsx.Column{Header: "Funkció", Kind: xlsx.Text, Width: 8},
		xlsx.Column{Header: "Bevétel", Kind: xlsx.Number, Width: 14}, xlsx.Column{Header: "Kiadás", Kind: xlsx.Number, Width: 14}, xlsx.Column{Header: "Egyenleg", Kind: xlsx.Number, Width: 14})
	if err != nil {
		return err
	}
	if err := sh.Row(b.From, "", "", "", "Nyitó egyenleg", "", "", nil, nil, int64(b.Opening)); err != nil {
		return err
	}
	for _, l := range b.Lines {
		v := l.Voucher
		if err := sh.Row(v.On, v.Number, cashSigned(v), v.Partner, v.Purpose, v.Rovat, v.Funkcio, int64(l.In), int64(l.Out), int64(l.Balance)); err != nil {
			return err
		}
	}
	if err := sh.Row(b.To, "", "", "", "Záró egyenleg", "", "", int64(b.In), int64(b.Out), int64(b.Closing)); err != nil {
		return err
	}
	ds, err := wb.Sheet("Napi zárások", xlsx.Column{Header: "Nap", Kind: xlsx.Date}, xlsx.Column{Header: "Záró egyenleg", Kind: xlsx.Number, Width: 14},
		xlsx.Column{Header: "Limit", Kind: xlsx.Number, Width: 14}, xlsx.Column{Header: "Limit feletti (befizetendő)", Kind: xlsx.Number, Width: 24}, xlsx.Column{Header: "Lezárta", Kind: xlsx.Text, Width: 20})
	if err != nil {
		return err
	}
	for _, day := range b.Days {
		closed := ""
		if day.Closing != nil {
			closed = day.Closing.ClosedBy
		}
		if err := ds.Row(day.On, int64(day.Balance), int64(b.Desk.Limit), int64(day.Excess), closed); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="penztarkonyv-`+b.From.String()+`.xlsx"`)
	_, err = wb.WriteTo(w)
	return err
}

// cashVoucherPDF prints a voucher with its number, both parties' lines to
// sign, and for a stornó the voucher it cancels.
func (h *handlers) cashVoucherPDF(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := cashPathID(r, "voucher")
	if err != nil {
		return err
	}
	var (
		v        CashVoucher
		desk     CashDesk
		e        Entity
		reversed CashVoucher
	)
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if v, err = CashVoucherByID(ctx, tx, id); err != nil {
			return err
		}
		if desk, err = CashDeskByID(ctx, tx, v.DeskID); err != nil {
			return err
		}
		if e, err = EntityByID(ctx, tx, v.EntityID); err != nil {
			return err
		}
		if v.Reverses != "" {
			reversed, err = CashVoucherByID(ctx, tx, uuid.MustParse(v.Reverses))
		}
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	title := cashKindName(v.Kind, "hu")
	if v.Reverses != "" {
		title = "Stornó " + strings.ToLower(title[:1]) + title[1:]
	}
	d, err := pdf.New(pdf.Options{Issuer: e.Name, Title: title, Subtitle: "Sorszám: " + v.Number, GeneratedAt: h.svc.now(), Footer: p.Name})
	if err != nil {
		return err
	}
	kvs := []pdf.KV{{Key: "Pénztár", Value: desk.Name}, {Key: "Kelt", Value: v.On.String()}, {Key: "Gazdasági esemény", Value: EventName(v.Event, "hu")}}
	if v.Kind == CashReceipt {
		kvs = append(kvs, pdf.KV{Key: "Befizető", Value: v.Partner})
	} else {
		kvs = append(kvs, pdf.KV{Key: "Átvevő", Value: v.Partner})
	}
	kvs = append(kvs, pdf.KV{Key: "Jogcím", Value: v.Purpose}, pdf.KV{Key: "Összeg", Value: v.Amount.String()}, pdf.KV{Key: "Összeg betűvel", Value: CashInWords(v.Amount) + " forint"})
	if v.Rovat != "" {
		f, _ := mustCodes().Funkcio(v.Funkcio)
		ro, _ := mustCodes().Rovat(v.Rovat)
		kvs = append(kvs, pdf.KV{Key: "Rovat", Value: v.Rovat + " " + ro.Name}, pdf.KV{Key: "Kormányzati funkció", Value: v.Funkcio + " " + f.Name})
	}
	if v.Commitment != "" {
		kvs = append(kvs, pdf.KV{Key: "Kötelezettségvállalás", Value: v.Commitment})
	}
	if v.Reverses != "" {
		kvs = append(kvs, pdf.KV{Key: "Stornózott bizonylat", Value: reversed.Number + " (" + reversed.On.String() + ")"}, pdf.KV{Key: "A stornó oka", Value: v.Reason})
	}
	kvs = append(kvs, pdf.KV{Key: "Kiállította", Value: v.CreatedBy}, pdf.KV{Key: "Pénztáros", Value: desk.Cashier})
	d.KeyValues(kvs)
	d.Space(36)
	d.Paragraph("………………………………………        ………………………………………        ………………………………………")
	if v.Kind == CashReceipt {
		d.Paragraph("pénztáros                                              befizető                                              utalványozó")
	} else {
		d.Paragraph("pénztáros                                              átvevő                                              utalványozó")
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+v.Number+`.pdf"`)
	_, err = d.WriteTo(w)
	return err
}

// CashInWords writes a forint amount in Hungarian words, as a voucher
// states it (e.g. 1 250 → "egyezer-kétszázötven").
func CashInWords(a hu.Forint) string {
	n := int64(a)
	if n == 0 {
		return "nulla"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	ones := []string{"", "egy", "kettő", "három", "négy", "öt", "hat", "hét", "nyolc", "kilenc"}
	tensAlone := []string{"", "tíz", "húsz", "harminc", "negyven", "ötven", "hatvan", "hetven", "nyolcvan", "kilencven"}
	tensJoined := []string{"", "tizen", "huszon", "harminc", "negyven", "ötven", "hatvan", "hetven", "nyolcvan", "kilencven"}
	under1000 := func(n int64, inside bool) string {
		s := ""
		if h := n / 100; h > 0 {
			if h > 1 {
				s += ones[h]
				if h == 2 {
					s = s[:len(s)-len("kettő")] + "két"
				}
			}
			s += "száz"
		}
		t, o := (n%100)/10, n%10
		if o == 0 {
			s += tensAlone[t]
		} else {
			s += tensJoined[t]
			if o == 2 && inside {
				s += "két"
			} else {
				s += ones[o]
			}
		}
		return s
	}
	groups := []string{"", "ezer", "millió", "milliárd", "billió"}
	var parts []string
	for i := 0; n > 0; i++ {
		g := n % 1000
		n /= 1000
		if g == 0 {
			continue
		}
		w := under1000(g, i > 0)
		if i == 1 && g == 1 && int64(a) <= 2000 && int64(a) >= -2000 {
			w = "" // ezer, ezerkétszáz: "egy" only above two thousand
		}
		parts = append([]string{w + groups[i]}, parts...)
	}
	// Above two thousand the groups are joined with a hyphen.
	sep := ""
	if int64(a) > 2000 || int64(a) < -2000 {
		sep = "-"
	}
	out := strings.Join(parts, sep)
	if neg {
		out = "mínusz " + out
	}
	return out
}

// --- the API ---

func (h *handlers) apiCashDesks(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	type deskOut struct {
		CashDesk
		Balance hu.Forint `json:"balance"`
	}
	out := []deskOut{}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		ds, err := CashDesks(ctx, tx, id)
		for _, d := range ds {
			bal, err := CashBalance(ctx, tx, d.ID, hu.Date{})
			if err != nil {
				return err
			}
			out = append(out, deskOut{d, bal})
		}
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusOK, map[string]any{"cash_desks": out})
	return nil
}

func (h *handlers) apiCashCreateDesk(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var in CashDeskInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	var d CashDesk
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d, err = h.svc.CreateCashDesk(ctx, tx, id, in, p.Username)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, d)
	return nil
}

func (h *handlers) apiCashDesk(w http.ResponseWriter, r *http.Request) error {
	id, err := cashPathID(r, "desk")
	if err != nil {
		return err
	}
	d, err := h.loadCashDesk(r, id)
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusOK, map[string]any{"cash_desk": d.Desk, "balance": d.Balance, "excess": d.Excess, "vouchers": cashOrEmpty(d.Vouchers), "counts": d.Counts})
	return nil
}

func cashOrEmpty(vs []CashVoucher) []CashVoucher {
	if vs == nil {
		return []CashVoucher{}
	}
	return vs
}

// cashVoucherRequest is a voucher in the API; the day is text so a bad
// one is refused with the field named.
type cashVoucherRequest struct {
	CashVoucherInput
	On string `json:"on"`
}

func (h *handlers) apiCashIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	var req cashVoucherRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := req.CashVoucherInput
	var prob *Problem
	if in.On, prob = formDate(req.On, true); prob != nil {
		return apiRefusal(r, prob)
	}
	p := access.PrincipalFrom(r.Context())
	var v CashVoucher
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = h.svc.IssueCashVoucher(ctx, tx, id, in, p.Username)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, v)
	return nil
}

func (h *handlers) apiCashBook(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadCashBook(r)
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusOK, b)
	return nil
}

func (h *handlers) apiCashClose(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	var req struct {
		On string `json:"on"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, true)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	p := access.PrincipalFrom(r.Context())
	var c CashClosing
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = h.svc.CloseCashDay(ctx, tx, id, on, p.Username)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, c)
	return nil
}

func (h *handlers) apiCashCount(w http.ResponseWriter, r *http.Request) error {
	id, err := h.cashDeskOfTenant(r)
	if err != nil {
		return err
	}
	var req struct {
		CashCountInput
		On string `json:"on"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := req.CashCountInput
	var prob *Problem
	if in.On, prob = formDate(req.On, true); prob != nil {
		return apiRefusal(r, prob)
	}
	p := access.PrincipalFrom(r.Context())
	var c CashCount
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = h.svc.RecordCashCount(ctx, tx, id, in, p.Username)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, c)
	return nil
}

func (h *handlers) apiCashVoucher(w http.ResponseWriter, r *http.Request) error {
	id, err := cashPathID(r, "voucher")
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	var v CashVoucher
	err = h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = CashVoucherByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusOK, v)
	return nil
}

func (h *handlers) apiCashReverse(w http.ResponseWriter, r *http.Request) error {
	id, err := cashPathID(r, "voucher")
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	err = h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := CashVoucherByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	var req struct {
		On     string `json:"on"`
		Reason string `json:"reason"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, true)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var v CashVoucher
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = h.svc.ReverseCashVoucher(ctx, tx, id, on, req.Reason, p.Username)
		return err
	})
	if err != nil {
		return cashRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, v)
	return nil
}
