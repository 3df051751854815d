package desktop

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"os"

	"easel/app"
)

// Workflows is bound into the window: the signed-in profile's library of
// workflows, those shared with them and the built-in ones.
type Workflows struct {
	s *Session
	sharing
}

func (w *Workflows) List(f app.WorkflowFilter) (*app.WorkflowPage, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.ListWorkflows(ctx, f)
	return out, toJS(err)
}

func (w *Workflows) Get(id string) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.FindWorkflow(ctx, id)
	return out, toJS(err)
}

// Create keeps doc (a workflow document, as the Generate screen saves
// one) as the caller's.
func (w *Workflows) Create(doc json.RawMessage) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.CreateWorkflow(ctx, doc)
	return out, toJS(err)
}

func (w *Workflows) Update(id string, doc json.RawMessage) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.UpdateWorkflow(ctx, id, doc)
	return out, toJS(err)
}

func (w *Workflows) SetPublic(id string, public bool) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.SetWorkflowPublic(ctx, id, public)
	return out, toJS(err)
}

func (w *Workflows) Delete(id string) error {
	ctx, err := w.s.context()
	if err != nil {
		return err
	}
	return toJS(w.s.svc.Library.DeleteWorkflow(ctx, id))
}

func (w *Workflows) Copy(id string) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.CopyWorkflow(ctx, id)
	return out, toJS(err)
}

func (w *Workflows) MarkOpened(id string) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.MarkWorkflowOpened(ctx, id)
	return out, toJS(err)
}

func (w *Workflows) Tags(f app.WorkflowFilter) ([]string, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.WorkflowTags(ctx, f)
	return out, toJS(err)
}

func (w *Workflows) CountsByCategory(f app.WorkflowFilter, categories []string) (map[string]int, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.WorkflowCountsByCategory(ctx, f, categories)
	return out, toJS(err)
}

// SetThumbnail lets the person pick an image (the window's image dialog,
// the first file picked) and makes it the workflow's thumbnail; nil when
// they cancel.
func (w *Workflows) SetThumbnail(id string) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	paths, err := w.s.rt.OpenImages()
	if err != nil || len(paths) == 0 {
		return nil, toJS(err)
	}
	img, f, err := PresetImageSource{Path: paths[0]}.open()
	if err != nil {
		return nil, toJS(err)
	}
	defer f.Close()
	out, err := w.s.svc.Library.SetWorkflowThumbnail(ctx, id, img)
	return out, toJS(err)
}

func (w *Workflows) DeleteThumbnail(id string) (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	out, err := w.s.svc.Library.DeleteWorkflowThumbnail(ctx, id)
	return out, toJS(err)
}

// Thumbnail returns a workflow's thumbnail as a data: URL, as a preset's
// Preview does. The page's <img src={thumbnail_url}> needs none: the
// window's asset handler serves that path too (media.go).
func (w *Workflows) Thumbnail(id string) (string, error) {
	ctx, err := w.s.context()
	if err != nil {
		return "", err
	}
	return asDataURL(w.s.svc.Library.OpenWorkflowThumbnail(ctx, id))
}

// asDataURL reads a library image an Open call gave, as a data: URL.
func asDataURL(f io.ReadSeekCloser, contentType string, err error) (string, error) {
	if err != nil {
		return "", toJS(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return "", toJS(err)
	}
	return "data:" + contentType + ";base64," + base64.StdEncoding.EncodeToString(data), nil
}

// maxWorkflowFile bounds what Import reads: beyond the engine's own limit
// (4 MiB), so that the engine, not this, says the file is too large.
const maxWorkflowFile = 5 << 20

// Import lets the person pick a workflow file (Easel's or InvokeAI's) and
// keeps it as theirs; nil when they cancel.
func (w *Workflows) Import() (*app.Workflow, error) {
	ctx, err := w.s.context()
	if err != nil {
		return nil, err
	}
	path, err := w.s.rt.OpenWorkflowFile()
	if err != nil || path == "" {
		return nil, toJS(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, toJS(app.Errorf(app.EINVALID, "Easel could not open this file."))
	}
	defer f.Close()
	doc, err := io.ReadAll(io.LimitReader(f, maxWorkflowFile))
	if err != nil {
		return nil, toJS(app.Errorf(app.EINVALID, "Easel could not read this file."))
	}
	out, err := w.s.svc.Library.CreateWorkflow(ctx, doc)
	return out, toJS(err)
}

// Export asks where to save a workflow's file and writes it there; it
// returns the path, "" when they cancel.
func (w *Workflows) Export(id string) (string, error) {
	ctx, err := w.s.context()
	if err != nil {
		return "", err
	}
	name, file, err := w.s.svc.Library.ExportWorkflow(ctx, id)
	if err != nil {
		return "", toJS(err)
	}
	return w.s.saveFile(ctx, saveWorkflow.named(name+".json"), bytesTo(file))
}
