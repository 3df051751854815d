package store

import (
	"context"
	"sort"
	"strings"

	"easel/app"
	"easel/store/kv"
)

// The board service's sharing: the generic grants (sharing.go), with what
// is the board's own — its audit entries, and images that go back to their
// owners when someone loses a board they had added to.

// ListShares lists who a board is shared with: for its owner and admins.
func (s *BoardService) ListShares(ctx context.Context, boardID string) ([]app.Share, error) {
	var out []app.Share
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, err := manageable(tx, actor, boardID)
		if err != nil {
			return err
		}
		out, err = boards.shares(tx, b.ID)
		return err
	})
	sortShares(out)
	return out, err
}

// ShareBoard gives userID a role on a board, or changes it: the board's
// owner or an admin.
func (s *BoardService) ShareBoard(ctx context.Context, boardID, userID string, role app.Role) (*app.Share, error) {
	var out *app.Share
	err := s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, err := manageable(tx, actor, boardID)
		if err != nil {
			return err
		}
		target, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		if out, err = boards.grantTo(tx, &b.sharedHead, target, userID, role, s.db.now()); err != nil {
			return err
		}
		return s.db.audit(tx, actor.UserID, app.AuditBoardShared, b.ID, userID+" as "+string(role))
	})
	return out, err
}

// UnshareBoard takes userID's role on a board away: the board's owner or an admin.
func (s *BoardService) UnshareBoard(ctx context.Context, boardID, userID string) error {
	return s.db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, err := manageable(tx, actor, boardID)
		if err != nil {
			return err
		}
		if err := boards.revoke(tx, &b.sharedHead, userID); err != nil {
			return err
		}
		if err := returnLostImages(tx, b, userID); err != nil {
			return err
		}
		return s.db.audit(tx, actor.UserID, app.AuditBoardUnshared, b.ID, userID)
	})
}

// ShareCandidates lists the profiles a board could be shared with: every
// active profile but its owner.
func (s *BoardService) ShareCandidates(ctx context.Context, boardID string) ([]app.ProfileTile, error) {
	var out []app.ProfileTile
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, err := manageable(tx, actor, boardID)
		if err != nil {
			return err
		}
		out, err = shareCandidates(tx, b.Owner)
		return err
	})
	return out, err
}

// shareCandidates lists every active profile but owner, by name.
func shareCandidates(tx kv.Tx, owner string) ([]app.ProfileTile, error) {
	out := []app.ProfileTile{}
	err := eachUser(tx, func(u *userRecord) error {
		if u.IsActive && u.UserID != owner {
			out = append(out, u.Tile())
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].DisplayName) < strings.ToLower(out[j].DisplayName) })
	return out, err
}

func sortShares(shares []app.Share) {
	sort.Slice(shares, func(i, j int) bool {
		return strings.ToLower(shares[i].DisplayName) < strings.ToLower(shares[j].DisplayName)
	})
}

// manageable finds a board the actor may manage (share, rename, delete).
func manageable(tx kv.Tx, actor *userRecord, boardID string) (*boardRecord, error) {
	b, acc, err := boardAccess(tx, actor, boardID)
	if err != nil {
		return nil, err
	}
	if !acc.CanManage() {
		return nil, app.Errorf(app.EFORBIDDEN, "Only the board's owner can choose who has access to it.")
	}
	return b, nil
}
