package httpapi

import (
	"net/http"
	"strconv"

	"easel/app"
)

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	required, err := s.svc.Users.SetupRequired(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"setup_required": required, "multiuser_enabled": true, "strict_password_checking": true})
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	var nu app.NewUser
	if err := decode(w, r, &nu); err != nil {
		s.fail(w, err)
		return
	}
	u, err := s.svc.Users.Setup(r.Context(), nu)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "user": u})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var c app.Credentials
	if err := decode(w, r, &c); err != nil {
		s.fail(w, err)
		return
	}
	c.UserID = "" // the browser signs in by email; tiles are the window's
	l, err := s.svc.Auth.Login(r.Context(), c)
	if err != nil {
		s.fail(w, err)
		return
	}
	setSessionCookie(w, l.Token, int(l.ExpiresIn.Seconds()))
	writeJSON(w, http.StatusOK, map[string]any{"token": l.Token, "user": l.User, "expires_in": int(l.ExpiresIn.Seconds())})
}

// logout ends the session of the token, or of the cookie when the page has
// lost its token (a reload); its route has already cleared the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.Auth.Logout(r.Context()); err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Users.Me(r.Context())
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) updateMe(w http.ResponseWriter, r *http.Request) {
	var upd app.ProfileUpdate
	if err := decode(w, r, &upd); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Users.UpdateMe(r.Context(), upd)
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) preferences(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Users.Preferences(r.Context())
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) setPreferences(w http.ResponseWriter, r *http.Request) {
	var p app.Preferences
	if err := decode(w, r, &p); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Users.SetPreferences(r.Context(), p)
	s.reply(w, http.StatusOK, v, err)
}

// listUsers answers every profile, as InvokeAI's array; a caller that
// passes cursor, offset or limit gets that page instead.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	req, err := pageParams(r.URL.Query())
	if err != nil {
		s.fail(w, err)
		return
	}
	if paged(r.URL.Query()) {
		page, err := s.svc.Users.ListUsers(r.Context(), req)
		s.reply(w, http.StatusOK, page, err)
		return
	}
	v, err := app.All(func(req app.PageRequest) (*app.UserPage, error) { return s.svc.Users.ListUsers(r.Context(), req) })
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var nu app.NewUser
	if err := decode(w, r, &nu); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Users.CreateUser(r.Context(), nu)
	s.reply(w, http.StatusCreated, v, err)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Users.FindUser(r.Context(), r.PathValue("user_id"))
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	var upd app.UserUpdate
	if err := decode(w, r, &upd); err != nil {
		s.fail(w, err)
		return
	}
	v, err := s.svc.Users.UpdateUser(r.Context(), r.PathValue("user_id"), upd)
	s.reply(w, http.StatusOK, v, err)
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	if err := s.svc.Users.DeleteUser(r.Context(), r.PathValue("user_id")); err != nil {
		s.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// auditLog answers a page of the log, newest first, as an array: before
// (an entry's seq), cursor (X-Next-Cursor of the page before) or offset
// say where it starts. The next page's cursor, when there is one, is in
// the X-Next-Cursor header, as the answer's shape is the array.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f app.AuditFilter
	var err error
	f.PageRequest, err = pageParams(q)
	if err == nil && q.Get("before") != "" {
		if f.Before, err = strconv.ParseUint(q.Get("before"), 10, 64); err != nil {
			err = app.Errorf(app.EINVALID, "before must be an entry's seq, not %q.", q.Get("before"))
		}
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	page, err := s.svc.Audit.List(r.Context(), f)
	if err != nil {
		s.fail(w, err)
		return
	}
	if page.HasMore() {
		w.Header().Set("X-Next-Cursor", page.NextCursor)
	}
	writeJSON(w, http.StatusOK, page.Items)
}

// reply writes a service's result: v with status, or the error.
func (s *Server) reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, status, v)
}

// sessionCookie carries the session for image URLs and downloads, which a
// page cannot send a header with, and for sign-out. HttpOnly keeps it from
// scripts; SameSite=Strict keeps other sites from sending it. Other ports
// of this machine are the same site to a browser, so the routes that take
// it also refuse requests another page made (guard.go).
const sessionCookie = "easel_session"

func setSessionCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/api/v1/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
}
