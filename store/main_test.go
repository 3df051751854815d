package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"easel/app"
	"easel/internal/studiotest"
	"easel/store"
)

// testStore is a real store in a temp folder, with a settable clock: the
// whole set of services (studiotest's), of which most tests use a few. Its
// helpers need only DB, t and auth (users for setup and createUser), so a
// test may make one over a store it opened itself.
type testStore struct {
	*store.DB
	t     *testing.T
	set   *studiotest.Studio
	auth  *store.AuthService
	users *store.UserService
	clock time.Time
}

func openTestStore(t *testing.T) *testStore { return openTestStoreIn(t, t.TempDir()) }

func openTestStoreIn(t *testing.T, dir string, opts ...studiotest.Option) *testStore {
	t.Helper()
	set := studiotest.NewIn(t, dir, opts...)
	ts := &testStore{DB: set.DB, t: t, set: set, auth: set.Auth, users: set.Users, clock: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	set.DB.Now = func() time.Time { return ts.clock }
	return ts
}

func (ts *testStore) advance(d time.Duration) { ts.clock = ts.clock.Add(d) }

const adminEmail, adminPassword = "admin@test.com", "TestPass123"

// setup creates the first admin and returns a context signed in as them.
func (ts *testStore) setup() context.Context {
	ts.t.Helper()
	if _, err := ts.users.Setup(context.Background(), app.NewUser{Email: adminEmail, DisplayName: "Admin", Password: adminPassword}); err != nil {
		ts.t.Fatal(err)
	}
	return ts.login(adminEmail, adminPassword)
}

// login signs in and returns a context carrying the session, as the adapters build it.
func (ts *testStore) login(email, password string) context.Context {
	ts.t.Helper()
	l, err := ts.auth.Login(context.Background(), app.Credentials{Email: email, Password: password})
	if err != nil {
		ts.t.Fatalf("login %s: %v", email, err)
	}
	return ts.ctxFor(l.Token)
}

func (ts *testStore) ctxFor(token string) context.Context {
	ts.t.Helper()
	a, err := ts.auth.Authenticate(context.Background(), token)
	if err != nil {
		ts.t.Fatalf("authenticate: %v", err)
	}
	return app.NewContextWithActor(context.Background(), a)
}

// createUser makes a profile as admin and returns it with a signed-in context.
func (ts *testStore) createUser(admin context.Context, email string, isAdmin bool) (*app.User, context.Context) {
	ts.t.Helper()
	u, err := ts.users.CreateUser(admin, app.NewUser{Email: email, Password: "password-" + email, IsAdmin: isAdmin})
	if err != nil {
		ts.t.Fatalf("create %s: %v", email, err)
	}
	return u, ts.login(email, "password-"+email)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := app.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func wantMessage(t *testing.T, err error, msg string) {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) || e.Message != msg {
		t.Fatalf("error = %v, want %q", err, msg)
	}
}

func ptr[T any](v T) *T { return &v }

func auditOf(ts *testStore) *store.AuditService { return store.NewAuditService(ts.DB) }
