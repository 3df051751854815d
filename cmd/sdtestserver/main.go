// Command sdtestserver runs the test generation server of internal/sdtest as
// a process, standing in for stable-diffusion.cpp's sd-server (default) or
// AUTOMATIC1111's web UI (--a1111) in tests: no diffusion model can run on
// Easel's build machines. It is test tooling, never part of the product.
//
//	go run ./cmd/sdtestserver -m model.safetensors --listen-port 1234
//	go run ./cmd/sdtestserver --a1111 --listen-port 7860 --step-delay 100ms
//
// It takes sd-server's -m/--model, --listen-ip and --listen-port (0 picks a
// free port) and, once listening, prints the line the real server prints:
// "listening on: IP:PORT" (sd-server) or "Running on local URL:  http://IP:PORT"
// (A1111). SIGTERM or SIGINT stop it cleanly with status 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"easel/internal/sdtest"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("sdtestserver", flag.ContinueOnError)
	var model string
	fs.StringVar(&model, "m", "", "model file (sd-server's -m); its name is the listed model")
	fs.StringVar(&model, "model", "", "same as -m")
	ip := fs.String("listen-ip", "127.0.0.1", "address to listen on")
	port := fs.Int("listen-port", -1, "port to listen on, 0 for any free one (default 1234, or 7860 with --a1111)")
	a1111 := fs.Bool("a1111", false, "imitate AUTOMATIC1111's API instead of sd-server's")
	step := fs.Duration("step-delay", 50*time.Millisecond, "time one sampling step takes")
	preview := fs.Int("preview-every", 2, "make a progress preview every that many steps")
	slow := fs.Duration("slow-delay", 10*time.Minute, "how long the slow fault sleeps")
	crash := fs.Bool("crash-mid-job", false, "exit the process halfway through every job")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts := sdtest.Options{Model: model, StepDelay: *step, PreviewEvery: *preview, SlowDelay: *slow, CrashMidJob: *crash}
	if *a1111 {
		opts.Flavor = sdtest.A1111
	}
	if *port < 0 {
		*port = 1234
		if *a1111 {
			*port = 7860
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*ip, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdtestserver:", err)
		return 1
	}
	s := sdtest.New(opts)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	if *a1111 {
		fmt.Printf("Running on local URL:  http://%s\n", addr)
	} else {
		fmt.Printf("listening on: %s\n", addr)
	}
	select {
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "sdtestserver:", err)
		return 1
	case <-ctx.Done():
	}
	s.Close() // ends running jobs and sleeping faults so Shutdown is quick
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		srv.Close()
	}
	return 0
}
