package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"easel/app"
	"easel/store/diskblobs"
	"easel/store/diskerr"
)

// refuseLostDatabase refuses a data folder whose easel.db is missing or
// empty while the folder still holds images (or a journal of imports).
// Opening it would make a fresh, empty store: the first-run setup open to
// anyone again, and the start-up sweep removing every file the journal
// names, since no record would claim them. A folder with neither a
// database nor images is a first start, and opens as one.
func refuseLostDatabase(dir string) error {
	path := filepath.Join(dir, FileName)
	state := "missing"
	switch info, err := os.Stat(path); {
	case err == nil && info.Size() > 0:
		return nil
	case err == nil:
		state = "empty (0 bytes)"
	case !errors.Is(err, fs.ErrNotExist):
		return diskerr.Words(dir, err)
	}
	what := diskblobs.Holds(dir)
	if what == "" {
		return nil
	}
	return app.Errorf(app.EDAMAGED, "Easel's database %s is %s, but the data folder still holds %s. "+
		"Easel will not start over with a new, empty database beside them. "+
		"Put easel.db back from your latest backup, then start Easel again. "+
		"(To really start over, move the whole folder %s somewhere else first.)", path, state, what, dir)
}
