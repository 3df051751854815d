package app

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SystemUserID owns data from before profiles existed and built-in defaults.
// It cannot sign in, and nobody can change it.
const SystemUserID = "system"

// User is a profile on this machine.
type User struct {
	UserID      string     `json:"user_id"`
	Email       string     `json:"email"`
	DisplayName string     `json:"display_name"`
	IsAdmin     bool       `json:"is_admin"`
	IsActive    bool       `json:"is_active"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

// ProfileTile is what the window's login screen shows of a profile: enough to
// pick yourself out, nothing more (no email, no role).
type ProfileTile struct {
	UserID      string `json:"user_id"`
	DisplayName string `json:"display_name"`
	Initial     string `json:"initial"`
	Color       string `json:"color"`
}

// NewUser is what an admin fills in to create a profile.
type NewUser struct {
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	IsAdmin     bool   `json:"is_admin"`
}

// UserUpdate is an admin's change to a profile; nil fields stay as they are.
type UserUpdate struct {
	DisplayName *string `json:"display_name"`
	Password    *string `json:"password"`
	IsAdmin     *bool   `json:"is_admin"`
	IsActive    *bool   `json:"is_active"`
}

// ProfileUpdate is a user's change to their own profile. A new password needs
// the current one.
type ProfileUpdate struct {
	DisplayName     *string `json:"display_name"`
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

// Preferences are a user's own settings.
type Preferences struct {
	// IdleLockMinutes locks the window after this long without input; 0 never locks.
	IdleLockMinutes int `json:"idle_lock_minutes"`
}

// DefaultPreferences apply until a user changes them.
var DefaultPreferences = Preferences{IdleLockMinutes: 15}

// MaxIdleLockMinutes bounds the idle lock to a working day.
const MaxIdleLockMinutes = 480

// Validate checks preferences a user is about to save.
func (p Preferences) Validate() error {
	if p.IdleLockMinutes < 0 || p.IdleLockMinutes > MaxIdleLockMinutes {
		return Errorf(EINVALID, "Idle lock must be between 0 (never) and %d minutes.", MaxIdleLockMinutes)
	}
	return nil
}

// UserPage is one page of profiles.
type UserPage = Page[*User]

// UserService manages profiles. Every method acts as the user in ctx.
type UserService interface {
	// SetupRequired reports whether the first administrator is still missing.
	SetupRequired(ctx context.Context) (bool, error)
	// Setup creates the first administrator; it works once.
	Setup(ctx context.Context, u NewUser) (*User, error)
	// ProfileTiles lists the profiles that may sign in, for the window's login screen.
	ProfileTiles(ctx context.Context) ([]ProfileTile, error)

	Me(ctx context.Context) (*User, error)
	UpdateMe(ctx context.Context, upd ProfileUpdate) (*User, error)
	Preferences(ctx context.Context) (Preferences, error)
	SetPreferences(ctx context.Context, p Preferences) (Preferences, error)

	// Admin only.
	// ListUsers lists a page of the profiles but system, oldest first.
	ListUsers(ctx context.Context, r PageRequest) (*UserPage, error)
	FindUser(ctx context.Context, userID string) (*User, error)
	CreateUser(ctx context.Context, u NewUser) (*User, error)
	UpdateUser(ctx context.Context, userID string, upd UserUpdate) (*User, error)
	DeleteUser(ctx context.Context, userID string) error
}

// MaxEmailLen is the longest email address, in bytes.
const MaxEmailLen = 254

const maxDisplayNameLen = 100

// NormalizeEmail trims and lower-cases an email so that lookups ignore case.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// ValidateEmail checks a normalized email address.
func ValidateEmail(email string) error {
	if email == "" {
		return Errorf(EINVALID, "Enter an email address.")
	}
	if len(email) > MaxEmailLen {
		return Errorf(EINVALID, "That email address is too long (at most %d characters).", MaxEmailLen)
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return Errorf(EINVALID, "%q is not an email address.", email)
	}
	return nil
}

// CleanDisplayName trims a display name and checks it.
func CleanDisplayName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Errorf(EINVALID, "Enter a display name.")
	}
	if utf8.RuneCountInString(name) > maxDisplayNameLen {
		return "", Errorf(EINVALID, "Display names are at most %d characters.", maxDisplayNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", Errorf(EINVALID, "Display names cannot contain control characters.")
		}
	}
	return name, nil
}

// Tile returns the login-screen tile of u.
func (u *User) Tile() ProfileTile {
	initial, _ := utf8.DecodeRuneInString(u.DisplayName)
	return ProfileTile{
		UserID:      u.UserID,
		DisplayName: u.DisplayName,
		Initial:     strings.ToUpper(string(initial)),
		Color:       tileColor(u.UserID),
	}
}

// tileColors are distinct, readable behind white text.
var tileColors = []string{"#c2410c", "#b45309", "#15803d", "#0f766e", "#0369a1", "#4338ca", "#7e22ce", "#be185d"}

func tileColor(id string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * 16777619
	}
	return tileColors[h%uint32(len(tileColors))]
}
