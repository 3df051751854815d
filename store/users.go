package store

import (
	"context"
	"encoding/binary"
	"sort"
	"strings"

	"easel/app"

	"easel/store/kv"
	"github.com/google/uuid"
)

// UserService manages profiles.
type UserService struct{ db *DB }

// NewUserService returns the profile service of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ app.UserService = (*UserService)(nil)

// SetupRequired reports whether no active administrator exists yet.
func (s *UserService) SetupRequired(ctx context.Context) (bool, error) {
	var n int
	err := s.db.view(func(tx kv.Tx) (err error) {
		n, err = countActiveAdmins(tx)
		return err
	})
	return n == 0, err
}

// Setup creates the first administrator. The check and the insert share one
// write transaction, so of two setups racing exactly one wins.
func (s *UserService) Setup(ctx context.Context, nu app.NewUser) (*app.User, error) {
	nu.IsAdmin = true
	rec, err := newUserRecord(nu)
	if err != nil {
		return nil, err
	}
	err = s.db.update(func(tx kv.Tx) error {
		n, err := countActiveAdmins(tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.EINVALID, "Easel is already set up. Sign in, or ask an administrator for a profile.")
		}
		if err := s.db.insertUser(tx, rec); err != nil {
			return err
		}
		return s.db.audit(tx, rec.UserID, app.AuditSetup, rec.UserID, rec.Email)
	})
	if err != nil {
		return nil, err
	}
	return &rec.User, nil
}

// ProfileTiles lists the active profiles by name, for the window's
// login screen. Only the window offers it: it shows names, never emails.
func (s *UserService) ProfileTiles(ctx context.Context) ([]app.ProfileTile, error) {
	var users []*app.User
	err := s.db.view(func(tx kv.Tx) error {
		return eachUser(tx, func(u *userRecord) error {
			if u.IsActive {
				users = append(users, &u.User)
			}
			return nil
		})
	})
	sort.SliceStable(users, func(i, j int) bool {
		return strings.ToLower(users[i].DisplayName) < strings.ToLower(users[j].DisplayName)
	})
	tiles := make([]app.ProfileTile, 0, len(users))
	for _, u := range users {
		tiles = append(tiles, u.Tile())
	}
	return tiles, err
}

// Me returns the signed-in user.
func (s *UserService) Me(ctx context.Context) (*app.User, error) {
	var me *app.User
	err := s.db.read(ctx, func(tx kv.Tx, u *userRecord) error {
		me = &u.User
		return nil
	})
	return me, err
}

// UpdateMe changes the signed-in user's name or password. A password change
// needs the current password and signs out the user's other sessions.
func (s *UserService) UpdateMe(ctx context.Context, upd app.ProfileUpdate) (*app.User, error) {
	var name string
	if upd.DisplayName != nil {
		var err error
		if name, err = app.CleanDisplayName(*upd.DisplayName); err != nil {
			return nil, err
		}
	}
	var checkedHash, newHash string
	if upd.NewPassword != nil {
		if err := app.ValidatePassword(*upd.NewPassword); err != nil {
			return nil, err
		}
		if upd.CurrentPassword == nil || *upd.CurrentPassword == "" {
			return nil, app.Errorf(app.EINVALID, "Enter your current password to set a new one.")
		}
		var err error
		if checkedHash, err = s.db.checkCurrentPassword(ctx, *upd.CurrentPassword); err != nil {
			return nil, err
		}
		if newHash, err = app.HashPassword(*upd.NewPassword); err != nil {
			return nil, err
		}
	}
	var out *app.User
	err := s.db.write(ctx, func(tx kv.Tx, u *userRecord) error {
		if upd.DisplayName != nil {
			u.DisplayName = name
		}
		if newHash != "" {
			if u.PasswordHash != checkedHash {
				return app.Errorf(app.ECONFLICT, "Your password was changed meanwhile. Sign in again.")
			}
			u.PasswordHash = newHash
			if err := revokeSessions(tx, u.UserID, app.ActorFromContext(ctx).SessionID); err != nil {
				return err
			}
			if err := s.db.audit(tx, u.UserID, app.AuditPasswordChange, u.UserID, ""); err != nil {
				return err
			}
		}
		u.UpdatedAt = s.db.now()
		out = &u.User
		return putUser(tx, u)
	})
	return out, err
}

// Preferences returns the signed-in user's settings.
func (s *UserService) Preferences(ctx context.Context) (app.Preferences, error) {
	p := app.DefaultPreferences
	err := s.db.read(ctx, func(tx kv.Tx, u *userRecord) error {
		_, err := getJSON(tx.Bucket(bucketPrefs), []byte(u.UserID), &p)
		return err
	})
	return p, err
}

