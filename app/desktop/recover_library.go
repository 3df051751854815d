package desktop

import (
	"context"
	"io"

	"easel/app"
)

// The workflow library's wrappers (see recover.go).

type guardedLibrary struct {
	libraryCalls
	guardedSharing // its sharing, wrapped; the shallower, so it is the one called
	s              *Session
}

// libraryCalls puts the service's own methods one level down, below
// guardedSharing's.
type libraryCalls struct{ app.WorkflowService }

func (g guardedLibrary) CreateWorkflow(ctx context.Context, doc []byte) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.CreateWorkflow", &err)
	return g.WorkflowService.CreateWorkflow(ctx, doc)
}

func (g guardedLibrary) FindWorkflow(ctx context.Context, id string) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.FindWorkflow", &err)
	return g.WorkflowService.FindWorkflow(ctx, id)
}

func (g guardedLibrary) ListWorkflows(ctx context.Context, f app.WorkflowFilter) (_ *app.WorkflowPage, err error) {
	defer g.s.recoverPanic("Library.ListWorkflows", &err)
	return g.WorkflowService.ListWorkflows(ctx, f)
}

func (g guardedLibrary) UpdateWorkflow(ctx context.Context, id string, doc []byte) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.UpdateWorkflow", &err)
	return g.WorkflowService.UpdateWorkflow(ctx, id, doc)
}

func (g guardedLibrary) SetWorkflowPublic(ctx context.Context, id string, public bool) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.SetWorkflowPublic", &err)
	return g.WorkflowService.SetWorkflowPublic(ctx, id, public)
}

func (g guardedLibrary) CopyWorkflow(ctx context.Context, id string) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.CopyWorkflow", &err)
	return g.WorkflowService.CopyWorkflow(ctx, id)
}

func (g guardedLibrary) MarkWorkflowOpened(ctx context.Context, id string) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.MarkWorkflowOpened", &err)
	return g.WorkflowService.MarkWorkflowOpened(ctx, id)
}

func (g guardedLibrary) WorkflowTags(ctx context.Context, f app.WorkflowFilter) (_ []string, err error) {
	defer g.s.recoverPanic("Library.WorkflowTags", &err)
	return g.WorkflowService.WorkflowTags(ctx, f)
}

func (g guardedLibrary) WorkflowCountsByTag(ctx context.Context, f app.WorkflowFilter, tags []string) (_ map[string]int, err error) {
	defer g.s.recoverPanic("Library.WorkflowCountsByTag", &err)
	return g.WorkflowService.WorkflowCountsByTag(ctx, f, tags)
}

func (g guardedLibrary) WorkflowCountsByCategory(ctx context.Context, f app.WorkflowFilter, categories []string) (_ map[string]int, err error) {
	defer g.s.recoverPanic("Library.WorkflowCountsByCategory", &err)
	return g.WorkflowService.WorkflowCountsByCategory(ctx, f, categories)
}

func (g guardedLibrary) DeleteWorkflow(ctx context.Context, id string) (err error) {
	defer g.s.recoverPanic("Library.DeleteWorkflow", &err)
	return g.WorkflowService.DeleteWorkflow(ctx, id)
}

func (g guardedLibrary) SetWorkflowThumbnail(ctx context.Context, id string, img app.ImageUpload) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.SetWorkflowThumbnail", &err)
	return g.WorkflowService.SetWorkflowThumbnail(ctx, id, img)
}

func (g guardedLibrary) DeleteWorkflowThumbnail(ctx context.Context, id string) (_ *app.Workflow, err error) {
	defer g.s.recoverPanic("Library.DeleteWorkflowThumbnail", &err)
	return g.WorkflowService.DeleteWorkflowThumbnail(ctx, id)
}

func (g guardedLibrary) OpenWorkflowThumbnail(ctx context.Context, id string) (_ io.ReadSeekCloser, _ string, err error) {
	defer g.s.recoverPanic("Library.OpenWorkflowThumbnail", &err)
	return g.WorkflowService.OpenWorkflowThumbnail(ctx, id)
}

func (g guardedLibrary) ExportWorkflow(ctx context.Context, id string) (_ string, _ []byte, err error) {
	defer g.s.recoverPanic("Library.ExportWorkflow", &err)
	return g.WorkflowService.ExportWorkflow(ctx, id)
}
