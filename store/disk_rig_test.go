package store_test

import (
	"strings"
	"testing"

	"easel/app"
	"easel/internal/testdisk"
)

// wantWords checks that err has the code and that its message holds each
// of the words.
func wantWords(t *testing.T, err error, code string, words ...string) {
	t.Helper()
	wantCode(t, err, code)
	msg := app.ErrorMessage(err)
	for _, w := range words {
		if !strings.Contains(msg, w) {
			t.Fatalf("message %q does not say %q", msg, w)
		}
	}
}

// fileSum and copyDir are testdisk's Sum and CopyDir under the names that
// lost_database_test.go calls them by.
func fileSum(t *testing.T, path string) [32]byte { return testdisk.Sum(t, path) }

func copyDir(t *testing.T, src string) string { return testdisk.CopyDir(t, src) }
