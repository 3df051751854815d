package app

// How the access table (access_table.go) is asked about boards and
// images, and the rules about profiles that are not about access: the
// last administrator, the system profile.

// CanManageUsers reports whether actor may list, create, change and delete
// other people's profiles.
func CanManageUsers(actor *User) bool {
	return Allowed(KindUser, ActManage, RelationsOf(actor, ""))
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

// Access is how one caller stands to one shared thing (a board today;
// workflows and style presets next): whether they are an admin or its
// owner, its visibility, and the role it was granted them by name
// (RoleNone if it was not). The store works it out inside its transaction;
// the access table decides what it allows.
type Access struct {
	Admin, Owner bool
	Role         Role
	Visibility   Visibility
}

// AccessTo works out actor's access to a thing owned by owner, with
// visibility vis, granted them as role.
func AccessTo(actor *User, owner string, vis Visibility, role Role) Access {
	rel := RelationsOf(actor, owner)
	return Access{Admin: rel&RelAdmin != 0, Owner: rel&RelOwner != 0, Role: role, Visibility: vis}
}

// Relations is how the caller stands to the thing.
func (a Access) Relations() Relation {
	rel := RelSignedIn
	if a.Admin {
		rel |= RelAdmin
	}
	if a.Owner {
		rel |= RelOwner
	}
	switch a.Role {
	case RoleEditor:
		rel |= RelEditor
	case RoleViewer:
		rel |= RelViewer
	}
	switch a.Visibility {
	case VisibilityShared:
		rel |= RelShared
	case VisibilityPublic:
		rel |= RelPublic
	}
	return rel
}

// Can asks the access table whether the caller may do a to this thing of kind k.
func (a Access) Can(k Kind, act Action) bool { return Allowed(k, act, a.Relations()) }

// Label names the access for the UI's badge.
func (a Access) Label() string {
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

// BoardAccess is a caller's Access to a board, with the questions asked of
// boards and of the images on them.
type BoardAccess struct{ Access }

// OnImage is how the caller stands to an image on the board: as to the
// board, and also as the image's owner when ownImage.
func (a BoardAccess) OnImage(ownImage bool) Relation {
	if ownImage {
		return a.Relations() | RelOwnItem
	}
	return a.Relations()
}

// CanSee: see the board, list it, open its images.
func (a BoardAccess) CanSee() bool { return a.Can(KindBoard, ActSee) }

// CanAdd: add one's own images to the board, or render into it.
func (a BoardAccess) CanAdd() bool { return a.Can(KindBoard, ActAdd) }

// CanTakeOff: take an image off the board (it becomes its owner's uncategorized).
func (a BoardAccess) CanTakeOff(ownImage bool) bool {
	return Allowed(KindImage, ActTakeOff, a.OnImage(ownImage))
}

// CanDeleteImage: delete an image on the board, file and all.
func (a BoardAccess) CanDeleteImage(ownImage bool) bool {
	return Allowed(KindImage, ActDelete, a.OnImage(ownImage))
}

// CanManage: rename, archive, set visibility, share, delete the board.
func (a BoardAccess) CanManage() bool { return a.Can(KindBoard, ActManage) }

// CanSeeLooseImage: uncategorized images are their owner's alone (and admins').
func CanSeeLooseImage(actor *User, imageOwner string) bool {
	return Allowed(KindLooseImage, ActSee, RelationsOf(actor, imageOwner))
}
