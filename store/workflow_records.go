package store

import (
	"bytes"
	"encoding/binary"
	"time"

	"easel/app"
	"easel/store/kv"
)

var (
	bucketWorkflows             = []byte("workflows")               // workflow_id → seq
	bucketWorkflowsBySeq        = []byte("workflows_by_seq")        // seq → workflowRecord
	bucketWorkflowsByOwner      = []byte("workflows_by_owner")      // owner 0 seq → index value
	bucketWorkflowsVisible      = []byte("workflows_visible")       // seq → index value, shared and public ones
	bucketWorkflowGrants        = []byte("workflow_grants")         // workflow_id 0 user_id → grant
	bucketWorkflowGrantsByUser  = []byte("workflow_grants_by_user") // user_id 0 seq → index value
	bucketWorkflowCounts        = []byte("workflow_counts")         // kind, user_id → count
	bucketWorkflowOpened        = []byte("workflow_opened")         // workflow_id 0 user_id → when they last opened it
	bucketWorkflowBuiltinsAdded = []byte("workflow_builtins")       // built-in id → nil: added once, so one an admin deleted stays deleted
	bucketWorkflowThumbnails    = []byte("workflow_thumbnails")     // thumbnail blob name → workflow_id: what the start-up sweep keeps
)

// workflows are a shareable kind (sharing.go).
var workflows = &sharedKind{
	kind: app.KindWorkflow, ids: bucketWorkflows, records: bucketWorkflowsBySeq,
	byOwner: bucketWorkflowsByOwner, visible: bucketWorkflowsVisible,
	grants: bucketWorkflowGrants, grantsByUser: bucketWorkflowGrantsByUser, counts: bucketWorkflowCounts,
}

// workflowRecord is a workflow as stored: the summary its listing shows,
// and the document, checked and kept as the check returned it.
type workflowRecord struct {
	sharedHead
	Name, Description, Tags, Category string
	Created, Updated                  time.Time
	// Thumbnail is the name of its thumbnail, a blob of kind Thumbnail
	// under the owner's name ("" for none), and ThumbType its content type.
	// The type is kept, not read from the name's extension, so that what
	// the file is stays the record's to say, as a preset's ImageType does.
	Thumbnail, ThumbType string
	Doc                  []byte
}

// workflowFormat 2 added ThumbType; format 1, without it, is read too.
const workflowFormat = 2

func (w *workflowRecord) encode() []byte {
	e := encoder{b: make([]byte, 0, 128+len(w.Doc))}
	e.uint(workflowFormat)
	e.b = append(e.b, w.flags(app.RoleNone))
	e.str(w.ID)
	e.str(w.Owner)
	e.str(string(w.Visibility))
	e.uint(w.Seq)
	e.str(w.Name)
	e.str(w.Description)
	e.str(w.Tags)
	e.str(w.Category)
	e.time(w.Created)
	e.time(w.Updated)
	e.str(w.Thumbnail)
	e.str(w.ThumbType)
	e.bytes(w.Doc)
	return e.b
}

func decodeWorkflow(data []byte) (*workflowRecord, error) {
	d := newDecoder(data)
	format := d.uint()
	if (format != 1 && format != workflowFormat) || len(d.s) == 0 {
		return nil, errCorrupt
	}
	d.s = d.s[1:] // flags: the fields below say it all
	w := &workflowRecord{}
	w.ID, w.Owner, w.Visibility, w.Seq = d.str(), d.str(), app.Visibility(d.str()), d.uint()
	w.Name, w.Description, w.Tags, w.Category = d.str(), d.str(), d.str(), d.str()
	w.Created, w.Updated, w.Thumbnail = d.time(), d.time(), d.str()
	if format >= 2 {
		w.ThumbType = d.str()
	}
	w.Doc = []byte(d.str())
	if d.err != nil {
		return nil, d.err
	}
	return w, nil
}

// getWorkflow finds a workflow by id, or nil.
func getWorkflow(tx kv.Tx, id string) (*workflowRecord, error) {
	data := workflows.record(tx, id)
	if data == nil {
		return nil, nil
	}
	return decodeWorkflow(data)
}

// openedAt is when userID last opened workflow id, or nil.
func openedAt(tx kv.Tx, id, userID string) *time.Time {
	v := tx.Bucket(bucketWorkflowOpened).Get(grantKey(id, userID))
	if len(v) != 8 {
		return nil
	}
	t := time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
	return &t
}

// forgetOpened drops every profile's "opened" of workflow id.
func forgetOpened(tx kv.Tx, id string) error {
	b := tx.Bucket(bucketWorkflowOpened)
	prefix := rangePrefix(id)
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// markOpened records that userID opened workflow id at t.
func markOpened(tx kv.Tx, id, userID string, t time.Time) error {
	return tx.Bucket(bucketWorkflowOpened).Put(grantKey(id, userID), binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())))
}
