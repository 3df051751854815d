package testdisk

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// NeedMounts skips the test unless it can mount file systems of its own.
// The disk tests mount small file systems, which takes root (CI runs as
// root); anywhere else they say they were skipped, and why, rather than
// pass without having run.
func NeedMounts(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: mounting a small tmpfs to fill it up (or make it read-only) needs root; CI runs these as root")
	}
	if _, err := exec.LookPath("mount"); err != nil {
		t.Skip("skipped: no mount command on this machine")
	}
}

// MountTmpfs mounts a tmpfs of the given size ("8m", "16m") on dir, made if
// need be, until the test ends: a disk small enough to fill in a test, and
// one that Remount can turn read-only. Where the kernel refuses the mount
// (a container without the right), the test is skipped with the reason.
// If the unmount at the end fails (something still holds a file open), the
// test fails and the mount is detached lazily, so no tmpfs outlives it.
func MountTmpfs(t testing.TB, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("skipped: cannot mount a tmpfs here (%v: %s)", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
			exec.Command("umount", "-l", dir).Run()
		}
	})
}

// Remount makes the file system mounted on dir read-only ("ro") or
// writable ("rw"), so that what Easel then writes there meets the
// kernel's own EROFS, as it would on a disk that failed. (A file system
// with files open for writing, such as a running store's database, cannot
// be remounted read-only.)
func Remount(t testing.TB, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, mode, err, out)
	}
}

// FillDisk writes a file in dir until its file system has no byte left
// (in ever smaller chunks, down to one byte, so no gap is left for a small
// write) and returns its name: removing it frees the space again.
func FillDisk(t testing.TB, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for chunk := 1 << 16; chunk >= 1; chunk /= 2 {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("filling the disk: %v", err)
				}
				break
			}
		}
	}
	return name
}
