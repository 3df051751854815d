package store

import (
	"context"

	"easel/app"
	"easel/store/kv"
)

// keySettings holds, in the meta bucket, the settings an administrator has
// changed (app.SettingsUpdate as JSON); every other setting has its default.
var keySettings = []byte("settings")

// SettingsService keeps the studio's settings.
type SettingsService struct{ db *DB }

// NewSettingsService returns the settings of db.
func NewSettingsService(db *DB) *SettingsService { return &SettingsService{db: db} }

var _ app.SettingsService = (*SettingsService)(nil)

// settingsIn reads the settings inside tx.
func settingsIn(tx kv.Tx) (app.Settings, error) {
	o, err := settingOverrides(tx)
	return app.SettingsFrom(o), err
}

func settingOverrides(tx kv.Tx) (app.SettingsUpdate, error) {
	var o app.SettingsUpdate
	_, err := getJSON(tx.Bucket(bucketMeta), keySettings, &o)
	return o, err
}

// Settings returns the studio's settings to anyone signed in: the errors
// that enforce them quote them anyway.
func (s *SettingsService) Settings(ctx context.Context) (*app.Settings, error) {
	var out app.Settings
	err := s.db.readAs(ctx, app.KindSettings, app.ActSee, func(tx kv.Tx, _ *userRecord) (err error) {
		out, err = settingsIn(tx)
		return err
	})
	return &out, err
}

// UpdateSettings changes settings: admins only, audited with the names of
// the settings that changed.
func (s *SettingsService) UpdateSettings(ctx context.Context, upd app.SettingsUpdate) (*app.Settings, error) {
	var out app.Settings
	err := s.db.writeAs(ctx, app.KindSettings, app.ActChange, func(tx kv.Tx, admin *userRecord) error {
		o, err := settingOverrides(tx)
		if err != nil {
			return err
		}
		next, changed, err := app.SettingsFrom(o).Apply(upd)
		if err != nil {
			return err
		}
		out = next
		if changed == "" {
			return nil
		}
		if err := putJSON(tx.Bucket(bucketMeta), keySettings, o.Merge(upd)); err != nil {
			return err
		}
		return s.db.audit(tx, admin.UserID, app.AuditSettingsChanged, "", changed)
	})
	return &out, err
}
