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
)

// runServe serves the REST API and the web UI until interrupted.
func runServe(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("easel serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:9090", "the address to listen on; port 0 picks a free one")
	remote := fl.Bool("allow-remote", false, "allow an address other than loopback (anyone who can reach it sees the login page)")
	data, workers, backends := dataFlag(fl), workersFlag(fl), backendFlag(fl)
	if err := fl.Parse(args); err != nil {
		return flagErr(err)
	}
	if err := checkWorkers(*workers); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not HOST:PORT", *addr)
	}
	if ip := net.ParseIP(host); !*remote && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s is not a loopback address: Easel serves only this machine unless you add --allow-remote", host)
	}

	log := logger(stderr)
	db, err := openStore(*data, log)
	if err != nil {
		return err
	}
	defer db.Close()

	svc := newServices(db, *workers, *backends, log)
	api := httpapi.New(httpapi.Services{
		Auth: svc.auth, Users: svc.users, Audit: svc.audit, Boards: svc.boards, Images: svc.images,
		Queue: svc.queue, Settings: svc.settings, Broker: svc.events, Workflows: workflows(), Library: svc.library,
		Presets: svc.presets, Generation: svc.generation,
	}, frontend(), log, host)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := svc.start(ctx); err != nil {
		return err
	}
	defer svc.stop()
	// Requests share ctx, so event streams end when Easel is asked to stop.
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
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
