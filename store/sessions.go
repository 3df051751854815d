package store

import (
	"bytes"
	"time"

	"easel/store/kv"
)

func userSessionKey(userID, sessionID string) []byte {
	return append(append([]byte(userID), 0), sessionID...)
}

func (db *DB) createSession(tx kv.Tx, userID, sessionID string, lifetime time.Duration) error {
	now := db.now()
	rec := sessionRecord{UserID: userID, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := putJSON(tx.Bucket(bucketSessions), []byte(sessionID), rec); err != nil {
		return err
	}
	return tx.Bucket(bucketUserSessions).Put(userSessionKey(userID, sessionID), nil)
}

func deleteSession(tx kv.Tx, userID, sessionID string) error {
	if err := tx.Bucket(bucketSessions).Delete([]byte(sessionID)); err != nil {
		return err
	}
	return tx.Bucket(bucketUserSessions).Delete(userSessionKey(userID, sessionID))
}

// revokeSessions ends every session of userID except keep (which may be "").
func revokeSessions(tx kv.Tx, userID, keep string) error {
	prefix := userSessionKey(userID, "")
	var ids []string
	c := tx.Bucket(bucketUserSessions).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if id := string(k[len(prefix):]); id != keep {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		if err := deleteSession(tx, userID, id); err != nil {
			return err
		}
	}
	return nil
}
