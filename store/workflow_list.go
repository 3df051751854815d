package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"easel/app"
	"easel/store/kv"
)

// A workflow listing reads every workflow the caller may see (sharing's
// merged indexes; an admin's, every one), filters and sorts them, and cuts
// the page. A studio's library is hundreds of workflows, not millions; the
// documents are not decoded, only the records' summaries.

// listedWorkflow is a workflow a listing may show, with how the caller stands to it.
type listedWorkflow struct {
	w      *workflowRecord
	acc    app.Access
	opened *time.Time
}

var workflowOrders = []string{"", app.WorkflowOrderName, app.WorkflowOrderCreatedAt, app.WorkflowOrderUpdatedAt,
	app.WorkflowOrderOpenedAt, app.WorkflowOrderIsPublic}

var workflowScopes = []string{app.WorkflowScopeDefault, app.WorkflowScopeMine, app.WorkflowScopeShared, app.WorkflowScopeAll}

func checkWorkflowFilter(f *app.WorkflowFilter) error {
	if !slices.Contains(workflowOrders, f.OrderBy) {
		return app.Errorf(app.EINVALID, "order_by must be one of name, created_at, updated_at, opened_at or is_public, not %q.", f.OrderBy)
	}
	if !slices.Contains(workflowScopes, f.Scope) {
		return app.Errorf(app.EINVALID, "scope must be mine, shared_with_me or all, not %q.", f.Scope)
	}
	for _, c := range f.Categories {
		if c != app.WorkflowCategoryUser && c != app.WorkflowCategoryDefault {
			return app.Errorf(app.EINVALID, "A category is user or default, not %q.", c)
		}
	}
	return nil
}

// matching lists the workflows that f selects among those the actor may see, in f's order.
func matching(tx kv.Tx, actor *userRecord, f app.WorkflowFilter) ([]listedWorkflow, error) {
	var out []listedWorkflow
	err := workflows.eachVisible(tx, actor, func(v []byte, role app.Role) error {
		w, err := decodeWorkflow(v)
		if err != nil {
			return err
		}
		l := listedWorkflow{w: w, acc: w.access(actor, role), opened: openedAt(tx, w.ID, actor.UserID)}
		if selects(&f, actor.UserID, &l) {
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortWorkflows(out, f)
	return out, nil
}

// selects reports whether f lists l.
func selects(f *app.WorkflowFilter, me string, l *listedWorkflow) bool {
	w, public := l.w, l.w.Visibility != app.VisibilityPrivate
	switch f.Scope {
	case app.WorkflowScopeMine:
		if w.Owner != me {
			return false
		}
	case app.WorkflowScopeShared:
		if l.acc.Role == app.RoleNone {
			return false
		}
	case app.WorkflowScopeDefault:
		// InvokeAI's: one's own and the built-in ones, and everyone's
		// public ones when asked for; Easel adds those shared by name.
		// An admin's is every workflow.
		mine := w.Owner == me || l.acc.Role != app.RoleNone || w.Category == app.WorkflowCategoryDefault
		if !l.acc.Admin && !mine && !(f.IsPublic != nil && *f.IsPublic) {
			return false
		}
	}
	if f.IsPublic != nil && *f.IsPublic != public {
		return false
	}
	if f.HasBeenOpened != nil && *f.HasBeenOpened != (l.opened != nil) {
		return false
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, w.Category) {
		return false
	}
	if len(f.Tags) > 0 && !slices.ContainsFunc(splitTags(w.Tags), func(t string) bool { return containsFold(f.Tags, t) }) {
		return false
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		q = strings.ToLower(q)
		if !strings.Contains(strings.ToLower(w.Name), q) && !strings.Contains(strings.ToLower(w.Description), q) &&
			!strings.Contains(strings.ToLower(w.Tags), q) {
			return false
		}
	}
	return true
}

// splitTags reads InvokeAI's one comma-separated string of tags.
func splitTags(tags string) []string {
	var out []string
	for _, t := range strings.Split(tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), s) })
}

