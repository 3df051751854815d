package generation

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"easel/app"
)

// backend is one configured server: its client (or the sd-server Easel
// runs for it), what it last answered, and the lock that lets one job at a
// time reach it. A changed configuration is a new backend; the old one is
// closed.
type backend struct {
	cfg     app.Backend
	opts    *Options
	log     *slog.Logger
	say     speaker
	invalid *app.Error // why cfg cannot be used, or nil

	// sem is the one-job-at-a-time lock: the servers run one job at a time
	// anyway, and a job waiting here, not in the server's queue, can be
	// given up without a trace on the server.
	sem chan struct{}
	// life ends, with errBackendChanged or errShutdown as its cause, when
	// the backend is closed; running jobs end with it.
	life   context.Context
	end    context.CancelCauseFunc
	closed chan struct{} // closed once close has finished

	a1111 *a1111      // kind a1111
	sup   *supervisor // kind sd_server

	refreshing atomic.Bool

	mu        sync.Mutex
	models    []remoteModel
	samplers  []string
	checked   bool   // some check has finished
	checkErr  string // the last check's failure, "" when it answered
	checkedAt time.Time
}

func newBackend(cfg app.Backend, opts *Options, after <-chan struct{}, onReady func(*backend)) *backend {
	life, end := context.WithCancelCause(context.Background())
	b := &backend{
		cfg: cfg, opts: opts, log: opts.Log.With("backend", cfg.Name),
		say:  speaker{name: cfg.Name, kind: cfg.Kind, url: shownURL(cfg.URL), requestTimeout: opts.RequestTimeout},
		sem:  make(chan struct{}, 1),
		life: life, end: end, closed: make(chan struct{}),
	}
	if err := cfg.Check(); err != nil {
		if !errors.As(err, &b.invalid) {
			b.invalid = app.Errorf(app.EINVALID, "Backend %s cannot be used: %v", cfg.Name, err)
		}
		return b
	}
	switch cfg.Kind {
	case app.BackendA1111:
		c, err := newConn(cfg.URL, opts.HTTPClient, opts.RequestTimeout)
		if err != nil { // Check parsed it already
			b.invalid = app.Errorf(app.EINVALID, "Backend %s: its address cannot be read.", cfg.Name)
			return b
		}
		b.a1111 = &a1111{c: c, poll: opts.PollInterval, log: b.log}
	case app.BackendSDServer:
		b.sup = newSupervisor(cfg, opts, b.log, after, func() { b.answering(); onReady(b) })
	}
	return b
}

// start starts what runs in the background: the sd-server process.
func (b *backend) start() {
	if b.sup != nil {
		b.sup.start()
	}
}

// close ends the backend's jobs with cause and stops its process; it
// returns once the process is gone.
func (b *backend) close(cause error) {
	b.end(cause)
	if b.sup != nil {
		b.sup.close()
	}
	close(b.closed)
}

// currentClient is the client to ask now, and for sd-server the process it
// talks to; nil when sd-server is not answering.
func (b *backend) currentClient() (client, *instance) {
	if b.sup == nil {
		return b.a1111, nil
	}
	if _, _, inst := b.sup.snapshot(); inst != nil {
		return inst.client, inst
	}
	return nil, nil
}

// check asks the backend afresh for its models and samplers and records
// the outcome. It returns ctx's error when ctx ended first.
func (b *backend) check(ctx context.Context) error {
	if b.invalid != nil {
		return nil
	}
	c, inst := b.currentClient()
	if c == nil {
		return nil // sd-server is not answering; its phase says why
	}
	ms, err := c.models(ctx)
	var ss []string
	if err == nil {
		ss, err = c.samplers(ctx)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if b.sup != nil {
		if _, _, now := b.sup.snapshot(); now != inst {
			return nil // the process it asked is gone: its answer is stale
		}
	}
	b.record(ms, ss, err)
	return nil
}

func (b *backend) record(ms []remoteModel, ss []string, err error) {
	why := ""
	if err != nil {
		why = b.explainCheck(err)
	}
	b.mu.Lock()
	was, wasChecked := b.checkErr, b.checked
	b.checked, b.checkErr, b.checkedAt = true, why, b.opts.Now()
	if err == nil {
		b.models, b.samplers = ms, ss
	}
	b.mu.Unlock()
	switch {
	case why != "" && (why != was || !wasChecked):
		b.log.Warn("generation: backend unreachable", "err", err)
	case why == "" && was != "":
		b.log.Info("generation: backend answers again")
	}
}

func (b *backend) explainCheck(err error) string {
	if f := failureOf(err); f != nil {
		return b.say.explain(f, nil).Message
	}
	return b.say.internal().Message
}

// answering records that a started sd-server answered: it is reachable
// before its model list arrives.
func (b *backend) answering() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.checked, b.checkErr, b.checkedAt = true, "", b.opts.Now()
}

// status is what Settings shows of the backend now.
func (b *backend) status() app.BackendStatus {
	b.mu.Lock()
	st := app.BackendStatus{
		Backend:   b.cfg,
		Models:    make([]app.Model, 0, len(b.models)),
		Samplers:  append([]string{}, b.samplers...),
		CheckedAt: b.checkedAt,
	}
	for _, m := range b.models {
		st.Models = append(st.Models, app.Model{ID: app.ModelID(b.cfg.Name, m.name), Name: m.name, Backend: b.cfg.Name})
	}
	checked, checkErr := b.checked, b.checkErr
	b.mu.Unlock()
	st.URL = redactedURL(b.cfg.URL)

	switch {
	case b.invalid != nil:
		st.State, st.LastError = app.BackendUnreachable, b.invalid.Message
		return st
	case b.sup != nil:
		phase, why, _ := b.sup.snapshot()
		switch phase {
		case phaseStarting:
			st.State = app.BackendStarting
			return st
		case phaseRestarting:
			st.State, st.LastError = app.BackendRestarting, why
			return st
		case phaseStopped:
			st.State, st.LastError = app.BackendUnreachable, "Easel stopped this sd-server."
			return st
		}
	}
	switch {
	case !checked:
		st.State, st.LastError = app.BackendUnreachable, "Easel has not heard from this backend yet."
	case checkErr != "":
		st.State, st.LastError = app.BackendUnreachable, checkErr
	default:
		st.State = app.BackendReachable
	}
	return st
}

// redactedURL is raw with its password, if any, shown as "xxxxx": the
// status goes to Settings, and the password stays in Easel.
func redactedURL(raw string) string {
	if _, err := url.Parse(raw); err != nil {
		return shownURL(raw)
	}
	return app.RedactedURL(raw)
}

// findModel is the cached model named name.
func (b *backend) findModel(name string) (remoteModel, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.models {
		if m.name == name {
			return m, true
		}
	}
	return remoteModel{}, false
}

// resolve finds the model a job asks for, asking the backend afresh when
// the cached list lacks it (a model added since the last check). A model it
// does not list is refused before anything is sent: A1111 would quietly
// use whatever it has loaded.
func (b *backend) resolve(ctx context.Context, c client, name string) (remoteModel, error) {
	if m, ok := b.findModel(name); ok {
		return m, nil
	}
	ms, err := c.models(ctx)
	if err != nil {
		return remoteModel{}, err
	}
	b.mu.Lock()
	b.models = ms
	b.mu.Unlock()
	if m, ok := b.findModel(name); ok {
		return m, nil
	}
	return remoteModel{}, b.say.modelNotOffered(name)
}

func (b *backend) acquire(ctx context.Context) error {
	select {
	case b.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.life.Done():
		return context.Cause(b.life)
	}
}

func (b *backend) release() { <-b.sem }
