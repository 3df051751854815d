//go:build !unix

package generation

import "testing"

func processGone(t *testing.T, pid int) bool {
	t.Skip("checking for a process by pid is written for unix only")
	return false
}
