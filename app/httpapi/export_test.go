package httpapi

// RouteBodies lists every route as "METHOD pattern" with the body it
// declares ("none", "json" or "file"), for the tests that walk them.
func (s *Server) RouteBodies() map[string]string {
	out := map[string]string{}
	for _, r := range s.routes() {
		out[r.method+" "+r.pattern] = [...]string{noBody: "none", jsonBody: "json", fileBody: "file"}[r.body]
	}
	return out
}
