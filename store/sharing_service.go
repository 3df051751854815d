package store

import (
	"context"

	"easel/app"
	"easel/store/kv"
)

// sharingService is app.SharingService for one shareable kind, written
// once: who a thing is shared with, granting and taking back roles, and
// with whom it could be shared, for its owner and admins, each step asked
// of the access table inside its transaction and audited.
type sharingService struct {
	db   *DB
	kind *sharedKind
	// head finds a thing of the kind by id (nil when there is none).
	head func(tx kv.Tx, id string) (*sharedHead, error)
	// shared and unshared are the audit actions.
	shared, unshared string
	// afterUnshare, when set, runs in the transaction of an Unshare (a
	// board gives back the images of someone who lost it).
	afterUnshare func(tx kv.Tx, id, userID string) error
}

var _ app.SharingService = sharingService{}

// manageable finds a thing the actor may share; to one who may not see
// it, it does not exist.
func (s sharingService) manageable(tx kv.Tx, actor *userRecord, id string) (*sharedHead, error) {
	h, _, err := find(tx, actor, s.kind, s.head, id, app.ActManage)
	return h, err
}

func (s sharingService) ListShares(ctx context.Context, id string) ([]app.Share, error) {
	var out []app.Share
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		h, err := s.manageable(tx, actor, id)
		if err == nil {
			out, err = s.kind.shares(tx, h.ID)
		}
		return err
	})
	sortShares(out)
	return out, err
}

func (s sharingService) Share(ctx context.Context, id, userID string, role app.Role) (*app.Share, error) {
	var out *app.Share
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		h, err := s.manageable(tx, actor, id)
		if err != nil {
			return err
		}
		target, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		if out, err = s.kind.grantTo(tx, h, target, userID, role, s.db.now()); err != nil {
			return err
		}
		return s.db.audit(tx, actor.UserID, s.shared, h.ID, userID+" as "+string(role))
	})
	return out, err
}

func (s sharingService) Unshare(ctx context.Context, id, userID string) error {
	return s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		h, err := s.manageable(tx, actor, id)
		if err != nil {
			return err
		}
		if err := s.kind.revoke(tx, h, userID); err != nil {
			return err
		}
		if s.afterUnshare != nil {
			if err := s.afterUnshare(tx, h.ID, userID); err != nil {
				return err
			}
		}
		return s.db.audit(tx, actor.UserID, s.unshared, h.ID, userID)
	})
}

// ShareCandidates lists every active profile but the thing's owner, by name.
func (s sharingService) ShareCandidates(ctx context.Context, id string) ([]app.ProfileTile, error) {
	var out []app.ProfileTile
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		h, err := s.manageable(tx, actor, id)
		if err == nil {
			out, err = shareCandidates(tx, h.Owner)
		}
		return err
	})
	return out, err
}
