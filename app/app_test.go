package app_test

import (
	"strings"
	"testing"
	"time"

	"easel/app"
)

func TestPasswords(t *testing.T) {
	hash, err := app.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK argon2id PHC string with at least OWASP's parameters", func(t *testing.T) {
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash = %s", hash)
		}
		if !app.CheckPassword(hash, "correct horse") || app.CheckPassword(hash, "correct horsE") {
			t.Fatal("check is wrong")
		}
	})
	t.Run("OK no truncation: bytes past 72 matter", func(t *testing.T) {
		long := strings.Repeat("a", 100)
		h, _ := app.HashPassword(long)
		if app.CheckPassword(h, strings.Repeat("a", 99)+"b") {
			t.Fatal("the 100th character was ignored")
		}
	})
	t.Run("OK salted: the same password hashes differently", func(t *testing.T) {
		again, _ := app.HashPassword("correct horse")
		if again == hash {
			t.Fatal("two hashes of one password are equal")
		}
	})
	t.Run("ErrInvalid outside 8 to 128 characters", func(t *testing.T) {
		for pw, ok := range map[string]bool{
			"1234567": false, "12345678": true, strings.Repeat("é", 128): true,
			strings.Repeat("x", 129): false, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8": false,
		} {
			if err := app.ValidatePassword(pw); (err == nil) != ok {
				t.Errorf("ValidatePassword(%d chars) = %v, want ok=%v", len([]rune(pw)), err, ok)
			}
		}
	})
	t.Run("ErrMismatch for malformed hashes", func(t *testing.T) {
		for _, h := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "plain"} {
			if app.CheckPassword(h, "") {
				t.Errorf("%q matched", h)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	tok, id, err := app.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	tok2, _, _ := app.NewToken()
	if len(tok) != 43 || tok == tok2 || id != app.TokenID(tok) || len(id) != 64 || strings.Contains(id, tok) {
		t.Fatalf("token %q id %q", tok, id)
	}
}

func TestLoginDelay(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 10: 32 * time.Second, 100: 15 * time.Minute} {
		if got := app.LoginDelay(n); got != want {
			t.Errorf("LoginDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestCheckUserChange(t *testing.T) {
	admin := &app.User{UserID: "a", DisplayName: "Ann", IsAdmin: true, IsActive: true}
	user := &app.User{UserID: "u", IsActive: true}
	demoted := *admin
	demoted.IsAdmin = false
	disabled := *admin
	disabled.IsActive = false
	system := &app.User{UserID: app.SystemUserID}
	for _, tc := range []struct {
		name          string
		before, after *app.User
		admins        int
		code          string
	}{
		{"OK rename a user", user, user, 1, ""},
		{"OK demote one of two admins", admin, &demoted, 2, ""},
		{"OK delete one of two admins", admin, nil, 2, ""},
		{"OK delete a user while one admin", user, nil, 1, ""},
		{"ErrLastAdmin demote", admin, &demoted, 1, app.EINVALID},
		{"ErrLastAdmin disable", admin, &disabled, 1, app.EINVALID},
		{"ErrLastAdmin delete", admin, nil, 1, app.EINVALID},
		{"ErrSystem change", system, system, 3, app.EINVALID},
		{"ErrSystem delete", system, nil, 3, app.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := app.ErrorCode(app.CheckUserChange(tc.before, tc.after, tc.admins)); got != tc.code {
				t.Fatalf("code = %q, want %q", got, tc.code)
			}
		})
	}
	if app.CanManageUsers(&disabled) || app.CanManageUsers(user) || !app.CanManageUsers(admin) || app.CanManageUsers(nil) {
		t.Fatal("CanManageUsers is wrong")
	}
}

func TestEmailsAndNames(t *testing.T) {
	if app.NormalizeEmail("  Ann@Example.COM ") != "ann@example.com" {
		t.Fatal("normalize")
	}
	for email, ok := range map[string]bool{"a@b.co": true, "ann@example.com": true, "": false, "ann": false, "Ann <a@b.co>": false, "a b@c.d": false, strings.Repeat("a", 250) + "@b.co": false} {
		if err := app.ValidateEmail(email); (err == nil) != ok {
			t.Errorf("ValidateEmail(%q) = %v", email, err)
		}
	}
	for name, ok := range map[string]bool{"Zoë 🎨": true, "  x  ": true, "": false, "a\tb": false, strings.Repeat("n", 101): false} {
		if _, err := app.CleanDisplayName(name); (err == nil) != ok {
			t.Errorf("CleanDisplayName(%q) = %v", name, err)
		}
	}
}
