package generation

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// A failure is what went wrong talking to a backend, before it is put in
// words: the clients classify, and explain (messages.go) words each kind
// once, with the backend's name and what to do. Keeping the two apart means
// every client reports the same trouble with the same sentence.
type failure struct {
	kind   failureKind
	status int    // the HTTP status, for failStatus
	detail string // short text from the server, already made safe to show
	model  string // failWrongModel: the model asked for
	loaded string // failWrongModel: the model the server used instead
	err    error  // the underlying error, for the log only
}

type failureKind int

const (
	failUnreachable       failureKind = iota + 1 // no connection could be made
	failTimeout                                  // a bounded request took too long
	failDropped                                  // the connection closed before any answer
	failUnreadable                               // the answer was not what the API promises
	failStatus                                   // the server answered an HTTP error
	failOOM                                      // the server ran out of memory
	failBadImage                                 // a picture that does not decode
	failNoImage                                  // an answer without a picture
	failWrongModel                               // A1111 fell back to another checkpoint
	failJobFailed                                // an sd-server job ended "failed"
	failCancelledOnServer                        // someone else cancelled the job
	failLostJob                                  // the server no longer knows the job
)

func (f *failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "generation failure %d", f.kind)
	if f.status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", f.status)
	}
	if f.detail != "" {
		fmt.Fprintf(&b, ": %s", f.detail)
	}
	if f.err != nil {
		fmt.Fprintf(&b, ": %v", f.err)
	}
	return b.String()
}

func (f *failure) Unwrap() error { return f.err }

// failureOf returns err's failure, or nil.
func failureOf(err error) *failure {
	var f *failure
	if errors.As(err, &f) {
		return f
	}
	return nil
}

// isConnectionTrouble reports whether err says the server went away, as
// opposed to answering something wrong: what a server that died mid-job
// looks like from the client's side.
func isConnectionTrouble(err error) bool {
	f := failureOf(err)
	return f != nil && (f.kind == failUnreachable || f.kind == failDropped ||
		(f.kind == failUnreadable && f.detail == reasonCutOff))
}

const (
	reasonCutOff   = "the connection closed in the middle of it"
	reasonNotJSON  = "it is not valid JSON"
	reasonTooLarge = "it is far larger than a picture needs"
)

// quote makes text from a server safe to put in a message: printable
// characters only, runs of space collapsed, long base64-looking runs (an
// image the server echoed) cut out, and at most maxQuote runes. A server's
// error body is never shown whole.
func quote(s string) string {
	const maxQuote = 160
	s = blob.ReplaceAllString(s, "…")
	var b strings.Builder
	n, space := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			space = b.Len() > 0
			continue
		}
		if n >= maxQuote {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

var blob = regexp.MustCompile(`[A-Za-z0-9+/=]{48,}`)
