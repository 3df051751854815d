package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/store"
)

// workflowDoc is a small real workflow document in Easel's format.
func workflowDoc(name, tags string) []byte {
	return []byte(fmt.Sprintf(`{"name": %q, "description": "Paints %s.", "tags": %q,
	  "graph": {"nodes": {"art": {"id": "art", "type": "prompt_art", "prompt": "a lake"}, "save": {"id": "save", "type": "save_image"}},
	            "edges": [{"source": {"node_id": "art", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]},
	  "fields": [{"label": "Prompt", "node_id": "art", "field": "prompt"}]}`, name, name, tags))
}

// workflowDriver runs the library matrix on workflows through the services.
type workflowDriver struct {
	ts  *testStore
	wf  *store.WorkflowService
	ctx map[accesstest.Role]context.Context
	ids map[accesstest.Role]string
}

// libraryCallers signs in a profile for every role of the library matrix:
// the stranger also meets the thing shared with everyone; the disabled and
// deleted profiles keep the contexts of sessions they had.
func libraryCallers(t *testing.T, ts *testStore) (map[accesstest.Role]context.Context, map[accesstest.Role]string) {
	admin := ts.setup()
	ctx := map[accesstest.Role]context.Context{accesstest.Admin: admin, accesstest.LoggedOut: context.Background()}
	ids := map[accesstest.Role]string{}
	for _, role := range []accesstest.Role{accesstest.Owner, accesstest.Editor, accesstest.Viewer, accesstest.Stranger, accesstest.Disabled, accesstest.Deleted} {
		u, c := ts.createUser(admin, string(role)+"@t.co", false)
		ctx[role], ids[role] = c, u.UserID
	}
	ctx[accesstest.Shared] = ctx[accesstest.Stranger]
	if _, err := ts.users.UpdateUser(admin, ids[accesstest.Disabled], app.UserUpdate{IsActive: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if err := ts.users.DeleteUser(admin, ids[accesstest.Deleted]); err != nil {
		t.Fatal(err)
	}
	return ctx, ids
}

func (d *workflowDriver) New(t *testing.T, role accesstest.Role) string {
	owner := d.ctx[accesstest.Owner]
	w, err := d.wf.CreateWorkflow(owner, workflowDoc("For "+string(role), "matrix"))
	if err != nil {
		t.Fatal(err)
	}
	if role == accesstest.Shared {
		if _, err := d.wf.SetWorkflowPublic(owner, w.WorkflowID, true); err != nil {
			t.Fatal(err)
		}
		return w.WorkflowID
	}
	for _, named := range []accesstest.Role{accesstest.Editor, accesstest.Viewer} {
		if _, err := d.wf.Share(owner, w.WorkflowID, d.ids[named], app.Role(named)); err != nil {
			t.Fatal(err)
		}
	}
	return w.WorkflowID
}

func (d *workflowDriver) Do(t *testing.T, role accesstest.Role, action accesstest.Action, id string) string {
	ctx := d.ctx[role]
	var err error
	switch action {
	case accesstest.LibSee:
		_, err = d.wf.FindWorkflow(ctx, id)
	case accesstest.LibList:
		var page *app.WorkflowPage
		if page, err = d.wf.ListWorkflows(ctx, app.WorkflowFilter{Scope: app.WorkflowScopeAll}); err == nil &&
			!slices.ContainsFunc(page.Items, func(w *app.WorkflowListItem) bool { return w.WorkflowID == id }) {
			err = app.ErrWorkflowNotFound
		}
	case accesstest.LibCopy:
		_, err = d.wf.CopyWorkflow(ctx, id)
	case accesstest.LibOpen:
		_, err = d.wf.MarkWorkflowOpened(ctx, id)
	case accesstest.LibChange:
		_, err = d.wf.UpdateWorkflow(ctx, id, workflowDoc("Changed", "x"))
	case accesstest.LibSetPublic:
		_, err = d.wf.SetWorkflowPublic(ctx, id, true)
	case accesstest.LibShare:
		_, err = d.wf.Share(ctx, id, d.ids[accesstest.Stranger], app.RoleViewer)
	case accesstest.LibListShares:
		_, err = d.wf.ListShares(ctx, id)
	case accesstest.LibDelete:
		err = d.wf.DeleteWorkflow(ctx, id)
	default:
		t.Fatalf("no driver for %q", action)
	}
	return app.ErrorCode(err)
}

func TestWorkflowAccessMatrix(t *testing.T) {
	ts := openTestStore(t)
	ctx, ids := libraryCallers(t, ts)
	accesstest.RunLibrary(t, &workflowDriver{ts: ts, wf: ts.set.Workflows, ctx: ctx, ids: ids})
}

// listNames lists the names f gives the caller, in order.
func listNames(t *testing.T, wf *store.WorkflowService, ctx context.Context, f app.WorkflowFilter) []string {
	t.Helper()
	page, err := wf.ListWorkflows(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range page.Items {
		names = append(names, w.Name)
	}
	return names
}

// InvokeAI's test_workflows_multiuser.py, with Easel's departures (404 for
// what one may not see; the built-in workflows are the system profile's).
func TestWorkflowsLikeInvokeAI(t *testing.T) {
	ts := openTestStore(t)
	wf := ts.set.Workflows
	admin := ts.setup()
	_, ann := ts.createUser(admin, "ann@t.co", false)
	_, bob := ts.createUser(admin, "bob@t.co", false)
	mine, err := wf.CreateWorkflow(ann, workflowDoc("Ann's lake", "water, calm"))
	if err != nil {
		t.Fatal(err)
	}
	builtins := len(ts.set.BuiltinWorkflows)

	t.Run("created workflow has user_id and is_public, owned by the creator and private", func(t *testing.T) {
		annUser, _ := ts.users.Me(ann)
		if mine.UserID != annUser.UserID || mine.IsPublic || mine.MyRole != "owner" || !mine.CanManage {
			t.Fatalf("created: %+v", mine)
		}
		var doc map[string]any
		if err := json.Unmarshal(mine.Workflow, &doc); err != nil || doc["id"] != mine.WorkflowID || doc["name"] != "Ann's lake" {
			t.Fatalf("the stored document %s (%v) does not carry its id and name", mine.Workflow, err)
		}
	})
	t.Run("workflows are isolated between users", func(t *testing.T) {
		if names := listNames(t, wf, bob, app.WorkflowFilter{Categories: []string{"user"}}); len(names) != 0 {
			t.Fatalf("bob's own workflows: %v", names)
		}
		if _, err := wf.FindWorkflow(bob, mine.WorkflowID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("bob opening ann's private workflow: %v, want not found", err)
		}
	})
	t.Run("a user cannot update or delete another user's workflow", func(t *testing.T) {
		if _, err := wf.UpdateWorkflow(bob, mine.WorkflowID, workflowDoc("Bob's now", "")); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("update: %v", err)
		}
		if err := wf.DeleteWorkflow(bob, mine.WorkflowID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("delete: %v", err)
		}
		if _, err := wf.SetWorkflowPublic(bob, mine.WorkflowID, true); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("is_public: %v", err)
		}
	})
	t.Run("a public workflow is visible to others with is_public=true and stays in its owner's list", func(t *testing.T) {
		if _, err := wf.SetWorkflowPublic(ann, mine.WorkflowID, true); err != nil {
			t.Fatal(err)
		}
		if names := listNames(t, wf, bob, app.WorkflowFilter{IsPublic: ptr(true), Categories: []string{"user"}}); !slices.Equal(names, []string{"Ann's lake"}) {
			t.Fatalf("bob's public listing: %v", names)
		}
		if names := listNames(t, wf, bob, app.WorkflowFilter{Categories: []string{"user"}}); len(names) != 0 {
			t.Fatalf("bob's own listing shows %v", names)
		}
		if names := listNames(t, wf, ann, app.WorkflowFilter{Categories: []string{"user"}}); !slices.Equal(names, []string{"Ann's lake"}) {
			t.Fatalf("ann's own listing: %v", names)
		}
		got, err := wf.FindWorkflow(bob, mine.WorkflowID)
		if err != nil || got.CanChange || got.MyRole != "shared" {
			t.Fatalf("bob opens the public workflow: %+v, %v", got, err)
		}
		if _, err := wf.UpdateWorkflow(bob, mine.WorkflowID, workflowDoc("Bob's now", "")); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("bob changing a public workflow: %v, want forbidden", err)
		}
		if _, err := wf.SetWorkflowPublic(ann, mine.WorkflowID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := wf.FindWorkflow(bob, mine.WorkflowID); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("bob after unpublishing: %v", err)
		}
	})
	t.Run("the built-in workflows are the system profile's: everyone sees them, only admins change them", func(t *testing.T) {
		if builtins == 0 {
			t.Fatal("no built-in workflows")
		}
		defaults := listNames(t, wf, bob, app.WorkflowFilter{Categories: []string{"default"}})
		if len(defaults) != builtins {
			t.Fatalf("bob sees %d built-in workflows, want %d", len(defaults), builtins)
		}
		page, _ := wf.ListWorkflows(bob, app.WorkflowFilter{Categories: []string{"default"}})
		b := page.Items[0]
		if b.UserID != app.SystemUserID || !b.IsPublic || b.Category != "default" || b.CanChange {
			t.Fatalf("a built-in workflow as bob sees it: %+v", b)
		}
		if _, err := wf.UpdateWorkflow(bob, b.WorkflowID, workflowDoc("Mine now", "")); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("bob changing a built-in: %v", err)
		}
		if err := wf.DeleteWorkflow(bob, b.WorkflowID); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("bob deleting a built-in: %v", err)
		}
		changed, err := wf.UpdateWorkflow(admin, b.WorkflowID, workflowDoc("Better default", ""))
		if err != nil || changed.UserID != app.SystemUserID {
			t.Fatalf("the admin changing a built-in: %+v, %v", changed, err)
		}
		again, _ := wf.FindWorkflow(bob, b.WorkflowID)
		var doc struct {
			Meta struct{ Category string } `json:"meta"`
		}
		json.Unmarshal(again.Workflow, &doc)
		if again.Name != "Better default" || doc.Meta.Category != "default" {
			t.Fatalf("after the admin's change: %q, category %q", again.Name, doc.Meta.Category)
		}
		if err := wf.DeleteWorkflow(admin, b.WorkflowID); err != nil {
			t.Fatalf("the admin deleting a built-in: %v", err)
		}
		if err := wf.AddBuiltins(); err != nil {
			t.Fatal(err)
		}
		if n := len(listNames(t, wf, bob, app.WorkflowFilter{Categories: []string{"default"}})); n != builtins-1 {
			t.Fatalf("after a restart, %d built-ins, want the deleted one to stay deleted (%d)", n, builtins-1)
		}
	})
	t.Run("the admin lists every workflow", func(t *testing.T) {
		names := listNames(t, wf, admin, app.WorkflowFilter{})
		if !slices.Contains(names, "Ann's lake") {
			t.Fatalf("the admin's listing lacks ann's private workflow: %v", names)
		}
	})
	t.Run("save as mine: a private copy of the caller's, category user", func(t *testing.T) {
		page, _ := wf.ListWorkflows(bob, app.WorkflowFilter{Categories: []string{"default"}})
		cp, err := wf.CopyWorkflow(bob, page.Items[0].WorkflowID)
		if err != nil {
			t.Fatal(err)
		}
		bobUser, _ := ts.users.Me(bob)
		if cp.UserID != bobUser.UserID || cp.IsPublic || cp.Name != page.Items[0].Name+" (copy)" || !cp.CanManage {
			t.Fatalf("the copy: %+v", cp)
		}
		if names := listNames(t, wf, bob, app.WorkflowFilter{Scope: app.WorkflowScopeMine}); !slices.Equal(names, []string{cp.Name}) {
			t.Fatalf("bob's own after the copy: %v", names)
		}
	})
	t.Run("deleting a profile keeps its workflows", func(t *testing.T) {
		cat, catCtx := ts.createUser(admin, "cat@t.co", false)
		w, err := wf.CreateWorkflow(catCtx, workflowDoc("Cat's", ""))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wf.Share(ann, mine.WorkflowID, cat.UserID, app.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if err := ts.users.DeleteUser(admin, cat.UserID); err != nil {
			t.Fatal(err)
		}
		kept, err := wf.FindWorkflow(admin, w.WorkflowID)
		if err != nil || kept.UserID != cat.UserID || kept.OwnerName != "Deleted profile" {
			t.Fatalf("the deleted profile's workflow: %+v, %v", kept, err)
		}
		if shares, _ := wf.ListShares(ann, mine.WorkflowID); len(shares) != 0 {
			t.Fatalf("a deleted profile's grant stayed: %+v", shares)
		}
	})
}

