/** Svelte action: focuses the element when it appears, unless `enabled` is false. */
export function focusOnMount(node: HTMLElement, enabled = true): void {
  if (enabled) queueMicrotask(() => node.focus());
}
