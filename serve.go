package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"easel/app/httpapi"
	"easel/store"
)

// runServe serves the REST API and the web UI until interrupted.
func runServe(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("easel serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:9090", "the address to listen on; port 0 picks a free one")
	remote := fl.Bool("allow-remote", false, "allow an address other than loopback (anyone who can reach it sees the login page)")
	data := dataFlag(fl)
	if err := fl.Parse(args); err != nil {
		return flagErr(err)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not HOST:PORT", *addr)
	}
	if ip := net.ParseIP(host); !*remote && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s is not a loopback address: Easel serves only this machine unless you add --allow-remote", host)
	}

	db, err := openStore(*data)
	if err != nil {
		return err
	}
	defer db.Close()

	log := logger(stderr)
	api := httpapi.New(httpapi.Services{
		Auth:   store.NewAuthService(db),
		Users:  store.NewUserService(db),
		Audit:  store.NewAuditService(db),
		Boards: store.NewBoardService(db),
		Images: store.NewImageService(db),
	}, frontend(), log, host)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(stdout, "Easel is serving http://%s (data in %s)\n", ln.Addr(), db.Dir())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
