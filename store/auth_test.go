package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"easel/app"
)

func TestSetup(t *testing.T) {
	t.Run("OK once", func(t *testing.T) {
		ts := openTestStore(t)
		if req, _ := ts.users.SetupRequired(context.Background()); !req {
			t.Fatal("a new store must require setup")
		}
		u, err := ts.users.Setup(context.Background(), app.NewUser{Email: " Admin@Test.com ", DisplayName: "Admin", Password: adminPassword})
		if err != nil {
			t.Fatal(err)
		}
		if !u.IsAdmin || !u.IsActive || u.Email != "admin@test.com" {
			t.Fatalf("setup made %+v", u)
		}
		_, err = ts.users.Setup(context.Background(), app.NewUser{Email: "other@test.com", Password: adminPassword})
		wantCode(t, err, app.EINVALID)
	})

	t.Run("OK exactly one of two racing setups wins", func(t *testing.T) {
		ts := openTestStore(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = ts.users.Setup(context.Background(), app.NewUser{Email: "admin" + string(rune('a'+i)) + "@test.com", Password: adminPassword})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				wantCode(t, err, app.EINVALID)
			}
		}
		admin := ts.setupLoginAny(errs)
		users, err := itemsOf(ts.users.ListUsers(admin, app.PageRequest{}))
		if ok != 1 || err != nil || len(users) != 1 {
			t.Fatalf("%d setups succeeded, %d users (%v); want exactly 1", ok, len(users), err)
		}
	})

	t.Run("ErrInvalid for bad input", func(t *testing.T) {
		ts := openTestStore(t)
		for name, nu := range map[string]app.NewUser{
			"no email":        {Password: adminPassword},
			"not an email":    {Email: "admin", Password: adminPassword},
			"short password":  {Email: "a@b.co", Password: "1234567"},
			"long password":   {Email: "a@b.co", Password: strings.Repeat("x", 129)},
			"control in name": {Email: "a@b.co", DisplayName: "a\x00b", Password: adminPassword},
			"long name":       {Email: "a@b.co", DisplayName: strings.Repeat("n", 101), Password: adminPassword},
		} {
			_, err := ts.users.Setup(context.Background(), nu)
			if app.ErrorCode(err) != app.EINVALID {
				t.Errorf("%s: err = %v, want invalid", name, err)
			}
		}
		if req, _ := ts.users.SetupRequired(context.Background()); !req {
			t.Fatal("a refused setup must leave setup required")
		}
	})
}

// setupLoginAny signs in as whichever racing setup won.
func (ts *testStore) setupLoginAny(errs []error) context.Context {
	for i, err := range errs {
		if err == nil {
			return ts.login("admin"+string(rune('a'+i))+"@test.com", adminPassword)
		}
	}
	ts.t.Fatal("no setup won")
	return nil
}

