package store

import (
	"testing"

	"easel/store/kv/boltkv"
)

// BenchmarkOpenCheck is the structure check every start runs (boltkv's
// Open), on the benchmark store: 1 000 000 images, 10 000 boards.
func BenchmarkOpenCheck(b *testing.B) {
	f := benchStore(b)
	engine := f.db.kv.(*boltkv.DB)
	b.ResetTimer()
	for b.Loop() {
		if err := engine.CheckStructure(); err != nil {
			b.Fatal(err)
		}
	}
}
