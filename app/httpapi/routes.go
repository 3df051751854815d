package httpapi

import "net/http"

// route is one entry point of the API. Every route is authenticated unless
// it says public; the public list is short and a test keeps it so.
type route struct {
	method, pattern string
	public          bool
	handler         http.HandlerFunc
}

// PublicRoutes are the only routes a caller who has not signed in may use.
var PublicRoutes = []string{
	"GET /api/v1/auth/status",
	"POST /api/v1/auth/setup",
	"POST /api/v1/auth/login",
}

func (s *Server) routes() []route {
	return []route{
		{"GET", "/api/v1/auth/status", true, s.status},
		{"POST", "/api/v1/auth/setup", true, s.setup},
		{"POST", "/api/v1/auth/login", true, s.login},
		{"POST", "/api/v1/auth/logout", false, s.logout},
		{"GET", "/api/v1/auth/me", false, s.me},
		{"PATCH", "/api/v1/auth/me", false, s.updateMe},
		{"GET", "/api/v1/auth/me/preferences", false, s.preferences},
		{"PUT", "/api/v1/auth/me/preferences", false, s.setPreferences},
		{"GET", "/api/v1/auth/users", false, s.listUsers},
		{"POST", "/api/v1/auth/users", false, s.createUser},
		{"GET", "/api/v1/auth/users/{user_id}", false, s.getUser},
		{"PATCH", "/api/v1/auth/users/{user_id}", false, s.updateUser},
		{"DELETE", "/api/v1/auth/users/{user_id}", false, s.deleteUser},
		{"GET", "/api/v1/audit", false, s.auditLog},
	}
}

// Routes lists every route as "METHOD pattern" with whether it is public,
// for the test that walks them all.
func (s *Server) Routes() map[string]bool {
	out := map[string]bool{}
	for _, r := range s.routes() {
		out[r.method+" "+r.pattern] = r.public
	}
	return out
}
