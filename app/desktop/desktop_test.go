package desktop_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"easel/app"
	"easel/app/desktop"
	"easel/app/engine"
	"easel/internal/studiotest"
	"easel/store"
)

type window struct {
	*desktop.Session
	auth  *desktop.Auth
	users *desktop.Users
	clock time.Time
	db    *store.DB
	queue *store.QueueService
	mu    sync.Mutex
	event []string
	// pickWorkflow, pickImages and saveTo (by pattern) are what the file
	// dialogs answer.
	pickWorkflow string
	pickFile     map[string]string // OpenFile's answer, by pattern
	pickImages   []string
	saveTo       map[string]string
}

func newWindow(t *testing.T) *window {
	t.Helper()
	set := studiotest.New(t)
	w := &window{clock: time.Now(), db: set.DB, queue: set.Queue}
	w.Session = desktop.NewSession(windowServices(set), desktop.WithClock(func() time.Time { return w.clock }), desktop.WithRuntime(w))
	b := w.Bindings()
	w.auth, w.users = b[0].(*desktop.Auth), b[1].(*desktop.Users)
	return w
}

// windowServices are the services of set, as the window binds them.
func windowServices(set *studiotest.Studio) desktop.Services {
	return desktop.Services{
		Auth: set.Auth, Users: set.Users, Boards: set.Boards, Images: set.Images,
		Queue: set.Queue, Settings: set.Settings, Broker: set.Events, Workflows: engine.Workflows(),
		Library: set.Workflows, Presets: set.Presets, Generation: set.Generation,
	}
}

// Emit keeps the events the window sends to the page: the window is its
// session's runtime.
func (w *window) Emit(name string, data ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, _ := json.Marshal(data)
	w.event = append(w.event, name+" "+string(b))
}

// OpenImages picks what the test put in pickImages (nothing, unless it
// did: most tests import by path).
func (w *window) OpenImages() ([]string, error) { return w.pickImages, nil }

// SaveFile saves where the test put in saveTo for files of that pattern
// (nowhere unless it did).
func (w *window) SaveFile(as desktop.SaveAs) (string, error) { return w.saveTo[as.Pattern], nil }

// OpenWorkflowFile picks what the test put in pickWorkflow.
func (w *window) OpenWorkflowFile() (string, error) { return w.pickWorkflow, nil }

// OpenFile picks what the test put in pickFile for files of that pattern.
func (w *window) OpenFile(as desktop.OpenAs) (string, error) { return w.pickFile[as.Pattern], nil }

// jsErr decodes the error the page receives.
func jsErr(t *testing.T, err error) (status int, detail string) {
	t.Helper()
	if err == nil {
		return 0, ""
	}
	var e struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal([]byte(err.Error()), &e) != nil {
		t.Fatalf("error %q is not the page's JSON shape", err)
	}
	return e.Status, e.Detail
}

