package store_test

import (
	"context"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"easel/app"
	"easel/internal/studiotest"
	"easel/store"
)

// thumbName is the file name a workflow's thumbnail_url carries (?v=).
func thumbName(t *testing.T, w *app.Workflow) string {
	t.Helper()
	if w.ThumbnailURL == nil {
		t.Fatalf("%s has no thumbnail", w.Name)
	}
	prefix := "/api/v1/workflows/i/" + w.WorkflowID + "/thumbnail?v="
	name, ok := strings.CutPrefix(*w.ThumbnailURL, prefix)
	if !ok || name == "" {
		t.Fatalf("thumbnail_url %q, want %s<name>", *w.ThumbnailURL, prefix)
	}
	return name
}

// thumbFile is where owner's thumbnail file name lies in dir.
func thumbFile(dir, owner, name string) string { return filepath.Join(dir, "thumbnails", owner, name) }

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// thumbSize decodes the thumbnail the caller is served.
func thumbSize(t *testing.T, wf *store.WorkflowService, ctx context.Context, id string) image.Point {
	t.Helper()
	f, contentType, err := wf.OpenWorkflowThumbnail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "image/"+format {
		t.Fatalf("served as %s, but it is %s", contentType, format)
	}
	return image.Pt(cfg.Width, cfg.Height)
}

