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
