// Package desktop holds the Go methods bound into the Wails window. They are
// thin: resolve the window's session, call a service, return the result. The
// session token lives here, in Go memory; the page never sees it.
package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"easel/app"
)

// EventLocked is emitted when the idle lock signs the window out.
const EventLocked = "session:locked"

// idleCheckEvery is how often the idle lock looks at the clock.
const idleCheckEvery = 10 * time.Second

// Services are what the window's methods call.
type Services struct {
	Auth   app.AuthService
	Users  app.UserService
	Boards app.BoardService
	Images app.ImageService
	Queue  app.QueueService
	// Settings are the studio's limits, set by admins.
	Settings app.SettingsService
	Broker   *app.Broker
	// Workflows are the built-in workflows the Generate panel offers.
	Workflows any
	// Library keeps each profile's workflows.
	Library app.WorkflowService
	// Presets keeps each profile's style presets.
	Presets app.StylePresetService
	// Generation is the image-generation backends and their models.
	Generation app.GenerationService
}

// Dialogs are the native file dialogs.
type Dialogs interface {
	// OpenImages lets the person pick image files; none when they cancel.
	OpenImages() ([]string, error)
	// SaveFile asks where to save a file as says; "" when they cancel.
	SaveFile(as SaveAs) (string, error)
	// OpenWorkflowFile lets the person pick a workflow file; "" when they cancel.
	OpenWorkflowFile() (string, error)
	// OpenFile lets the person pick one file as says; "" when they cancel.
	OpenFile(as OpenAs) (string, error)
}

// Runtime is what the window's runtime does for the session: send events
// to the page and show the native file dialogs.
type Runtime interface {
	// Emit sends an event to the page.
	Emit(name string, data ...any)
	Dialogs
}

// Session is the window's one signed-in session (or none).
type Session struct {
	svc Services
	rt  Runtime
	// now is the clock the idle lock reads.
	now func() time.Time
	// log gets what the page must not see (panics, with their stacks);
	// slog's default logger when nil.
	log *slog.Logger

	// base is the window's context, given to Start: Wails has it only
	// once the window runs, after the session is built and bound.
	base context.Context

	mu         sync.Mutex
	token      string
	userID     string
	idle       time.Duration
	lastActive time.Time
}

// Option sets how a Session is built.
type Option func(*Session)

// WithRuntime gives the session the window's runtime. Wails hands over the
// context its runtime calls need only in OnStartup, after the session is
// built and its methods bound; main's adapter keeps that context itself,
// so the session holds its Runtime from the start and nothing is set on it
// afterwards. Without one, events go nowhere and the dialogs pick nothing.
func WithRuntime(rt Runtime) Option { return func(s *Session) { s.rt = rt } }

// WithLog sends what the page must not see (panics, with their stacks) to
// l instead of slog's default logger.
func WithLog(l *slog.Logger) Option { return func(s *Session) { s.log = l } }

// WithClock makes the idle lock read now instead of the time of day.
func WithClock(now func() time.Time) Option { return func(s *Session) { s.now = now } }

// NewSession returns a signed-out window session over svc.
func NewSession(svc Services, opts ...Option) *Session {
	s := &Session{rt: noRuntime{}, now: time.Now, base: context.Background()}
	for _, o := range opts {
		o(s)
	}
	s.svc = s.guard(svc) // no panic in a service ends the window (recover.go)
	return s
}

// noRuntime is a session's runtime when it has no window: no page to tell,
// nothing picked, nowhere to save.
type noRuntime struct{}

func (noRuntime) Emit(string, ...any)               {}
func (noRuntime) OpenImages() ([]string, error)     { return nil, nil }
func (noRuntime) SaveFile(SaveAs) (string, error)   { return "", nil }
func (noRuntime) OpenWorkflowFile() (string, error) { return "", nil }
func (noRuntime) OpenFile(OpenAs) (string, error)   { return "", nil }

