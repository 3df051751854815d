// Easel is a multi-user image studio for a shared computer. This file reads
// the command line and wires the store, the services and one of the faces:
// the window (default), the REST API (`easel serve`) or an admin command.
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"easel/app"
	"easel/store"
)

//go:embed all:frontend/dist
var frontendDist embed.FS

const usage = `Easel, a multi-user image studio for a shared computer.

Usage:
  easel [--data DIR] [--workers N] [--backend NAME=URL]...
                                              open the Easel window
  easel serve [--addr HOST:PORT] [--data DIR] [--workers N] [--backend NAME=URL]...
                                              serve the API and web UI (loopback by default)
  easel admin reset-password EMAIL [--data DIR]
                                              set a new password for a profile (asks for it)
  easel version

The data folder is --data, else $EASEL_DATA, else the user's data folder
(` + "`~/.local/share/easel`" + ` on Linux). --workers is how many render queue
items run at once (default 1). --backend adds an A1111-compatible
image-generation server on this computer for this run (see Settings for
lasting ones).
`

var version = "0.1.0"

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "easel:", app.ErrorMessageOrText(err))
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		fl := flag.NewFlagSet("easel", flag.ContinueOnError)
		data, workers, backends := dataFlag(fl), workersFlag(fl), backendFlag(fl)
		fl.Usage = func() { fmt.Fprint(stderr, usage) }
		if err := fl.Parse(args); err != nil {
			return flagErr(err)
		}
		if err := checkWorkers(*workers); err != nil {
			return err
		}
		return runWindow(*data, *workers, *backends, logger(stderr))
	case "serve":
		return runServe(args, stdout, stderr)
	case "admin":
		return runAdmin(args, stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "easel", version)
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

func logger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// flagErr turns -h into a clean exit and keeps other flag errors.
func flagErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	return err
}

func dataFlag(fl *flag.FlagSet) *string {
	return fl.String("data", "", "the data folder (default $EASEL_DATA, else the user's data folder)")
}

// maxWorkers bounds how many queue items run at once: each may hold
// large images in memory.
const maxWorkers = 16

func workersFlag(fl *flag.FlagSet) *int {
	return fl.Int("workers", 1, "how many render queue items run at once (1 to 16)")
}

func checkWorkers(n int) error {
	if n < 1 || n > maxWorkers {
		return fmt.Errorf("--workers must be between 1 and %d, not %d", maxWorkers, n)
	}
	return nil
}

// dataDir picks the data folder: the flag, then $EASEL_DATA, then the
// platform's per-user data folder.
func dataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if env := os.Getenv("EASEL_DATA"); env != "" {
		return filepath.Abs(env)
	}
	switch runtime.GOOS {
	case "windows", "darwin":
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "Easel"), nil
	}
	if xdg := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(xdg) {
		return filepath.Join(xdg, "easel"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "easel"), nil
}

// openStore opens the store in the chosen data folder, logging to log.
func openStore(flagValue string, log *slog.Logger) (*store.DB, error) {
	dir, err := dataDir(flagValue)
	if err != nil {
		return nil, fmt.Errorf("find the data folder: %w", err)
	}
	return store.Open(dir, store.WithLogger(log))
}

// frontend is the built web UI.
func frontend() fs.FS {
	sub, err := fs.Sub(frontendDist, "frontend/dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}
