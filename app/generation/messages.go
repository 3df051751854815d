package generation

import (
	"errors"
	"fmt"
	"time"

	"easel/app"
)

// Every sentence a backend failure is shown with is in this file. Each names
// the backend and says what to do; none quotes a server's answer beyond a
// short, cleaned detail (see quote).

// speaker is what the messages say about a backend.
type speaker struct {
	name           string
	kind           string
	url            string // as shown: without user or password
	requestTimeout time.Duration
}

// where is how a message first names the backend: with its address for a
// server someone else runs, as "(sd-server)" for the one Easel runs.
func (s speaker) where() string {
	if s.kind == app.BackendSDServer {
		return fmt.Sprintf("Backend %s (sd-server)", s.name)
	}
	return fmt.Sprintf("Backend %s at %s", s.name, s.url)
}

func (s speaker) invalid(format string, args ...any) *app.Error {
	return app.Errorf(app.EINVALID, format, args...)
}

// explain words f. job is the picture being made, nil for a check.
func (s speaker) explain(f *failure, job *app.GenerationJob) *app.Error {
	switch f.kind {
	case failUnreachable:
		if s.kind == app.BackendSDServer {
			return s.invalid("%s does not answer. Easel runs it; retry in a minute, and if it keeps happening, look at the sd-server lines in Easel's log.", s.where())
		}
		return s.invalid("%s does not answer. Is the server running? Start it with --api, then retry.", s.where())
	case failTimeout:
		return s.invalid("%s did not answer within %s. It may be busy or stuck; retry in a minute.", s.where(), spell(s.requestTimeout))
	case failDropped:
		return s.invalid("Backend %s closed the connection without answering. Retry the item; if it keeps happening, look at the server's log.", s.name)
	case failUnreadable:
		return s.invalid("Backend %s sent an answer Easel could not read (%s). Retry the item; if it keeps happening, check that the server is up to date and look at its log.", s.name, f.detail)
	case failOOM:
		if job == nil {
			return s.invalid("Backend %s ran out of memory. Restart the server, then retry.", s.name)
		}
		return s.invalid("Backend %s ran out of memory making a %d×%d picture. Try a smaller size or fewer steps.", s.name, job.Width, job.Height)
	case failBadImage:
		return s.invalid("Backend %s sent a picture Easel could not read. Retry the item; if it keeps happening, look at the server's log.", s.name)
	case failNoImage:
		return s.invalid("Backend %s answered without a picture (was the job stopped on the server?). Retry the item.", s.name)
	case failWrongModel:
		return s.invalid("Backend %s could not load the model %q and made the picture with %q instead. Check that model on the server, or choose another, then retry.", s.name, f.model, f.loaded)
	case failJobFailed:
		return s.invalid("Backend %s could not make this picture (%s). Retry the item; if it keeps happening, look at the server's log.", s.name, f.detail)
	case failCancelledOnServer:
		return s.invalid("Backend %s cancelled this picture on the server. Retry the item.", s.name)
	case failLostJob:
		return s.invalid("Backend %s lost track of this picture (it may have restarted). Retry the item.", s.name)
	}
	return s.statusMessage(f, job)
}

func (s speaker) statusMessage(f *failure, job *app.GenerationJob) *app.Error {
	detail := ""
	if f.detail != "" {
		detail = ": " + f.detail
	}
	switch {
	case f.status == 401 || f.status == 403:
		return s.invalid("%s refused Easel (HTTP %d). If it was started with --api-auth, put the user and password in its address: http://user:password@host:port.", s.where(), f.status)
	case f.status == 404:
		return s.invalid("%s has no image API here (HTTP 404). Start it with --api and check the address, then retry.", s.where())
	case f.status == 429:
		return s.invalid("Backend %s has too many pictures waiting. Retry in a minute.", s.name)
	case f.status >= 400 && f.status < 500:
		return s.invalid("Backend %s refused this request (HTTP %d%s). Check the size, steps and sampler, then retry.", s.name, f.status, detail)
	}
	return s.invalid("Backend %s failed (HTTP %d%s). Retry the item; if it keeps happening, look at the server's log.", s.name, f.status, detail)
}

func (s speaker) jobTimeout(d time.Duration) *app.Error {
	return s.invalid("Backend %s did not finish within %s. It may be stuck, or the picture too big for it; try a smaller size or fewer steps, then retry.", s.name, spell(d))
}

func (s speaker) stoppedDuringJob() *app.Error {
	return s.invalid("Backend %s (sd-server) stopped during this picture; Easel is starting it again. Retry the item in a minute.", s.name)
}

func (s speaker) notRunning(why string) *app.Error {
	if why == "" {
		return s.invalid("Backend %s (sd-server) is not running; Easel is starting it again. Retry the item in a minute.", s.name)
	}
	return s.invalid("Backend %s (sd-server) is not running: %s. Retry the item in a minute.", s.name, why)
}

func (s speaker) stillStarting() *app.Error {
	return s.invalid("Backend %s (sd-server) is still starting (loading its model). Retry the item in a minute.", s.name)
}

func (s speaker) changedDuringJob() *app.Error {
	return s.invalid("Backend %s was changed or removed in Settings during this picture. Retry the item.", s.name)
}

func (s speaker) shutDownDuringJob() *app.Error {
	return s.invalid("Easel is stopping, so backend %s stopped this picture. Retry the item after Easel starts again.", s.name)
}

func (s speaker) modelNotOffered(model string) *app.Error {
	return app.Errorf(app.ENOTFOUND, "Backend %s does not offer the model %q. Choose another model; Settings shows what each backend offers.", s.name, model)
}

func (s speaker) badJob(job app.GenerationJob) *app.Error {
	return s.invalid("Backend %s: a picture needs a width, a height and a number of steps above 0 (not %d×%d, %d steps).", s.name, job.Width, job.Height, job.Steps)
}

func (s speaker) internal() *app.Error {
	return app.Errorf(app.EINTERNAL, "Something went wrong inside Easel while backend %s made this picture. Retry the item; if it keeps happening, restart Easel.", s.name)
}

func noBackendOffers(modelID string) *app.Error {
	return app.Errorf(app.ENOTFOUND, "No backend offers the model %q. Choose another model; Settings shows the backends and their models.", modelID)
}

func noBackendNamed(name string) *app.Error {
	return app.Errorf(app.ENOTFOUND, "There is no backend named %q.", name)
}

// Why a job's context ended, when it was not the caller.
var (
	errJobTimeout     = errors.New("generation: the job took longer than the job timeout")
	errServerStopped  = errors.New("generation: the sd-server process stopped")
	errBackendChanged = errors.New("generation: the backend was changed or removed")
	errShutdown       = errors.New("generation: Easel is stopping its backends")
	errRequestTimeout = errors.New("generation: a request took longer than the request timeout")
)

// spell writes d as a person would read it in a message: "10 min", "4 s",
// "0.25 s".
func spell(d time.Duration) string {
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d >= time.Second:
		return fmt.Sprintf("%g s", d.Round(100*time.Millisecond).Seconds())
	}
	return fmt.Sprintf("%g s", d.Round(time.Millisecond).Seconds())
}
