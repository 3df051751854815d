package app

import (
	"context"
	"strings"
)

// Settings are the studio-wide limits an administrator sets. Each bounds
// what one signed-in profile can make Easel hold, so that nobody's work,
// on purpose or by mistake, can fill the machine's memory or disk.
type Settings struct {
	// PixelBudgetMegapixels bounds the images one graph's run holds at once,
	// across its nodes (see engine.DefaultPixelBudget for the default's why).
	PixelBudgetMegapixels int `json:"pixel_budget_megapixels"`
	// MaxPendingPerUser bounds how many items one profile may have waiting.
	MaxPendingPerUser int `json:"max_pending_per_user"`
	// MaxItemsPerBatch bounds how many items one request may queue.
	MaxItemsPerBatch int `json:"max_items_per_batch"`
	// AuditRetentionDays is how long the audit log keeps an entry; 0 keeps
	// entries for ever.
	AuditRetentionDays int `json:"audit_retention_days"`
}

// DefaultPixelBudgetMegapixels is a run's pixel budget until an
// administrator sets another: 100 megapixels, 400 MB of 8-bit RGBA.
const DefaultPixelBudgetMegapixels = 100

// DefaultSettings are a new studio's settings, and the value of each
// setting an administrator has not changed.
var DefaultSettings = Settings{
	PixelBudgetMegapixels: DefaultPixelBudgetMegapixels,
	MaxPendingPerUser:     1000,
	MaxItemsPerBatch:      1000,
	AuditRetentionDays:    365,
}

// PixelBudget is the pixel budget in pixels.
func (s Settings) PixelBudget() int64 { return int64(s.PixelBudgetMegapixels) * 1_000_000 }

// SettingsUpdate changes some settings; nil fields stay as they are.
type SettingsUpdate struct {
	PixelBudgetMegapixels *int `json:"pixel_budget_megapixels"`
	MaxPendingPerUser     *int `json:"max_pending_per_user"`
	MaxItemsPerBatch      *int `json:"max_items_per_batch"`
	AuditRetentionDays    *int `json:"audit_retention_days"`
}

// settingRanges are the values each setting may take: wide enough for any
// studio, narrow enough that a typo cannot switch a limit off.
var settingRanges = []struct {
	name     string
	min, max int
	field    func(*Settings) *int
	update   func(*SettingsUpdate) **int
}{
	{"pixel_budget_megapixels", 1, 4096, func(s *Settings) *int { return &s.PixelBudgetMegapixels }, func(u *SettingsUpdate) **int { return &u.PixelBudgetMegapixels }},
	{"max_pending_per_user", 1, 100_000, func(s *Settings) *int { return &s.MaxPendingPerUser }, func(u *SettingsUpdate) **int { return &u.MaxPendingPerUser }},
	{"max_items_per_batch", 1, MaxBatchItems, func(s *Settings) *int { return &s.MaxItemsPerBatch }, func(u *SettingsUpdate) **int { return &u.MaxItemsPerBatch }},
	{"audit_retention_days", 0, 36_500, func(s *Settings) *int { return &s.AuditRetentionDays }, func(u *SettingsUpdate) **int { return &u.AuditRetentionDays }},
}

// Apply returns s with upd applied, or an error naming the first value
// out of its range. changed names the settings whose values changed, for
// the audit log.
func (s Settings) Apply(upd SettingsUpdate) (out Settings, changed string, err error) {
	out = s
	var names []string
	for _, r := range settingRanges {
		v := *r.update(&upd)
		if v == nil {
			continue
		}
		if *v < r.min || *v > r.max {
			return s, "", Errorf(EINVALID, "%s must be between %d and %d, not %d.", r.name, r.min, r.max, *v)
		}
		if f := r.field(&out); *f != *v {
			*f = *v
			names = append(names, r.name)
		}
	}
	return out, strings.Join(names, ", "), nil
}

// SettingsFrom is the settings a studio has: the defaults, with each of the
// administrator's overrides that is in range (an older or newer Easel may
// have written one this Easel would refuse).
func SettingsFrom(overrides SettingsUpdate) Settings {
	out := DefaultSettings
	for _, r := range settingRanges {
		if v := *r.update(&overrides); v != nil && *v >= r.min && *v <= r.max {
			*r.field(&out) = *v
		}
	}
	return out
}

// Merge returns the overrides with upd's values laid over them.
func (o SettingsUpdate) Merge(upd SettingsUpdate) SettingsUpdate {
	for _, r := range settingRanges {
		if v := *r.update(&upd); v != nil {
			val := *v
			*r.update(&o) = &val
		}
	}
	return o
}

// SettingsService keeps the studio's settings. Everyone signed in may read
// them (errors quote them); only administrators change them.
type SettingsService interface {
	Settings(ctx context.Context) (*Settings, error)
	UpdateSettings(ctx context.Context, upd SettingsUpdate) (*Settings, error)
}

// AuditSettingsChanged is an administrator changing the studio's settings.
const AuditSettingsChanged = "settings_changed"
