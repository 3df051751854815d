package app

import (
	"context"
	"time"
)

// Session lifetimes: a sign-in lasts a day, or a week with "remember me".
const (
	SessionLifetime    = 24 * time.Hour
	RememberedLifetime = 7 * 24 * time.Hour
)

// Credentials are what a person types to sign in. The window's login screen
// names the profile by UserID (from its tile); everyone else uses Email.
type Credentials struct {
	Email      string `json:"email"`
	UserID     string `json:"user_id,omitempty"`
	Password   string `json:"password"`
	RememberMe bool   `json:"remember_me"`
}

// Login is a successful sign-in. Token is shown to the caller once and stored
// only as its SHA-256.
type Login struct {
	Token     string        `json:"token"`
	User      *User         `json:"user"`
	ExpiresIn time.Duration `json:"-"`
}

// AuthService signs people in and out and resolves tokens to users.
type AuthService interface {
	Login(ctx context.Context, c Credentials) (*Login, error)
	// Authenticate resolves a token to its live session. The user is read from
	// the store on every call, so a disabled, deleted or demoted user loses
	// access at once.
	Authenticate(ctx context.Context, token string) (*Actor, error)
	// Logout revokes the session in ctx.
	Logout(ctx context.Context) error
}
