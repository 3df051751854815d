package httpapi

import (
	"net/http"

	"easel/app"
)

// route is one entry point of the API. Every route is authenticated unless
// it says public; the public list is short and a test keeps it so. Every
// route also says what body it takes, so that the one check in New can
// refuse any other: a web page elsewhere can send a form or a no-cors
// fetch without asking (text/plain, urlencoded, multipart), but never
// Content-Type: application/json.
type route struct {
	method, pattern string
	access          routeAccess
	body            bodyKind
	handler         http.HandlerFunc
}

type routeAccess int

const (
	signedIn routeAccess = iota // Authorization: Bearer
	public                      // anyone
	// media also takes the HttpOnly session cookie, so that <img src> and
	// download links work; only for GET routes that change nothing.
	media
	// signOut also takes the cookie, so that a page that lost its token (a
	// reload) can still end the session the cookie holds, and clears the
	// cookie whatever the answer.
	signOut
)

// bodyKind is what a route reads from the request body.
type bodyKind int

const (
	noBody   bodyKind = iota // the query and path say it all; a body is not read
	jsonBody                 // Content-Type: application/json only, else 415
	fileBody                 // multipart/form-data only, else 415
)

// PublicRoutes are the only routes a caller who has not signed in may use.
var PublicRoutes = []string{
	"GET /api/v1/auth/status",
	"POST /api/v1/auth/setup",
	"POST /api/v1/auth/login",
}

