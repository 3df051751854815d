package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"easel/app"
)

// Style presets, as InvokeAI's routes take them: a create or an update is
// a multipart form whose field "data" is the preset as a JSON string, with
// an optional "image" file; an import is a multipart "file", CSV or JSON
// by its type (InvokeAI's 415 for anything else). Every one of them takes
// the body of an upload, so the cross-site guard's rule for uploads holds.

// presetForm is InvokeAI's "data": the fields, and Easel's keep_image,
// which leaves the preview as it is when no image comes (InvokeAI's
// update without one removes it).
type presetForm struct {
	app.StylePresetInput
	KeepImage bool `json:"keep_image"`
}

// presetRequest reads a create's or an update's form, "data" first and
// checked, then the image part as it arrives, which the store stages to
// disk; nothing is kept if either is wrong. fn gets the input and the
// image and answers.
func (s *Server) presetRequest(w http.ResponseWriter, r *http.Request, fn func(app.StylePresetInput, app.ImageUpload) (*app.StylePreset, error)) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, app.Errorf(app.EINVALID, `Send the preset as multipart/form-data: a field named data (the preset as JSON) and, if it has one, a file named image.`))
		return
	}
	var form *presetForm
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(w, app.Errorf(app.EINVALID, "The form could not be read: %v", err))
			return
		}
		switch part.FormName() {
		case "data":
			if form, err = readPresetData(part); err != nil {
				s.fail(w, err)
				return
			}
		case "image":
			if form == nil {
				s.fail(w, app.Errorf(app.EINVALID, "Send the field data before the image, so that the preset is checked before its image is read."))
				return
			}
			p, err := fn(form.StylePresetInput, app.ImageUpload{R: uploadPart{part}, FileName: part.FileName()})
			s.reply(w, http.StatusOK, p, err)
			return
		}
	}
	if form == nil {
		s.fail(w, app.Errorf(app.EINVALID, `The form needs a field named data: the preset as JSON, {"name": "…", "positive_prompt": "…", "negative_prompt": "…"}.`))
		return
	}
	p, err := fn(form.StylePresetInput, app.ImageUpload{Keep: form.KeepImage})
	s.reply(w, http.StatusOK, p, err)
}

// readPresetData reads the field "data" as JSON, with the decoder's words
// for what is wrong (InvokeAI answered 500 for malformed JSON; 400 here).
func readPresetData(part *multipart.Part) (*presetForm, error) {
	data, err := io.ReadAll(io.LimitReader(part, maxJSONBody+1))
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "The field data could not be read: %v", err)
	}
	if len(data) > maxJSONBody {
		return nil, app.Errorf(app.EINVALID, "The field data is larger than %d bytes.", maxJSONBody)
	}
	var form presetForm
	var typ *json.UnmarshalTypeError
	switch err := json.Unmarshal(data, &form); {
	case errors.As(err, &typ) && typ.Field != "":
		return nil, app.Errorf(app.EINVALID, "In the field data, %q must be a %s.", typ.Field, jsonKind(typ.Type.Kind().String()))
	case err != nil:
		return nil, app.Errorf(app.EINVALID, `The field data must be the preset as a JSON object, {"name": "…", "positive_prompt": "…", "negative_prompt": "…"}.`)
	}
	return &form, nil
}

func (s *Server) listStylePresets(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Presets.ListStylePresets(r.Context())
	s.reply(w, http.StatusOK, list, err)
}

func (s *Server) createStylePreset(w http.ResponseWriter, r *http.Request) {
	s.presetRequest(w, r, func(in app.StylePresetInput, img app.ImageUpload) (*app.StylePreset, error) {
		return s.svc.Presets.CreateStylePreset(r.Context(), in, img)
	})
}

func (s *Server) getStylePreset(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.Presets.FindStylePreset(r.Context(), r.PathValue("style_preset_id"))
	s.reply(w, http.StatusOK, p, err)
}

func (s *Server) updateStylePreset(w http.ResponseWriter, r *http.Request) {
	s.presetRequest(w, r, func(in app.StylePresetInput, img app.ImageUpload) (*app.StylePreset, error) {
		return s.svc.Presets.UpdateStylePreset(r.Context(), r.PathValue("style_preset_id"), in, img)
	})
}

func (s *Server) deleteStylePreset(w http.ResponseWriter, r *http.Request) {
	err := s.svc.Presets.DeleteStylePreset(r.Context(), r.PathValue("style_preset_id"))
	s.reply(w, http.StatusOK, nil, err) // InvokeAI answers null
}

func (s *Server) copyStylePreset(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.Presets.CopyStylePreset(r.Context(), r.PathValue("style_preset_id"))
	s.reply(w, http.StatusCreated, p, err)
}

// expandStylePreset answers what a prompt becomes with a preset, by the
// one rule (app.ExpandTemplate): the page shows it before queuing.
func (s *Server) expandStylePreset(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Prompt         string `json:"prompt"`
		NegativePrompt string `json:"negative_prompt"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	out, err := s.svc.Presets.ExpandStylePreset(r.Context(), r.PathValue("style_preset_id"), req.Prompt, req.NegativePrompt)
	s.reply(w, http.StatusOK, out, err)
}

// stylePresetImage serves a preset's preview; no browser keeps it (New).
func (s *Server) stylePresetImage(w http.ResponseWriter, r *http.Request) {
	f, contentType, err := s.svc.Presets.OpenStylePresetImage(r.Context(), r.PathValue("style_preset_id"))
	s.serveLibraryImage(w, r, f, contentType, err)
}

// exportStylePresets answers the caller's presets as a CSV file to save.
func (s *Server) exportStylePresets(w http.ResponseWriter, r *http.Request) {
	data, err := s.svc.Presets.ExportStylePresets(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "style presets.csv"}))
	w.Write(data)
}

// importStylePresets takes a CSV or JSON file of presets as the multipart
// field "file" and keeps them all as the caller's, or none.
func (s *Server) importStylePresets(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxPresetImportBytes+1<<20)
	file, head, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.fail(w, app.Errorf(app.EINVALID, "The file is larger than %d MB, too large for a file of style presets.", app.MaxPresetImportBytes>>20))
		return
	case err != nil:
		s.fail(w, app.Errorf(app.EINVALID, "Send the presets as multipart/form-data, in a field named file."))
		return
	}
	defer file.Close()
	format, err := app.PresetFileFormat(head.Header.Get("Content-Type"), head.Filename)
	if err != nil {
		s.fail(w, err)
		return
	}
	data, err := io.ReadAll(io.LimitReader(file, app.MaxPresetImportBytes+1))
	if err != nil {
		s.fail(w, app.Errorf(app.EINVALID, "The file could not be read: %v", err))
		return
	}
	list, err := s.svc.Presets.ImportStylePresets(r.Context(), data, format)
	s.reply(w, http.StatusOK, list, err)
}
