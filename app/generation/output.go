package generation

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// maxOutputLine bounds one logged line of sd-server's output: a progress
// bar redrawn without a newline must not grow without end.
const maxOutputLine = 4096

// outputLog copies a child's output into the log, one record a line. A line
// ends at '\n' or '\r' (progress bars redraw with '\r'). It keeps the last
// line, which usually says why a process that stopped did.
type outputLog struct {
	log    *slog.Logger
	stream string

	mu   sync.Mutex
	buf  []byte
	last string
}

func newOutputLog(log *slog.Logger, stream string) *outputLog {
	return &outputLog{log: log, stream: stream}
}

// Write never fails: a child blocked on a full pipe would stop generating.
func (o *outputLog) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexAny(p, "\r\n")
		end := i
		if i < 0 {
			end = len(p)
		}
		take := min(end, maxOutputLine-len(o.buf))
		o.buf = append(o.buf, p[:take]...)
		switch {
		case i >= 0 && take == end:
			o.emit()
			p = p[i+1:]
		case len(o.buf) >= maxOutputLine:
			o.emit()
			p = p[take:]
		default:
			p = p[take:]
		}
	}
	return n, nil
}

// flush logs a last line that had no newline.
func (o *outputLog) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.emit()
}

func (o *outputLog) emit() {
	line := strings.TrimSpace(strings.ToValidUTF8(string(o.buf), "�"))
	o.buf = o.buf[:0]
	if line == "" {
		return
	}
	o.last = line
	o.log.Info("sd-server", "stream", o.stream, "line", line)
}

func (o *outputLog) lastLine() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}