// The listing's filters, orders and pages, and its tag and category counts.
func TestWorkflowListing(t *testing.T) {
	ts := openTestStore(t)
	wf := ts.set.Workflows
	admin := ts.setup()
	annUser, ann := ts.createUser(admin, "ann@t.co", false)
	_, bob := ts.createUser(admin, "bob@t.co", false)
	for i, tags := range []string{"water", "water, night", "Night", ""} {
		ts.advance(1)
		if _, err := wf.CreateWorkflow(ann, workflowDoc(fmt.Sprintf("Ann %c", 'D'-i), tags)); err != nil {
			t.Fatal(err)
		}
	}
	ts.advance(1)
	shared, err := wf.CreateWorkflow(bob, workflowDoc("Bob's night", "night"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wf.Share(bob, shared.WorkflowID, annUser.UserID, app.RoleViewer); err != nil {
		t.Fatal(err)
	}
	user := []string{"user"}
	for _, c := range []struct {
		name string
		f    app.WorkflowFilter
		want []string
	}{
		{"by name", app.WorkflowFilter{Categories: user}, []string{"Ann A", "Ann B", "Ann C", "Ann D", "Bob's night"}},
		{"newest first", app.WorkflowFilter{Categories: user, OrderBy: "created_at", Descending: true}, []string{"Bob's night", "Ann A", "Ann B", "Ann C", "Ann D"}},
		{"a page", app.WorkflowFilter{Categories: user, PageRequest: app.PageRequest{Offset: 1, Limit: 2}}, []string{"Ann B", "Ann C"}},
		{"mine", app.WorkflowFilter{Scope: app.WorkflowScopeMine}, []string{"Ann A", "Ann B", "Ann C", "Ann D"}},
		{"shared with me", app.WorkflowFilter{Scope: app.WorkflowScopeShared}, []string{"Bob's night"}},
		{"a tag, any case", app.WorkflowFilter{Categories: user, Tags: []string{"night"}}, []string{"Ann B", "Ann C", "Bob's night"}},
		{"a query over name, description and tags", app.WorkflowFilter{Categories: user, Query: "WATER"}, []string{"Ann C", "Ann D"}},
		{"none opened yet", app.WorkflowFilter{Categories: user, HasBeenOpened: ptr(true)}, nil},
	} {
		if got := listNames(t, wf, ann, c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	page, _ := wf.ListWorkflows(ann, app.WorkflowFilter{Categories: user, PageRequest: app.PageRequest{Limit: 2}})
	if page.Total != 5 || len(page.Items) != 2 {
		t.Fatalf("a page of 2 of 5: total %d, %d items", page.Total, len(page.Items))
	}
	ts.advance(1)
	if _, err := wf.MarkWorkflowOpened(ann, shared.WorkflowID); err != nil {
		t.Fatal(err)
	}
	if got := listNames(t, wf, ann, app.WorkflowFilter{HasBeenOpened: ptr(true)}); !slices.Equal(got, []string{"Bob's night"}) {
		t.Fatalf("recently opened by ann: %v", got)
	}
	if got := listNames(t, wf, bob, app.WorkflowFilter{HasBeenOpened: ptr(true)}); len(got) != 0 {
		t.Fatalf("ann's opening shows in bob's recently opened: %v", got)
	}
	tags, err := wf.WorkflowTags(ann, app.WorkflowFilter{Categories: user})
	if err != nil || !slices.Equal(tags, []string{"Night", "night", "water"}) {
		t.Fatalf("tags: %v, %v", tags, err)
	}
	counts, err := wf.WorkflowCountsByTag(ann, app.WorkflowFilter{Categories: user}, []string{"night", "water", "none"})
	if err != nil || counts["night"] != 3 || counts["water"] != 2 || counts["none"] != 0 {
		t.Fatalf("counts by tag: %v, %v", counts, err)
	}
	byCategory, err := wf.WorkflowCountsByCategory(ann, app.WorkflowFilter{}, []string{"user", "default"})
	if err != nil || byCategory["user"] != 5 || byCategory["default"] != len(ts.set.BuiltinWorkflows) {
		t.Fatalf("counts by category: %v, %v", byCategory, err)
	}
	for _, bad := range []app.WorkflowFilter{{OrderBy: "size"}, {Scope: "theirs"}, {Categories: []string{"mine"}}, {PageRequest: app.PageRequest{Cursor: "x"}}} {
		if _, err := wf.ListWorkflows(ann, bad); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("filter %+v: %v, want invalid", bad, err)
		}
	}
}

// A document that does not check is refused with words, and nothing is kept.
func TestWorkflowRefusesBadDocuments(t *testing.T) {
	ts := openTestStore(t)
	wf := ts.set.Workflows
	admin := ts.setup()
	_, ann := ts.createUser(admin, "ann@t.co", false)
	for name, doc := range map[string]string{
		"not JSON":        `{"name": `,
		"no name":         `{"graph": {"nodes": {}, "edges": []}}`,
		"an edge nowhere": `{"name": "x", "graph": {"nodes": {"save": {"id": "save", "type": "save_image"}}, "edges": [{"source": {"node_id": "ghost", "field": "image"}, "destination": {"node_id": "save", "field": "image"}}]}}`,
		"unknown node":    `{"name": "x", "graph": {"nodes": {"m": {"id": "m", "type": "main_model_loader"}}, "edges": []}}`,
	} {
		if _, err := wf.CreateWorkflow(ann, []byte(doc)); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if names := listNames(t, wf, ann, app.WorkflowFilter{Scope: app.WorkflowScopeMine}); len(names) != 0 {
		t.Fatalf("refused documents were kept: %v", names)
	}
}

// A kept workflow comes back with each field's spec from its node type
// (what its form needs: kind, bounds, default), and goes out as a file
// without them, so that no file carries a spec gone stale.
func TestWorkflowDocumentsAsShownAndFiled(t *testing.T) {
	ts := openTestStore(t)
	wf := ts.set.Workflows
	admin := ts.setup()
	made, err := wf.CreateWorkflow(admin, workflowDoc("Lake", ""))
	if err != nil {
		t.Fatal(err)
	}
	var shown struct {
		Fields []map[string]any `json:"fields"`
	}
	if err := json.Unmarshal(made.Workflow, &shown); err != nil || len(shown.Fields) != 1 ||
		shown.Fields[0]["kind"] != "string" || shown.Fields[0]["field"] != "prompt" {
		t.Fatalf("the document as shown: %s (%v)", made.Workflow, err)
	}
	name, file, err := wf.ExportWorkflow(admin, made.WorkflowID)
	if err != nil || name != "Lake" {
		t.Fatalf("export: %q, %v", name, err)
	}
	var filed struct {
		Format string           `json:"format"`
		Fields []map[string]any `json:"fields"`
	}
	if err := json.Unmarshal(file, &filed); err != nil || filed.Format != "easel-workflow" || len(filed.Fields) != 1 || filed.Fields[0]["kind"] != nil {
		t.Fatalf("the file: %s (%v)", file, err)
	}
	// What the UI got back goes in again as it is (an update with the shown document).
	if _, err := wf.UpdateWorkflow(admin, made.WorkflowID, made.Workflow); err != nil {
		t.Fatalf("updating with the shown document: %v", err)
	}
}
