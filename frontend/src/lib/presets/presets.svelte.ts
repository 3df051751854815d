// The style presets one may see, as the Presets page and Generate's picker
// use them: the list (filtered by tab on the page, since the service sends
// every visible one at once), and each one's preview as an <img> shows it.

import { inWindow, listStylePresets, stylePresetPreview, type StylePreset } from '../api';
import { errorText, isSessionEnd } from '../errors';

export type Tab = 'mine' | 'shared' | 'everyone' | 'builtin';

export interface TabInfo {
  id: Tab;
  label: string;
  /** What an empty tab says. */
  empty: { title: string; text: string };
}

export const tabs: TabInfo[] = [
  {
    id: 'mine',
    label: 'Yours',
    empty: { title: 'You have no style presets yet', text: 'Make one with “New preset”, save a copy of another with “Save as mine”, or import a CSV or JSON file.' },
  },
  {
    id: 'shared',
    label: 'Shared with me',
    empty: { title: 'Nothing is shared with you yet', text: 'When someone shares a style preset with you by name, it shows here.' },
  },
  {
    id: 'everyone',
    label: "Everyone's",
    empty: { title: 'Nobody has published a style preset yet', text: 'Publish one of yours and everyone on this computer can use and copy it.' },
  },
  {
    id: 'builtin',
    label: 'Built-in',
    empty: { title: 'No built-in presets', text: 'Easel comes with a few; an administrator may have changed them.' },
  },
];

/** Whether a preset belongs in a tab, for the caller whose id is me. */
export function inTab(p: StylePreset, tab: Tab, me: string): boolean {
  const builtin = p.type === 'default';
  switch (tab) {
    case 'mine':
      return !builtin && p.user_id === me;
    case 'shared':
      return !builtin && p.user_id !== me && (p.my_role === 'viewer' || p.my_role === 'editor');
    case 'everyone':
      // Published ones, one's own too (as the Library's); an admin also finds
      // the rest of everyone's here.
      return !builtin && (p.is_public || (p.my_role === 'admin' && p.user_id !== me));
    case 'builtin':
      return builtin;
  }
}

export class PresetStore {
  items = $state.raw<StylePreset[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state('');
  /** Each preset's preview as an <img src>, by id, once known. */
  previews = $state<Record<string, string>>({});

  /** Answers to an older load are dropped. */
  private seq = 0;
  /** The previews asked for, by id and version, so each is fetched once. */
  private asked = new Map<string, string>();

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    try {
      const list = await listStylePresets();
      if (seq !== this.seq) return;
      this.items = list;
      this.error = '';
      this.loaded = true;
      for (const p of list) this.preview(p);
    } catch (err) {
      if (seq === this.seq && !isSessionEnd(err)) this.error = errorText(err);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  byId(id: string): StylePreset | undefined {
    return this.items.find((p) => p.id === id);
  }

  /** Puts a preset made or changed into the list, in name order. */
  put(p: StylePreset): void {
    const rest = this.items.filter((x) => x.id !== p.id);
    this.items = [...rest, p].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id));
    this.preview(p);
  }

  remove(id: string): void {
    this.items = this.items.filter((p) => p.id !== id);
    delete this.previews[id];
    this.asked.delete(id);
  }

  /** Fetches a preset's preview for the <img>: a browser's URL (new with each change), the window's data: URL. */
  private async preview(p: StylePreset): Promise<void> {
    const version = `${p.image ?? ''}@${p.updated_at}`;
    if (this.asked.get(p.id) === version) return;
    this.asked.set(p.id, version);
    if (!p.image) {
      delete this.previews[p.id];
      return;
    }
    if (!inWindow) {
      // The same address serves a new image after a change: the version keeps a browser from showing the old one.
      this.previews[p.id] = `${p.image}?v=${encodeURIComponent(p.updated_at)}`;
      return;
    }
    try {
      const url = await stylePresetPreview(p);
      if (url && this.asked.get(p.id) === version) this.previews[p.id] = url;
    } catch {
      // No preview is shown; the card still is.
    }
  }
}
