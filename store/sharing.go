package store

import (
	"bytes"
	"encoding/binary"
	"time"

	"easel/app"
	"easel/store/kv"
)

// Sharing is one mechanism for every kind of thing that is owned, private
// by default and shared by choice: boards today, workflows and style
// presets next. A shareable kind is a sharedKind (the names of its
// buckets) and records that begin with a sharedHead; everything below —
// the record's place by id and by age, the indexes a listing merges, the
// grants to named users with their role, the counts that make a listing's
// total a few reads — is written once, here, for all of them.
//
// Layout of one kind, in its own buckets:
//
//	ids           id → seq
//	records       seq → record: format, flags byte, then the kind's fields
//	byOwner       owner 0 seq → index value
//	visible       seq → index value, for things shared or public
//	grants        id 0 user → grant
//	grantsByUser  user 0 seq → index value with the grant's role
//	counts        count kind, user → number
//
// An index value is the thing's id and a flags byte (archived, visible,
// and in grantsByUser the role), so a listing can skip, count and badge
// things without reading them.
type sharedKind struct {
	kind                           app.Kind
	ids, records, byOwner, visible []byte
	grants, grantsByUser, counts   []byte
}

// buckets are every bucket of the kind, for the migration that makes them.
func (k *sharedKind) buckets() [][]byte {
	return [][]byte{k.ids, k.records, k.byOwner, k.visible, k.grants, k.grantsByUser, k.counts}
}

// sharedHead is what sharing needs of a record; each shareable record type
// embeds it.
type sharedHead struct {
	ID, Owner  string
	Visibility app.Visibility
	Archived   bool
	Seq        uint64
}

// newHead starts a private thing of owner's, taking its sequence number.
func (k *sharedKind) newHead(tx kv.Tx, id, owner string) (sharedHead, error) {
	seq, err := tx.Bucket(k.records).NextSequence()
	return sharedHead{ID: id, Owner: owner, Visibility: app.VisibilityPrivate, Seq: seq}, err
}

// access is how actor stands to the thing, given the role it granted them.
func (h *sharedHead) access(actor *userRecord, role app.Role) app.Access {
	return app.AccessTo(&actor.User, h.Owner, h.Visibility, role)
}

// accessOf reads actor's grant on the thing and works out their access.
func (k *sharedKind) accessOf(tx kv.Tx, actor *userRecord, h *sharedHead) app.Access {
	return h.access(actor, k.roleOf(tx, h.ID, actor.UserID))
}

// The flags byte of index values and of records.
const (
	flagArchived = 1 << iota
	flagViewer
	flagEditor
	flagVisible // shared or public: in everyone's list
)

func (h *sharedHead) flags(role app.Role) byte {
	var flags byte
	if h.Archived {
		flags |= flagArchived
	}
	if h.Visibility != app.VisibilityPrivate {
		flags |= flagVisible
	}
	switch role {
	case app.RoleViewer:
		flags |= flagViewer
	case app.RoleEditor:
		flags |= flagEditor
	}
	return flags
}

func (h *sharedHead) indexValue(role app.Role) []byte {
	return append([]byte(h.ID), h.flags(role))
}

// indexRole is the role a grant's index entry carries.
func indexRole(v []byte) app.Role {
	switch flags := v[len(v)-1]; {
	case flags&flagEditor != 0:
		return app.RoleEditor
	case flags&flagViewer != 0:
		return app.RoleViewer
	}
	return app.RoleNone
}

func isArchived(v []byte) bool { return v[len(v)-1]&flagArchived != 0 }

// recordArchived reads the flags byte of an encoded record.
func recordArchived(v []byte) bool { return len(v) > 1 && v[1]&flagArchived != 0 }

// record is the encoded record of id, or nil.
func (k *sharedKind) record(tx kv.Tx, id string) []byte {
	seq := tx.Bucket(k.ids).Get([]byte(id))
	if len(seq) != 8 {
		return nil
	}
	return tx.Bucket(k.records).Get(seq)
}

