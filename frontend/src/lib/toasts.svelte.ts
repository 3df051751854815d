// A small queue of messages shown in the corner. Success messages fade on
// their own; errors stay until closed (or a while longer).

export type ToastKind = 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export const toasts: Toast[] = $state([]);

export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

function push(kind: ToastKind, text: string, ms: number): void {
  const id = nextId++;
  while (toasts.length >= 3) dismissToast(toasts[0].id);
  toasts.push({ id, kind, text });
  timers.set(id, setTimeout(() => dismissToast(id), ms));
}

export function toastSuccess(text: string): void {
  push('success', text, 4000);
}

export function toastError(text: string): void {
  push('error', text, 10000);
}

/** Removes every message: nothing of a profile stays on screen after sign-out. */
export function clearToasts(): void {
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
  toasts.length = 0;
}
