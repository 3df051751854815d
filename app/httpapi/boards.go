package httpapi

import (
	"net/http"
	"strconv"

	"easel/app"
)

func (s *Server) createBoard(w http.ResponseWriter, r *http.Request) {
	b, err := s.svc.Boards.CreateBoard(r.Context(), r.URL.Query().Get("board_name"))
	s.reply(w, http.StatusCreated, b, err)
}

// listBoards answers ?all=true with an array, else with a page.
func (s *Server) listBoards(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := app.BoardFilter{All: q.Get("all") == "true", IncludeArchived: q.Get("include_archived") == "true"}
	var err error
	if f.PageRequest, err = pageParams(q); err != nil {
		s.fail(w, err)
		return
	}
	page, err := s.svc.Boards.ListBoards(r.Context(), f)
	if err != nil {
		s.fail(w, err)
		return
	}
	if f.All {
		writeJSON(w, http.StatusOK, page.Items)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func intParam(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, app.Errorf(app.EINVALID, "%s must be a whole number of 0 or more, not %q.", name, v)
	}
	return n, nil
}

func (s *Server) getBoard(w http.ResponseWriter, r *http.Request) {
	b, err := s.svc.Boards.FindBoard(r.Context(), r.PathValue("board_id"))
	s.reply(w, http.StatusOK, b, err)
}

func (s *Server) updateBoard(w http.ResponseWriter, r *http.Request) {
	var upd app.BoardUpdate
	if err := decode(w, r, &upd); err != nil {
		s.fail(w, err)
		return
	}
	b, err := s.svc.Boards.UpdateBoard(r.Context(), r.PathValue("board_id"), upd)
	s.reply(w, http.StatusOK, b, err)
}

func (s *Server) deleteBoard(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("board_id")
	res, err := s.svc.Boards.DeleteBoard(r.Context(), id, r.URL.Query().Get("include_images") == "true")
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"board_id": id, "deleted_images": res.Done, "done": res.Done, "skipped": res.Skipped})
}

func (s *Server) bulkBoards(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Op       app.BoardOp `json:"op"`
		BoardIDs []string    `json:"board_ids"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	res, err := s.svc.Boards.BulkBoards(r.Context(), req.Op, req.BoardIDs)
	s.reply(w, http.StatusOK, res, err)
}

func (s *Server) boardImageNames(w http.ResponseWriter, r *http.Request) {
	names, err := s.svc.Images.ImageNames(r.Context(), r.PathValue("board_id"))
	s.reply(w, http.StatusOK, names, err)
}

func (s *Server) downloadBoard(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("board_id")
	b, err := s.svc.Boards.FindBoard(r.Context(), id)
	if err != nil {
		s.fail(w, err)
		return
	}
	images, err := s.svc.Images.Downloadable(r.Context(), id, nil)
	s.sendZip(w, r, b.BoardName, images, err)
}
