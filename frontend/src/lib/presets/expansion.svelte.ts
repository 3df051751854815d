// What Generate's prompt becomes with the style preset picked: asked of Go
// (the one expansion rule, app.ExpandTemplate), a moment after the typing
// stops, and again at once when the form is sent, so that what is queued
// is exactly what was shown for the prompt as it stands.

import { expandStylePreset, type PresetData } from '../api';
import { errorText, isSessionEnd } from '../errors';

/** How long the typing must rest before the expansion is asked for. */
export const EXPAND_DELAY_MS = 250;

const keyOf = (id: string, prompt: string, negative: string) => JSON.stringify([id, prompt, negative]);

export class Expansion {
  /** The last answer, and what it was asked for. */
  result = $state<PresetData | null>(null);
  forKey = $state('');
  error = $state('');
  pending = $state(false);

  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  /** Whether the answer shown is the one for these. */
  current(id: string, prompt: string, negative: string): boolean {
    return !!this.result && this.forKey === keyOf(id, prompt, negative);
  }

  /** Asks for the expansion after a pause; with no preset, forgets it. */
  schedule(id: string, prompt: string, negative: string): void {
    clearTimeout(this.timer);
    if (!id) {
      this.clear();
      return;
    }
    if (this.current(id, prompt, negative)) return;
    this.pending = true;
    this.timer = setTimeout(() => void this.now(id, prompt, negative).catch(() => {}), EXPAND_DELAY_MS);
  }

  /** The expansion for these, asked for at once unless it is the one shown. */
  async now(id: string, prompt: string, negative: string): Promise<PresetData> {
    clearTimeout(this.timer);
    if (this.current(id, prompt, negative)) return this.result!;
    const seq = ++this.seq;
    this.pending = true;
    try {
      const out = await expandStylePreset(id, prompt, negative);
      if (seq === this.seq) {
        this.result = out;
        this.forKey = keyOf(id, prompt, negative);
        this.error = '';
      }
      return out;
    } catch (err) {
      if (seq === this.seq && !isSessionEnd(err)) {
        this.result = null;
        this.forKey = '';
        this.error = errorText(err);
      }
      throw err;
    } finally {
      if (seq === this.seq) this.pending = false;
    }
  }

  clear(): void {
    clearTimeout(this.timer);
    this.seq++;
    this.result = null;
    this.forKey = '';
    this.error = '';
    this.pending = false;
  }
}