func TestLogin(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	_, _ = ts.createUser(admin, "bob@test.com", false)

	t.Run("OK case-insensitive email, one-day session", func(t *testing.T) {
		l, err := ts.auth.Login(context.Background(), app.Credentials{Email: "BOB@test.com", Password: "password-bob@test.com"})
		if err != nil {
			t.Fatal(err)
		}
		if l.ExpiresIn != 24*time.Hour || len(l.Token) < 43 || l.User.LastLoginAt == nil {
			t.Fatalf("login = %+v", l)
		}
	})
	t.Run("OK remember me lasts a week", func(t *testing.T) {
		l, err := ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "password-bob@test.com", RememberMe: true})
		if err != nil || l.ExpiresIn != 7*24*time.Hour {
			t.Fatalf("login = %+v, %v", l, err)
		}
		ts.advance(6 * 24 * time.Hour)
		if _, err := ts.auth.Authenticate(context.Background(), l.Token); err != nil {
			t.Fatalf("remembered session gone after 6 days: %v", err)
		}
		ts.advance(25 * time.Hour)
		_, err = ts.auth.Authenticate(context.Background(), l.Token)
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("OK by user id from a profile tile", func(t *testing.T) {
		tiles, err := ts.users.ProfileTiles(context.Background())
		if err != nil || len(tiles) != 2 || tiles[0].DisplayName != "Admin" || tiles[1].DisplayName != "bob" || tiles[1].Initial != "B" {
			t.Fatalf("tiles = %+v, %v", tiles, err)
		}
		if _, err := ts.auth.Login(context.Background(), app.Credentials{UserID: tiles[1].UserID, Password: "password-bob@test.com"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrBadCredentials is the same for a wrong password and an unknown email", func(t *testing.T) {
		_, err := ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "wrong-password"})
		wantMessage(t, err, "Incorrect email or password")
		wantCode(t, err, app.EUNAUTHORIZED)
		_, err = ts.auth.Login(context.Background(), app.Credentials{Email: "nobody@test.com", Password: "wrong-password"})
		wantMessage(t, err, "Incorrect email or password")
	})
	t.Run("ErrBadCredentials for system", func(t *testing.T) {
		_, err := ts.auth.Login(context.Background(), app.Credentials{UserID: app.SystemUserID, Password: ""})
		wantMessage(t, err, "Incorrect email or password")
		_, err = ts.auth.Login(context.Background(), app.Credentials{Email: "system@easel.invalid", Password: "anything-at-all"})
		wantMessage(t, err, "Incorrect email or password")
	})
	t.Run("ErrDisabled only with the right password", func(t *testing.T) {
		admin := ts.login(adminEmail, adminPassword) // the clock moved on a week above
		carol, _ := ts.createUser(admin, "carol@test.com", false)
		if _, err := ts.users.UpdateUser(admin, carol.UserID, app.UserUpdate{IsActive: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		_, err := ts.auth.Login(context.Background(), app.Credentials{Email: "carol@test.com", Password: "password-carol@test.com"})
		wantMessage(t, err, "This account is disabled")
		wantCode(t, err, app.EFORBIDDEN)
		_, err = ts.auth.Login(context.Background(), app.Credentials{Email: "carol@test.com", Password: "wrong-password"})
		wantMessage(t, err, "Incorrect email or password")
	})
}

func TestLoginThrottle(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	ts.createUser(admin, "bob@test.com", false)
	fail := func(email string) error {
		_, err := ts.auth.Login(context.Background(), app.Credentials{Email: email, Password: "wrong-password"})
		return err
	}
	for i := 0; i < app.FreeLoginFailures; i++ {
		wantCode(t, fail("bob@test.com"), app.EUNAUTHORIZED)
	}
	t.Run("ErrTooMany after five failures, even with the right password", func(t *testing.T) {
		_, err := ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "password-bob@test.com"})
		wantCode(t, err, app.ETOOMANY)
		if app.RetryAfter(err) != time.Second {
			t.Fatalf("retry after = %v, want 1s", app.RetryAfter(err))
		}
	})
	t.Run("OK the delay grows", func(t *testing.T) {
		ts.advance(time.Second)
		wantCode(t, fail("bob@test.com"), app.EUNAUTHORIZED)
		err := fail("bob@test.com")
		wantCode(t, err, app.ETOOMANY)
		if app.RetryAfter(err) != 2*time.Second {
			t.Fatalf("retry after = %v, want 2s", app.RetryAfter(err))
		}
	})
	t.Run("OK unknown emails are throttled too, so throttling tells nothing", func(t *testing.T) {
		for i := 0; i < app.FreeLoginFailures; i++ {
			fail("ghost@test.com")
		}
		wantCode(t, fail("ghost@test.com"), app.ETOOMANY)
	})
	t.Run("OK other accounts are not slowed", func(t *testing.T) {
		ts.login(adminEmail, adminPassword)
	})
	t.Run("OK a success resets the count", func(t *testing.T) {
		ts.advance(time.Hour)
		ts.login("bob@test.com", "password-bob@test.com")
		for i := 0; i < app.FreeLoginFailures; i++ {
			wantCode(t, fail("bob@test.com"), app.EUNAUTHORIZED)
		}
	})
	t.Run("OK parallel guesses cannot slip past the throttle", func(t *testing.T) {
		ts.advance(time.Hour)
		ts.login("bob@test.com", "password-bob@test.com")
		atMostFreeFailuresJudged(t, func() error { return fail("bob@test.com") }, app.EUNAUTHORIZED)
	})
}

