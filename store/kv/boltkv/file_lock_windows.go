package boltkv

import "os"

// releaseFile closes f; on Windows that ends bbolt's lock on it.
func releaseFile(f *os.File) error { return f.Close() }
