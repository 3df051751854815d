package store_test

import (
	"testing"

	"easel/app"
	"easel/store"
)

func TestSettings(t *testing.T) {
	ts := openTestStore(t)
	admin := ts.setup()
	_, bob := ts.createUser(admin, "bob@test.com", false)
	settings := store.NewSettingsService(ts.DB)

	t.Run("OK a new studio has the defaults, and anyone signed in reads them", func(t *testing.T) {
		got, err := settings.Settings(bob)
		if err != nil || *got != app.DefaultSettings {
			t.Fatalf("settings = %+v, %v", got, err)
		}
	})
	t.Run("ErrForbidden for anyone but an admin", func(t *testing.T) {
		_, err := settings.UpdateSettings(bob, app.SettingsUpdate{MaxPendingPerUser: ptr(5)})
		wantCode(t, err, app.EFORBIDDEN)
	})
	t.Run("ErrUnauthorized signed out", func(t *testing.T) {
		_, err := settings.Settings(t.Context())
		wantCode(t, err, app.EUNAUTHORIZED)
	})
	t.Run("ErrInvalid out of range, naming the setting, changing nothing", func(t *testing.T) {
		_, err := settings.UpdateSettings(admin, app.SettingsUpdate{MaxPendingPerUser: ptr(5), PixelBudgetMegapixels: ptr(0)})
		wantMessage(t, err, "pixel_budget_megapixels must be between 1 and 4096, not 0.")
		if got, _ := settings.Settings(admin); *got != app.DefaultSettings {
			t.Fatalf("settings = %+v", got)
		}
	})
	t.Run("OK an admin changes some; the rest keep their defaults; audited", func(t *testing.T) {
		got, err := settings.UpdateSettings(admin, app.SettingsUpdate{MaxPendingPerUser: ptr(5), AuditRetentionDays: ptr(0)})
		want := app.DefaultSettings
		want.MaxPendingPerUser, want.AuditRetentionDays = 5, 0
		if err != nil || *got != want {
			t.Fatalf("settings = %+v, %v", got, err)
		}
		if again, _ := settings.Settings(bob); *again != want {
			t.Fatalf("read back %+v", again)
		}
		entries, _ := auditOf(ts).Recent(admin, 0, 1)
		if e := entries[0]; e.Action != app.AuditSettingsChanged || e.Detail != "max_pending_per_user, audit_retention_days" {
			t.Fatalf("audit = %+v", e)
		}
	})
	t.Run("OK settings outlive a restart", func(t *testing.T) {
		dir := ts.Dir()
		ts.Close()
		again := openTestStoreIn(t, dir)
		got, err := store.NewSettingsService(again.DB).Settings(again.login(adminEmail, adminPassword))
		if err != nil || got.MaxPendingPerUser != 5 || got.AuditRetentionDays != 0 || got.MaxItemsPerBatch != app.DefaultSettings.MaxItemsPerBatch {
			t.Fatalf("settings = %+v, %v", got, err)
		}
	})
}
