package store

import (
	"testing"
	"time"

	"easel/app"
)

// TestWorkflowFormat1: a record of format 1, kept before thumbnails had a
// type, reads as it was, with no thumbnail type; format 2 keeps one.
func TestWorkflowFormat1(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w := &workflowRecord{sharedHead: sharedHead{ID: "w1", Owner: "ann", Visibility: app.VisibilityShared, Seq: 7},
		Name: "Lake", Description: "Paints a lake.", Tags: "a, b", Category: "user", Created: when, Updated: when,
		Doc: []byte(`{"name": "Lake"}`)}
	e := encoder{}
	e.uint(1)
	e.b = append(e.b, w.flags(app.RoleNone))
	e.str(w.ID)
	e.str(w.Owner)
	e.str(string(w.Visibility))
	e.uint(w.Seq)
	e.str(w.Name)
	e.str(w.Description)
	e.str(w.Tags)
	e.str(w.Category)
	e.time(w.Created)
	e.time(w.Updated)
	e.str("")
	e.bytes(w.Doc)
	got, err := decodeWorkflow(e.b)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "w1" || got.Owner != "ann" || got.Seq != 7 || got.Name != "Lake" || got.Tags != "a, b" ||
		!got.Updated.Equal(when) || got.Thumbnail != "" || got.ThumbType != "" || string(got.Doc) != string(w.Doc) {
		t.Fatalf("format 1 read as %+v", got)
	}

	w.Thumbnail, w.ThumbType = "0190-thumb.jpg", "image/jpeg"
	again, err := decodeWorkflow(w.encode())
	if err != nil || again.Thumbnail != w.Thumbnail || again.ThumbType != "image/jpeg" || string(again.Doc) != string(w.Doc) {
		t.Fatalf("format 2 round trip: %+v, %v", again, err)
	}
	if _, err := decodeWorkflow(append([]byte{3}, e.b[1:]...)); err == nil {
		t.Fatal("an unknown format read")
	}
}
