package store

import (
	"context"
	"sort"
	"strings"

	"easel/app"
	"easel/store/kv"
)

// The board service's sharing is sharing's own (sharing_service.go), with
// what is the board's: images go back to their owners when someone loses a
// board they had added to.

func boardSharing(db *DB) sharingService {
	return sharingService{db: db, kind: boards, shared: app.AuditBoardShared, unshared: app.AuditBoardUnshared,
		head: headsBy(getBoard),
		afterUnshare: func(tx kv.Tx, id, userID string) error {
			b, err := getBoard(tx, id)
			if err != nil {
				return err
			}
			return returnLostImages(tx, b, userID)
		},
	}
}

// ListShares lists who a board is shared with: for its owner and admins.
func (s *BoardService) ListShares(ctx context.Context, boardID string) ([]app.Share, error) {
	return s.sharing.ListShares(ctx, boardID)
}

// ShareBoard gives userID a role on a board, or changes it: the board's
// owner or an admin.
func (s *BoardService) ShareBoard(ctx context.Context, boardID, userID string, role app.Role) (*app.Share, error) {
	return s.sharing.Share(ctx, boardID, userID, role)
}

// UnshareBoard takes userID's role on a board away: the board's owner or an admin.
func (s *BoardService) UnshareBoard(ctx context.Context, boardID, userID string) error {
	return s.sharing.Unshare(ctx, boardID, userID)
}

// ShareCandidates lists the profiles a board could be shared with: every
// active profile but its owner.
func (s *BoardService) ShareCandidates(ctx context.Context, boardID string) ([]app.ProfileTile, error) {
	return s.sharing.ShareCandidates(ctx, boardID)
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