func (s *Server) routes() []route {
	rs := []route{
		{"GET", "/api/v1/auth/status", public, noBody, s.status},
		{"POST", "/api/v1/auth/setup", public, jsonBody, s.setup},
		{"POST", "/api/v1/auth/login", public, jsonBody, s.login},
		{"POST", "/api/v1/auth/logout", signOut, noBody, s.logout},
		{"GET", "/api/v1/auth/me", signedIn, noBody, s.me},
		{"PATCH", "/api/v1/auth/me", signedIn, jsonBody, s.updateMe},
		{"GET", "/api/v1/auth/me/preferences", signedIn, noBody, s.preferences},
		{"PUT", "/api/v1/auth/me/preferences", signedIn, jsonBody, s.setPreferences},
		{"GET", "/api/v1/auth/users", signedIn, noBody, s.listUsers},
		{"POST", "/api/v1/auth/users", signedIn, jsonBody, s.createUser},
		{"GET", "/api/v1/auth/users/{user_id}", signedIn, noBody, s.getUser},
		{"PATCH", "/api/v1/auth/users/{user_id}", signedIn, jsonBody, s.updateUser},
		{"DELETE", "/api/v1/auth/users/{user_id}", signedIn, noBody, s.deleteUser},
		{"GET", "/api/v1/audit", signedIn, noBody, s.auditLog},
		{"GET", "/api/v1/settings", signedIn, noBody, s.settings},
		{"PATCH", "/api/v1/settings", signedIn, jsonBody, s.updateSettings},
		{"GET", "/api/v1/generation/backends", signedIn, noBody, s.backends},
		{"PUT", "/api/v1/generation/backends", signedIn, jsonBody, s.setBackends},
		{"POST", "/api/v1/generation/backends/{name}/test", signedIn, noBody, s.testBackend},
		{"GET", "/api/v1/generation/models", signedIn, noBody, s.models},
		{"GET", "/api/v1/generation/models/access", signedIn, noBody, s.modelGrants},
		{"PUT", "/api/v1/generation/models/access", signedIn, jsonBody, s.setModelAccess},

		{"POST", "/api/v1/boards/{$}", signedIn, noBody, s.createBoard},
		{"POST", "/api/v1/boards", signedIn, noBody, s.createBoard},
		{"GET", "/api/v1/boards/{$}", signedIn, noBody, s.listBoards},
		{"GET", "/api/v1/boards", signedIn, noBody, s.listBoards},
		{"POST", "/api/v1/boards/batch", signedIn, jsonBody, s.bulkBoards},
		{"GET", "/api/v1/boards/{board_id}", signedIn, noBody, s.getBoard},
		{"PATCH", "/api/v1/boards/{board_id}", signedIn, jsonBody, s.updateBoard},
		{"DELETE", "/api/v1/boards/{board_id}", signedIn, noBody, s.deleteBoard},
		{"GET", "/api/v1/boards/{board_id}/image_names", signedIn, noBody, s.boardImageNames},
		{"GET", "/api/v1/boards/{board_id}/download", media, noBody, s.downloadBoard},

		{"POST", "/api/v1/images/upload", signedIn, fileBody, s.uploadImage},
		{"GET", "/api/v1/images/{$}", signedIn, noBody, s.listImages},
		{"GET", "/api/v1/images", signedIn, noBody, s.listImages},
		{"GET", "/api/v1/images/i/{image_name}", signedIn, noBody, s.getImage},
		{"PATCH", "/api/v1/images/i/{image_name}", signedIn, jsonBody, s.updateImage},
		{"DELETE", "/api/v1/images/i/{image_name}", signedIn, noBody, s.deleteImage},
		{"GET", "/api/v1/images/i/{image_name}/full", media, noBody, s.imageFile(false)},
		{"GET", "/api/v1/images/i/{image_name}/thumbnail", media, noBody, s.imageFile(true)},
		{"POST", "/api/v1/images/delete", signedIn, jsonBody, s.deleteImages},
		{"POST", "/api/v1/images/star", signedIn, jsonBody, s.starImages(true)},
		{"POST", "/api/v1/images/unstar", signedIn, jsonBody, s.starImages(false)},
		{"POST", "/api/v1/images/download", signedIn, jsonBody, s.downloadImages},
		{"POST", "/api/v1/board_images/batch", signedIn, jsonBody, s.addToBoard},
		{"POST", "/api/v1/board_images/batch/delete", signedIn, jsonBody, s.removeFromBoard},

		{"POST", "/api/v1/queue/{queue_id}/enqueue_batch", signedIn, jsonBody, s.queueRoute(s.enqueueBatch)},
		{"GET", "/api/v1/queue/{queue_id}/list_all", signedIn, noBody, s.queueRoute(s.listQueue)},
		{"GET", "/api/v1/queue/{queue_id}/list", signedIn, noBody, s.queueRoute(s.listQueuePage)},
		{"GET", "/api/v1/queue/{queue_id}/item_ids", signedIn, noBody, s.queueRoute(s.queueItemIDs)},
		{"GET", "/api/v1/queue/{queue_id}/status", signedIn, noBody, s.queueRoute(s.queueStatus)},
		{"GET", "/api/v1/queue/{queue_id}/i/{item_id}", signedIn, noBody, s.queueRoute(s.getQueueItem)},
		{"DELETE", "/api/v1/queue/{queue_id}/i/{item_id}", signedIn, noBody, s.queueRoute(s.deleteQueueItem)},
		{"PUT", "/api/v1/queue/{queue_id}/i/{item_id}/cancel", signedIn, noBody, s.queueRoute(s.cancelQueueItem)},
		{"PUT", "/api/v1/queue/{queue_id}/retry_items_by_id", signedIn, jsonBody, s.queueRoute(s.retryItems)},
		{"PUT", "/api/v1/queue/{queue_id}/cancel_by_batch_ids", signedIn, jsonBody, s.queueRoute(s.cancelBatches)},
		{"PUT", "/api/v1/queue/{queue_id}/clear", signedIn, noBody, s.queueRoute(s.clearQueue)},
		{"PUT", "/api/v1/queue/{queue_id}/prune", signedIn, noBody, s.queueRoute(s.pruneQueue)},
		{"PUT", "/api/v1/queue/{queue_id}/processor/pause", signedIn, noBody, s.queueRoute(s.pauseQueue(true))},
		{"PUT", "/api/v1/queue/{queue_id}/processor/resume", signedIn, noBody, s.queueRoute(s.pauseQueue(false))},
		{"GET", "/api/v1/queue/{queue_id}/events", media, noBody, s.queueRoute(s.queueEvents)},
		{"GET", "/api/v1/workflows/builtin", signedIn, noBody, s.workflows},

		{"GET", "/api/v1/workflows/{$}", signedIn, noBody, s.listWorkflows},
		{"GET", "/api/v1/workflows", signedIn, noBody, s.listWorkflows},
		{"POST", "/api/v1/workflows/{$}", signedIn, jsonBody, s.createWorkflow},
		{"POST", "/api/v1/workflows", signedIn, jsonBody, s.createWorkflow},
		{"POST", "/api/v1/workflows/import", signedIn, fileBody, s.importWorkflow},
		{"GET", "/api/v1/workflows/tags", signedIn, noBody, s.workflowTags},
		{"GET", "/api/v1/workflows/counts_by_tag", signedIn, noBody, s.workflowCountsByTag},
		{"GET", "/api/v1/workflows/counts_by_category", signedIn, noBody, s.workflowCountsByCategory},
		{"GET", "/api/v1/workflows/i/{workflow_id}", signedIn, noBody, s.getWorkflow},
		{"PATCH", "/api/v1/workflows/i/{workflow_id}", signedIn, jsonBody, s.updateWorkflow},
		{"DELETE", "/api/v1/workflows/i/{workflow_id}", signedIn, noBody, s.deleteWorkflow},
		{"PATCH", "/api/v1/workflows/i/{workflow_id}/is_public", signedIn, jsonBody, s.setWorkflowPublic},
		{"PUT", "/api/v1/workflows/i/{workflow_id}/opened_at", signedIn, noBody, s.markWorkflowOpened},
		{"POST", "/api/v1/workflows/i/{workflow_id}/copy", signedIn, noBody, s.copyWorkflow},
		{"GET", "/api/v1/workflows/i/{workflow_id}/file", media, noBody, s.exportWorkflow},
		{"PUT", "/api/v1/workflows/i/{workflow_id}/thumbnail", signedIn, fileBody, s.setWorkflowThumbnail},
		{"GET", "/api/v1/workflows/i/{workflow_id}/thumbnail", media, noBody, s.workflowThumbnail},
		{"DELETE", "/api/v1/workflows/i/{workflow_id}/thumbnail", signedIn, noBody, s.deleteWorkflowThumbnail},

		{"GET", "/api/v1/style_presets/{$}", signedIn, noBody, s.listStylePresets},
		{"GET", "/api/v1/style_presets", signedIn, noBody, s.listStylePresets},
		{"POST", "/api/v1/style_presets/{$}", signedIn, fileBody, s.createStylePreset},
		{"POST", "/api/v1/style_presets", signedIn, fileBody, s.createStylePreset},
		{"GET", "/api/v1/style_presets/export", media, noBody, s.exportStylePresets},
		{"POST", "/api/v1/style_presets/import", signedIn, fileBody, s.importStylePresets},
		{"GET", "/api/v1/style_presets/i/{style_preset_id}", signedIn, noBody, s.getStylePreset},
		{"PATCH", "/api/v1/style_presets/i/{style_preset_id}", signedIn, fileBody, s.updateStylePreset},
		{"DELETE", "/api/v1/style_presets/i/{style_preset_id}", signedIn, noBody, s.deleteStylePreset},
		{"GET", "/api/v1/style_presets/i/{style_preset_id}/image", media, noBody, s.stylePresetImage},
		{"POST", "/api/v1/style_presets/i/{style_preset_id}/copy", signedIn, noBody, s.copyStylePreset},
		{"POST", "/api/v1/style_presets/i/{style_preset_id}/expand", signedIn, jsonBody, s.expandStylePreset},
	}
	// Who a thing is shared with, the same way for each shareable kind.
	rs = append(rs, s.shareRoutes("/api/v1/boards/{board_id}", "board_id", app.BoardSharing(s.svc.Boards))...)
	rs = append(rs, s.shareRoutes("/api/v1/workflows/i/{workflow_id}", "workflow_id", s.svc.Library)...)
	rs = append(rs, s.shareRoutes("/api/v1/style_presets/i/{style_preset_id}", "style_preset_id", s.svc.Presets)...)
	return rs
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
