package httpapi

import (
	"net/http"

	"easel/app"
)

func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Settings.Settings(r.Context())
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request) {
	var upd app.SettingsUpdate
	if err := decode(w, r, &upd); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Settings.UpdateSettings(r.Context(), upd)
	s.reply(w, http.StatusOK, v, err)
}
