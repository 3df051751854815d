// The studio's limits: everyone signed in reads them, administrators change them.

import { calls } from './calls';
import { bind } from './transport';

export type { Settings, SettingsUpdate } from '../types.gen';

export const getSettings = bind(calls.settings);
export const updateSettings = bind(calls.updateSettings);
