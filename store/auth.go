package store

import (
	"context"
	"time"

	"easel/app"
	"easel/store/kv"
)

// AuthService signs people in and out.
type AuthService struct{ db *DB }

// NewAuthService returns the sign-in service of db.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

var _ app.AuthService = (*AuthService)(nil)

// Login checks the credentials and opens a session. The password is checked
// outside any transaction (argon2id takes tens of milliseconds); the
// throttle is checked again in the write transaction, so parallel guesses
// cannot slip past it.
func (s *AuthService) Login(ctx context.Context, c app.Credentials) (*app.Login, error) {
	db := s.db
	if len(c.Email) > app.MaxEmailLen || len(c.UserID) > app.MaxEmailLen || len(c.Password) > 4*app.MaxPasswordLen {
		return nil, app.ErrBadCredentials // nothing that long exists; and it would not fit a key
	}
	var hash, email string
	err := db.view(func(tx kv.Tx) error {
		u, err := findLoginUser(tx, c)
		if err != nil || u == nil {
			email = app.NormalizeEmail(c.Email)
			if email == "" {
				email = "id:" + c.UserID
			}
			return err
		}
		hash, email = u.PasswordHash, u.Email
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := db.view(func(tx kv.Tx) error { return db.checkThrottle(tx, email) }); err != nil {
		return nil, err
	}

	ok := hash != "" && app.CheckPassword(hash, c.Password)
	if hash == "" {
		app.BurnPasswordCheck(c.Password)
	}

	token, sessionID, err := app.NewToken()
	if err != nil {
		return nil, err
	}
	lifetime := app.SessionLifetime
	if c.RememberMe {
		lifetime = app.RememberedLifetime
	}
	var user *app.User
	err = db.update(func(tx kv.Tx) error {
		if err := db.checkThrottle(tx, email); err != nil {
			return err
		}
		u, err := findLoginUser(tx, c)
		if err != nil {
			return err
		}
		// The hash must be the one checked: a password changed meanwhile wins.
		if !ok || u == nil || u.PasswordHash != hash {
			return db.loginFailed(tx, email, u)
		}
		if !u.IsActive {
			return app.ErrAccountDisabled
		}
		if err := tx.Bucket(bucketLoginFailures).Delete([]byte(email)); err != nil {
			return err
		}
		now := db.now()
		u.LastLoginAt = &now
		if err := putUser(tx, u); err != nil {
			return err
		}
		if err := db.createSession(tx, u.UserID, sessionID, lifetime); err != nil {
			return err
		}
		user = &u.User
		return db.audit(tx, u.UserID, app.AuditLogin, u.UserID, "")
	})
	if err != nil {
		return nil, err
	}
	return &app.Login{Token: token, User: user, ExpiresIn: lifetime}, nil
}

// findLoginUser finds the profile named by c; nil when there is none. The
// system profile has no password and so never matches.
func findLoginUser(tx kv.Tx, c app.Credentials) (*userRecord, error) {
	id := c.UserID
	if id == "" {
		id = userIDByEmail(tx, c.Email)
	}
	if id == "" || id == app.SystemUserID {
		return nil, nil
	}
	return getUser(tx, id)
}

func (db *DB) checkThrottle(tx kv.Tx, email string) error {
	var f failureRecord
	if _, err := getJSON(tx.Bucket(bucketLoginFailures), []byte(email), &f); err != nil {
		return err
	}
	wait := f.Last.Add(app.LoginDelay(f.Count)).Sub(db.now())
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return &app.Error{Code: app.ETOOMANY, RetryAfter: time.Duration(secs) * time.Second,
			Message: "Too many wrong passwords. Try again in a moment."}
	}
	return nil
}

// loginFailed counts a failure and records it, then returns the one error
// that does not tell a wrong email from a wrong password. It commits the
// count: the error goes back to the caller through a committed transaction.
func (db *DB) loginFailed(tx kv.Tx, email string, u *userRecord) error {
	if err := db.countPasswordFailure(tx, email, u, ""); err != nil {
		return err
	}
	return errCommitThen{app.ErrBadCredentials}
}

// countPasswordFailure counts a wrong password against email's throttle,
// whichever check it came from, and audits it (detail says which).
func (db *DB) countPasswordFailure(tx kv.Tx, email string, u *userRecord, detail string) error {
	b := tx.Bucket(bucketLoginFailures)
	var f failureRecord
	if _, err := getJSON(b, []byte(email), &f); err != nil {
		return err
	}
	f.Count++
	f.Last = db.now()
	if err := putJSON(b, []byte(email), f); err != nil {
		return err
	}
	target := ""
	if u != nil {
		target = u.UserID
	}
	return db.audit(tx, "", app.AuditLoginFailed, target, detail)
}

// checkCurrentPassword checks a signed-in user's current password (before
// they change it) under the same throttle as signing in: otherwise a stolen
// session could guess the password at full speed. A wrong password is
// counted and committed; the right one clears the count. It returns the
// hash it checked, so the change can make sure no other change came first.
func (db *DB) checkCurrentPassword(ctx context.Context, password string) (string, error) {
	var me *userRecord
	err := db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		me = actor
		return db.checkThrottle(tx, me.Email)
	})
	if err != nil {
		return "", err
	}
	ok := app.CheckPassword(me.PasswordHash, password)
	err = db.update(func(tx kv.Tx) error {
		if err := db.checkThrottle(tx, me.Email); err != nil {
			return err // a parallel guess tripped it meanwhile
		}
		if !ok {
			if err := db.countPasswordFailure(tx, me.Email, me, "current password"); err != nil {
				return err
			}
			return errCommitThen{app.Errorf(app.EINVALID, "Your current password is not right.")}
		}
		return tx.Bucket(bucketLoginFailures).Delete([]byte(me.Email))
	})
	return me.PasswordHash, err
}

// Authenticate resolves a token to a live session.
func (s *AuthService) Authenticate(ctx context.Context, token string) (*app.Actor, error) {
	if token == "" {
		return nil, app.ErrNotSignedIn
	}
	a := &app.Actor{SessionID: app.TokenID(token)}
	var s2 sessionRecord
	err := s.db.view(func(tx kv.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketSessions), []byte(a.SessionID), &s2)
		if err != nil {
			return err
		}
		if !ok {
			return app.ErrNotSignedIn
		}
		a.UserID = s2.UserID
		u, err := s.db.actingUser(app.NewContextWithActor(ctx, a), tx)
		if err != nil {
			return err
		}
		a.User = &u.User
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Logout ends the session in ctx.
func (s *AuthService) Logout(ctx context.Context) error {
	a := app.ActorFromContext(ctx)
	if a == nil || a.SessionID == "" {
		return app.ErrNotSignedIn
	}
	return s.db.write(ctx, func(tx kv.Tx, _ *userRecord) error {
		if err := deleteSession(tx, a.UserID, a.SessionID); err != nil {
			return err
		}
		return s.db.audit(tx, a.UserID, app.AuditLogout, a.UserID, "")
	})
}
