// The words and colours Settings shows for a backend.

import type { BackendKind, BackendState } from '../api';
import type { ChipTone } from '../format';

export const stateLabel: Record<BackendState, string> = {
  reachable: 'Reachable',
  unreachable: 'Not answering',
  starting: 'Starting',
  restarting: 'Restarting',
};

export const stateTone: Record<BackendState, ChipTone> = {
  reachable: 'success',
  unreachable: 'danger',
  starting: 'warning',
  restarting: 'warning',
};

export const kindLabel: Record<BackendKind, string> = {
  a1111: 'A server already running (AUTOMATIC1111, Forge, SD.Next, sd-server)',
  sd_server: 'Let Easel run sd-server',
};

/** A short name of the kind, for a backend's line in the list. */
export const kindShort: Record<BackendKind, string> = {
  a1111: 'A1111-compatible server',
  sd_server: 'sd-server run by Easel',
};

/** Whether Easel is waiting for the backend to come up: Settings looks again soon. */
export function isWaking(state: BackendState): boolean {
  return state === 'starting' || state === 'restarting';
}
