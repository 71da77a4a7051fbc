package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error is an error a user sees: an HTTP status and a catalog key, both
// chosen by the handler, plus the cause for the log. Anything that is not
// an *Error is an internal error: logged, and shown as a plain 500.
type Error struct {
	Status int
	Key    string // catalog key of the message, e.g. "error.not_found"
	Args   []any
	Fields []FieldError // per-field problems (validation)
	Err    error        // cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Key, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Key)
}

func (e *Error) Unwrap() error { return e.Err }

// NotFound is the answer for anything the user may not know exists,
// including another tenant's objects: 404, never 403, so identifiers leak
// nothing.
func NotFound() *Error { return &Error{Status: http.StatusNotFound, Key: "error.not_found"} }

// Forbidden is for a known thing the user may not do.
func Forbidden() *Error { return &Error{Status: http.StatusForbidden, Key: "error.forbidden"} }

// BadRequest is for input the user can correct.
func BadRequest(key string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Key: key, Args: args}
}

// Unauthorized asks the client to log in (API) .
func Unauthorized(key string) *Error { return &Error{Status: http.StatusUnauthorized, Key: key} }

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
}

// Error answers a request with err: a problem document for the API, an
// error page otherwise, both in the user's language.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		r.Log.Error("request failed", "err", err, "method", req.Method, "path", req.URL.Path, "request_id", RequestID(req.Context()))
		e = &Error{Status: http.StatusInternalServerError, Key: "error.internal"}
	} else if e.Err != nil || e.Status >= 500 {
		r.Log.Warn("request refused", "status", e.Status, "key", e.Key, "err", e.Err, "path", req.URL.Path, "request_id", RequestID(req.Context()))
	}
	lang := RequestLang(req)
	title := r.Catalog.T(lang, e.Key, e.Args...)
	if e.Status == http.StatusUnauthorized && IsAPI(req) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="asp"`)
	}
	if IsAPI(req) {
		p := Problem{
			Type: "urn:asp:problem:" + e.Key, Title: title, Status: e.Status,
			Instance: req.URL.Path, RequestID: RequestID(req.Context()),
		}
		if len(e.Fields) > 0 {
			p.Errors = map[string]string{}
			for _, f := range e.Fields {
				p.Errors[f.Field] = f.Message
			}
		}
		WriteJSON(w, e.Status, p, "application/problem+json")
		return
	}
	page := r.NewPage(req, "error.title", map[string]any{"Status": e.Status, "Message": title})
	page.Title = title
	if len(e.Fields) > 0 {
		page.Form = &Form{Errors: e.Fields}
	}
	if rerr := r.Render(w, req, e.Status, "web/error", page); rerr != nil {
		r.Log.Error("render error page", "err", rerr)
		http.Error(w, title, e.Status)
	}
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any, contentType string) {
	if contentType == "" {
		contentType = "application/json"
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"title":"encoding failed"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(b)
}
