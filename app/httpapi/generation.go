package httpapi

import (
	"net/http"

	"easel/app"
)

// The image-generation backends and who may use their models. Everything
// but the caller's own model list is for administrators (the service
// asks the access table).

func (s *Server) backends(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Generation.Backends(r.Context())
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) setBackends(w http.ResponseWriter, r *http.Request) {
	var bs []app.Backend
	if err := decode(w, r, &bs); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Generation.SetBackends(r.Context(), bs)
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) testBackend(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Generation.TestBackend(r.Context(), r.PathValue("name"))
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Generation.Models(r.Context())
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) modelGrants(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Generation.ModelGrants(r.Context())
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) setModelAccess(w http.ResponseWriter, r *http.Request) {
	var a app.ModelAccess
	if err := decode(w, r, &a); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Generation.SetModelAccess(r.Context(), a)
	s.reply(w, http.StatusOK, v, err)
}