// A thumbnail sent is made at most 256 pixels a side; replaced, the old
// file goes; a file that is not an image is refused and the old one kept;
// removed, it opens no more. A copy ("Save as mine") gets its own, the new
// owner's; both survive a restart (the sweep keeps what a workflow
// claims), and deleting a workflow removes its file.
func TestWorkflowThumbnails(t *testing.T) {
	dir := t.TempDir()
	ts := openTestStoreIn(t, dir)
	wf := ts.set.Workflows
	admin := ts.setup()
	annUser, ann := ts.createUser(admin, "ann@t.co", false)
	bobUser, bob := ts.createUser(admin, "bob@t.co", false)

	w, err := wf.CreateWorkflow(ann, workflowDoc("Lake", "water"))
	if err != nil {
		t.Fatal(err)
	}
	if w.ThumbnailURL != nil {
		t.Fatalf("a new workflow has a thumbnail: %v", *w.ThumbnailURL)
	}
	if _, _, err := wf.OpenWorkflowThumbnail(ann, w.WorkflowID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("opening a thumbnail that is not there: %v", err)
	}
	got, err := wf.SetWorkflowThumbnail(ann, w.WorkflowID, withImage(pngImage(1000, 400)))
	if err != nil {
		t.Fatal(err)
	}
	first := thumbName(t, got)
	if size := thumbSize(t, wf, ann, w.WorkflowID); size != image.Pt(256, 102) {
		t.Fatalf("the thumbnail is %v, want 256×102", size)
	}
	if !exists(thumbFile(dir, annUser.UserID, first)) {
		t.Fatal("the thumbnail is not ann's file")
	}
	page, err := wf.ListWorkflows(ann, app.WorkflowFilter{Scope: app.WorkflowScopeMine})
	if err != nil || len(page.Items) != 1 || page.Items[0].ThumbnailURL == nil || *page.Items[0].ThumbnailURL != *got.ThumbnailURL {
		t.Fatalf("the listing's thumbnail_url: %+v, %v", page, err)
	}

	got, err = wf.SetWorkflowThumbnail(ann, w.WorkflowID, withImage(pngImage(30, 60)))
	if err != nil {
		t.Fatal(err)
	}
	second := thumbName(t, got)
	if second == first || thumbSize(t, wf, ann, w.WorkflowID) != image.Pt(30, 60) {
		t.Fatalf("replaced: %s (was %s), %v", second, first, thumbSize(t, wf, ann, w.WorkflowID))
	}
	if exists(thumbFile(dir, annUser.UserID, first)) {
		t.Fatal("the replaced thumbnail's file is still there")
	}

	for name, data := range map[string][]byte{
		"text":            []byte("not an image at all"),
		"a truncated PNG": pngImage(64, 64)[:80],
		"nothing":         {},
	} {
		if _, err := wf.SetWorkflowThumbnail(ann, w.WorkflowID, withImage(data)); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := wf.SetWorkflowThumbnail(ann, w.WorkflowID, app.ImageUpload{}); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("no image at all: %v", err)
	}
	again, err := wf.FindWorkflow(ann, w.WorkflowID)
	if err != nil || thumbName(t, again) != second || thumbSize(t, wf, ann, w.WorkflowID) != image.Pt(30, 60) {
		t.Fatalf("a refused image changed the thumbnail: %+v, %v", again, err)
	}
	if countFiles(t, dir) != 1 {
		t.Fatalf("files = %d, want the one thumbnail: a refused image left one", countFiles(t, dir))
	}

	got, err = wf.DeleteWorkflowThumbnail(ann, w.WorkflowID)
	if err != nil || got.ThumbnailURL != nil {
		t.Fatalf("removed: %+v, %v", got, err)
	}
	if _, _, err := wf.OpenWorkflowThumbnail(ann, w.WorkflowID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("a removed thumbnail opens: %v", err)
	}
	if exists(thumbFile(dir, annUser.UserID, second)) {
		t.Fatal("the removed thumbnail's file is still there")
	}
	if got, err = wf.DeleteWorkflowThumbnail(ann, w.WorkflowID); err != nil || got.ThumbnailURL != nil {
		t.Fatalf("removing none: %+v, %v", got, err)
	}

	// Save as mine: bob's copy has its own thumbnail, his file.
	if _, err := wf.SetWorkflowThumbnail(ann, w.WorkflowID, withImage(pngImage(300, 300))); err != nil {
		t.Fatal(err)
	}
	if _, err := wf.SetWorkflowPublic(ann, w.WorkflowID, true); err != nil {
		t.Fatal(err)
	}
	cp, err := wf.CopyWorkflow(bob, w.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	if !exists(thumbFile(dir, bobUser.UserID, thumbName(t, cp))) || thumbSize(t, wf, bob, cp.WorkflowID) != image.Pt(256, 256) {
		t.Fatal("bob's copy has no thumbnail of his own")
	}

	ts.set.Close()
	ts = openTestStoreIn(t, dir)
	wf = ts.set.Workflows
	ann, bob = ts.login("ann@t.co", "password-ann@t.co"), ts.login("bob@t.co", "password-bob@t.co")
	if thumbSize(t, wf, ann, w.WorkflowID) != image.Pt(256, 256) || thumbSize(t, wf, bob, cp.WorkflowID) != image.Pt(256, 256) {
		t.Fatal("after a restart the thumbnails changed")
	}

	own, err := wf.FindWorkflow(ann, w.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	if err := wf.DeleteWorkflow(ann, w.WorkflowID); err != nil {
		t.Fatal(err)
	}
	if exists(thumbFile(dir, annUser.UserID, thumbName(t, own))) {
		t.Fatal("the deleted workflow's thumbnail file is still there")
	}
	if thumbSize(t, wf, bob, cp.WorkflowID) != image.Pt(256, 256) {
		t.Fatal("the copy's thumbnail went with the original")
	}
}

// A thumbnail file written by a process that stopped before its record
// (a crash between the two) is removed at the next start; the claimed one
// beside it stays.
func TestWorkflowThumbnailOrphanSwept(t *testing.T) {
	dir := t.TempDir()
	ts := openTestStoreIn(t, dir)
	wf := ts.set.Workflows
	admin := ts.setup()
	annUser, ann := ts.createUser(admin, "ann@t.co", false)
	w, err := wf.CreateWorkflow(ann, workflowDoc("Lake", "water"))
	if err != nil {
		t.Fatal(err)
	}
	if w, err = wf.SetWorkflowThumbnail(ann, w.WorkflowID, withImage(pngImage(40, 40))); err != nil {
		t.Fatal(err)
	}
	orphan, err := wf.ThumbnailWithoutRecord(ann, annUser.UserID, pngImage(50, 50))
	if err != nil {
		t.Fatal(err)
	}
	if !exists(thumbFile(dir, annUser.UserID, orphan)) {
		t.Fatal("the orphan was not written")
	}
	ts.set.Close()

	ts = openTestStoreIn(t, dir)
	if exists(thumbFile(dir, annUser.UserID, orphan)) {
		t.Fatal("the orphan survived the start-up sweep")
	}
	if !exists(thumbFile(dir, annUser.UserID, thumbName(t, w))) {
		t.Fatal("the sweep took the workflow's thumbnail")
	}
	if size := thumbSize(t, ts.set.Workflows, ts.login("ann@t.co", "password-ann@t.co"), w.WorkflowID); size != image.Pt(40, 40) {
		t.Fatalf("after the sweep: %v", size)
	}
}

// Who may set, remove and see a workflow's thumbnail: setting or removing
// it is a change (owner, editor, admin), seeing it is seeing the workflow.
func TestWorkflowThumbnailAccess(t *testing.T) {
	ts := openTestStore(t)
	wf := ts.set.Workflows
	admin := ts.setup()
	_, owner := ts.createUser(admin, "owner@t.co", false)
	editor, editorCtx := ts.createUser(admin, "editor@t.co", false)
	viewer, viewerCtx := ts.createUser(admin, "viewer@t.co", false)
	_, stranger := ts.createUser(admin, "stranger@t.co", false)
	w, err := wf.CreateWorkflow(owner, workflowDoc("Lake", "water"))
	if err != nil {
		t.Fatal(err)
	}
	for u, role := range map[*app.User]app.Role{editor: app.RoleEditor, viewer: app.RoleViewer} {
		if _, err := wf.Share(owner, w.WorkflowID, u.UserID, role); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		who  string
		ctx  context.Context
		want string // "" for allowed
	}{
		{"owner", owner, ""}, {"editor", editorCtx, ""}, {"admin", admin, ""},
		{"viewer", viewerCtx, app.EFORBIDDEN}, {"stranger", stranger, app.ENOTFOUND}, {"signed out", context.Background(), app.EUNAUTHORIZED},
	} {
		_, err := wf.SetWorkflowThumbnail(c.ctx, w.WorkflowID, withImage(pngImage(20, 20)))
		_, delErr := wf.DeleteWorkflowThumbnail(c.ctx, w.WorkflowID)
		if app.ErrorCode(err) != c.want || app.ErrorCode(delErr) != c.want {
			t.Errorf("%s sets: %v; removes: %v; want %q", c.who, err, delErr, c.want)
		}
	}
	if _, err := wf.SetWorkflowThumbnail(owner, w.WorkflowID, withImage(pngImage(20, 20))); err != nil {
		t.Fatal(err)
	}
	if thumbSize(t, wf, viewerCtx, w.WorkflowID) != image.Pt(20, 20) {
		t.Fatal("the viewer does not see the thumbnail")
	}
	if _, _, err := wf.OpenWorkflowThumbnail(stranger, w.WorkflowID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("a stranger opens a private workflow's thumbnail: %v", err)
	}
	if _, _, err := wf.OpenWorkflowThumbnail(context.Background(), w.WorkflowID); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Fatalf("signed out: %v", err)
	}
}

// A finished run of a batch that names a workflow gives it the run's
// first image as its thumbnail, when it has none and the run's owner may
// change it; a second run does not replace it, and a viewer's run, or a
// stranger's, gives none. The built-in workflows are the system profile's:
// an administrator's run gives one, a user's does not.
func TestWorkflowThumbnailFromRun(t *testing.T) {
	dir := t.TempDir()
	s := studiotest.NewIn(t, dir, studiotest.Started(), studiotest.Slots(1))
	admin := s.Setup(app.NewUser{Email: "admin@t.co", Password: "admin-password"})
	annUser, ann := s.CreateUser(admin, app.NewUser{Email: "ann@t.co", Password: "password-ann"})
	bobUser, bob := s.CreateUser(admin, app.NewUser{Email: "bob@t.co", Password: "password-bob"})
	carlUser, carl := s.CreateUser(admin, app.NewUser{Email: "carl@t.co", Password: "password-carl"})
	_, dan := s.CreateUser(admin, app.NewUser{Email: "dan@t.co", Password: "password-dan"})
	wf := s.Workflows

	graphOf := func(ctx context.Context, id string) json.RawMessage {
		t.Helper()
		w, err := wf.FindWorkflow(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Graph json.RawMessage }
		if err := json.Unmarshal(w.Workflow, &doc); err != nil || len(doc.Graph) == 0 {
			t.Fatalf("the graph of %s: %v", id, err)
		}
		return doc.Graph
	}
	// run runs the workflow's graph as ctx's user, naming it, and waits
	// for the item. One slot: an item ends, thumbnail and all, before the
	// next is claimed, so a later run's end says the earlier one is done.
	run := func(ctx context.Context, graph json.RawMessage, workflowID string) *app.QueueItem {
		t.Helper()
		res, err := s.Queue.Enqueue(ctx, app.Batch{Graph: graph, WorkflowID: workflowID}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
			it, err := s.Queue.FindItem(ctx, res.ItemIDs[0])
			if err != nil {
				t.Fatal(err)
			}
			if it.Status.Finished() {
				if it.Status != app.StatusCompleted || len(it.ImageNames) == 0 {
					t.Fatalf("the run: %+v", it)
				}
				return it
			}
			if time.Since(start) > time.Minute {
				t.Fatalf("the run is still %s", it.Status)
			}
		}
	}
	// settle runs something else, naming no workflow: when it ends, every
	// earlier run's thumbnail step is done.
	settle := func() { run(admin, graphOf(admin, "abstract-from-prompt"), "") }
	thumbOf := func(ctx context.Context, id string) *string {
		t.Helper()
		w, err := wf.FindWorkflow(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return w.ThumbnailURL
	}

	w, err := wf.CreateWorkflow(ann, workflowDoc("Lake", "water"))
	if err != nil {
		t.Fatal(err)
	}
	id, graph := w.WorkflowID, graphOf(ann, w.WorkflowID)
	if _, err := wf.Share(ann, id, bobUser.UserID, app.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if _, err := wf.Share(ann, id, carlUser.UserID, app.RoleEditor); err != nil {
		t.Fatal(err)
	}

	run(ann, graph, "") // a run that names no workflow gives none
	run(bob, graph, id) // a viewer's run gives none: his picture is not for everyone who sees it
	run(dan, graph, id) // nor a stranger's, who cannot even see it
	settle()
	if u := thumbOf(ann, id); u != nil {
		t.Fatalf("a viewer's or a stranger's run gave a thumbnail: %s", *u)
	}

	first := run(carl, graph, id) // an editor's run gives it
	settle()
	u := thumbOf(ann, id)
	if u == nil {
		t.Fatal("the editor's finished run gave no thumbnail")
	}
	name := thumbName(t, &app.Workflow{WorkflowID: id, ThumbnailURL: u})
	if !exists(thumbFile(dir, annUser.UserID, name)) {
		t.Fatal("the thumbnail is not the workflow owner's file")
	}
	// It is a copy of the run's image's thumbnail, at most 256 a side.
	want := thumbSize(t, wf, ann, id)
	img, err := s.Images.FindImage(carl, first.ImageNames[0])
	if err != nil {
		t.Fatal(err)
	}
	if long, short := max(img.Width, img.Height), min(img.Width, img.Height); max(want.X, want.Y) != 256 ||
		min(want.X, want.Y) < 256*short/long || min(want.X, want.Y) > 256*short/long+1 {
		t.Fatalf("the thumbnail is %v for an image of %d×%d", want, img.Width, img.Height)
	}
	if _, err := s.Images.DeleteImages(carl, first.ImageNames[:1]); err != nil {
		t.Fatal(err)
	}
	if thumbSize(t, wf, bob, id) != want {
		t.Fatal("deleting the run's image took the workflow's thumbnail")
	}

	run(ann, graph, id) // a second run does not replace it
	settle()
	if v := thumbOf(ann, id); v == nil || *v != *u {
		t.Fatalf("a second run replaced the thumbnail: %v", v)
	}

	// The built-in workflow: a user's run gives none, an admin's does.
	builtin := graphOf(ann, "abstract-from-prompt")
	run(ann, builtin, "abstract-from-prompt")
	settle()
	if v := thumbOf(ann, "abstract-from-prompt"); v != nil {
		t.Fatalf("a user's run gave the built-in workflow a thumbnail: %s", *v)
	}
	run(admin, builtin, "abstract-from-prompt")
	settle()
	v := thumbOf(ann, "abstract-from-prompt")
	if v == nil || !exists(thumbFile(dir, app.SystemUserID, thumbName(t, &app.Workflow{WorkflowID: "abstract-from-prompt", ThumbnailURL: v}))) {
		t.Fatalf("an admin's run gave the built-in workflow no thumbnail of the system profile's: %v", v)
	}
}
