package diskblobs

import (
	"os"
	"path/filepath"

	"easel/store/blob"
)

// Holds names, in words for a person, what the data folder dir keeps that
// only a database can make sense of (image files, thumbnails, a journal of
// recent imports), or returns "" when it keeps nothing of the kind. It
// opens nothing for writing: it is asked before the blobs are opened, to
// tell a lost database from a first start.
func Holds(dir string) string {
	for _, kind := range []struct {
		kind  blob.Kind
		words string
	}{
		{blob.Image, "image files (in images/)"},
		{blob.Thumbnail, "thumbnails (in thumbnails/)"},
	} {
		owners, _ := os.ReadDir(filepath.Join(dir, string(kind.kind))) // one folder per profile: few
		for _, o := range owners {
			if !o.IsDir() || hasEntries(filepath.Join(dir, string(kind.kind), o.Name())) {
				return kind.words
			}
		}
	}
	if info, err := os.Stat(filepath.Join(dir, JournalName)); err == nil && info.Size() > 0 {
		return "a journal of recent imports (" + JournalName + ")"
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
