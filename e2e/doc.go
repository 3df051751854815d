// Package e2e tests Easel as people use it: the built binary, a real
// Chromium driving `easel serve`'s UI, and the real window under Xvfb.
// `make test` builds the binary and passes it in EASEL_BIN.
package e2e