// putRecord stores a thing's encoded record under its id and sequence.
func (k *sharedKind) putRecord(tx kv.Tx, h *sharedHead, data []byte) error {
	if err := tx.Bucket(k.ids).Put([]byte(h.ID), seqKey(h.Seq)); err != nil {
		return err
	}
	return tx.Bucket(k.records).Put(seqKey(h.Seq), data)
}

// create stores a new thing's record and its index entries.
func (k *sharedKind) create(tx kv.Tx, h *sharedHead, data []byte) error {
	if err := k.putRecord(tx, h, data); err != nil {
		return err
	}
	return k.index(tx, h, false)
}

// change stores a thing's record as it is now and moves its index entries
// from how it was (before) to how it is.
func (k *sharedKind) change(tx kv.Tx, before, after *sharedHead, data []byte) error {
	if err := k.putRecord(tx, after, data); err != nil {
		return err
	}
	if err := k.index(tx, before, true); err != nil {
		return err
	}
	return k.index(tx, after, false)
}

// remove forgets a thing: its index entries, every grant on it, its record.
func (k *sharedKind) remove(tx kv.Tx, h *sharedHead) error {
	if err := k.index(tx, h, true); err != nil {
		return err
	}
	if err := k.eachGrant(tx, h.ID, func(userID string, _ grant) error {
		return tx.Bucket(k.grants).Delete(grantKey(h.ID, userID))
	}); err != nil {
		return err
	}
	if err := tx.Bucket(k.ids).Delete([]byte(h.ID)); err != nil {
		return err
	}
	return tx.Bucket(k.records).Delete(seqKey(h.Seq))
}

// index writes (or with remove, deletes) every index entry of h.
func (k *sharedKind) index(tx kv.Tx, h *sharedHead, remove bool) error {
	if err := k.putIndex(tx, k.byOwner, prefixed(h.Owner, h.Seq), h.indexValue(app.RoleNone), remove); err != nil {
		return err
	}
	if h.Visibility != app.VisibilityPrivate {
		if err := k.putIndex(tx, k.visible, seqKey(h.Seq), h.indexValue(app.RoleNone), remove); err != nil {
			return err
		}
	}
	return k.eachGrant(tx, h.ID, func(userID string, g grant) error {
		return k.putIndex(tx, k.grantsByUser, prefixed(userID, h.Seq), h.indexValue(g.Role), remove)
	})
}

// putIndex writes or deletes one index entry, keeping the counts in step.
func (k *sharedKind) putIndex(tx kv.Tx, bucket, key, value []byte, remove bool) error {
	b := tx.Bucket(bucket)
	old := bytes.Clone(b.Get(key))
	var err error
	if remove {
		value = nil
		err = b.Delete(key)
	} else {
		err = b.Put(key, value)
	}
	if err != nil {
		return err
	}
	return k.recount(tx, bucket, key, old, value)
}

// grant is one named user's role on a thing.
type grant struct {
	Role app.Role
	At   time.Time
}

func grantKey(id, userID string) []byte {
	return append(append([]byte(id), 0), userID...)
}

func encodeGrant(g grant) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(g.At.UnixNano())), g.Role...)
}

func decodeGrant(v []byte) grant {
	if len(v) < 8 {
		return grant{}
	}
	return grant{At: time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(), Role: app.Role(v[8:])}
}

// roleOf is the role id was granted userID, RoleNone if it was not.
func (k *sharedKind) roleOf(tx kv.Tx, id, userID string) app.Role {
	v := tx.Bucket(k.grants).Get(grantKey(id, userID))
	if v == nil {
		return app.RoleNone
	}
	return decodeGrant(v).Role
}

