package generation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Bounds on what Easel reads from a backend: a server is trusted to
// generate, not to be well-behaved.
const (
	maxListBytes   = 8 << 20   // model and sampler lists, job submissions
	maxAnswerBytes = 128 << 20 // answers carrying pictures (base64 PNG)
	maxErrorBytes  = 16 << 10  // an error answer, of which only a line is shown
)

// conn is HTTP with JSON to one server. It keeps the user and password of
// an address such as http://user:pass@host:7860 (A1111's --api-auth) apart
// from the address, so no URL it logs or shows carries them.
type conn struct {
	base    string // scheme://host[:port][/path], no userinfo, no trailing '/'
	user    *url.Userinfo
	client  *http.Client
	timeout time.Duration // for every request but the long generation calls
}

func newConn(raw string, client *http.Client, timeout time.Duration) (*conn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	user := u.User
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	return &conn{base: strings.TrimRight(u.String(), "/"), user: user, client: client, timeout: timeout}, nil
}

// shownURL is raw without its user and password, for messages and logs.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an address Easel cannot read)"
	}
	u.User = nil
	return u.String()
}

// get fetches path and decodes its JSON answer into out, within the
// request timeout.
func (c *conn) get(ctx context.Context, path string, limit int64, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, limit, out, true)
}

// post sends in as JSON (no body when nil) and decodes the answer into out
// (unless nil). bounded applies the request timeout; the calls that block
// while a picture is made are bounded by the job's context instead.
func (c *conn) post(ctx context.Context, path string, in any, limit int64, out any, bounded bool) error {
	return c.do(ctx, http.MethodPost, path, in, limit, out, bounded)
}

// do makes one request. Its errors are ctx's own error when ctx ended, else
// a *failure.
func (c *conn) do(ctx context.Context, method, path string, in any, limit int64, out any, bounded bool) error {
	rctx := ctx
	if bounded && c.timeout > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeoutCause(ctx, c.timeout, errRequestTimeout)
		defer cancel()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("generation: encode the request to %s: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(rctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("generation: build the request to %s: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.user != nil {
		pass, _ := c.user.Password()
		req.SetBasicAuth(c.user.Username(), pass)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return transportFailure(ctx, rctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
		return statusFailure(resp.StatusCode, raw)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		if cerr := endedBy(ctx, rctx); cerr != nil {
			return cerr
		}
		return &failure{kind: failUnreadable, detail: reasonCutOff, err: err}
	case int64(len(raw)) > limit:
		return &failure{kind: failUnreadable, detail: reasonTooLarge}
	case out == nil:
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &failure{kind: failUnreadable, detail: reasonNotJSON, err: err}
	}
	return nil
}

// endedBy is ctx's error when the caller's context ended, a timeout failure
// when only the request's own timeout did, and nil when neither.
func endedBy(ctx, rctx context.Context) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if context.Cause(rctx) == errRequestTimeout {
		return &failure{kind: failTimeout, err: errRequestTimeout}
	}
	return nil
}

// transportFailure classifies an error from Client.Do: no answer at all.
func transportFailure(ctx, rctx context.Context, err error) error {
	if cerr := endedBy(ctx, rctx); cerr != nil {
		return cerr
	}
	var op *net.OpError
	var dns *net.DNSError
	var nerr net.Error
	switch {
	case errors.As(err, &op) && op.Op == "dial", errors.As(err, &dns), errors.Is(err, syscall.ECONNREFUSED):
		return &failure{kind: failUnreachable, err: err}
	case errors.As(err, &nerr) && nerr.Timeout():
		return &failure{kind: failTimeout, err: err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return &failure{kind: failDropped, err: err}
	}
	return &failure{kind: failUnreachable, err: err}
}

// statusFailure reads an error answer: A1111's {error, detail, errors},
// FastAPI's {detail: [{msg}]}, sd-server's {error: {code, message}}, or
// plain text. Out-of-memory is recognised in any of them.
func statusFailure(status int, raw []byte) *failure {
	text := errorText(raw)
	if strings.Contains(strings.ToLower(text), "out of memory") {
		return &failure{kind: failOOM, status: status, detail: quote(text)}
	}
	return &failure{kind: failStatus, status: status, detail: quote(text)}
}

func errorText(raw []byte) string {
	var a struct {
		Error  json.RawMessage `json:"error"`
		Detail json.RawMessage `json:"detail"`
		Errors string          `json:"errors"`
	}
	if json.Unmarshal(raw, &a) != nil {
		if json.Valid(raw) {
			return ""
		}
		return string(raw)
	}
	if a.Errors != "" {
		return a.Errors
	}
	var sd struct{ Code, Message string }
	if json.Unmarshal(a.Error, &sd) == nil && sd.Message != "" {
		return sd.Message
	}
	var s string
	if json.Unmarshal(a.Detail, &s) == nil && s != "" {
		return s
	}
	var list []struct{ Msg string }
	if json.Unmarshal(a.Detail, &list) == nil && len(list) > 0 {
		return list[0].Msg
	}
	if json.Unmarshal(a.Error, &s) == nil {
		return s
	}
	return ""
}

// bestEffort is a context for what is sent after the job's context ended,
// such as A1111's /interrupt: a few seconds, whatever ctx says.
func bestEffort(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}