// sortWorkflows puts ws in f's order (name by default), ties by name then id.
func sortWorkflows(ws []listedWorkflow, f app.WorkflowFilter) {
	byName := func(a, b *workflowRecord) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	cmp := func(a, b listedWorkflow) int {
		var c int
		switch f.OrderBy {
		case app.WorkflowOrderCreatedAt:
			c = a.w.Created.Compare(b.w.Created)
		case app.WorkflowOrderUpdatedAt:
			c = a.w.Updated.Compare(b.w.Updated)
		case app.WorkflowOrderOpenedAt: // never opened: before any opened, ascending
			switch {
			case a.opened == nil && b.opened != nil:
				c = -1
			case a.opened != nil && b.opened == nil:
				c = 1
			case a.opened != nil:
				c = a.opened.Compare(*b.opened)
			}
		case app.WorkflowOrderIsPublic:
			c = boolCompare(a.w.Visibility != app.VisibilityPrivate, b.w.Visibility != app.VisibilityPrivate)
		}
		if f.Descending {
			c = -c
		}
		if c == 0 {
			c = byName(a.w, b.w)
		}
		return c
	}
	slices.SortStableFunc(ws, cmp)
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// ListWorkflows lists a page of the workflows f selects.
func (s *WorkflowService) ListWorkflows(ctx context.Context, f app.WorkflowFilter) (*app.WorkflowPage, error) {
	if err := checkWorkflowFilter(&f); err != nil {
		return nil, err
	}
	if f.Cursor != "" {
		return nil, app.ErrBadCursor(f.Cursor) // pages are numbered, as InvokeAI's
	}
	page := app.NewPage[*app.WorkflowListItem](f.PageRequest)
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		ws, err := matching(tx, actor, f)
		if err != nil {
			return err
		}
		page.Total = len(ws)
		owners := newNames(tx)
		for _, l := range ws[min(page.Offset, len(ws)):min(page.Offset+page.Limit, len(ws))] {
			page.Items = append(page.Items, l.w.listItem(l.opened, l.acc, owners))
		}
		return nil
	})
	return page, err
}

// WorkflowTags lists the tags of the workflows f selects, sorted, each once.
func (s *WorkflowService) WorkflowTags(ctx context.Context, f app.WorkflowFilter) ([]string, error) {
	counts, err := s.countTags(ctx, f)
	if err != nil {
		return nil, err
	}
	tags := make([]string, 0, len(counts))
	for t := range counts {
		tags = append(tags, t)
	}
	slices.SortFunc(tags, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return tags, nil
}

// WorkflowCountsByTag counts the workflows f selects that carry each of tags.
func (s *WorkflowService) WorkflowCountsByTag(ctx context.Context, f app.WorkflowFilter, tags []string) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range tags {
		out[t] = 0 // every tag asked about is answered, carried or not
	}
	err := s.eachMatching(ctx, f, func(w *workflowRecord) {
		have := splitTags(w.Tags)
		for _, t := range tags {
			if containsFold(have, t) {
				out[t]++
			}
		}
	})
	return out, err
}

// WorkflowCountsByCategory counts the workflows f selects of each category.
func (s *WorkflowService) WorkflowCountsByCategory(ctx context.Context, f app.WorkflowFilter, categories []string) (map[string]int, error) {
	out := map[string]int{}
	for _, c := range categories {
		out[c] = 0
	}
	err := s.eachMatching(ctx, f, func(w *workflowRecord) {
		if _, asked := out[w.Category]; asked {
			out[w.Category]++
		}
	})
	return out, err
}

func (s *WorkflowService) countTags(ctx context.Context, f app.WorkflowFilter) (map[string]int, error) {
	out := map[string]int{}
	err := s.eachMatching(ctx, f, func(w *workflowRecord) {
		for _, t := range splitTags(w.Tags) {
			out[t]++
		}
	})
	return out, err
}

// eachMatching calls fn with every workflow f selects (its paging aside).
func (s *WorkflowService) eachMatching(ctx context.Context, f app.WorkflowFilter, fn func(*workflowRecord)) error {
	if err := checkWorkflowFilter(&f); err != nil {
		return err
	}
	return s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		ws, err := matching(tx, actor, f)
		for _, l := range ws {
			fn(l.w)
		}
		return err
	})
}
