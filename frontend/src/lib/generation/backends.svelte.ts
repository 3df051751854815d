// The image-generation backends as Settings shows them: every change sends
// the whole list Settings keeps, and the answer is what is shown.

import { backendOf, listBackends, setBackends, testBackend, type Backend, type BackendStatus } from '../api';
import { errorText, isSessionEnd } from '../errors';
import { isWaking } from './labels';

/** How often the list is asked for again while a backend is starting. */
export const WAKE_POLL_MS = 2000;

export class BackendStore {
  items = $state.raw<BackendStatus[]>([]);
  loaded = $state(false);
  /** Why the list could not be loaded. */
  error = $state('');
  /** The backends being tested now, by name. */
  testing = $state<Record<string, boolean>>({});
  /** Some backend is starting or restarting: the list is worth asking for again soon. */
  waking = $derived(this.items.some((b) => isWaking(b.state)));

  async load(): Promise<void> {
    try {
      this.items = await listBackends();
      this.error = '';
      this.loaded = true;
    } catch (err) {
      if (!isSessionEnd(err)) this.error = errorText(err);
    }
  }

  /** Adds a backend, then asks it at once what it offers. Throws the service's refusal. */
  async add(b: Backend): Promise<void> {
    await this.save([...this.items.map(backendOf), b]);
    try {
      await this.test(b.name);
    } catch {
      // it is kept all the same; its row says what is known of it
    }
  }

  /** Removes a backend Settings keeps. Throws the service's refusal. */
  async remove(name: string): Promise<void> {
    await this.save(this.items.filter((b) => b.name !== name).map(backendOf));
  }

  /** Asks a backend afresh and shows what it answered. Throws when it cannot be asked. */
  async test(name: string): Promise<BackendStatus> {
    this.testing[name] = true;
    try {
      const fresh = await testBackend(name);
      this.items = this.items.map((b) => (b.name === fresh.name ? fresh : b));
      return fresh;
    } finally {
      delete this.testing[name];
    }
  }

  private async save(list: Backend[]): Promise<void> {
    this.items = await setBackends(list);
    this.loaded = true;
  }
}