// SetPreferences saves the signed-in user's settings.
func (s *UserService) SetPreferences(ctx context.Context, p app.Preferences) (app.Preferences, error) {
	if err := p.Validate(); err != nil {
		return app.Preferences{}, err
	}
	err := s.db.write(ctx, func(tx kv.Tx, u *userRecord) error {
		return putJSON(tx.Bucket(bucketPrefs), []byte(u.UserID), p)
	})
	return p, err
}

// ListUsers lists a page of the profiles but system, oldest first (by
// when they were made, then by email). Admins only.
func (s *UserService) ListUsers(ctx context.Context, req app.PageRequest) (*app.UserPage, error) {
	page := app.NewPage[*app.User](req)
	err := s.db.readAs(ctx, app.KindUser, app.ActManage, func(tx kv.Tx, _ *userRecord) error {
		byID := map[string]*app.User{}
		var keys, ids [][]byte
		err := eachUser(tx, func(u *userRecord) error {
			byID[u.UserID] = &u.User
			keys = append(keys, userOrderKey(&u.User))
			ids = append(ids, []byte(u.UserID))
			return nil
		})
		if err != nil {
			return err
		}
		page.Total = len(keys)
		w := pageWalk{req: req, total: page.Total}
		page.NextCursor, err = w.walk(newSortedCursor(keys, ids), func(_, id []byte) error {
			page.Items = append(page.Items, byID[string(id)])
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// userOrderKey orders profiles as listings show them: oldest first, then by
// email (which is unique).
func userOrderKey(u *app.User) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(u.CreatedAt.UnixNano())), u.Email...)
}

// FindUser returns one profile. Admins only.
func (s *UserService) FindUser(ctx context.Context, userID string) (*app.User, error) {
	var out *app.User
	err := s.db.readAs(ctx, app.KindUser, app.ActManage, func(tx kv.Tx, _ *userRecord) error {
		u, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		if u == nil || userID == app.SystemUserID {
			return app.ErrUserNotFound
		}
		out = &u.User
		return nil
	})
	return out, err
}

// CreateUser adds a profile. Admins only.
func (s *UserService) CreateUser(ctx context.Context, nu app.NewUser) (*app.User, error) {
	rec, err := newUserRecord(nu)
	if err != nil {
		return nil, err
	}
	err = s.db.writeAs(ctx, app.KindUser, app.ActManage, func(tx kv.Tx, admin *userRecord) error {
		if err := s.db.insertUser(tx, rec); err != nil {
			return err
		}
		return s.db.audit(tx, admin.UserID, app.AuditUserCreated, rec.UserID, rec.Email)
	})
	if err != nil {
		return nil, err
	}
	return &rec.User, nil
}

// UpdateUser changes a profile. Admins only; never the system profile, and
// never so that no active administrator is left. A new password or
// disabling signs the user out everywhere; a demotion needs no sign-out, as
// roles are read afresh on every call.
func (s *UserService) UpdateUser(ctx context.Context, userID string, upd app.UserUpdate) (*app.User, error) {
	var name, hash string
	var err error
	if upd.DisplayName != nil {
		if name, err = app.CleanDisplayName(*upd.DisplayName); err != nil {
			return nil, err
		}
	}
	if upd.Password != nil {
		if err := app.ValidatePassword(*upd.Password); err != nil {
			return nil, err
		}
		if hash, err = app.HashPassword(*upd.Password); err != nil {
			return nil, err
		}
	}
	var out *app.User
	err = s.db.writeAs(ctx, app.KindUser, app.ActManage, func(tx kv.Tx, admin *userRecord) error {
		before, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		if before == nil {
			return app.ErrUserNotFound
		}
		after := *before
		if upd.DisplayName != nil {
			after.DisplayName = name
		}
		if upd.IsAdmin != nil {
			after.IsAdmin = *upd.IsAdmin
		}
		if upd.IsActive != nil {
			after.IsActive = *upd.IsActive
		}
		if hash != "" {
			after.PasswordHash = hash
		}
		n, err := countActiveAdmins(tx)
		if err != nil {
			return err
		}
		if err := app.CheckUserChange(&before.User, &after.User, n); err != nil {
			return err
		}
		if hash != "" || !after.IsActive {
			if err := revokeSessions(tx, userID, ""); err != nil {
				return err
			}
		}
		if hash != "" {
			// A reset password also lifts the wrong-password throttle.
			if err := tx.Bucket(bucketLoginFailures).Delete([]byte(after.Email)); err != nil {
				return err
			}
		}
		after.UpdatedAt = s.db.now()
		if err := putUser(tx, &after); err != nil {
			return err
		}
		out = &after.User
		return s.db.audit(tx, admin.UserID, app.AuditUserUpdated, userID, describeUpdate(upd))
	})
	return out, err
}

// DeleteUser removes a profile and its sessions. Its data stays, owned by
// its user_id and visible to admins. Admins only.
func (s *UserService) DeleteUser(ctx context.Context, userID string) error {
	return s.db.writeAs(ctx, app.KindUser, app.ActManage, func(tx kv.Tx, admin *userRecord) error {
		u, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		if u == nil {
			return app.ErrUserNotFound
		}
		n, err := countActiveAdmins(tx)
		if err != nil {
			return err
		}
		if err := app.CheckUserChange(&u.User, nil, n); err != nil {
			return err
		}
		if err := revokeSessions(tx, userID, ""); err != nil {
			return err
		}
		if err := removeUserShares(tx, userID); err != nil {
			return err
		}
		if err := forgetModelUser(tx, userID); err != nil {
			return err
		}
		for _, del := range []struct {
			bucket []byte
			key    string
		}{{bucketUsers, userID}, {bucketUsersByEmail, u.Email}, {bucketPrefs, userID}, {bucketLoginFailures, u.Email}, {bucketUserNames, userID}} {
			if err := tx.Bucket(del.bucket).Delete([]byte(del.key)); err != nil {
				return err
			}
		}
		return s.db.audit(tx, admin.UserID, app.AuditUserDeleted, userID, u.Email)
	})
}

// ResetPassword sets a new password for the profile with this email, enables
// it and signs it out everywhere. It needs no signed-in user: it is for the
// `easel admin reset-password` command, which only someone who can open the
// data folder can run.
func (db *DB) ResetPassword(email, password string) (*app.User, error) {
	if err := app.ValidatePassword(password); err != nil {
		return nil, err
	}
	hash, err := app.HashPassword(password)
	if err != nil {
		return nil, err
	}
	var out *app.User
	err = db.update(func(tx kv.Tx) error {
		id := userIDByEmail(tx, email)
		u, err := getUser(tx, id)
		if err != nil {
			return err
		}
		if u == nil || id == app.SystemUserID {
			return app.Errorf(app.ENOTFOUND, "No profile has the email %q.", app.NormalizeEmail(email))
		}
		u.PasswordHash, u.IsActive, u.UpdatedAt = hash, true, db.now()
		if err := revokeSessions(tx, u.UserID, ""); err != nil {
			return err
		}
		if err := tx.Bucket(bucketLoginFailures).Delete([]byte(u.Email)); err != nil {
			return err
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		out = &u.User
		return db.audit(tx, "", app.AuditPasswordReset, u.UserID, "from the command line")
	})
	return out, err
}

// newUserRecord validates a new profile and hashes its password, before any
// transaction is opened.
func newUserRecord(nu app.NewUser) (*userRecord, error) {
	email := app.NormalizeEmail(nu.Email)
	if err := app.ValidateEmail(email); err != nil {
		return nil, err
	}
	if strings.TrimSpace(nu.DisplayName) == "" {
		nu.DisplayName, _, _ = strings.Cut(email, "@")
	}
	name, err := app.CleanDisplayName(nu.DisplayName)
	if err != nil {
		return nil, err
	}
	if err := app.ValidatePassword(nu.Password); err != nil {
		return nil, err
	}
	hash, err := app.HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	return &userRecord{
		User:         app.User{UserID: uuid.NewString(), Email: email, DisplayName: name, IsAdmin: nu.IsAdmin, IsActive: true},
		PasswordHash: hash,
	}, nil
}

func (db *DB) insertUser(tx kv.Tx, u *userRecord) error {
	if userIDByEmail(tx, u.Email) != "" {
		return app.Errorf(app.ECONFLICT, "A profile with the email %s already exists.", u.Email)
	}
	now := db.now()
	u.CreatedAt, u.UpdatedAt = now, now
	if err := tx.Bucket(bucketUsersByEmail).Put([]byte(u.Email), []byte(u.UserID)); err != nil {
		return err
	}
	return putUser(tx, u)
}

func sortUsers(users []*app.User) {
	sort.SliceStable(users, func(i, j int) bool {
		if !users[i].CreatedAt.Equal(users[j].CreatedAt) {
			return users[i].CreatedAt.Before(users[j].CreatedAt)
		}
		return users[i].Email < users[j].Email
	})
}

// describeUpdate says in the audit log what an admin changed, never the password itself.
func describeUpdate(upd app.UserUpdate) string {
	var parts []string
	if upd.DisplayName != nil {
		parts = append(parts, "display_name")
	}
	if upd.Password != nil {
		parts = append(parts, "password")
	}
	if upd.IsAdmin != nil {
		parts = append(parts, map[bool]string{true: "promoted", false: "demoted"}[*upd.IsAdmin])
	}
	if upd.IsActive != nil {
		parts = append(parts, map[bool]string{true: "enabled", false: "disabled"}[*upd.IsActive])
	}
	return strings.Join(parts, ", ")
}