func TestSessions(t *testing.T) {
	t.Run("OK logout revokes the session on the server", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		if err := ts.auth.Logout(admin); err != nil {
			t.Fatal(err)
		}
		_, err := ts.users.Me(admin)
		wantCode(t, err, app.EUNAUTHORIZED)
		wantCode(t, ts.auth.Logout(admin), app.EUNAUTHORIZED)
	})
	t.Run("ErrUnauthorized for unknown, empty and expired tokens", func(t *testing.T) {
		ts := openTestStore(t)
		ts.setup()
		for _, tok := range []string{"", "nope", strings.Repeat("A", 43)} {
			_, err := ts.auth.Authenticate(context.Background(), tok)
			wantCode(t, err, app.EUNAUTHORIZED)
		}
		l, _ := ts.auth.Login(context.Background(), app.Credentials{Email: adminEmail, Password: adminPassword})
		ctx := ts.ctxFor(l.Token)
		ts.advance(24*time.Hour + time.Second)
		_, err := ts.auth.Authenticate(context.Background(), l.Token)
		wantCode(t, err, app.EUNAUTHORIZED)
		_, err = ts.users.Me(ctx) // a context made before expiry expires too
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("ErrUnauthorized without a signed-in user", func(t *testing.T) {
		ts := openTestStore(t)
		_, err := ts.users.Me(context.Background())
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("OK a password change signs out the other sessions only", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		_, bob := ts.createUser(admin, "bob@test.com", false)
		bob2 := ts.login("bob@test.com", "password-bob@test.com")
		if _, err := ts.users.UpdateMe(bob, app.ProfileUpdate{CurrentPassword: ptr("password-bob@test.com"), NewPassword: ptr("new-password-1")}); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.users.Me(bob); err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}
		_, err := ts.users.Me(bob2)
		wantCode(t, err, app.EUNAUTHORIZED)
		ts.login("bob@test.com", "new-password-1")
		_, err = ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "password-bob@test.com"})
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("ErrInvalid changing a password without the current one", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		_, err := ts.users.UpdateMe(admin, app.ProfileUpdate{NewPassword: ptr("new-password-1")})
		wantCode(t, err, app.EINVALID)
		_, err = ts.users.UpdateMe(admin, app.ProfileUpdate{CurrentPassword: ptr("wrong-password"), NewPassword: ptr("new-password-1")})
		wantCode(t, err, app.EINVALID)
		_, err = ts.users.UpdateMe(admin, app.ProfileUpdate{CurrentPassword: ptr(adminPassword), NewPassword: ptr("short")})
		wantCode(t, err, app.EINVALID)
		ts.login(adminEmail, adminPassword)
	})
	t.Run("OK disable, delete and demotion take effect on the next call", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		carol, carolCtx := ts.createUser(admin, "carol@test.com", true)
		if _, err := ts.users.ListUsers(carolCtx, app.PageRequest{}); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.users.UpdateUser(admin, carol.UserID, app.UserUpdate{IsAdmin: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		_, err := ts.users.ListUsers(carolCtx, app.PageRequest{})
		wantCode(t, err, app.EFORBIDDEN)

		if _, err := ts.users.UpdateUser(admin, carol.UserID, app.UserUpdate{IsActive: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		_, err = ts.users.Me(carolCtx)
		wantCode(t, err, app.EUNAUTHORIZED)
		if _, err := ts.users.UpdateUser(admin, carol.UserID, app.UserUpdate{IsActive: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		_, err = ts.users.Me(carolCtx) // disabling ended the session for good
		wantCode(t, err, app.EUNAUTHORIZED)

		carolCtx = ts.login("carol@test.com", "password-carol@test.com")
		if err := ts.users.DeleteUser(admin, carol.UserID); err != nil {
			t.Fatal(err)
		}
		_, err = ts.users.Me(carolCtx)
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("OK sessions past their lifetime are swept at open", func(t *testing.T) {
		dir := t.TempDir()
		ts := openTestStoreIn(t, dir)
		ts.clock = time.Now().Add(-48 * time.Hour)
		ts.setup() // its session has expired by now
		ts.clock = time.Now()
		ts.login(adminEmail, adminPassword)
		ts.Close()
		ts = openTestStoreIn(t, dir)
		if n := ts.SessionCount(); n != 1 {
			t.Fatalf("sessions = %d, want 1", n)
		}
	})
}

// TestCurrentPasswordThrottle: the current-password check of a password
// change counts toward the same per-account throttle as signing in, so a
// session left open cannot be used to guess the password at full speed.
func TestCurrentPasswordThrottle(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	ts.createUser(admin, "bob@test.com", false)
	bob := ts.login("bob@test.com", "password-bob@test.com")
	change := func(current string) error {
		next := "a-new-password"
		_, err := ts.users.UpdateMe(bob, app.ProfileUpdate{CurrentPassword: &current, NewPassword: &next})
		return err
	}
	for i := 0; i < app.FreeLoginFailures; i++ {
		wantCode(t, change("wrong-password"), app.EINVALID)
	}
	t.Run("ErrTooMany after five wrong current passwords, even with the right one", func(t *testing.T) {
		err := change("password-bob@test.com")
		wantCode(t, err, app.ETOOMANY)
		if app.RetryAfter(err) != time.Second {
			t.Fatalf("retry after = %v, want 1s", app.RetryAfter(err))
		}
	})
	t.Run("ErrTooMany signing in too: one throttle per account", func(t *testing.T) {
		_, err := ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "password-bob@test.com"})
		wantCode(t, err, app.ETOOMANY)
	})
	t.Run("OK wrong current passwords are audited as failed password checks", func(t *testing.T) {
		entries, err := auditOf(ts).Recent(admin, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == app.AuditLoginFailed && e.Detail == "current password" {
				n++
			}
		}
		if n != app.FreeLoginFailures {
			t.Fatalf("%d audited current-password failures, want %d", n, app.FreeLoginFailures)
		}
	})
	t.Run("OK parallel guesses cannot slip past the throttle", func(t *testing.T) {
		ts.advance(time.Hour)
		if err := change("password-bob@test.com"); err != nil {
			t.Fatal(err) // the right password clears the count
		}
		atMostFreeFailuresJudged(t, func() error { return change("wrong-password") }, app.EINVALID)
	})
}

// atMostFreeFailuresJudged makes 12 wrong guesses at once with guess: no
// more of them may be judged (answered with judgedCode, not "wait") than
// the throttle lets through, however they interleave.
func atMostFreeFailuresJudged(t *testing.T, guess func() error, judgedCode string) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	judged := 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if app.ErrorCode(guess()) == judgedCode {
				mu.Lock()
				judged++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if judged > app.FreeLoginFailures {
		t.Fatalf("%d parallel guesses were judged; at most %d may be", judged, app.FreeLoginFailures)
	}
}
