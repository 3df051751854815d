package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// runAdmin runs the commands for whoever owns the machine: today, resetting
// a password that was lost. It works on the data folder directly, so Easel
// must be closed.
func runAdmin(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reset-password" {
		return errors.New("usage: easel admin reset-password EMAIL [--data DIR]")
	}
	fl := flag.NewFlagSet("easel admin reset-password", flag.ContinueOnError)
	fl.SetOutput(stderr)
	data := dataFlag(fl)
	// Accept the flag before or after the email.
	rest := args[1:]
	var email string
	for len(rest) > 0 {
		if err := fl.Parse(rest); err != nil {
			return flagErr(err)
		}
		if rest = fl.Args(); len(rest) > 0 {
			if email != "" {
				return errors.New("usage: easel admin reset-password EMAIL [--data DIR]")
			}
			email, rest = rest[0], rest[1:]
		}
	}
	if email == "" {
		return errors.New("usage: easel admin reset-password EMAIL [--data DIR]")
	}

	db, err := openStore(*data, logger(stderr))
	if err != nil {
		return err
	}
	defer db.Close()

	password, err := readNewPassword(stdin, stdout)
	if err != nil {
		return err
	}
	u, err := db.ResetPassword(email, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "New password set for %s (%s). The profile is enabled and signed out everywhere.\n", u.DisplayName, u.Email)
	return nil
}

// readNewPassword asks twice on a terminal, without echo; from a pipe it
// reads one line.
func readNewPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "New password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stdout, "Again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		if string(first) != string(again) {
			return "", errors.New("the two passwords differ; nothing was changed")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", errors.New("give the new password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
