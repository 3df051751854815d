package desktop

import "easel/app"

// Auth is bound into the window: setup, sign-in and the signed-in user's own profile.
type Auth struct{ s *Session }

// Users is bound into the window: profile management for admins.
type Users struct{ s *Session }

// Bindings returns the structs to list in Wails' Bind.
func (s *Session) Bindings() []any {
	return []any{&Auth{s}, &Users{s},
		&Boards{s, sharing{s, func(svc Services) app.SharingService { return app.BoardSharing(svc.Boards) }}},
		&Images{s}, &Queue{s}, &Settings{s},
		&Workflows{s, sharing{s, func(svc Services) app.SharingService { return svc.Library }}},
		&StylePresets{s, sharing{s, func(svc Services) app.SharingService { return svc.Presets }}},
		&Generation{s}}
}

// PublicMethods are the only bound methods that work without a session.
var PublicMethods = []string{"Auth.Status", "Auth.Setup", "Auth.ProfileTiles", "Auth.Login"}

// Status says whether the first administrator still has to be created.
type Status struct {
	SetupRequired    bool `json:"setup_required"`
	MultiuserEnabled bool `json:"multiuser_enabled"`
}

func (a *Auth) Status() (Status, error) {
	required, err := a.s.svc.Users.SetupRequired(a.s.base)
	return Status{SetupRequired: required, MultiuserEnabled: true}, toJS(err)
}

func (a *Auth) Setup(nu app.NewUser) (*app.User, error) {
	u, err := a.s.svc.Users.Setup(a.s.base, nu)
	return u, toJS(err)
}

func (a *Auth) ProfileTiles() ([]app.ProfileTile, error) {
	tiles, err := a.s.svc.Users.ProfileTiles(a.s.base)
	return tiles, toJS(err)
}

// Login signs the window in; the token stays in Go.
func (a *Auth) Login(c app.Credentials) (*app.User, error) {
	l, err := a.s.svc.Auth.Login(a.s.base, c)
	if err != nil {
		return nil, toJS(err)
	}
	a.s.signIn(l)
	return l.User, nil
}

// Logout signs the window out.
func (a *Auth) Logout() error {
	if _, err := a.s.context(); err != nil {
		return err
	}
	a.s.signOut()
	return nil
}

// Lock signs the window out at once, as the idle lock would.
func (a *Auth) Lock() error { return a.Logout() }

// Touch tells the idle lock that the person is still there: the page sends
// it on real input (pointer, keys), never on its own.
func (a *Auth) Touch() error {
	if _, err := a.s.context(); err != nil {
		return err
	}
	a.s.touched()
	return nil
}

func (a *Auth) Me() (*app.User, error) {
	ctx, err := a.s.context()
	if err != nil {
		return nil, err
	}
	u, err := a.s.svc.Users.Me(ctx)
	return u, toJS(err)
}

func (a *Auth) UpdateMe(upd app.ProfileUpdate) (*app.User, error) {
	ctx, err := a.s.context()
	if err != nil {
		return nil, err
	}
	u, err := a.s.svc.Users.UpdateMe(ctx, upd)
	return u, toJS(err)
}

func (a *Auth) Preferences() (app.Preferences, error) {
	ctx, err := a.s.context()
	if err != nil {
		return app.Preferences{}, err
	}
	p, err := a.s.svc.Users.Preferences(ctx)
	return p, toJS(err)
}

func (a *Auth) SetPreferences(p app.Preferences) (app.Preferences, error) {
	ctx, err := a.s.context()
	if err != nil {
		return app.Preferences{}, err
	}
	p, err = a.s.svc.Users.SetPreferences(ctx, p)
	if err == nil {
		a.s.setIdle(p.IdleLockMinutes)
	}
	return p, toJS(err)
}

func (u *Users) List() ([]*app.User, error) {
	ctx, err := u.s.context()
	if err != nil {
		return nil, err
	}
	users, err := app.All(func(r app.PageRequest) (*app.UserPage, error) { return u.s.svc.Users.ListUsers(ctx, r) })
	return users, toJS(err)
}

func (u *Users) Create(nu app.NewUser) (*app.User, error) {
	ctx, err := u.s.context()
	if err != nil {
		return nil, err
	}
	out, err := u.s.svc.Users.CreateUser(ctx, nu)
	return out, toJS(err)
}

func (u *Users) Update(userID string, upd app.UserUpdate) (*app.User, error) {
	ctx, err := u.s.context()
	if err != nil {
		return nil, err
	}
	out, err := u.s.svc.Users.UpdateUser(ctx, userID, upd)
	return out, toJS(err)
}

func (u *Users) Delete(userID string) error {
	ctx, err := u.s.context()
	if err != nil {
		return err
	}
	return toJS(u.s.svc.Users.DeleteUser(ctx, userID))
}
