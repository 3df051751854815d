package app

// The access rules: pure functions, one place, called by the store inside
// its transactions. Everything is denied unless a rule here allows it.

// CanManageUsers reports whether actor may list, create, change and delete
// other people's profiles.
func CanManageUsers(actor *User) bool {
	return actor != nil && actor.IsActive && actor.IsAdmin && actor.UserID != SystemUserID
}

// IsActiveAdmin reports whether u counts towards the "at least one active
// administrator" rule.
func IsActiveAdmin(u *User) bool {
	return u != nil && u.IsActive && u.IsAdmin && u.UserID != SystemUserID
}

// CheckUserChange decides whether a profile may go from before to after
// (after is nil for a deletion). activeAdmins counts the active
// administrators before the change.
func CheckUserChange(before, after *User, activeAdmins int) error {
	if before.UserID == SystemUserID {
		return Errorf(EINVALID, "The system profile belongs to Easel itself and cannot be changed.")
	}
	if IsActiveAdmin(before) && !IsActiveAdmin(after) && activeAdmins <= 1 {
		return Errorf(EINVALID, "%s is the last active administrator. Make someone else an administrator first.", before.DisplayName)
	}
	return nil
}

// BoardAccess is what one caller may do with one board, worked out from
// whether they are an admin or the owner, the board's visibility and the
// role it was shared with them (RoleNone if it was not).
type BoardAccess struct {
	Admin, Owner bool
	Role         Role
	Visibility   Visibility
}

// AccessTo works out actor's access to b, given the role b was shared with them.
func AccessTo(actor *User, b *Board, role Role) BoardAccess {
	return BoardAccess{
		Admin:      CanManageUsers(actor),
		Owner:      actor != nil && actor.UserID == b.UserID,
		Role:       role,
		Visibility: b.Visibility,
	}
}

// CanSee: see the board, list it, open its images.
func (a BoardAccess) CanSee() bool {
	return a.Admin || a.Owner || a.Role != RoleNone || a.Visibility == VisibilityShared || a.Visibility == VisibilityPublic
}

// CanAdd: add one's own images to the board, or render into it.
func (a BoardAccess) CanAdd() bool {
	return a.Admin || a.Owner || a.Role == RoleEditor || a.Visibility == VisibilityPublic
}

// CanTakeOff: take an image off the board (it becomes its owner's uncategorized).
func (a BoardAccess) CanTakeOff(ownImage bool) bool {
	return a.Admin || a.Owner || a.Role == RoleEditor || (a.Visibility == VisibilityPublic && ownImage)
}

// CanDeleteImage: delete an image on the board, file and all.
func (a BoardAccess) CanDeleteImage(ownImage bool) bool {
	return a.Admin || a.Owner || (ownImage && (a.Role == RoleEditor || a.Visibility == VisibilityPublic))
}

// CanManage: rename, archive, set visibility, share, delete the board.
func (a BoardAccess) CanManage() bool { return a.Admin || a.Owner }

// Label names the access for the UI's badge.
func (a BoardAccess) Label() string {
	switch {
	case a.Owner:
		return "owner"
	case a.Role != RoleNone:
		return string(a.Role)
	case a.Visibility == VisibilityPublic:
		return "public"
	case a.Visibility == VisibilityShared:
		return "shared"
	case a.Admin:
		return "admin"
	}
	return ""
}

// Deny returns the error for an action a does not allow: "not found" to
// whoever may not see the board, "not allowed" to whoever may.
func (a BoardAccess) Deny(what string) error {
	if !a.CanSee() {
		return ErrBoardNotFound
	}
	return Errorf(EFORBIDDEN, "You cannot %s on this board. Ask its owner for editor access.", what)
}

// CanSeeLooseImage: uncategorized images are their owner's alone (and admins').
func CanSeeLooseImage(actor *User, imageOwner string) bool {
	return CanManageUsers(actor) || (actor != nil && actor.UserID == imageOwner)
}
