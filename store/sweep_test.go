package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"easel/app"
	"easel/store"
)

// TestSweep: what outlives its use goes while Easel runs — expired
// sessions, login failures past their throttle window (for unknown emails
// and profiles alike) and audit entries past the retention setting.
func TestSweep(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	ts.createUser(admin, "bob@test.com", false)
	for i := range 3 {
		ts.auth.Login(context.Background(), app.Credentials{Email: fmt.Sprintf("ghost%d@test.com", i), Password: "wrong-password"})
	}
	ts.auth.Login(context.Background(), app.Credentials{Email: "bob@test.com", Password: "wrong-password"})
	if n := ts.FailureCount(); n != 4 {
		t.Fatalf("%d failure records, want 4", n)
	}

	t.Run("OK nothing goes before its time", func(t *testing.T) {
		ts.advance(30 * time.Minute)
		res, err := ts.Sweep()
		if err != nil || res != (store.SweepResult{}) {
			t.Fatalf("sweep = %+v, %v", res, err)
		}
	})
	t.Run("OK failures are forgotten an hour after their wait, whoever the email is", func(t *testing.T) {
		ts.advance(31 * time.Minute)
		res, err := ts.Sweep()
		if err != nil || res.Failures != 4 || ts.FailureCount() != 0 {
			t.Fatalf("sweep = %+v, %v; %d failure records left", res, err, ts.FailureCount())
		}
	})
	t.Run("OK expired sessions go", func(t *testing.T) {
		before := ts.SessionCount()
		ts.advance(app.SessionLifetime)
		res, err := ts.Sweep()
		if err != nil || res.Sessions != before || ts.SessionCount() != 0 {
			t.Fatalf("sweep = %+v, %v; %d sessions left of %d", res, err, ts.SessionCount(), before)
		}
	})
	t.Run("OK audit entries past the retention go, the newer stay", func(t *testing.T) {
		admin = ts.login(adminEmail, adminPassword)
		entries, _ := auditOf(ts).Recent(admin, 0, 1000)
		ts.advance(time.Duration(app.DefaultSettings.AuditRetentionDays)*24*time.Hour + time.Minute)
		admin = ts.login(adminEmail, adminPassword) // one entry of today
		res, err := ts.Sweep()
		if err != nil || res.AuditEntries != len(entries) {
			t.Fatalf("sweep = %+v, %v; want %d audit entries gone", res, err, len(entries))
		}
		left, _ := auditOf(ts).Recent(admin, 0, 1000)
		if len(left) != 1 || left[0].Action != app.AuditLogin {
			t.Fatalf("left: %+v", left)
		}
	})
	t.Run("OK retention 0 keeps the audit log for ever", func(t *testing.T) {
		zero := 0
		if _, err := store.NewSettingsService(ts.DB).UpdateSettings(admin, app.SettingsUpdate{AuditRetentionDays: &zero}); err != nil {
			t.Fatal(err)
		}
		ts.advance(100 * 365 * 24 * time.Hour)
		admin = ts.login(adminEmail, adminPassword)
		if res, err := ts.Sweep(); err != nil || res.AuditEntries != 0 {
			t.Fatalf("sweep = %+v, %v", res, err)
		}
	})
}

// TestSweepWhileRunning: the sweep runs on its own while Easel runs, not
// only when it starts.
func TestSweepWhileRunning(t *testing.T) {
	ts := openTestStore(t)
	ts.setup()
	ts.advance(app.SessionLifetime)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		ts.SweepWhileRunning(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for ts.SessionCount() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the expired session is still there")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}
