//go:build unix

package generation

import (
	"errors"
	"syscall"
	"testing"
)

// processGone reports whether no process has pid.
func processGone(t *testing.T, pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
