package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"easel/app"
)

// roles are every kind of caller of an admin-only action.
type roles struct {
	admin, user, disabled, deleted, loggedOut context.Context
}

func (ts *testStore) roles() roles {
	ts.t.Helper()
	admin := ts.setup()
	_, user := ts.createUser(admin, "user@test.com", false)
	dis, disabled := ts.createUser(admin, "disabled@test.com", true)
	del, deleted := ts.createUser(admin, "deleted@test.com", true)
	if _, err := ts.users.UpdateUser(admin, dis.UserID, app.UserUpdate{IsActive: ptr(false)}); err != nil {
		ts.t.Fatal(err)
	}
	if err := ts.users.DeleteUser(admin, del.UserID); err != nil {
		ts.t.Fatal(err)
	}
	return roles{admin: admin, user: user, disabled: disabled, deleted: deleted, loggedOut: context.Background()}
}

// TestAdminOnly runs every admin action as every role.
func TestAdminOnly(t *testing.T) {
	ts := openTestStore(t)
	r := ts.roles()
	target, _ := ts.createUser(r.admin, "target@test.com", false)
	n := 0
	actions := map[string]func(ctx context.Context) error{
		"list": func(ctx context.Context) error { _, err := ts.users.ListUsers(ctx, app.PageRequest{}); return err },
		"find": func(ctx context.Context) error { _, err := ts.users.FindUser(ctx, target.UserID); return err },
		"create": func(ctx context.Context) error {
			n++
			_, err := ts.users.CreateUser(ctx, app.NewUser{Email: "new" + strings.Repeat("x", n) + "@test.com", Password: "password1"})
			return err
		},
		"rename": func(ctx context.Context) error {
			_, err := ts.users.UpdateUser(ctx, target.UserID, app.UserUpdate{DisplayName: ptr("T")})
			return err
		},
		"reset": func(ctx context.Context) error {
			_, err := ts.users.UpdateUser(ctx, target.UserID, app.UserUpdate{Password: ptr("password2")})
			return err
		},
		"promote": func(ctx context.Context) error {
			_, err := ts.users.UpdateUser(ctx, target.UserID, app.UserUpdate{IsAdmin: ptr(false)})
			return err
		},
		"disable": func(ctx context.Context) error {
			_, err := ts.users.UpdateUser(ctx, target.UserID, app.UserUpdate{IsActive: ptr(true)})
			return err
		},
		"audit":  func(ctx context.Context) error { _, err := auditOf(ts).Recent(ctx, 0, 10); return err },
		"delete": func(ctx context.Context) error { return ts.users.DeleteUser(ctx, "no-such-user") },
	}
	for name, act := range actions {
		for role, want := range map[string]struct {
			ctx  context.Context
			code string
		}{
			"user":       {r.user, app.EFORBIDDEN},
			"disabled":   {r.disabled, app.EUNAUTHORIZED},
			"deleted":    {r.deleted, app.EUNAUTHORIZED},
			"logged out": {r.loggedOut, app.EUNAUTHORIZED},
		} {
			t.Run(name+" as "+role, func(t *testing.T) { wantCode(t, act(want.ctx), want.code) })
		}
		t.Run(name+" as admin", func(t *testing.T) {
			err := act(r.admin)
			if name == "delete" {
				wantCode(t, err, app.ENOTFOUND)
			} else if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestUserManagement(t *testing.T) {
	t.Run("OK list hides system and shows the rest oldest first", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		ts.advance(1)
		ts.createUser(admin, "bob@test.com", false)
		users, err := itemsOf(ts.users.ListUsers(admin, app.PageRequest{}))
		if err != nil || len(users) != 2 || users[0].Email != adminEmail || users[1].Email != "bob@test.com" {
			t.Fatalf("users = %v, %v", users, err)
		}
	})
	t.Run("ErrConflict for an email in any case", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		_, err := ts.users.CreateUser(admin, app.NewUser{Email: "ADMIN@test.com", Password: "password1"})
		wantCode(t, err, app.ECONFLICT)
	})
	t.Run("ErrNotFound for unknown users", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		_, err := ts.users.UpdateUser(admin, "nope", app.UserUpdate{DisplayName: ptr("x")})
		wantCode(t, err, app.ENOTFOUND)
		_, err = ts.users.FindUser(admin, app.SystemUserID)
		wantCode(t, err, app.ENOTFOUND)
	})
	t.Run("ErrInvalid for system, whatever the change", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		for name, upd := range map[string]app.UserUpdate{
			"promote":  {IsAdmin: ptr(true)},
			"enable":   {IsActive: ptr(true)},
			"password": {Password: ptr("password1")},
			"rename":   {DisplayName: ptr("Me")},
		} {
			_, err := ts.users.UpdateUser(admin, app.SystemUserID, upd)
			if app.ErrorCode(err) != app.EINVALID {
				t.Errorf("%s system: %v, want invalid", name, err)
			}
		}
		wantCode(t, ts.users.DeleteUser(admin, app.SystemUserID), app.EINVALID)
		if _, err := ts.ResetPassword("system@easel.invalid", "password1"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("reset system password: %v", err)
		}
	})
	t.Run("ErrInvalid removing the last active admin", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		me, _ := ts.users.Me(admin)
		for name, upd := range map[string]app.UserUpdate{"demote": {IsAdmin: ptr(false)}, "disable": {IsActive: ptr(false)}} {
			_, err := ts.users.UpdateUser(admin, me.UserID, upd)
			if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "last active administrator") {
				t.Errorf("%s: %v", name, err)
			}
		}
		wantCode(t, ts.users.DeleteUser(admin, me.UserID), app.EINVALID)
		// A disabled admin does not count: it cannot rescue anyone.
		dis, _ := ts.createUser(admin, "dis@test.com", true)
		if _, err := ts.users.UpdateUser(admin, dis.UserID, app.UserUpdate{IsActive: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		_, err := ts.users.UpdateUser(admin, me.UserID, app.UserUpdate{IsAdmin: ptr(false)})
		wantCode(t, err, app.EINVALID)
	})
	t.Run("OK two admins racing to demote each other leave one admin", func(t *testing.T) {
		for round := 0; round < 5; round++ {
			ts := openTestStore(t)
			a := ts.setup()
			meA, _ := ts.users.Me(a)
			userB, b := ts.createUser(a, "b@test.com", true)
			var wg sync.WaitGroup
			var errA, errB error
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, errA = ts.users.UpdateUser(a, userB.UserID, app.UserUpdate{IsAdmin: ptr(false)})
			}()
			go func() {
				defer wg.Done()
				_, errB = ts.users.UpdateUser(b, meA.UserID, app.UserUpdate{IsAdmin: ptr(false)})
			}()
			wg.Wait()
			if (errA == nil) == (errB == nil) {
				t.Fatalf("round %d: errA=%v errB=%v; exactly one must succeed", round, errA, errB)
			}
			ts.assertActiveAdmins(1)
		}
	})
	t.Run("OK two admins racing to disable and delete each other leave one admin", func(t *testing.T) {
		for round := 0; round < 5; round++ {
			ts := openTestStore(t)
			a := ts.setup()
			meA, _ := ts.users.Me(a)
			userB, b := ts.createUser(a, "b@test.com", true)
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); ts.users.UpdateUser(a, userB.UserID, app.UserUpdate{IsActive: ptr(false)}) }()
			go func() { defer wg.Done(); ts.users.DeleteUser(b, meA.UserID) }()
			wg.Wait()
			ts.assertActiveAdmins(1)
		}
	})
	t.Run("OK reset password signs out and lifts the throttle", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		bob, bobCtx := ts.createUser(admin, "bob@test.com", false)
		for i := 0; i < 8; i++ {
			ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "wrong-password"})
		}
		if _, err := ts.users.UpdateUser(admin, bob.UserID, app.UserUpdate{Password: ptr("fresh-password")}); err != nil {
			t.Fatal(err)
		}
		_, err := ts.users.Me(bobCtx)
		wantCode(t, err, app.EUNAUTHORIZED)
		ts.login("bob@test.com", "fresh-password")
	})
	t.Run("OK a user renames themselves", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		u, err := ts.users.UpdateMe(admin, app.ProfileUpdate{DisplayName: ptr("  Ada Lovelace  ")})
		if err != nil || u.DisplayName != "Ada Lovelace" {
			t.Fatalf("rename = %+v, %v", u, err)
		}
		_, err = ts.users.UpdateMe(admin, app.ProfileUpdate{DisplayName: ptr("   ")})
		wantCode(t, err, app.EINVALID)
	})
	t.Run("OK preferences default, save and validate", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		p, err := ts.users.Preferences(admin)
		if err != nil || p.IdleLockMinutes != 15 {
			t.Fatalf("default prefs = %+v, %v", p, err)
		}
		if _, err := ts.users.SetPreferences(admin, app.Preferences{IdleLockMinutes: 5}); err != nil {
			t.Fatal(err)
		}
		if p, _ := ts.users.Preferences(admin); p.IdleLockMinutes != 5 {
			t.Fatalf("saved prefs = %+v", p)
		}
		_, err = ts.users.SetPreferences(admin, app.Preferences{IdleLockMinutes: -1})
		wantCode(t, err, app.EINVALID)
		_, err = ts.users.SetPreferences(context.Background(), app.Preferences{IdleLockMinutes: 5})
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("OK the command-line reset enables and signs out", func(t *testing.T) {
		ts := openTestStore(t)
		admin := ts.setup()
		bob, _ := ts.createUser(admin, "bob@test.com", false)
		ts.users.UpdateUser(admin, bob.UserID, app.UserUpdate{IsActive: ptr(false)})
		if _, err := ts.ResetPassword("Bob@Test.com", "recovered-pw"); err != nil {
			t.Fatal(err)
		}
		ts.login("bob@test.com", "recovered-pw")
		if _, err := ts.ResetPassword("nobody@test.com", "recovered-pw"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("reset unknown: %v", err)
		}
		if _, err := ts.ResetPassword("bob@test.com", "short"); app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("reset short: %v", err)
		}
	})
}

