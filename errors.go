// Package kintai holds the domain of the kintai attendance system: its types,
// its error codes and the pure rules that decide what may happen. It does no
// I/O; storage lives in package store and HTTP in package web.
package kintai

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: API clients and tests match on them.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	EINTERNAL     = "internal"
)

// Error is a domain error with a stable code and a message for people in
// Japanese and English.
type Error struct {
	Code      string
	Message   string // Japanese, shown first
	MessageEN string
	// Field names the input at fault, when there is one.
	Field string
	Err   error
}

func (e *Error) Error() string {
	msg := e.MessageEN
	if msg == "" {
		msg = e.Message
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and the Japanese and English messages.
func Errorf(code, ja, en string) *Error {
	return &Error{Code: code, Message: ja, MessageEN: en}
}

// Invalid returns an EINVALID error naming the field at fault.
func Invalid(field, ja, en string) *Error {
	return &Error{Code: EINVALID, Field: field, Message: ja, MessageEN: en}
}

// PrefixField puts prefix before the field of an EINVALID error, for a
// check whose fields are relative to a larger input ("types[2]." before
// "units"); other errors are returned as they are.
func PrefixField(err error, prefix string) error {
	var e *Error
	if errors.As(err, &e) && e.Code == EINVALID {
		c := *e
		c.Field = prefix + e.Field
		return &c
	}
	return err
}

// NotFound returns an ENOTFOUND error for the named thing, in Japanese and English.
func NotFound(ja, en string) *Error {
	return &Error{Code: ENOTFOUND, Message: ja + "が見つかりません。", MessageEN: en + " not found."}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessages returns the Japanese and English messages of err that are
// safe to show a person. Internal errors get a generic text.
func ErrorMessages(err error) (ja, en string) {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message, e.MessageEN
	}
	return "内部エラーが発生しました。管理者に連絡してください。", "An internal error occurred. Please contact the administrator."
}
