//go:build !windows

package boltkv

import (
	"os"
	"syscall"
)

// releaseFile lets go of bbolt's lock on f and closes it. The lock must be
// dropped by hand: bbolt's memory map still holds the file, and a lock
// lasts as long as anything holds it.
func releaseFile(f *os.File) error {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return f.Close()
}