func (ts *testStore) assertActiveAdmins(want int) {
	ts.t.Helper()
	n := 0
	tiles, _ := ts.users.ProfileTiles(context.Background())
	for _, tile := range tiles {
		ctx := app.NewContextWithActor(context.Background(), &app.Actor{UserID: tile.UserID})
		if u, err := ts.users.Me(ctx); err == nil && app.IsActiveAdmin(u) {
			n++
		}
	}
	if n != want {
		ts.t.Fatalf("active admins = %d, want %d", n, want)
	}
}

func TestAuditLog(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	bob, _ := ts.createUser(admin, "bob@test.com", false)
	ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "wrong-password"})
	ts.users.UpdateUser(admin, bob.UserID, app.UserUpdate{Password: ptr("secret-new-pw"), IsAdmin: ptr(true)})
	entries, err := auditOf(ts).Recent(admin, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
		if strings.Contains(e.Detail, "secret") || strings.Contains(e.Detail, "password-") {
			t.Errorf("audit entry holds a secret: %+v", e)
		}
	}
	got := strings.Join(actions, ",")
	want := "user_updated,login_failed,login,user_created,login,setup"
	if got != want {
		t.Fatalf("audit = %s, want %s", got, want)
	}
	page, _ := auditOf(ts).Recent(admin, entries[1].Seq, 2)
	if len(page) != 2 || page[0].Seq != entries[2].Seq {
		t.Fatalf("page before %d = %+v", entries[1].Seq, page)
	}
}
