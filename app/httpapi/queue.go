package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"easel/app"
)

// queueID checks the {queue_id} of a route: Easel has one queue, "default".
func queueID(r *http.Request) error {
	if id := r.PathValue("queue_id"); id != app.DefaultQueue {
		return app.Errorf(app.ENOTFOUND, "There is no queue %q; Easel's queue is %q.", id, app.DefaultQueue)
	}
	return nil
}

// queueRoute wraps a queue handler with the queue_id check.
func (s *Server) queueRoute(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := queueID(r); err != nil {
			s.fail(w, err)
			return
		}
		h(w, r)
	}
}

func itemID(r *http.Request) (uint64, error) {
	id, err := strconv.ParseUint(r.PathValue("item_id"), 10, 64)
	if err != nil {
		return 0, app.Errorf(app.ENOTFOUND, "Queue item %q not found", r.PathValue("item_id"))
	}
	return id, nil
}

func (s *Server) enqueueBatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Batch    app.Batch `json:"batch"`
		Priority int       `json:"priority"`
	}
	if err := decodeLimit(w, r, &req, maxBatchBody); err != nil {
		s.fail(w, err)
		return
	}
	res, err := s.svc.Queue.Enqueue(r.Context(), req.Batch, req.Priority)
	s.reply(w, http.StatusCreated, res, err)
}

// maxBatchBody bounds an enqueue request: graphs are small, but data may
// carry thousands of values.
const maxBatchBody = 8 << 20

// newestItems is the queue's whole-list answer: the newest items (up to
// app.MaxListed), oldest first.
func (s *Server) newestItems(r *http.Request) ([]*app.QueueItem, error) {
	page, err := s.svc.Queue.ListItems(r.Context(), app.QueueFilter{PageRequest: app.PageRequest{Limit: app.MaxListed}, Newest: true})
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

func (s *Server) listQueue(w http.ResponseWriter, r *http.Request) {
	items, err := s.newestItems(r)
	s.reply(w, http.StatusOK, items, err)
}

// cursorPage is InvokeAI's CursorPaginatedResults: its clients ask for the
// next page with the last item's id as the cursor.
type cursorPage struct {
	Limit   int              `json:"limit"`
	HasMore bool             `json:"has_more"`
	Items   []*app.QueueItem `json:"items"`
}

// defaultQueuePage is InvokeAI's page size for the queue's list.
const defaultQueuePage = 50

// listQueuePage is InvokeAI's cursor-paged list, oldest first: cursor (the
// id of the item the last page ended on), limit, and optionally status.
// InvokeAI orders by priority first and sends it as priority; Easel lists
// by id alone, so that parameter is taken and not needed.
func (s *Server) listQueuePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := app.QueueFilter{Status: app.QueueStatus(q.Get("status"))}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit"); err == nil && q.Get("cursor") != "" {
		if f.After, err = strconv.ParseUint(q.Get("cursor"), 10, 64); err != nil {
			err = app.Errorf(app.EINVALID, "cursor must be a queue item's id, not %q.", q.Get("cursor"))
		}
	}
	if err == nil && q.Get("priority") != "" {
		if _, perr := strconv.Atoi(q.Get("priority")); perr != nil {
			err = app.Errorf(app.EINVALID, "priority must be a whole number, not %q.", q.Get("priority"))
		}
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	if q.Get("limit") == "" {
		f.Limit = defaultQueuePage
	}
	page, err := s.svc.Queue.ListItems(r.Context(), f)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, cursorPage{Limit: page.Limit, HasMore: page.HasMore(), Items: page.Items})
}

func (s *Server) queueItemIDs(w http.ResponseWriter, r *http.Request) {
	items, err := s.newestItems(r)
	ids := make([]uint64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ItemID)
	}
	s.reply(w, http.StatusOK, map[string]any{"item_ids": ids}, err)
}

func (s *Server) queueStatus(w http.ResponseWriter, r *http.Request) {
	rep, err := s.svc.Queue.Status(r.Context())
	s.reply(w, http.StatusOK, rep, err)
}

