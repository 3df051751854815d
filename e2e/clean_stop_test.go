package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// stopGraph saves a small picture, then makes a slow one and saves it: a
// stop that lands between the two saves finds an item half done.
const stopGraph = `{"nodes": {
  "a": {"id": "a", "type": "prompt_art", "prompt": "first", "seed": 1, "width": 64, "height": 64},
  "b_save": {"id": "b_save", "type": "save_image"},
  "c_slow": {"id": "c_slow", "type": "prompt_art", "prompt": "second", "seed": 2, "width": 2048, "height": 2048},
  "d_save": {"id": "d_save", "type": "save_image"}},
 "edges": [
  {"source": {"node_id": "a", "field": "image"}, "destination": {"node_id": "b_save", "field": "image"}},
  {"source": {"node_id": "c_slow", "field": "image"}, "destination": {"node_id": "d_save", "field": "image"}}]}`

type stopItem struct {
	ItemID     uint64   `json:"item_id"`
	Status     string   `json:"status"`
	ImageNames []string `json:"image_names"`
}

type stopImage struct {
	ImageName   string `json:"image_name"`
	QueueItemID uint64 `json:"queue_item_id"`
}

// TestCleanStopRendersNothingTwice stops `easel serve` with SIGTERM each
// time an item has saved its first image and is making its second, several
// times over. After every restart no image stands without a completed item
// that made it, and in the end every item completed with exactly its two
// images.
func TestCleanStopRendersNothingTwice(t *testing.T) {
	data := t.TempDir()
	srv := startServe(t, data)
	token := setupAda(t, srv.URL)
	const items = 3
	rest(t, srv.URL, token, "POST", "/api/v1/queue/default/enqueue_batch",
		map[string]any{"batch": map[string]any{"graph": json.RawMessage(stopGraph), "runs": items}}, nil)

	readItems := func() map[uint64]stopItem {
		var list []stopItem
		rest(t, srv.URL, token, "GET", "/api/v1/queue/default/list_all", nil, &list)
		byID := map[uint64]stopItem{}
		for _, it := range list {
			byID[it.ItemID] = it
		}
		return byID
	}
	// state is the items and the images as of one moment: an image is saved
	// (or taken back) in the transaction that changes its item's record, so
	// images read between two equal readings of the items match them.
	state := func() (map[uint64]stopItem, []stopImage) {
		for {
			before := readItems()
			var page struct{ Items []stopImage }
			rest(t, srv.URL, token, "GET", "/api/v1/images/?board_id=none&limit=1000", nil, &page)
			if after := readItems(); reflect.DeepEqual(before, after) {
				return after, page.Items
			}
		}
	}
	// check: every image was made by an item that lists it and is
	// completed or running (a running item shows what it saved so far);
	// a completed item has its two images, a running one at most two, and
	// one waiting or failed none.
	check := func(when string) (completed int) {
		t.Helper()
		byID, images := state()
		for _, img := range images {
			it, ok := byID[img.QueueItemID]
			if !ok || (it.Status != "completed" && it.Status != "in_progress") || !slices.Contains(it.ImageNames, img.ImageName) {
				t.Fatalf("%s: image %s stands without a completed or running item that made it (item %d: %+v)", when, img.ImageName, img.QueueItemID, it)
			}
		}
		listed := 0
		for _, it := range byID {
			want := map[string]bool{"completed": len(it.ImageNames) == 2, "in_progress": len(it.ImageNames) <= 2}[it.Status]
			if !want && len(it.ImageNames) != 0 {
				t.Fatalf("%s: %s item %d has images %v", when, it.Status, it.ItemID, it.ImageNames)
			}
			if it.Status == "completed" {
				completed++
			}
			listed += len(it.ImageNames)
		}
		if len(images) != listed {
			t.Fatalf("%s: %d images, but the items list %d", when, len(images), listed)
		}
		return completed
	}

	stops := 0
	for round := 0; stops < 4 && round < 20; round++ {
		// Wait for an odd number of images: an item saved its first and is
		// making its second.
		deadline := time.Now().Add(30 * time.Second)
		halfway := false
		for !halfway && time.Now().Before(deadline) {
			byID, images := state()
			done := 0
			for _, it := range byID {
				if it.Status == "completed" {
					done++
				}
			}
			if done == items {
				break
			}
			halfway = len(images)%2 == 1
			if !halfway {
				time.Sleep(10 * time.Millisecond)
			}
		}
		if !halfway {
			break
		}
		srv.Stop(t)
		stops++
		srv = startServe(t, data)
		token = loginAda(t, srv.URL)
		check(fmt.Sprintf("after stop %d", stops))
	}
	if stops == 0 {
		t.Fatal("no stop landed between an item's two saves")
	}
	deadline := time.Now().Add(60 * time.Second)
	for check("at the end") < items {
		if time.Now().After(deadline) {
			t.Fatalf("not every item completed: %+v", func() any { m, _ := state(); return m }())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%d stops between an item's two saves; %d items, %d images", stops, items, 2*items)
}

// loginAda signs Ada in again (a restart keeps her session, but tests
// should not lean on it).
func loginAda(t *testing.T, base string) string {
	t.Helper()
	var login struct{ Token string }
	rest(t, base, "", "POST", "/api/v1/auth/login", map[string]any{
		"email": "ada@studio.test", "password": "TestPass123",
	}, &login)
	return login.Token
}
