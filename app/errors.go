package app

import (
	"errors"
	"fmt"
	"time"
)

// Error codes, one per way a caller can be turned away. Adapters map them to
// HTTP statuses (and the window's error objects) in exactly one place each.
const (
	ECONFLICT     = "conflict"        // 409: the name or email is taken
	EFORBIDDEN    = "forbidden"       // 403: you may see it but not do this
	EINTERNAL     = "internal"        // 500: a bug or a disk failure
	EINVALID      = "invalid"         // 400: the request itself is wrong
	ENOTFOUND     = "not_found"       // 404: it does not exist, or you may not see it
	ETOOMANY      = "too_many"        // 429: slow down (RetryAfter says how long)
	EUNAUTHORIZED = "unauthorized"    // 401: sign in first
	EUNSUPPORTED  = "unsupported"     // 415: the body is not in the form the route takes
	EUNAVAILABLE  = "already_running" // another Easel holds the data folder
	ENOSPACE      = "disk_full"       // 507: the disk holding the data folder is full
	EREADONLY     = "read_only"       // 507: the data folder cannot be written to
	EDAMAGED      = "damaged"         // the database is damaged or missing: Easel will not start on it
)

// Error is the one error type the services return. Message is written for the
// person using Easel: it says what went wrong and, where it can, what to do.
type Error struct {
	Code       string
	Message    string
	RetryAfter time.Duration // set with ETOOMANY
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not ours,
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Errors that are not
// ours are bugs or disk failures: their text may hold paths or internals, so
// the user gets a generic message and the log gets the details.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "Something went wrong inside Easel. Try again; if it keeps happening, restart Easel."
}

// ErrorMessageOrText is for command-line tools: our message, or the error's
// own text for errors that are not ours (the person at the terminal owns the
// machine and may need the details).
func ErrorMessageOrText(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// RetryAfter returns how long the caller should wait before trying again.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Common errors with one wording everywhere.
var (
	ErrNotSignedIn     = Errorf(EUNAUTHORIZED, "Sign in to continue.")
	ErrAdminOnly       = Errorf(EFORBIDDEN, "Only an administrator can do this.")
	ErrBadCredentials  = Errorf(EUNAUTHORIZED, "Incorrect email or password")
	ErrAccountDisabled = Errorf(EFORBIDDEN, "This account is disabled")
	ErrUserNotFound    = Errorf(ENOTFOUND, "User not found")
)

// HTTPStatus is the HTTP status of an error code: the API answers with it,
// and the window's errors carry it so the page handles both alike.
func HTTPStatus(code string) int {
	switch code {
	case EINVALID:
		return 400
	case EUNAUTHORIZED:
		return 401
	case EFORBIDDEN:
		return 403
	case ENOTFOUND:
		return 404
	case ECONFLICT:
		return 409
	case EUNSUPPORTED:
		return 415
	case ETOOMANY:
		return 429
	case EUNAVAILABLE:
		return 503
	case ENOSPACE, EREADONLY:
		return 507 // Insufficient Storage: the request was fine, saving it was not possible
	}
	return 500
}

// ErrBoardNotFound is what anyone who may not see a board is told.
var ErrBoardNotFound = Errorf(ENOTFOUND, "Board not found")

// ErrImageNotFound is what anyone who may not see an image is told.
var ErrImageNotFound = Errorf(ENOTFOUND, "Image not found")

// ErrWorkflowNotFound is what anyone who may not see a workflow is told.
var ErrWorkflowNotFound = Errorf(ENOTFOUND, "Workflow not found")

// ErrStylePresetNotFound is what anyone who may not see a style preset is told.
var ErrStylePresetNotFound = Errorf(ENOTFOUND, "Style preset not found")
