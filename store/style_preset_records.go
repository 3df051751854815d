package store

import (
	"time"

	"easel/app"
	"easel/store/kv"
)

var (
	bucketStylePresets             = []byte("style_presets")               // preset id → seq
	bucketStylePresetsBySeq        = []byte("style_presets_by_seq")        // seq → stylePresetRecord
	bucketStylePresetsByOwner      = []byte("style_presets_by_owner")      // owner 0 seq → index value
	bucketStylePresetsVisible      = []byte("style_presets_visible")       // seq → index value, shared ones
	bucketStylePresetGrants        = []byte("style_preset_grants")         // preset id 0 user_id → grant
	bucketStylePresetGrantsByUser  = []byte("style_preset_grants_by_user") // user_id 0 seq → index value
	bucketStylePresetCounts        = []byte("style_preset_counts")         // kind, user_id → count
	bucketStylePresetImages        = []byte("style_preset_images")         // preview blob name → preset id: what the start-up sweep keeps
	bucketStylePresetBuiltinsAdded = []byte("style_preset_builtins")       // built-in id → nil: added once, so one an admin deleted stays deleted
)

// stylePresets are a shareable kind (sharing.go).
var stylePresets = &sharedKind{
	kind: app.KindStylePreset, ids: bucketStylePresets, records: bucketStylePresetsBySeq,
	byOwner: bucketStylePresetsByOwner, visible: bucketStylePresetsVisible,
	grants: bucketStylePresetGrants, grantsByUser: bucketStylePresetGrantsByUser, counts: bucketStylePresetCounts,
}

// stylePresetRecord is a preset as stored. Its preview is a blob of kind
// Thumbnail, the owner's, named Image ("" for none).
type stylePresetRecord struct {
	sharedHead
	Name, Positive, Negative string
	Created, Updated         time.Time
	Image, ImageType         string
}

const stylePresetFormat = 1

func (p *stylePresetRecord) encode() []byte {
	e := encoder{b: make([]byte, 0, 96+len(p.Name)+len(p.Positive)+len(p.Negative))}
	e.uint(stylePresetFormat)
	e.b = append(e.b, p.flags(app.RoleNone))
	e.str(p.ID)
	e.str(p.Owner)
	e.str(string(p.Visibility))
	e.uint(p.Seq)
	e.str(p.Name)
	e.str(p.Positive)
	e.str(p.Negative)
	e.time(p.Created)
	e.time(p.Updated)
	e.str(p.Image)
	e.str(p.ImageType)
	return e.b
}

func decodeStylePreset(data []byte) (*stylePresetRecord, error) {
	d := newDecoder(data)
	if d.uint() != stylePresetFormat || len(d.s) == 0 {
		return nil, errCorrupt
	}
	d.s = d.s[1:] // flags: the fields below say it all
	p := &stylePresetRecord{}
	p.ID, p.Owner, p.Visibility, p.Seq = d.str(), d.str(), app.Visibility(d.str()), d.uint()
	p.Name, p.Positive, p.Negative = d.str(), d.str(), d.str()
	p.Created, p.Updated = d.time(), d.time()
	p.Image, p.ImageType = d.str(), d.str()
	if d.err != nil {
		return nil, d.err
	}
	return p, nil
}

// getStylePreset finds a preset by id, or nil.
func getStylePreset(tx kv.Tx, id string) (*stylePresetRecord, error) {
	data := stylePresets.record(tx, id)
	if data == nil {
		return nil, nil
	}
	return decodeStylePreset(data)
}

// putStylePreset stores a preset as it is now (before is nil for a new
// one), keeping its index entries and the sweep's note of its preview.
func putStylePreset(tx kv.Tx, before, after *stylePresetRecord) error {
	var err error
	if before == nil {
		err = stylePresets.create(tx, &after.sharedHead, after.encode())
	} else {
		err = stylePresets.change(tx, &before.sharedHead, &after.sharedHead, after.encode())
	}
	if err != nil {
		return err
	}
	images := tx.Bucket(bucketStylePresetImages)
	if before != nil && before.Image != "" && before.Image != after.Image {
		if err := images.Delete([]byte(before.Image)); err != nil {
			return err
		}
	}
	if after.Image != "" {
		return images.Put([]byte(after.Image), []byte(after.ID))
	}
	return nil
}

// removeStylePreset forgets a preset, its grants and the note of its preview.
func removeStylePreset(tx kv.Tx, p *stylePresetRecord) error {
	if err := stylePresets.remove(tx, &p.sharedHead); err != nil {
		return err
	}
	if p.Image == "" {
		return nil
	}
	return tx.Bucket(bucketStylePresetImages).Delete([]byte(p.Image))
}

// presetType is InvokeAI's type: the system profile's presets are the
// built-in ones.
func (p *stylePresetRecord) presetType() string {
	if p.Owner == app.SystemUserID {
		return app.PresetTypeDefault
	}
	return app.PresetTypeUser
}
