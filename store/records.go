package store

import (
	"encoding/json"
	"time"

	"easel/app"
	"easel/store/kv"
)

// userRecord is a profile as stored: the public fields and the password hash,
// which never leaves this package.
type userRecord struct {
	app.User
	PasswordHash string `json:"password_hash,omitempty"`
}

type sessionRecord struct {
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

type failureRecord struct {
	Count int       `json:"count"`
	Last  time.Time `json:"last"`
}

func getJSON(b kv.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	return true, json.Unmarshal(data, v)
}

func putJSON(b kv.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func getUser(tx kv.Tx, userID string) (*userRecord, error) {
	var u userRecord
	ok, err := getJSON(tx.Bucket(bucketUsers), []byte(userID), &u)
	if err != nil || !ok {
		return nil, err
	}
	return &u, nil
}

// putUser writes a profile, and its display name where listings read it.
func putUser(tx kv.Tx, u *userRecord) error {
	if names := tx.Bucket(bucketUserNames); names != nil {
		if err := names.Put([]byte(u.UserID), []byte(u.DisplayName)); err != nil {
			return err
		}
	}
	return putJSON(tx.Bucket(bucketUsers), []byte(u.UserID), u)
}

func userIDByEmail(tx kv.Tx, email string) string {
	return string(tx.Bucket(bucketUsersByEmail).Get([]byte(app.NormalizeEmail(email))))
}

// eachUser calls fn for every profile but system, in key order.
func eachUser(tx kv.Tx, fn func(*userRecord) error) error {
	return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		if string(k) == app.SystemUserID {
			return nil
		}
		var u userRecord
		if err := json.Unmarshal(v, &u); err != nil {
			return err
		}
		return fn(&u)
	})
}

func countActiveAdmins(tx kv.Tx) (int, error) {
	n := 0
	err := eachUser(tx, func(u *userRecord) error {
		if app.IsActiveAdmin(&u.User) {
			n++
		}
		return nil
	})
	return n, err
}
