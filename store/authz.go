package store

import (
	"context"

	"easel/app"
	"easel/store/kv"
)

// actingUser returns the user in ctx as the store knows them right now: the
// session must still exist and the profile must still be active. Roles come
// from this read, never from what the caller remembers.
func (db *DB) actingUser(ctx context.Context, tx kv.Tx) (*userRecord, error) {
	a := app.ActorFromContext(ctx)
	if a == nil || a.UserID == "" {
		return nil, app.ErrNotSignedIn
	}
	if a.SessionID != "" {
		var s sessionRecord
		ok, err := getJSON(tx.Bucket(bucketSessions), []byte(a.SessionID), &s)
		if err != nil {
			return nil, err
		}
		if !ok || s.UserID != a.UserID || !db.now().Before(s.ExpiresAt) {
			return nil, app.ErrNotSignedIn
		}
	}
	u, err := getUser(tx, a.UserID)
	if err != nil {
		return nil, err
	}
	if u == nil || !u.IsActive {
		return nil, app.ErrNotSignedIn
	}
	return u, nil
}

// read runs fn in a read transaction as the acting user of ctx: the user
// and their session are re-read inside it, once, and handed to fn, so that
// every rule fn applies sees the actor as the store has them now.
func (db *DB) read(ctx context.Context, fn func(tx kv.Tx, actor *userRecord) error) error {
	return db.view(func(tx kv.Tx) error {
		actor, err := db.actingUser(ctx, tx)
		if err != nil {
			return err
		}
		return fn(tx, actor)
	})
}

// write is read for a write transaction (committed as update commits).
func (db *DB) write(ctx context.Context, fn func(tx kv.Tx, actor *userRecord) error) error {
	return db.update(func(tx kv.Tx) error {
		actor, err := db.actingUser(ctx, tx)
		if err != nil {
			return err
		}
		return fn(tx, actor)
	})
}

// readAs is read for an action on a kind of thing nobody owns (the
// profiles, the audit log, the settings, the queue as a whole): the access
// table decides before fn runs.
func (db *DB) readAs(ctx context.Context, k app.Kind, a app.Action, fn func(tx kv.Tx, actor *userRecord) error) error {
	return db.read(ctx, func(tx kv.Tx, actor *userRecord) error {
		if err := app.Check(k, a, app.RelationsOf(&actor.User, "")); err != nil {
			return err
		}
		return fn(tx, actor)
	})
}

// writeAs is readAs for a write transaction.
func (db *DB) writeAs(ctx context.Context, k app.Kind, a app.Action, fn func(tx kv.Tx, actor *userRecord) error) error {
	return db.write(ctx, func(tx kv.Tx, actor *userRecord) error {
		if err := app.Check(k, a, app.RelationsOf(&actor.User, "")); err != nil {
			return err
		}
		return fn(tx, actor)
	})
}
