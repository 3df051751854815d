package boltkv_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"easel/store/kv"
	"easel/store/kv/boltkv"
	"easel/store/kv/kvtest"
)

func TestConformance(t *testing.T) {
	kvtest.Run(t, func(dir string) (kv.Store, error) {
		return boltkv.Open(filepath.Join(dir, "test.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
}
