package render_test

import (
	"strings"
	"testing"
	"time"

	"easel/app"
	"easel/store"
)

// TestPixelBudgetSetting: the pixel budget an administrator sets is the
// one enqueue checks a graph against and the one a run is held to.
func TestPixelBudgetSetting(t *testing.T) {
	s := openStudio(t, t.TempDir(), false)
	s.setup()
	_, bob := s.user("bob@t.co")
	settings := store.NewSettingsService(s.db)
	setBudget := func(mp int) {
		if _, err := settings.UpdateSettings(s.admin, app.SettingsUpdate{PixelBudgetMegapixels: ptr(mp)}); err != nil {
			t.Fatal(err)
		}
	}
	big := artGraph("big", 2048, "") // 4.2 megapixels

	setBudget(2)
	_, err := s.queue.Enqueue(bob, app.Batch{Graph: []byte(big)}, 0)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(err.Error(), "the limit is 2 megapixels") {
		t.Fatalf("enqueue over a 2-megapixel budget: %v", err)
	}

	setBudget(10)
	id := s.enqueue(bob, big, 1).ItemIDs[0]
	setBudget(2) // lowered while it waits: the run is held to the budget of its claim
	if err := s.worker.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.worker.Stop()
	it := s.wait(bob, id, 20*time.Second)
	if it.Status != app.StatusFailed || !strings.Contains(it.ErrorMessage, "the limit is 2 megapixels") {
		t.Fatalf("a run over its budget: %+v", it)
	}
}
