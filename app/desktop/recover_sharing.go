package desktop

import (
	"context"

	"easel/app"
)

// guardedSharing wraps a kind's sharing (see recover.go): the one set of
// wrappers for every SharingService.
type guardedSharing struct {
	app.SharingService
	s    *Session
	kind string // for the log: "Library", "Presets"
}

func (g guardedSharing) ListShares(ctx context.Context, id string) (_ []app.Share, err error) {
	defer g.s.recoverPanic(g.kind+".ListShares", &err)
	return g.SharingService.ListShares(ctx, id)
}

func (g guardedSharing) Share(ctx context.Context, id, userID string, role app.Role) (_ *app.Share, err error) {
	defer g.s.recoverPanic(g.kind+".Share", &err)
	return g.SharingService.Share(ctx, id, userID, role)
}

func (g guardedSharing) Unshare(ctx context.Context, id, userID string) (err error) {
	defer g.s.recoverPanic(g.kind+".Unshare", &err)
	return g.SharingService.Unshare(ctx, id, userID)
}

func (g guardedSharing) ShareCandidates(ctx context.Context, id string) (_ []app.ProfileTile, err error) {
	defer g.s.recoverPanic(g.kind+".ShareCandidates", &err)
	return g.SharingService.ShareCandidates(ctx, id)
}
