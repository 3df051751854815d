package boltkv

import (
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// panicked is a panic caught while opening the database or inside a
// transaction. bbolt trusts the bytes of its file: on a damaged page it
// panics (a page that names itself wrongly, an element past the page's
// end), and following a damaged page number into its memory map can fault
// like a nil pointer would.
type panicked struct {
	value any
	at    string // the function and line that panicked
}

func (p *panicked) Error() string { return fmt.Sprintf("panic: %v (at %s)", p.value, p.at) }

// catchPanics runs fn and returns a panic inside it as a *panicked error.
// Memory faults become panics too while fn runs (SetPanicOnFault is meant
// for programs that read memory-mapped files): this goroutine only, which
// is where bbolt runs fn and reads its map.
func catchPanics(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &panicked{value: r, at: panicSite()}
		}
	}()
	return fn()
}

// panicSite names the first frame below the runtime's own panic machinery:
// enough for a log line, without a stack trace on anyone's screen.
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s %s:%d", f.Function, filepath.Base(f.File), f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}
