package desktop

import "easel/app"

// sharing is bound into the struct of each shareable kind (Boards,
// Workflows, StylePresets): who a thing is shared with by name, the same
// four methods for each.
type sharing struct {
	s *Session
	// of is the kind's sharing among the session's services.
	of func(Services) app.SharingService
}

func (x sharing) Shares(id string) ([]app.Share, error) {
	ctx, err := x.s.context()
	if err != nil {
		return nil, err
	}
	out, err := x.of(x.s.svc).ListShares(ctx, id)
	return out, toJS(err)
}

func (x sharing) Share(id, userID string, role app.Role) (*app.Share, error) {
	ctx, err := x.s.context()
	if err != nil {
		return nil, err
	}
	out, err := x.of(x.s.svc).Share(ctx, id, userID, role)
	return out, toJS(err)
}

func (x sharing) Unshare(id, userID string) error {
	ctx, err := x.s.context()
	if err != nil {
		return err
	}
	return toJS(x.of(x.s.svc).Unshare(ctx, id, userID))
}

func (x sharing) ShareCandidates(id string) ([]app.ProfileTile, error) {
	ctx, err := x.s.context()
	if err != nil {
		return nil, err
	}
	out, err := x.of(x.s.svc).ShareCandidates(ctx, id)
	return out, toJS(err)
}
