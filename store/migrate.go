package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"easel/app"
	"easel/store/kv"
)

// Buckets. Keys iterated in order are big-endian.
var (
	bucketMeta          = []byte("meta")
	bucketUsers         = []byte("users")            // user_id → userRecord
	bucketUsersByEmail  = []byte("users_by_email")   // normalized email → user_id
	bucketSessions      = []byte("sessions")         // sha256(token) hex → sessionRecord
	bucketUserSessions  = []byte("sessions_by_user") // user_id 0x00 token id → nil
	bucketLoginFailures = []byte("login_failures")   // normalized email → failureRecord
	bucketPrefs         = []byte("prefs")            // user_id → app.Preferences
	bucketAudit         = []byte("audit")            // big-endian sequence → auditRecord
	bucketUserNames     = []byte("user_names")       // user_id → display name, for listings
)

var keySchemaVersion = []byte("schema_version")

// migrations[i] brings the schema from version i to i+1. Append only: a
// released migration never changes.
var migrations = []func(tx kv.Tx, db *DB) error{
	migrateUsers,
	migrateBoards,
	migrateQueue,
	migrateQueueCounts,
	migrateWorkflows,
	migrateStylePresets,
	migrateWorkflowThumbnails,
	migrateModelAccess,
}

// SchemaVersion is the version a store has after Open.
var SchemaVersion = len(migrations)

func (db *DB) migrate() error {
	return db.update(func(tx kv.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		version := 0
		if v := meta.Get(keySchemaVersion); v != nil {
			version = int(binary.BigEndian.Uint64(v))
		}
		if version > len(migrations) {
			return app.Errorf(app.EINVALID, "This data was written by a newer Easel (schema %d; this one knows %d). Update Easel.", version, len(migrations))
		}
		for i := version; i < len(migrations); i++ {
			if err := migrations[i](tx, db); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
		return meta.Put(keySchemaVersion, binary.BigEndian.AppendUint64(nil, uint64(len(migrations))))
	})
}

// migrateUsers (1) creates profiles, sessions and the audit log, and the
// system user that owns legacy and built-in data.
func migrateUsers(tx kv.Tx, db *DB) error {
	for _, name := range [][]byte{bucketUsers, bucketUsersByEmail, bucketSessions, bucketUserSessions, bucketLoginFailures, bucketPrefs, bucketAudit} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	now := db.now()
	return putUser(tx, &userRecord{User: app.User{
		UserID:      app.SystemUserID,
		Email:       "system@easel.invalid",
		DisplayName: "System",
		IsActive:    false,
		CreatedAt:   now,
		UpdatedAt:   now,
	}})
}

// SchemaVersion returns the schema version written in the store.
func (db *DB) SchemaVersion() (int, error) {
	var v int
	err := db.view(func(tx kv.Tx) error {
		if b := tx.Bucket(bucketMeta).Get(keySchemaVersion); b != nil {
			v = int(binary.BigEndian.Uint64(b))
		}
		return nil
	})
	return v, err
}

// migrateBoards (2) creates boards, shares and images with their indexes.
// Stores from before profiles have no boards; anything found without an
// owner would belong to the system profile.
func migrateBoards(tx kv.Tx, db *DB) error {
	for _, name := range [][]byte{bucketBoards, bucketBoardsBySeq, bucketBoardsByOwner, bucketBoardsVisible,
		bucketShares, bucketSharesByUser, bucketBoardCounts, bucketImages, bucketImagesByBoard, bucketImagesLoose, bucketLooseCounts} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	// Listings name owners by the hundred: keep names where no JSON is decoded.
	names, err := tx.CreateBucketIfNotExists(bucketUserNames)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u userRecord
		if err := json.Unmarshal(v, &u); err != nil {
			return err
		}
		return names.Put(k, []byte(u.DisplayName))
	})
}

// migrateQueue (3) creates the render queue.
func migrateQueue(tx kv.Tx, db *DB) error {
	for _, name := range [][]byte{bucketQueueItems, bucketQueueBatches, bucketQueuePending, bucketQueueRunning} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// migrateQueueCounts (4) counts the queue's items by status, everyone's
// and each owner's, so that its status no longer decodes every item.
func migrateQueueCounts(tx kv.Tx, db *DB) error {
	if _, err := tx.CreateBucketIfNotExists(bucketQueueCounts); err != nil {
		return err
	}
	return tx.Bucket(bucketQueueItems).ForEach(func(_, v []byte) error {
		var r itemRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		return countItem(tx, r.Owner, "", r.Status)
	})
}

// migrateWorkflows (5) creates the workflow library. The built-in workflows
// are added to it at start (WorkflowService.AddBuiltins), so that those of
// a later Easel arrive the same way.
func migrateWorkflows(tx kv.Tx, db *DB) error {
	for _, name := range append(workflows.buckets(), bucketWorkflowOpened, bucketWorkflowBuiltinsAdded) {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// migrateStylePresets (6) creates the style presets. The built-in ones are
// added at start (StylePresetService.AddBuiltins), as workflows are.
func migrateStylePresets(tx kv.Tx, db *DB) error {
	for _, name := range append(stylePresets.buckets(), bucketStylePresetImages, bucketStylePresetBuiltinsAdded) {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// migrateWorkflowThumbnails (7) creates the note of each workflow's
// thumbnail (its blob's name → the workflow), which the start-up sweep
// reads. No workflow had one before.
func migrateWorkflowThumbnails(tx kv.Tx, db *DB) error {
	_, err := tx.CreateBucketIfNotExists(bucketWorkflowThumbnails)
	return err
}
