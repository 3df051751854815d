import type { QueueStatus } from '../api';
import type { ChipTone } from '../format';

export const statusLabel: Record<QueueStatus, string> = {
  pending: 'Waiting',
  in_progress: 'In progress',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
};

export const statusTone: Record<QueueStatus, ChipTone> = {
  pending: 'muted',
  in_progress: 'accent',
  completed: 'success',
  failed: 'danger',
  canceled: 'muted',
};

/** What a running node is doing, in a word or two. */
const nodeWork: Record<string, string> = {
  prompt_art: 'Painting',
  noise: 'Making noise',
  gradient: 'Drawing the gradient',
  solid_color: 'Filling',
  load_image: 'Loading the image',
  resize: 'Resizing',
  crop: 'Cropping',
  blur: 'Blurring',
  sharpen: 'Sharpening',
  adjust: 'Adjusting colours',
  grayscale: 'Removing colour',
  invert: 'Inverting',
  blend: 'Blending',
  paste: 'Pasting',
  save_image: 'Saving',
  txt2img: 'Drawing',
  img2img: 'Redrawing',
};

export function workOf(nodeType: string): string {
  return nodeWork[nodeType] ?? (nodeType ? nodeType.replace(/_/g, ' ') : 'Starting');
}

/** 1 → "1st", 2 → "2nd", 11 → "11th". */
export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dayTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "14:03" today, "12 Mar 2026, 14:03" before. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 2000) return '';
  return d.toDateString() === new Date().toDateString() ? timeFmt.format(d) : dayTimeFmt.format(d);
}

/** "0.4 s", "12 s", "3 min 5 s". */
export function took(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return '';
  const ms = new Date(to).getTime() - new Date(from).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 100) return 'under 0.1 s';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