// Start is called from Wails' OnStartup: it keeps the window's context and
// runs the idle lock until ctx ends.
func (s *Session) Start(ctx context.Context) {
	s.base = ctx
	if s.svc.Broker != nil {
		go s.forwardQueueEvents(ctx.Done())
	}
	go func() {
		t := time.NewTicker(idleCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.lockIfIdle()
			}
		}
	}()
}

// LockedEvent is the payload of EventLocked.
type LockedEvent struct {
	UserID string `json:"user_id"`
	Reason string `json:"reason"`
}

func (s *Session) lockIfIdle() {
	s.mu.Lock()
	ev, locked := s.expireLocked()
	s.mu.Unlock()
	if locked {
		s.rt.Emit(EventLocked, ev)
	}
}

// expireLocked ends the session when it has been idle too long. s.mu is held.
func (s *Session) expireLocked() (LockedEvent, bool) {
	if s.token == "" || s.idle <= 0 || s.now().Sub(s.lastActive) < s.idle {
		return LockedEvent{}, false
	}
	ev := LockedEvent{UserID: s.userID, Reason: "Locked after " + formatMinutes(s.idle) + " without activity."}
	s.endLocked()
	return ev, true
}

// endLocked revokes the session on the server and forgets it. s.mu is held.
func (s *Session) endLocked() {
	if s.token == "" {
		return
	}
	if a, err := s.svc.Auth.Authenticate(s.base, s.token); err == nil {
		// Best effort: a session that is already gone needs no revoking.
		_ = s.svc.Auth.Logout(app.NewContextWithActor(s.base, a))
	}
	s.token, s.userID, s.idle = "", "", 0
}

// context resolves the window's session to an acting user, or fails with
// "sign in" when there is none, it has been revoked, or it sat idle too
// long. Calls do not count as activity: the page makes many on its own
// (queue events, thumbnails); only Touch, sent on real input, does.
func (s *Session) context() (context.Context, error) {
	s.mu.Lock()
	ev, locked := s.expireLocked()
	token := s.token
	s.mu.Unlock()
	if locked {
		s.rt.Emit(EventLocked, ev)
		return nil, toJS(app.Errorf(app.EUNAUTHORIZED, "%s", ev.Reason))
	}
	if token == "" {
		return nil, toJS(app.ErrNotSignedIn)
	}
	a, err := s.svc.Auth.Authenticate(s.base, token)
	if err != nil {
		return nil, toJS(err)
	}
	return app.NewContextWithActor(s.base, a), nil
}

// signIn makes l the window's session.
func (s *Session) signIn(l *app.Login) {
	ctx := app.NewContextWithActor(s.base, &app.Actor{UserID: l.User.UserID, SessionID: app.TokenID(l.Token)})
	prefs, err := s.svc.Users.Preferences(ctx)
	if err != nil {
		prefs = app.DefaultPreferences
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endLocked()
	s.token, s.userID = l.Token, l.User.UserID
	s.idle = time.Duration(prefs.IdleLockMinutes) * time.Minute
	s.lastActive = s.now()
}

// touched records that the person is at the machine.
func (s *Session) touched() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" {
		s.lastActive = s.now()
	}
}

func (s *Session) setIdle(minutes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idle = time.Duration(minutes) * time.Minute
}

// signOut revokes and forgets the window's session.
func (s *Session) signOut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endLocked()
}

func formatMinutes(d time.Duration) string {
	m := int(d.Minutes())
	if m == 1 {
		return "1 minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// jsError is how an error reaches the page: Wails rejects the call's promise
// with Error(), which is JSON the frontend's api module parses.
type jsError struct {
	Status     int    `json:"status"`
	Detail     string `json:"detail"`
	RetryAfter int    `json:"retry_after"`
}

func (e *jsError) Error() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// toJS turns a service error into the page's error shape.
func toJS(err error) error {
	var already *jsError
	if err == nil || errors.As(err, &already) {
		return err
	}
	return &jsError{Status: app.HTTPStatus(app.ErrorCode(err)), Detail: app.ErrorMessage(err), RetryAfter: int(app.RetryAfter(err).Seconds())}
}
