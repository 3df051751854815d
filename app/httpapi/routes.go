package httpapi

import "net/http"

// route is one entry point of the API. Every route is authenticated unless
// it says public; the public list is short and a test keeps it so.
type route struct {
	method, pattern string
	access          routeAccess
	handler         http.HandlerFunc
}

type routeAccess int

const (
	signedIn routeAccess = iota // Authorization: Bearer
	public                      // anyone
	// media also takes the HttpOnly session cookie, so that <img src> and
	// download links work; only for GET routes that change nothing.
	media
)

// PublicRoutes are the only routes a caller who has not signed in may use.
var PublicRoutes = []string{
	"GET /api/v1/auth/status",
	"POST /api/v1/auth/setup",
	"POST /api/v1/auth/login",
}

func (s *Server) routes() []route {
	return []route{
		{"GET", "/api/v1/auth/status", public, s.status},
		{"POST", "/api/v1/auth/setup", public, s.setup},
		{"POST", "/api/v1/auth/login", public, s.login},
		{"POST", "/api/v1/auth/logout", signedIn, s.logout},
		{"GET", "/api/v1/auth/me", signedIn, s.me},
		{"PATCH", "/api/v1/auth/me", signedIn, s.updateMe},
		{"GET", "/api/v1/auth/me/preferences", signedIn, s.preferences},
		{"PUT", "/api/v1/auth/me/preferences", signedIn, s.setPreferences},
		{"GET", "/api/v1/auth/users", signedIn, s.listUsers},
		{"POST", "/api/v1/auth/users", signedIn, s.createUser},
		{"GET", "/api/v1/auth/users/{user_id}", signedIn, s.getUser},
		{"PATCH", "/api/v1/auth/users/{user_id}", signedIn, s.updateUser},
		{"DELETE", "/api/v1/auth/users/{user_id}", signedIn, s.deleteUser},
		{"GET", "/api/v1/audit", signedIn, s.auditLog},

		{"POST", "/api/v1/boards/{$}", signedIn, s.createBoard},
		{"POST", "/api/v1/boards", signedIn, s.createBoard},
		{"GET", "/api/v1/boards/{$}", signedIn, s.listBoards},
		{"GET", "/api/v1/boards", signedIn, s.listBoards},
		{"POST", "/api/v1/boards/batch", signedIn, s.bulkBoards},
		{"GET", "/api/v1/boards/{board_id}", signedIn, s.getBoard},
		{"PATCH", "/api/v1/boards/{board_id}", signedIn, s.updateBoard},
		{"DELETE", "/api/v1/boards/{board_id}", signedIn, s.deleteBoard},
		{"GET", "/api/v1/boards/{board_id}/image_names", signedIn, s.boardImageNames},
		{"GET", "/api/v1/boards/{board_id}/shares", signedIn, s.listShares},
		{"POST", "/api/v1/boards/{board_id}/shares", signedIn, s.shareBoard},
		{"DELETE", "/api/v1/boards/{board_id}/shares/{user_id}", signedIn, s.unshareBoard},
		{"GET", "/api/v1/boards/{board_id}/share_candidates", signedIn, s.shareCandidates},
		{"GET", "/api/v1/boards/{board_id}/download", media, s.downloadBoard},

		{"POST", "/api/v1/images/upload", signedIn, s.uploadImage},
		{"GET", "/api/v1/images/{$}", signedIn, s.listImages},
		{"GET", "/api/v1/images", signedIn, s.listImages},
		{"GET", "/api/v1/images/i/{image_name}", signedIn, s.getImage},
		{"PATCH", "/api/v1/images/i/{image_name}", signedIn, s.updateImage},
		{"DELETE", "/api/v1/images/i/{image_name}", signedIn, s.deleteImage},
		{"GET", "/api/v1/images/i/{image_name}/full", media, s.imageFile(false)},
		{"GET", "/api/v1/images/i/{image_name}/thumbnail", media, s.imageFile(true)},
		{"POST", "/api/v1/images/delete", signedIn, s.deleteImages},
		{"POST", "/api/v1/images/star", signedIn, s.starImages(true)},
		{"POST", "/api/v1/images/unstar", signedIn, s.starImages(false)},
		{"POST", "/api/v1/images/download", signedIn, s.downloadImages},
		{"POST", "/api/v1/board_images/batch", signedIn, s.addToBoard},
		{"POST", "/api/v1/board_images/batch/delete", signedIn, s.removeFromBoard},

		{"POST", "/api/v1/queue/{queue_id}/enqueue_batch", signedIn, s.queueRoute(s.enqueueBatch)},
		{"GET", "/api/v1/queue/{queue_id}/list_all", signedIn, s.queueRoute(s.listQueue)},
		{"GET", "/api/v1/queue/{queue_id}/item_ids", signedIn, s.queueRoute(s.queueItemIDs)},
		{"GET", "/api/v1/queue/{queue_id}/status", signedIn, s.queueRoute(s.queueStatus)},
		{"GET", "/api/v1/queue/{queue_id}/i/{item_id}", signedIn, s.queueRoute(s.getQueueItem)},
		{"DELETE", "/api/v1/queue/{queue_id}/i/{item_id}", signedIn, s.queueRoute(s.deleteQueueItem)},
		{"PUT", "/api/v1/queue/{queue_id}/i/{item_id}/cancel", signedIn, s.queueRoute(s.cancelQueueItem)},
		{"PUT", "/api/v1/queue/{queue_id}/retry_items_by_id", signedIn, s.queueRoute(s.retryItems)},
		{"PUT", "/api/v1/queue/{queue_id}/cancel_by_batch_ids", signedIn, s.queueRoute(s.cancelBatches)},
		{"PUT", "/api/v1/queue/{queue_id}/clear", signedIn, s.queueRoute(s.clearQueue)},
		{"PUT", "/api/v1/queue/{queue_id}/prune", signedIn, s.queueRoute(s.pruneQueue)},
		{"PUT", "/api/v1/queue/{queue_id}/processor/pause", signedIn, s.queueRoute(s.pauseQueue(true))},
		{"PUT", "/api/v1/queue/{queue_id}/processor/resume", signedIn, s.queueRoute(s.pauseQueue(false))},
		{"GET", "/api/v1/queue/{queue_id}/events", media, s.queueRoute(s.queueEvents)},
		{"GET", "/api/v1/workflows/builtin", signedIn, s.workflows},
	}
}

// Routes lists every route as "METHOD pattern" with whether it is public,
// for the test that walks them all.
func (s *Server) Routes() map[string]bool {
	out := map[string]bool{}
	for _, r := range s.routes() {
		out[r.method+" "+r.pattern] = r.access == public
	}
	return out
}
