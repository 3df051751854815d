package store

import (
	"path/filepath"
	"testing"
)

// BenchmarkOpenCheck is the structure check every start runs (openChecked),
// on the benchmark store: 1 000 000 images, 10 000 boards.
func BenchmarkOpenCheck(b *testing.B) {
	f := benchStore(b)
	path := filepath.Join(f.db.Dir(), FileName)
	b.ResetTimer()
	for b.Loop() {
		if err := checkStructure(f.db.bolt.DB, path); err != nil {
			b.Fatal(err)
		}
	}
}
