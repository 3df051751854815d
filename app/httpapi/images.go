package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"easel/app"
	"easel/app/imaging"
)

// maxUpload bounds an upload: the largest image Easel takes, and room for
// the form around it.
var maxUpload = imaging.DefaultMaxBytes + 1<<20

// uploadImage takes one image in the multipart field "file".
func (s *Server) uploadImage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, app.Errorf(app.EINVALID, "Send the image as multipart/form-data, in a field named file."))
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			s.fail(w, app.Errorf(app.EINVALID, "The upload has no field named file."))
			return
		}
		if err != nil {
			s.fail(w, app.Errorf(app.EINVALID, "The upload could not be read: %v", err))
			return
		}
		if part.FormName() != "file" {
			continue
		}
		// The part goes to the store as it arrives: the store writes it to
		// a temporary file, never holding it whole in memory.
		img, err := s.svc.Images.Import(r.Context(), r.URL.Query().Get("board_id"), part.FileName(), uploadPart{part})
		s.reply(w, http.StatusCreated, img, err)
		return
	}
}

// uploadPart is the file part of an upload, whose read errors (the client
// stopped sending, or sent more than maxUpload) are in words: the store
// passes them on as they are.
type uploadPart struct{ r io.Reader }

func (p uploadPart) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && err != io.EOF {
		err = app.Errorf(app.EINVALID, "The upload was cut off: %v", err)
	}
	return n, err
}

func (s *Server) listImages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := app.ImageFilter{BoardID: q.Get("board_id"), UserID: q.Get("user_id")}
	var err error
	if f.PageRequest, err = pageParams(q); err != nil {
		s.fail(w, err)
		return
	}
	page, err := s.svc.Images.ListImages(r.Context(), f)
	s.reply(w, http.StatusOK, page, err)
}

func (s *Server) getImage(w http.ResponseWriter, r *http.Request) {
	img, err := s.svc.Images.FindImage(r.Context(), r.PathValue("image_name"))
	s.reply(w, http.StatusOK, img, err)
}

func (s *Server) updateImage(w http.ResponseWriter, r *http.Request) {
	var upd app.ImageUpdate
	if err := decode(w, r, &upd); err != nil {
		s.fail(w, err)
		return
	}
	img, err := s.svc.Images.UpdateImage(r.Context(), r.PathValue("image_name"), upd)
	s.reply(w, http.StatusOK, img, err)
}

// deleteImage deletes one image, answering with its error rather than a skip.
func (s *Server) deleteImage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("image_name")
	if _, err := s.svc.Images.FindImage(r.Context(), name); err != nil {
		s.fail(w, err)
		return
	}
	res, err := s.svc.Images.DeleteImages(r.Context(), []string{name})
	if err != nil {
		s.fail(w, err)
		return
	}
	if len(res.Skipped) > 0 { // it was seen a moment ago: the skip is a refusal
		s.fail(w, app.Errorf(app.EFORBIDDEN, "%s", res.Skipped[0].Reason))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted_images": res.Done})
}

// imageFile serves an image or its thumbnail. Browsers must not keep them
// (Cache-Control: private, no-store, set for every route in New).
func (s *Server) imageFile(thumbnail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, img, err := s.svc.Images.OpenImage(r.Context(), r.PathValue("image_name"), thumbnail)
		if err != nil {
			s.fail(w, err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", img.ContentType)
		http.ServeContent(w, r, "", img.CreatedAt, f)
	}
}

// imageNames is the body of the bulk image routes.
type imageNames struct {
	ImageNames []string `json:"image_names"`
	BoardID    string   `json:"board_id"`
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request, alias string, fn func(ctx context.Context, req imageNames) (*app.BulkResult, error)) {
	var req imageNames
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	res, err := fn(r.Context(), req)
	if err != nil {
		s.fail(w, err)
		return
	}
	// InvokeAI's name for what was done, beside Easel's done and skipped.
	writeJSON(w, http.StatusOK, map[string]any{alias: res.Done, "done": res.Done, "skipped": res.Skipped})
}

func (s *Server) deleteImages(w http.ResponseWriter, r *http.Request) {
	s.bulk(w, r, "deleted_images", func(ctx context.Context, req imageNames) (*app.BulkResult, error) {
		return s.svc.Images.DeleteImages(ctx, req.ImageNames)
	})
}

func (s *Server) starImages(starred bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.bulk(w, r, "updated_image_names", func(ctx context.Context, req imageNames) (*app.BulkResult, error) {
			return s.svc.Images.StarImages(ctx, req.ImageNames, starred)
		})
	}
}

func (s *Server) addToBoard(w http.ResponseWriter, r *http.Request) {
	s.bulk(w, r, "added_image_names", func(ctx context.Context, req imageNames) (*app.BulkResult, error) {
		return s.svc.Images.AddToBoard(ctx, req.BoardID, req.ImageNames)
	})
}

func (s *Server) removeFromBoard(w http.ResponseWriter, r *http.Request) {
	s.bulk(w, r, "removed_image_names", func(ctx context.Context, req imageNames) (*app.BulkResult, error) {
		return s.svc.Images.RemoveFromBoard(ctx, req.ImageNames)
	})
}

func (s *Server) downloadImages(w http.ResponseWriter, r *http.Request) {
	var req imageNames
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	images, err := s.svc.Images.Downloadable(r.Context(), "", req.ImageNames)
	s.sendZip(w, r, "Easel images", images, err)
}

// sendZip streams images as a zip attachment named after title.
func (s *Server) sendZip(w http.ResponseWriter, r *http.Request, title string, images []*app.Image, err error) {
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": title + ".zip"}))
	open := func(ctx context.Context, name string) (io.ReadCloser, error) {
		f, _, err := s.svc.Images.OpenImage(ctx, name, false)
		return f, err
	}
	if err := app.WriteZip(r.Context(), w, images, open); err != nil {
		// The headers are out: all that can be done is to stop and log.
		s.log.Warn("zip download stopped", "err", err, "images", len(images))
	}
}
