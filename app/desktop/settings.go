package desktop

import "easel/app"

// Settings is bound into the window: the studio's limits, which anyone
// signed in may read and administrators change.
type Settings struct{ s *Session }

func (st *Settings) Get() (*app.Settings, error) {
	ctx, err := st.s.context()
	if err != nil {
		return nil, err
	}
	out, err := st.s.svc.Settings.Settings(ctx)
	return out, toJS(err)
}

func (st *Settings) Update(upd app.SettingsUpdate) (*app.Settings, error) {
	ctx, err := st.s.context()
	if err != nil {
		return nil, err
	}
	out, err := st.s.svc.Settings.UpdateSettings(ctx, upd)
	return out, toJS(err)
}
