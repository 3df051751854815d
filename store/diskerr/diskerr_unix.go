//go:build !windows

package diskerr

import (
	"errors"
	"syscall"
)

// isDiskFull: no space left, or the account's quota on the disk is used up.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// isReadOnly: the file system is mounted read-only.
func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }
