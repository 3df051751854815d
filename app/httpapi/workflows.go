package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"easel/app"
)

// maxWorkflowBody bounds a request that carries a workflow document: the
// engine's own limit on a document (4 MiB) decides; this only keeps a
// body that could not be one from being read.
const maxWorkflowBody = 5 << 20

// workflowFilter reads a workflow listing's query, as InvokeAI's: page
// (from 0), per_page, order_by, direction, categories, tags, query,
// is_public, has_been_opened; and Easel's scope.
func workflowFilter(q url.Values) (app.WorkflowFilter, error) {
	f := app.WorkflowFilter{OrderBy: q.Get("order_by"), Query: q.Get("query"), Scope: q.Get("scope"),
		Categories: listParam(q, "categories"), Tags: listParam(q, "tags")}
	switch strings.ToUpper(q.Get("direction")) {
	case "", "ASC":
	case "DESC":
		f.Descending = true
	default:
		return f, app.Errorf(app.EINVALID, "direction must be ASC or DESC, not %q.", q.Get("direction"))
	}
	for name, into := range map[string]**bool{"is_public": &f.IsPublic, "has_been_opened": &f.HasBeenOpened} {
		switch v := q.Get(name); v {
		case "":
		case "true", "false":
			b := v == "true"
			*into = &b
		default:
			return f, app.Errorf(app.EINVALID, "%s must be true or false, not %q.", name, v)
		}
	}
	page, err := intParam(q.Get("page"), "page")
	if err != nil {
		return f, err
	}
	perPage, err := intParam(q.Get("per_page"), "per_page")
	if err != nil {
		return f, err
	}
	if perPage == 0 {
		perPage = app.MaxPageSize // InvokeAI: no per_page, the whole list
	}
	f.PageRequest = app.PageRequest{Offset: page * perPage, Limit: perPage}
	return f, nil
}

// listParam reads a list given as repeated keys (InvokeAI's) or commas.
func listParam(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// numberedPage is InvokeAI's PaginatedResults: pages counted from 0.
type numberedPage[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	Pages   int `json:"pages"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

func numbered[T any](p *app.Page[T]) numberedPage[T] {
	return numberedPage[T]{Items: p.Items, Page: p.Offset / p.Limit, Pages: (p.Total + p.Limit - 1) / p.Limit,
		PerPage: p.Limit, Total: p.Total}
}

func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request) {
	f, err := workflowFilter(r.URL.Query())
	if err != nil {
		s.fail(w, err)
		return
	}
	page, err := s.svc.Library.ListWorkflows(r.Context(), f)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, numbered(page))
}

// workflowBody reads InvokeAI's {"workflow": {...}}.
func workflowBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var req struct {
		Workflow json.RawMessage `json:"workflow"`
	}
	if err := decodeLimit(w, r, &req, maxWorkflowBody); err != nil {
		return nil, err
	}
	if len(req.Workflow) == 0 || string(req.Workflow) == "null" {
		return nil, app.Errorf(app.EINVALID, `The request needs the workflow, as {"workflow": {...}}.`)
	}
	return req.Workflow, nil
}

func (s *Server) createWorkflow(w http.ResponseWriter, r *http.Request) {
	doc, err := workflowBody(w, r)
	if err != nil {
		s.fail(w, err)
		return
	}
	wf, err := s.svc.Library.CreateWorkflow(r.Context(), doc)
	s.reply(w, http.StatusOK, wf, err)
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) {
	wf, err := s.svc.Library.FindWorkflow(r.Context(), r.PathValue("workflow_id"))
	s.reply(w, http.StatusOK, wf, err)
}

func (s *Server) updateWorkflow(w http.ResponseWriter, r *http.Request) {
	doc, err := workflowBody(w, r)
	if err != nil {
		s.fail(w, err)
		return
	}
	wf, err := s.svc.Library.UpdateWorkflow(r.Context(), r.PathValue("workflow_id"), doc)
	s.reply(w, http.StatusOK, wf, err)
}

func (s *Server) deleteWorkflow(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Library.DeleteWorkflow(r.Context(), r.PathValue("workflow_id"))
	s.reply(w, http.StatusOK, nil, err) // InvokeAI answers null
}

func (s *Server) setWorkflowPublic(w http.ResponseWriter, r *http.Request) {
	var req struct {
		IsPublic *bool `json:"is_public"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	if req.IsPublic == nil {
		s.fail(w, app.Errorf(app.EINVALID, `The request needs is_public, as {"is_public": true}.`))
		return
	}
	wf, err := s.svc.Library.SetWorkflowPublic(r.Context(), r.PathValue("workflow_id"), *req.IsPublic)
	s.reply(w, http.StatusOK, wf, err)
}

func (s *Server) markWorkflowOpened(w http.ResponseWriter, r *http.Request) {
	wf, err := s.svc.Library.MarkWorkflowOpened(r.Context(), r.PathValue("workflow_id"))
	s.reply(w, http.StatusOK, wf, err)
}

func (s *Server) copyWorkflow(w http.ResponseWriter, r *http.Request) {
	wf, err := s.svc.Library.CopyWorkflow(r.Context(), r.PathValue("workflow_id"))
	s.reply(w, http.StatusCreated, wf, err)
}

func (s *Server) workflowTags(w http.ResponseWriter, r *http.Request) {
	f, err := workflowFilter(r.URL.Query())
	if err != nil {
		s.fail(w, err)
		return
	}
	tags, err := s.svc.Library.WorkflowTags(r.Context(), f)
	s.reply(w, http.StatusOK, tags, err)
}

func (s *Server) workflowCountsByTag(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := workflowFilter(q)
	if err != nil {
		s.fail(w, err)
		return
	}
	f.Tags = nil // the tags asked about are counted, not a filter
	counts, err := s.svc.Library.WorkflowCountsByTag(r.Context(), f, listParam(q, "tags"))
	s.reply(w, http.StatusOK, counts, err)
}

func (s *Server) workflowCountsByCategory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := workflowFilter(q)
	if err != nil {
		s.fail(w, err)
		return
	}
	f.Categories = nil // the categories asked about are counted, not a filter
	counts, err := s.svc.Library.WorkflowCountsByCategory(r.Context(), f, listParam(q, "categories"))
	s.reply(w, http.StatusOK, counts, err)
}

// importWorkflow takes a workflow file (Easel's or InvokeAI's) as the
// multipart field "file" and keeps it as the caller's.
func (s *Server) importWorkflow(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxWorkflowBody)
	file, _, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.fail(w, app.Errorf(app.EINVALID, "The workflow file is larger than %d MB, too large to be a workflow.", maxWorkflowBody>>20))
		return
	case err != nil:
		s.fail(w, app.Errorf(app.EINVALID, "Send the workflow file as multipart/form-data, in a field named file."))
		return
	}
	defer file.Close()
	doc, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, app.Errorf(app.EINVALID, "The workflow file could not be read: %v", err))
		return
	}
	wf, err := s.svc.Library.CreateWorkflow(r.Context(), doc)
	s.reply(w, http.StatusCreated, wf, err)
}

// exportWorkflow answers a workflow's document as a file to save.
func (s *Server) exportWorkflow(w http.ResponseWriter, r *http.Request) {
	name, file, err := s.svc.Library.ExportWorkflow(r.Context(), r.PathValue("workflow_id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".json"}))
	w.Write(file)
}

// setWorkflowThumbnail takes an image in the multipart field "file" as the
// workflow's thumbnail, as InvokeAI's PUT; it answers the workflow. The
// part goes to the store as it arrives, never whole in memory.
func (s *Server) setWorkflowThumbnail(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	part, err := formFile(r, "file")
	if err != nil {
		s.fail(w, err)
		return
	}
	wf, err := s.svc.Library.SetWorkflowThumbnail(r.Context(), r.PathValue("workflow_id"), app.ImageUpload{R: uploadPart{part}, FileName: part.FileName()})
	s.reply(w, http.StatusOK, wf, err)
}

// formFile is the first part of a multipart request named field, its
// body unread.
func formFile(r *http.Request, field string) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "Send the image as multipart/form-data, in a field named %s.", field)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, app.Errorf(app.EINVALID, "The upload has no field named %s.", field)
		}
		if err != nil {
			return nil, app.Errorf(app.EINVALID, "The upload could not be read: %v", err)
		}
		if part.FormName() == field {
			return part, nil
		}
	}
}

func (s *Server) deleteWorkflowThumbnail(w http.ResponseWriter, r *http.Request) {
	wf, err := s.svc.Library.DeleteWorkflowThumbnail(r.Context(), r.PathValue("workflow_id"))
	s.reply(w, http.StatusOK, wf, err)
}

// workflowThumbnail serves a workflow's thumbnail; no browser keeps it
// (New), and its URL's ?v= changes with it all the same.
func (s *Server) workflowThumbnail(w http.ResponseWriter, r *http.Request) {
	f, contentType, err := s.svc.Library.OpenWorkflowThumbnail(r.Context(), r.PathValue("workflow_id"))
	s.serveLibraryImage(w, r, f, contentType, err)
}

// serveLibraryImage answers a library image an Open call gave (a preset's
// preview, a workflow's thumbnail), or its error.
func (s *Server) serveLibraryImage(w http.ResponseWriter, r *http.Request, f io.ReadSeekCloser, contentType string, err error) {
	if err != nil {
		s.fail(w, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", contentType)
	http.ServeContent(w, r, "", time.Time{}, f)
}
