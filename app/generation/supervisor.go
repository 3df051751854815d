package generation

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"easel/app"
)

// Phases of an sd-server Easel runs.
const (
	phaseStarting   = "starting"   // started, or about to be; not answering yet
	phaseRunning    = "running"    // answering
	phaseRestarting = "restarting" // stopped or could not start; waiting to try again
	phaseStopped    = "stopped"    // Easel stopped it for good
)

// supervisor runs one sd-server process for a backend: it starts it on a
// free port of 127.0.0.1, waits until it answers, starts it again after a
// growing pause when it stops, and stops it (and anything it started) when
// asked. Only Easel ever talks to that port.
type supervisor struct {
	cfg     app.Backend
	opts    *Options
	log     *slog.Logger
	after   <-chan struct{} // closed once the sd-server this one replaces has stopped
	onReady func()          // called each time a started process first answers

	ctx  context.Context // ends when stop is called
	stop context.CancelFunc
	done chan struct{} // closed when run has returned and no process is left

	started atomic.Bool

	mu      sync.Mutex
	phase   string
	why     string    // what went wrong, as Settings shows it
	inst    *instance // the process answering now, nil unless phaseRunning
	pid     int       // the process alive now, 0 when none
	changed chan struct{}
}

// instance is one run of the process.
type instance struct {
	proc   *os.Process
	client *sdcpp
	alive  context.Context // ends when the process has exited
	exit   *os.ProcessState
	stderr *outputLog
	stdout *outputLog
}

func newSupervisor(cfg app.Backend, opts *Options, log *slog.Logger, after <-chan struct{}, onReady func()) *supervisor {
	ctx, stop := context.WithCancel(context.Background())
	return &supervisor{
		cfg: cfg, opts: opts, log: log, after: after, onReady: onReady,
		ctx: ctx, stop: stop, done: make(chan struct{}),
		phase: phaseStarting, changed: make(chan struct{}),
	}
}

// start starts the process and keeps it running, in the background.
func (s *supervisor) start() {
	if s.started.CompareAndSwap(false, true) {
		go s.run()
	}
}

// close stops the process and the restarts, and returns once no process is
// left.
func (s *supervisor) close() {
	s.stop()
	if s.started.Load() {
		<-s.done
	}
}

// run is the supervisor's life; it returns once stopped.
func (s *supervisor) run() {
	defer close(s.done)
	defer s.set(phaseStopped, "", nil, 0)
	if s.after != nil {
		select {
		case <-s.after:
		case <-s.ctx.Done():
			return
		}
	}
	delay := s.opts.RestartDelay
	for s.ctx.Err() == nil {
		inst, err := s.launch()
		if err != nil {
			msg := fmt.Sprintf("sd-server could not start (%s); trying again in %s", quote(err.Error()), spell(delay))
			s.log.Warn("generation: " + msg)
			if !s.pause(msg, delay) {
				return
			}
			delay = min(2*delay, s.opts.MaxRestartDelay)
			continue
		}
		s.set(phaseStarting, "", nil, inst.proc.Pid)

		var why string
		switch s.awaitAnswer(inst) {
		case answerStopped:
			s.terminate(inst)
			return
		case answerTimedOut:
			s.log.Warn("generation: sd-server did not answer in time; stopping it", "pid", inst.proc.Pid, "timeout", s.opts.StartTimeout)
			s.terminate(inst)
			why = fmt.Sprintf("sd-server did not answer within %s of starting", spell(s.opts.StartTimeout))
		case answerExited:
			why = fmt.Sprintf("sd-server stopped (%s) while starting", inst.exit)
		case answerReady:
			s.set(phaseRunning, "", inst, inst.proc.Pid)
			s.log.Info("generation: sd-server answers", "pid", inst.proc.Pid)
			s.onReady()
			readyAt := s.opts.Now()
			select {
			case <-inst.alive.Done():
			case <-s.ctx.Done():
				s.terminate(inst)
				return
			}
			if s.opts.Now().Sub(readyAt) >= s.opts.StableAfter {
				delay = s.opts.RestartDelay // it ran well: this stop is news, not a loop
			}
			why = fmt.Sprintf("sd-server stopped (%s)", inst.exit)
		}
		msg := why + "; starting it again in " + spell(delay)
		if last := inst.lastWords(); last != "" {
			msg += fmt.Sprintf(". Its last words: %q", quote(last))
		}
		s.log.Warn("generation: " + msg)
		if !s.pause(msg, delay) {
			return
		}
		delay = min(2*delay, s.opts.MaxRestartDelay)
	}
}