// eachGrant calls fn for every grant on id, in user order.
func (k *sharedKind) eachGrant(tx kv.Tx, id string, fn func(userID string, g grant) error) error {
	prefix := rangePrefix(id)
	c := tx.Bucket(k.grants).Cursor()
	var users []string
	var grants []grant
	for key, v := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, v = c.Next() {
		users = append(users, string(key[len(prefix):]))
		grants = append(grants, decodeGrant(v))
	}
	// fn may write to other buckets; the cursor is done before it runs.
	for i := range users {
		if err := fn(users[i], grants[i]); err != nil {
			return err
		}
	}
	return nil
}

// grantTo gives target a role on the thing, or changes it. The caller has
// checked that the actor may manage the thing; this checks the target.
func (k *sharedKind) grantTo(tx kv.Tx, h *sharedHead, target *userRecord, userID string, role app.Role, at time.Time) (*app.Share, error) {
	switch {
	case role != app.RoleViewer && role != app.RoleEditor:
		return nil, app.Errorf(app.EINVALID, "The role must be viewer or editor, not %q.", role)
	case userID == app.SystemUserID:
		return nil, app.Errorf(app.EINVALID, "A %s cannot be shared with the system profile.", k.kind)
	case target == nil:
		return nil, app.Errorf(app.EINVALID, "There is no profile with the id %q to share with.", userID)
	case userID == h.Owner:
		return nil, app.Errorf(app.EINVALID, "%s owns this %s already.", target.DisplayName, k.kind)
	}
	g := grant{Role: role, At: at}
	if err := tx.Bucket(k.grants).Put(grantKey(h.ID, userID), encodeGrant(g)); err != nil {
		return nil, err
	}
	if err := k.putIndex(tx, k.grantsByUser, prefixed(userID, h.Seq), h.indexValue(role), false); err != nil {
		return nil, err
	}
	return &app.Share{UserID: userID, DisplayName: target.DisplayName, Role: role, SharedAt: at}, nil
}

// revoke takes userID's grant on the thing away; ENOTFOUND if there is none.
func (k *sharedKind) revoke(tx kv.Tx, h *sharedHead, userID string) error {
	if k.roleOf(tx, h.ID, userID) == app.RoleNone {
		return app.Errorf(app.ENOTFOUND, "This %s is not shared with that profile.", k.kind)
	}
	if err := tx.Bucket(k.grants).Delete(grantKey(h.ID, userID)); err != nil {
		return err
	}
	return k.putIndex(tx, k.grantsByUser, prefixed(userID, h.Seq), nil, true)
}

// shares lists who the thing is granted to, with their display names.
func (k *sharedKind) shares(tx kv.Tx, id string) ([]app.Share, error) {
	out := []app.Share{}
	users := newNames(tx)
	err := k.eachGrant(tx, id, func(userID string, g grant) error {
		out = append(out, app.Share{UserID: userID, DisplayName: users.of(userID), Role: g.Role, SharedAt: g.At})
		return nil
	})
	return out, err
}

// forgetUser takes away every grant a deleted user had. The index entry's
// key holds the sequence and its value the id, so no record is read.
func (k *sharedKind) forgetUser(tx kv.Tx, userID string) error {
	prefix := rangePrefix(userID)
	c := tx.Bucket(k.grantsByUser).Cursor()
	var keys, ids [][]byte
	for key, v := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, v = c.Next() {
		keys = append(keys, bytes.Clone(key))
		ids = append(ids, bytes.Clone(v[:len(v)-1]))
	}
	for i := range keys {
		if err := tx.Bucket(k.grants).Delete(grantKey(string(ids[i]), userID)); err != nil {
			return err
		}
		if err := k.putIndex(tx, k.grantsByUser, keys[i], nil, true); err != nil {
			return err
		}
	}
	return nil
}

// sharedKinds are every shareable kind, for what concerns them all.
var sharedKinds = []*sharedKind{boards, workflows, stylePresets}

// removeUserShares takes away every grant a deleted user had, on things of
// every kind.
func removeUserShares(tx kv.Tx, userID string) error {
	for _, k := range sharedKinds {
		if err := k.forgetUser(tx, userID); err != nil {
			return err
		}
	}
	return nil
}
