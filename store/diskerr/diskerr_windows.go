package diskerr

import (
	"errors"
	"syscall"
)

// Windows reports these as its own error numbers, not as POSIX errno values.
const (
	errorWriteProtect   = syscall.Errno(19)   // ERROR_WRITE_PROTECT
	errorHandleDiskFull = syscall.Errno(39)   // ERROR_HANDLE_DISK_FULL
	errorDiskFull       = syscall.Errno(112)  // ERROR_DISK_FULL
	errorDiskQuota      = syscall.Errno(1295) // ERROR_DISK_QUOTA_EXCEEDED
)

// isDiskFull: no space left, or the account's quota on the disk is used up.
func isDiskFull(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull) || errors.Is(err, errorDiskQuota)
}

// isReadOnly: the disk is write-protected.
func isReadOnly(err error) bool { return errors.Is(err, errorWriteProtect) }