func (s *Server) getQueueItem(w http.ResponseWriter, r *http.Request) {
	id, err := itemID(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	it, err := s.svc.Queue.FindItem(r.Context(), id)
	s.reply(w, http.StatusOK, it, err)
}

func (s *Server) deleteQueueItem(w http.ResponseWriter, r *http.Request) {
	id, err := itemID(r)
	if err == nil {
		err = s.svc.Queue.DeleteItem(r.Context(), id)
	}
	s.reply(w, http.StatusOK, map[string]any{"success": true}, err)
}

func (s *Server) cancelQueueItem(w http.ResponseWriter, r *http.Request) {
	id, err := itemID(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	it, err := s.svc.Queue.CancelItem(r.Context(), id)
	s.reply(w, http.StatusOK, it, err)
}

func (s *Server) retryItems(w http.ResponseWriter, r *http.Request) {
	var ids []uint64
	if err := decode(w, r, &ids); err != nil {
		s.fail(w, err)
		return
	}
	retried, err := s.svc.Queue.Retry(r.Context(), ids)
	s.reply(w, http.StatusOK, map[string]any{"queue_id": app.DefaultQueue, "retried_item_ids": retried}, err)
}

func (s *Server) cancelBatches(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BatchIDs []string `json:"batch_ids"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	n, err := s.svc.Queue.CancelBatches(r.Context(), req.BatchIDs)
	s.reply(w, http.StatusOK, map[string]any{"canceled": n}, err)
}

func (s *Server) clearQueue(w http.ResponseWriter, r *http.Request) {
	n, err := s.svc.Queue.Clear(r.Context())
	s.reply(w, http.StatusOK, map[string]any{"deleted": n}, err)
}

func (s *Server) pruneQueue(w http.ResponseWriter, r *http.Request) {
	n, err := s.svc.Queue.Prune(r.Context())
	s.reply(w, http.StatusOK, map[string]any{"deleted": n}, err)
}

func (s *Server) pauseQueue(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.svc.Queue.SetPaused(r.Context(), paused); err != nil {
			s.fail(w, err)
			return
		}
		s.queueStatus(w, r)
	}
}

func (s *Server) workflows(w http.ResponseWriter, r *http.Request) {
	// Signed in is all it takes: the built-in workflows belong to everyone.
	writeJSON(w, http.StatusOK, s.svc.Workflows)
}

// queueEvents streams queue events as server-sent events: whole for the
// caller's own items (everyone's, for an admin), redacted for the rest. Each
// event is shaped with the session as it is at that moment, so a demotion
// applies to the very next event and a stream whose session has ended sends
// nothing more. Between events the session is checked every few seconds,
// so a quiet stream ends soon after its session does.
func (s *Server) queueEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.fail(w, fmt.Errorf("streaming is not supported"))
		return
	}
	token := requestToken(r)
	viewer := func() (*app.User, error) {
		a, err := s.svc.Auth.Authenticate(r.Context(), token)
		if err != nil {
			return nil, err
		}
		return a.User, nil
	}
	sub := s.svc.Broker.Subscribe(viewer)
	defer sub.Close()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()

	signedOut := func() {
		fmt.Fprint(w, "event: signed_out\ndata: {}\n\n")
		flusher.Flush()
	}
	recheck := time.NewTicker(sessionRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-recheck.C:
			if _, err := viewer(); err != nil {
				signedOut()
				return
			}
			fmt.Fprint(w, ": still here\n\n")
			flusher.Flush()
		case d, ok := <-sub.C:
			if !ok {
				return
			}
			ev, err := sub.Shape(d)
			if err != nil {
				signedOut()
				return
			}
			if ev == nil {
				continue
			}
			data, _ := json.Marshal(ev)
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Type, data)
			flusher.Flush()
		}
	}
}

// sessionRecheck is how often an event stream checks its session.
var sessionRecheck = 5 * time.Second

// requestToken is the token a request was authenticated with.
func requestToken(r *http.Request) string {
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(token)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}
