package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"easel/app"
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
		return diskError(dir, err)
	}
	what := dataWithoutDatabase(dir)
	if what == "" {
		return nil
	}
	return app.Errorf(app.EDAMAGED, "Easel's database %s is %s, but the data folder still holds %s. "+
		"Easel will not start over with a new, empty database beside them. "+
		"Put easel.db back from your latest backup, then start Easel again. "+
		"(To really start over, move the whole folder %s somewhere else first.)", path, state, what, dir)
}

// dataWithoutDatabase names what the folder holds that only a database can
// make sense of, or returns "" when it holds nothing of the kind.
func dataWithoutDatabase(dir string) string {
	for _, kind := range []struct{ dir, words string }{
		{kindImage, "image files (in images/)"},
		{kindThumbnail, "thumbnails (in thumbnails/)"},
	} {
		owners, _ := os.ReadDir(filepath.Join(dir, kind.dir)) // one folder per profile: few
		for _, o := range owners {
			if !o.IsDir() || hasEntries(filepath.Join(dir, kind.dir, o.Name())) {
				return kind.words
			}
		}
	}
	if info, err := os.Stat(filepath.Join(dir, journalName)); err == nil && info.Size() > 0 {
		return "a journal of recent imports (" + journalName + ")"
	}
	return ""
}

// hasEntries reads one entry, not a folder of a hundred thousand images.
func hasEntries(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	names, _ := f.Readdirnames(1)
	return len(names) > 0
}
