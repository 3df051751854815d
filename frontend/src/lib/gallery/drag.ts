// Dragging thumbnails onto boards: the names travel in their own type, so a
// drop target can tell them from files dragged in from the OS.

export const IMAGES_TYPE = 'application/x-easel-images';

export function hasImages(e: DragEvent): boolean {
  return !!e.dataTransfer?.types.includes(IMAGES_TYPE);
}

export function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer?.types.includes('Files');
}

export function draggedImages(e: DragEvent): string[] {
  try {
    const v = JSON.parse(e.dataTransfer?.getData(IMAGES_TYPE) || '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Starts dragging names, with a small "3 images" badge when there are several. */
export function startImageDrag(e: DragEvent, names: string[]): void {
  const dt = e.dataTransfer;
  if (!dt) return;
  dt.effectAllowed = 'move';
  dt.setData(IMAGES_TYPE, JSON.stringify(names));
  dt.setData('text/plain', names.join('\n'));
  if (names.length > 1) {
    const badge = document.createElement('div');
    badge.textContent = `${names.length} images`;
    badge.style.cssText =
      'position:fixed;top:-100px;left:0;padding:6px 12px;border-radius:999px;background:#4f46e5;color:#fff;font:600 13px system-ui,sans-serif;';
    document.body.append(badge);
    dt.setDragImage(badge, 12, 12);
    setTimeout(() => badge.remove(), 0);
  }
}
