package httpapi

import "time"

// RouteBodies lists every route as "METHOD pattern" with the body it
// declares ("none", "json" or "file"), for the tests that walk them.
func (s *Server) RouteBodies() map[string]string {
	out := map[string]string{}
	for _, r := range s.routes() {
		out[r.method+" "+r.pattern] = [...]string{noBody: "none", jsonBody: "json", fileBody: "file"}[r.body]
	}
	return out
}

// SetSessionRecheck makes event streams check their session every d until
// the test ends, so a test can tell an at-once answer from the periodic one.
func SetSessionRecheck(t interface{ Cleanup(func()) }, d time.Duration) {
	was := sessionRecheck
	sessionRecheck = d
	t.Cleanup(func() { sessionRecheck = was })
}
