package httpapi

import (
	"net/http"

	"easel/app"
)

// shareRoutes are the routes of who a thing is shared with by name, the
// same for every shareable kind: under base, whose {param} is the thing's
// id, GET and POST shares, DELETE shares/{user_id}, GET share_candidates.
func (s *Server) shareRoutes(base, param string, svc app.SharingService) []route {
	return []route{
		{"GET", base + "/shares", signedIn, noBody, func(w http.ResponseWriter, r *http.Request) {
			shares, err := svc.ListShares(r.Context(), r.PathValue(param))
			s.reply(w, http.StatusOK, shares, err)
		}},
		{"POST", base + "/shares", signedIn, jsonBody, func(w http.ResponseWriter, r *http.Request) {
			var req struct {
				UserID string   `json:"user_id"`
				Role   app.Role `json:"role"`
			}
			if err := decode(w, r, &req); err != nil {
				s.fail(w, err)
				return
			}
			sh, err := svc.Share(r.Context(), r.PathValue(param), req.UserID, req.Role)
			s.reply(w, http.StatusOK, sh, err)
		}},
		{"DELETE", base + "/shares/{user_id}", signedIn, noBody, func(w http.ResponseWriter, r *http.Request) {
			if err := svc.Unshare(r.Context(), r.PathValue(param), r.PathValue("user_id")); err != nil {
				s.fail(w, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}},
		{"GET", base + "/share_candidates", signedIn, noBody, func(w http.ResponseWriter, r *http.Request) {
			tiles, err := svc.ShareCandidates(r.Context(), r.PathValue(param))
			s.reply(w, http.StatusOK, tiles, err)
		}},
	}
}
