package app

import "context"

// SharingService is who one kind of shared thing is shared with by name,
// and the giving and taking of those roles: for its owner and admins. Each
// shareable kind's service has it (boards', with the board's own names for
// Share and Unshare); the API and the window serve them all one way.
type SharingService interface {
	ListShares(ctx context.Context, id string) ([]Share, error)
	// Share gives userID a role on the thing, or changes it.
	Share(ctx context.Context, id, userID string, role Role) (*Share, error)
	// Unshare takes userID's role away.
	Unshare(ctx context.Context, id, userID string) error
	// ShareCandidates lists the profiles it could be shared with.
	ShareCandidates(ctx context.Context, id string) ([]ProfileTile, error)
}

// LibraryAccess is the part of a thing kept in a profile's library (a
// workflow, a style preset) that says whose it is and what the caller may
// do with it, in lists and records alike.
type LibraryAccess struct {
	OwnerName  string     `json:"owner_name"`
	Visibility Visibility `json:"visibility"`
	MyRole     string     `json:"my_role"` // owner, editor, viewer, shared, public, admin
	CanChange  bool       `json:"can_change"`
	CanManage  bool       `json:"can_manage"` // share, publish, delete
}

// LibraryAccessOf is what the caller, standing to a thing of kind k as
// acc says, sees of it: owned by ownerName.
func LibraryAccessOf(k Kind, acc Access, ownerName string, vis Visibility) LibraryAccess {
	return LibraryAccess{OwnerName: ownerName, Visibility: vis, MyRole: acc.Label(),
		CanChange: acc.Can(k, ActChange), CanManage: acc.Can(k, ActManage)}
}
