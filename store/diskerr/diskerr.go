// Package diskerr puts the operating system's "the disk is full" and "you
// may not write here" into words, for every part of Easel that writes to
// the data folder.
package diskerr

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"easel/app"
)

// Words turns the operating system's "the disk is full" and "you may
// not write here" into coded errors whose words tell the person what
// happened to which folder and what to do; any other error is returned as
// it is. The system's own error stays wrapped inside, for the log.
//
// It is the one place that knows these cases: the key-value engine's
// commits (boltkv), the image-file writes (store's wordedBlobs) and opening
// the data folder all pass their errors through it.
func Words(dir string, err error) error {
	if err == nil {
		return nil
	}
	var coded *app.Error
	if errors.As(err, &coded) {
		return err // already in words, perhaps by a deeper call
	}
	var words *app.Error
	switch {
	case isDiskFull(err):
		words = app.Errorf(app.ENOSPACE, "The disk that holds Easel's data (%s) is full, so this was not saved. "+
			"Free some space on that disk, then try again; what was saved before is safe.", dir)
	case isReadOnly(err):
		words = app.Errorf(app.EREADONLY, "Easel cannot write to its data folder %s: the disk it is on is read-only, so nothing can be saved. "+
			"Make that disk writable again (a removable disk: check it, then mount it read-write), "+
			"or start Easel with another data folder (--data DIR).", dir)
	case errors.Is(err, fs.ErrPermission):
		words = app.Errorf(app.EREADONLY, "Easel is not allowed to write to its data folder %s, so nothing can be saved. "+
			"Give your account write permission on that folder and everything in it (it should be yours, mode 700), "+
			"or start Easel with another data folder (--data DIR).", dir)
	default:
		return err
	}
	slog.Warn("a write to the data folder failed", "folder", dir, "code", words.Code, "err", err)
	return fmt.Errorf("%w (%w)", words, err)
}
