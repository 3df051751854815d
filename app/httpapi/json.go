package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"easel/app"
)

// maxJSONBody bounds a request body; no JSON request of this API comes near it.
const maxJSONBody = 1 << 20

// decode reads a JSON value into v, with errors that say what was wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeLimit(w, r, v, maxJSONBody)
}

func decodeLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	err := dec.Decode(v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		if dec.More() {
			return app.Errorf(app.EINVALID, "The request body has more than one JSON value.")
		}
		return nil
	case errors.Is(err, io.EOF):
		return app.Errorf(app.EINVALID, "The request needs a JSON body.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return app.Errorf(app.EINVALID, "The request body is not valid JSON.")
	case errors.As(err, &typ):
		if typ.Field != "" {
			return app.Errorf(app.EINVALID, "The field %q must be a %s.", typ.Field, jsonKind(typ.Type.Kind().String()))
		}
		return app.Errorf(app.EINVALID, "The request body must be a JSON object.")
	case errors.As(err, &tooBig):
		return app.Errorf(app.EINVALID, "The request body is larger than %d bytes.", limit)
	}
	return app.Errorf(app.EINVALID, "The request body could not be read: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	case "int", "int64", "uint64", "float64":
		return "number"
	case "slice":
		return "list"
	}
	return "JSON " + goKind
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// Once the status is out, a failed write (the client left) has no one to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers with InvokeAI's error shape, {"detail": "..."}, and logs the
// errors that are bugs or disk failures, whose details the caller never sees.
func (s *Server) fail(w http.ResponseWriter, err error) {
	if app.ErrorCode(err) == app.EINTERNAL {
		s.log.Error("internal error", "err", err)
	}
	writeError(w, err)
}

func writeError(w http.ResponseWriter, err error) {
	if d := app.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())))
	}
	writeJSON(w, app.HTTPStatus(app.ErrorCode(err)), map[string]string{"detail": app.ErrorMessage(err)})
}

// pageParams reads a listing's page request from the query: cursor, offset
// and limit (each optional).
func pageParams(q url.Values) (app.PageRequest, error) {
	req := app.PageRequest{Cursor: q.Get("cursor")}
	var err error
	if req.Offset, err = intParam(q.Get("offset"), "offset"); err == nil {
		req.Limit, err = intParam(q.Get("limit"), "limit")
	}
	return req, err
}

// paged reports whether the query asks for a page rather than the whole list.
func paged(q url.Values) bool { return q.Has("cursor") || q.Has("offset") || q.Has("limit") }
