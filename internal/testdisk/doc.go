// Package testdisk is the test machinery for the disks and database files
// that fail under Easel: a small tmpfs to fill up or to make read-only
// (mount.go), and the ways a disk or a bad copy damages an easel.db
// (damage.go). The store's tests and the end-to-end tests of the binary
// both use it, so it must not import easel/store: it knows files, not
// what is in them.
package testdisk
