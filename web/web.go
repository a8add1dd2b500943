// Package web is the HTTP plumbing shared by kintai's handlers: the route
// table type with each route's access rule, JSON decoding and encoding, the
// mapping from domain error codes to HTTP status, request logging and
// metrics. Pages and the JSON API live in web/app; device endpoints will
// live beside it with their own trust boundary.
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kintai"
)

// Access says who may call a route. Org-unit scope is checked inside the
// handler, against the records it touches.
type Access string

// Access levels.
const (
	Public Access = "public" // anyone, signed in or not
	Device Access = "device" // a registered terminal (device credential)
	// DeviceOrStaff is a terminal or any signed-in staff member (punching).
	DeviceOrStaff Access = "device_or_staff"
	Signed        Access = "staff"    // any signed-in staff member
	Approver      Access = "approver" // holds the approver role somewhere (or HR, admin)
	HR            Access = "hr"       // holds the HR role somewhere (or admin)
	Admin         Access = "admin"    // system administrator
)

// Role returns the domain role an access level requires, "" for public and device.
func (a Access) Role() kintai.Role {
	switch a {
	case Signed, DeviceOrStaff:
		return kintai.RoleStaff
	case Approver:
		return kintai.RoleApprover
	case HR:
		return kintai.RoleHR
	case Admin:
		return kintai.RoleAdmin
	}
	return ""
}

// HandlerFunc is an HTTP handler that returns its error for the central
// error mapping instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table.
type Route struct {
	Method  string
	Pattern string // net/http pattern path, e.g. /api/v1/staff/{id}
	Access  Access
	// Page routes answer errors with an HTML page; others with JSON.
	Page    bool
	Summary string
	Handler HandlerFunc
}

// API reports whether r belongs to the JSON API (and so to the OpenAPI document).
func (r Route) API() bool { return strings.HasPrefix(r.Pattern, "/api/") }

// Status maps an error code to its HTTP status.
func Status(code string) int {
	switch code {
	case kintai.EINVALID:
		return http.StatusBadRequest
	case kintai.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case kintai.EFORBIDDEN:
		return http.StatusForbidden
	case kintai.ENOTFOUND:
		return http.StatusNotFound
	case kintai.ECONFLICT:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries a stable code and messages for people.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
	Field     string `json:"field,omitempty"`
	// Reason is a finer stable code for refusals, e.g. outside_geofence.
	Reason string `json:"reason,omitempty"`
}

// Detail returns the safe-to-show description of err.
func Detail(err error) ErrorDetail {
	ja, en := kintai.ErrorMessages(err)
	d := ErrorDetail{Code: kintai.ErrorCode(err), Message: ja, MessageEN: en}
	var e *kintai.Error
	if errors.As(err, &e) {
		d.Field = e.Field
	}
	var r interface{ ReasonCode() string }
	if errors.As(err, &r) {
		d.Reason = r.ReasonCode()
	}
	return d
}

// LogError logs err once, at the edge, when it is not the caller's fault.
func LogError(r *http.Request, err error) {
	if kintai.ErrorCode(err) == kintai.EINTERNAL {
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// WriteError writes err as JSON with its status.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	LogError(r, err)
	d := Detail(err)
	WriteJSON(w, Status(d.Code), ErrorBody{Error: d})
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// MaxBody is the largest JSON request body accepted.
const MaxBody = 1 << 20

// DecodeJSON reads the request body into v, refusing unknown fields,
// trailing data and bodies over MaxBody, with messages a person can act on.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return DecodeJSONLimit(w, r, v, MaxBody)
}

// DecodeJSONLimit is DecodeJSON for bodies of up to limit bytes (an
// offline batch of punches).
func DecodeJSONLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return kintai.Errorf(kintai.EINVALID, "Content-Type は application/json にしてください。", "Content-Type must be application/json.")
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return kintai.Errorf(kintai.EINVALID, "JSONの後に余分なデータがあります。", "Unexpected data after the JSON body.")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return kintai.Errorf(kintai.EINVALID, "リクエスト本文が空です。", "Request body is empty.")
	case errors.As(err, &syn):
		return &kintai.Error{Code: kintai.EINVALID, Message: fmt.Sprintf("JSONの形式が正しくありません（%d文字目）。", syn.Offset), MessageEN: fmt.Sprintf("Malformed JSON at offset %d.", syn.Offset)}
	case errors.As(err, &typ):
		// Fields of embedded structs come as "Input.staff_id"; clients know "staff_id".
		if i := strings.LastIndexByte(typ.Field, '.'); i >= 0 {
			typ.Field = typ.Field[i+1:]
		}
		return &kintai.Error{Code: kintai.EINVALID, Field: typ.Field, Message: fmt.Sprintf("項目 %s の型が正しくありません。", typ.Field), MessageEN: fmt.Sprintf("Field %s has the wrong type.", typ.Field)}
	case errors.As(err, &tooBig):
		return kintai.Errorf(kintai.EINVALID, "リクエストが大きすぎます。", "Request body too large.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &kintai.Error{Code: kintai.EINVALID, Field: f, Message: fmt.Sprintf("不明な項目 %s があります。", f), MessageEN: fmt.Sprintf("Unknown field %s.", f)}
	}
	return &kintai.Error{Code: kintai.EINVALID, Message: "リクエストを読み取れません。", MessageEN: "Cannot read the request.", Err: err}
}

// PathID reads the integer path value name, as an EINVALID error when it is not one.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, kintai.Invalid(name, "IDが正しくありません。", "Invalid id.")
	}
	return id, nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Observe wraps h to record the route's metrics and log slow or failed requests.
func Observe(m *Metrics, pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		m.ObserveRequest(r.Method+" "+pattern, rec.status, took)
		if took > 2*time.Second {
			slog.WarnContext(r.Context(), "slow request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "took_ms", took.Milliseconds())
		}
	})
}