// TestEveryBoundMethodIsAuthenticated calls every method of every bound
// struct with zero arguments and no session: all but the public few must
// answer 401.
func TestEveryBoundMethodIsAuthenticated(t *testing.T) {
	w := newWindow(t)
	if _, err := w.auth.Setup(app.NewUser{Email: "admin@test.com", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, b := range w.Bindings() {
		v := reflect.ValueOf(b)
		typ := v.Type()
		for i := 0; i < typ.NumMethod(); i++ {
			m := typ.Method(i)
			name := typ.Elem().Name() + "." + m.Name
			seen++
			args := make([]reflect.Value, m.Type.NumIn()-1)
			for j := range args {
				args[j] = reflect.Zero(m.Type.In(j + 1))
			}
			out := v.Method(i).Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			status, detail := jsErr(t, err)
			signIn := status == 401 && detail == app.ErrNotSignedIn.Message
			if slices.Contains(desktop.PublicMethods, name) {
				if signIn {
					t.Errorf("%s is public but asked to sign in", name)
				}
				continue
			}
			if !signIn {
				t.Errorf("%s without a session: status %d (%v), want 401", name, status, err)
			}
		}
	}
	if seen < 14 {
		t.Fatalf("only %d bound methods found", seen)
	}
}

// TestFrontendCallsExist keeps the page's table of calls and the bound methods in step.
func TestFrontendCallsExist(t *testing.T) {
	src, err := os.ReadFile("../../frontend/src/lib/api/calls.ts")
	if err != nil {
		t.Fatal(err)
	}
	bound := map[string]bool{}
	w := newWindow(t)
	for _, b := range w.Bindings() {
		typ := reflect.TypeOf(b)
		for i := 0; i < typ.NumMethod(); i++ {
			bound[typ.Elem().Name()+"."+typ.Method(i).Name] = true
		}
	}
	calls := regexp.MustCompile(`\bbound:\s*['"](\w+)\.(\w+)['"]`).FindAllStringSubmatch(string(src), -1)
	if len(calls) < 40 {
		t.Fatalf("found only %d bound calls in calls.ts; has the table's shape changed?", len(calls))
	}
	for _, c := range calls {
		if !bound[c[1]+"."+c[2]] {
			t.Errorf("calls.ts calls %s.%s, which is not bound", c[1], c[2])
		}
	}
}

func TestWindowSession(t *testing.T) {
	w := newWindow(t)
	admin, err := w.auth.Setup(app.NewUser{Email: "admin@test.com", DisplayName: "Ada", Password: "TestPass123"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("tiles show names, not emails", func(t *testing.T) {
		tiles, err := w.auth.ProfileTiles()
		if err != nil || len(tiles) != 1 || tiles[0].DisplayName != "Ada" || tiles[0].Initial != "A" {
			t.Fatalf("tiles = %+v, %v", tiles, err)
		}
		b, _ := json.Marshal(tiles)
		if strings.Contains(string(b), "admin@test.com") {
			t.Fatal("a tile shows an email")
		}
	})
	t.Run("login by tile, then me", func(t *testing.T) {
		if _, err := w.auth.Login(app.Credentials{UserID: admin.UserID, Password: "TestPass123"}); err != nil {
			t.Fatal(err)
		}
		me, err := w.auth.Me()
		if err != nil || me.UserID != admin.UserID {
			t.Fatalf("me = %+v, %v", me, err)
		}
	})
	t.Run("wrong password keeps the error shape", func(t *testing.T) {
		_, err := w.auth.Login(app.Credentials{UserID: admin.UserID, Password: "wrong-password"})
		if status, detail := jsErr(t, err); status != 401 || detail != "Incorrect email or password" {
			t.Fatalf("status %d detail %q", status, detail)
		}
	})
	t.Run("idle lock signs out and tells the page", func(t *testing.T) {
		if _, err := w.auth.SetPreferences(app.Preferences{IdleLockMinutes: 5}); err != nil {
			t.Fatal(err)
		}
		w.clock = w.clock.Add(4 * time.Minute)
		if err := w.auth.Touch(); err != nil {
			t.Fatalf("touch before the lock: %v", err)
		}
		w.clock = w.clock.Add(3 * time.Minute)
		if _, err := w.auth.Me(); err != nil { // a call the page makes by itself
			t.Fatalf("before the lock: %v", err)
		}
		w.clock = w.clock.Add(2 * time.Minute) // 5 minutes since the last real input
		_, err := w.auth.Me()
		if status, detail := jsErr(t, err); status != 401 || !strings.Contains(detail, "5 minutes") {
			t.Fatalf("after idle: status %d detail %q", status, detail)
		}
		if len(w.event) != 1 || !strings.Contains(w.event[0], desktop.EventLocked) || !strings.Contains(w.event[0], admin.UserID) {
			t.Fatalf("events = %v", w.event)
		}
		if _, err := w.auth.Me(); err == nil {
			t.Fatal("still signed in after the idle lock")
		}
	})
	t.Run("lock and logout revoke the session", func(t *testing.T) {
		w.auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"})
		if err := w.auth.Lock(); err != nil {
			t.Fatal(err)
		}
		if status, _ := jsErr(t, w.auth.Touch()); status != 401 {
			t.Fatalf("touch after lock = %d", status)
		}
		w.auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"})
		if err := w.auth.Logout(); err != nil {
			t.Fatal(err)
		}
		if _, err := w.users.List(); err == nil {
			t.Fatal("listing users after logout worked")
		}
	})
}

// TestWindowEventsFollowTheSession: the window shapes each queue event for
// its session as it is at that moment: the first event after a demotion
// is redacted, and a window whose profile was disabled gets none.
func TestWindowEventsFollowTheSession(t *testing.T) {
	w := newWindow(t)
	if _, err := w.auth.Setup(app.NewUser{Email: "ada@test.com", DisplayName: "Ada", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	users, auth := store.NewUserService(w.db), store.NewAuthService(w.db)
	l, err := auth.Login(t.Context(), app.Credentials{Email: "ada@test.com", Password: "TestPass123"})
	if err != nil {
		t.Fatal(err)
	}
	ada := app.NewContextWithActor(t.Context(), &app.Actor{UserID: l.User.UserID, SessionID: app.TokenID(l.Token)})
	bea, err := users.CreateUser(ada, app.NewUser{Email: "bea@test.com", Password: "password-bea", IsAdmin: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.Login(app.Credentials{UserID: bea.UserID, Password: "password-bea"}); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	w.Start(ctx)
	time.Sleep(50 * time.Millisecond) // subscribed

	emitted := func() []string {
		w.mu.Lock()
		defer w.mu.Unlock()
		var out []string
		for _, e := range w.event {
			if strings.HasPrefix(e, desktop.EventQueue+" ") {
				out = append(out, e)
			}
		}
		return out
	}
	graph := json.RawMessage(`{"nodes": {"c": {"id": "c", "type": "solid_color", "width": 8, "height": 8}}, "edges": []}`)
	enqueueAndWait := func(want int) string {
		t.Helper()
		if _, err := w.queue.Enqueue(ada, app.Batch{Graph: graph}, 0); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for len(emitted()) < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // and nothing more
		got := emitted()
		if len(got) != want {
			t.Fatalf("%d queue events in the window, want %d: %v", len(got), want, got)
		}
		if want == 0 {
			return ""
		}
		return got[want-1]
	}
	if ev := enqueueAndWait(1); !strings.Contains(ev, `"user_id"`) {
		t.Fatalf("an admin's window shows others' items whole; got %s", ev)
	}
	if _, err := users.UpdateUser(ada, bea.UserID, app.UserUpdate{IsAdmin: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if ev := enqueueAndWait(2); strings.Contains(ev, `"user_id"`) || !strings.Contains(ev, `"redacted":true`) {
		t.Fatalf("the first event after a demotion must be redacted; got %s", ev)
	}
	if _, err := users.UpdateUser(ada, bea.UserID, app.UserUpdate{IsActive: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	enqueueAndWait(2) // none for a disabled profile's window
}

func ptr[T any](v T) *T { return &v }
