package store

import (
	"context"
	"sort"
	"strings"

	"easel/app"
	"easel/store/kv"
)

// ListShares lists who a board is shared with: for its owner and admins.
func (s *BoardService) ListShares(ctx context.Context, boardID string) ([]app.Share, error) {
	out := []app.Share{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, err := manageable(tx, actor, boardID)
		if err != nil {
			return err
		}
		users := newNames(tx)
		return eachShare(tx, b.ID, func(userID string, sh shareRecord) error {
			out = append(out, app.Share{UserID: userID, DisplayName: users.of(userID), Role: sh.Role, SharedAt: sh.At})
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].DisplayName) < strings.ToLower(out[j].DisplayName) })
	return out, err
}

// ShareBoard gives userID a role on a board, or changes it: the board's
// owner or an admin.
func (s *BoardService) ShareBoard(ctx context.Context, boardID, userID string, role app.Role) (*app.Share, error) {
	if role != app.RoleViewer && role != app.RoleEditor {
		return nil, app.Errorf(app.EINVALID, "The role must be viewer or editor, not %q.", role)
	}
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
		switch {
		case userID == app.SystemUserID:
			return app.Errorf(app.EINVALID, "Boards cannot be shared with the system profile.")
		case target == nil:
			return app.Errorf(app.EINVALID, "There is no profile with the id %q to share with.", userID)
		case userID == b.Owner:
			return app.Errorf(app.EINVALID, "%s owns this board already.", target.DisplayName)
		}
		sh := shareRecord{Role: role, At: s.db.now()}
		if err := tx.Bucket(bucketShares).Put(shareKey(b.ID, userID), encodeShare(sh)); err != nil {
			return err
		}
		if err := putIndex(tx, bucketSharesByUser, prefixed(userID, b.Seq), shareIndexValue(b, role), false); err != nil {
			return err
		}
		out = &app.Share{UserID: userID, DisplayName: target.DisplayName, Role: role, SharedAt: sh.At}
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
		if roleOf(tx, b.ID, userID) == app.RoleNone {
			return app.Errorf(app.ENOTFOUND, "This board is not shared with that profile.")
		}
		if err := unshareTx(tx, b, userID); err != nil {
			return err
		}
		if err := returnLostImages(tx, b, userID); err != nil {
			return err
		}
		return s.db.audit(tx, actor.UserID, app.AuditBoardUnshared, b.ID, userID)
	})
}

func unshareTx(tx kv.Tx, b *boardRecord, userID string) error {
	if err := tx.Bucket(bucketShares).Delete(shareKey(b.ID, userID)); err != nil {
		return err
	}
	return putIndex(tx, bucketSharesByUser, prefixed(userID, b.Seq), nil, true)
}

// ShareCandidates lists the profiles a board could be shared with: every
// active profile but its owner.
func (s *BoardService) ShareCandidates(ctx context.Context, boardID string) ([]app.ProfileTile, error) {
	out := []app.ProfileTile{}
	err := s.db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		b, err := manageable(tx, actor, boardID)
		if err != nil {
			return err
		}
		return eachUser(tx, func(u *userRecord) error {
			if u.IsActive && u.UserID != b.Owner {
				out = append(out, u.Tile())
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].DisplayName) < strings.ToLower(out[j].DisplayName) })
	return out, err
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

// removeUserShares takes away every share a deleted user had.
func removeUserShares(tx kv.Tx, userID string) error {
	prefix := rangePrefix(userID)
	c := tx.Bucket(bucketSharesByUser).Cursor()
	var boards []string
	for k, v := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
		id, _ := parseIndexValue(v)
		boards = append(boards, id)
	}
	for _, id := range boards {
		b, err := getBoard(tx, id)
		if err != nil {
			return err
		}
		if b != nil {
			if err := unshareTx(tx, b, userID); err != nil {
				return err
			}
		}
	}
	return nil
}