// pause shows why in the restarting state for delay; false when stopped
// meanwhile.
func (s *supervisor) pause(why string, delay time.Duration) bool {
	s.set(phaseRestarting, why, nil, 0)
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// launch starts the process on a free port.
func (s *supervisor) launch() (*instance, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.cfg.Executable, "-m", s.cfg.ModelFile,
		"--listen-ip", "127.0.0.1", "--listen-port", strconv.Itoa(port))
	cmd.Dir = filepath.Dir(s.cfg.Executable) // its libraries sit beside it
	inst := &instance{stdout: newOutputLog(s.log, "stdout"), stderr: newOutputLog(s.log, "stderr")}
	cmd.Stdout, cmd.Stderr = inst.stdout, inst.stderr
	// Wait returns this long after the process exited even if something it
	// started still holds its output open.
	cmd.WaitDelay = s.opts.StopGrace
	prepareCommand(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	alive, exited := context.WithCancel(context.Background())
	inst.proc, inst.alive = cmd.Process, alive
	conn, err := newConn("http://"+net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), s.opts.HTTPClient, s.opts.RequestTimeout)
	if err != nil {
		panic(err) // a literal address always parses
	}
	inst.client = &sdcpp{c: conn, poll: s.opts.PollInterval, log: s.log, modelFile: s.cfg.ModelFile}
	s.log.Info("generation: started sd-server", "pid", cmd.Process.Pid, "port", port)
	go func() {
		_ = cmd.Wait() // its error is in ProcessState, which is what is shown
		reapGroup(cmd.Process.Pid)
		inst.stdout.flush()
		inst.stderr.flush()
		inst.exit = cmd.ProcessState
		exited() // after exit is set: readers wait on alive
	}()
	return inst, nil
}

type answer int

const (
	answerReady answer = iota
	answerExited
	answerTimedOut
	answerStopped
)

// awaitAnswer polls the process until its API answers.
func (s *supervisor) awaitAnswer(inst *instance) answer {
	deadline := time.NewTimer(s.opts.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(min(s.opts.PollInterval, 100*time.Millisecond))
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		err := inst.client.c.get(ctx, "/sdcpp/v1/capabilities", maxListBytes, nil)
		cancel()
		if err == nil {
			return answerReady
		}
		select {
		case <-inst.alive.Done():
			return answerExited
		case <-s.ctx.Done():
			return answerStopped
		case <-deadline.C:
			return answerTimedOut
		case <-tick.C:
		}
	}
}

// terminate asks the process to stop, and kills it if it has not after the
// grace period.
func (s *supervisor) terminate(inst *instance) {
	if inst.alive.Err() != nil {
		return
	}
	if err := askToStop(inst.proc); err != nil {
		s.log.Debug("generation: could not ask sd-server to stop", "err", err)
	}
	grace := time.NewTimer(s.opts.StopGrace)
	defer grace.Stop()
	select {
	case <-inst.alive.Done():
		return
	case <-grace.C:
	}
	s.log.Warn("generation: sd-server did not stop in time; killing it", "pid", inst.proc.Pid)
	if err := forceStop(inst.proc); err != nil {
		s.log.Warn("generation: could not kill sd-server", "pid", inst.proc.Pid, "err", err)
	}
	grace.Reset(s.opts.StopGrace)
	select {
	case <-inst.alive.Done():
	case <-grace.C:
		s.log.Error("generation: sd-server is still running after being killed", "pid", inst.proc.Pid)
	}
}

func (inst *instance) lastWords() string {
	if l := inst.stderr.lastLine(); l != "" {
		return l
	}
	return inst.stdout.lastLine()
}

func (s *supervisor) set(phase, why string, inst *instance, pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.phase, s.why, s.inst, s.pid = phase, why, inst, pid
	close(s.changed)
	s.changed = make(chan struct{})
}

// snapshot is the phase, why it is so, and the answering process.
func (s *supervisor) snapshot() (phase, why string, inst *instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phase, s.why, s.inst
}

// livePID is the process alive now (starting or running), 0 when none.
func (s *supervisor) livePID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}

// await returns the answering process, waiting while it starts. A process
// that stopped and waits to start again is not waited for: the job fails at
// once with why.
func (s *supervisor) await(ctx context.Context) (*instance, error) {
	for {
		s.mu.Lock()
		phase, why, inst, changed := s.phase, s.why, s.inst, s.changed
		s.mu.Unlock()
		switch phase {
		case phaseRunning:
			return inst, nil
		case phaseRestarting:
			return nil, &notRunningError{why: why}
		case phaseStopped:
			return nil, &notRunningError{}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// notRunningError is a job turned away because sd-server is not running.
type notRunningError struct{ why string }

func (e *notRunningError) Error() string { return "generation: sd-server is not running: " + e.why }

// freePort is a TCP port free on 127.0.0.1 now. Another program could take
// it before sd-server does; sd-server then fails to start and is started
// again on another.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
