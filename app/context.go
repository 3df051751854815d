package app

import "context"

// Actor is who is calling: a signed-in user and the session they use. The
// store re-reads the user inside every transaction; UserID is all it trusts.
type Actor struct {
	UserID    string
	SessionID string // SHA-256 of the token, hex; empty for the engine and the CLI
	User      *User  // as read when the session was checked; for display only
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying the acting user.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the acting user in ctx, or nil when nobody is signed in.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}
