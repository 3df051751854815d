// Avatar colors and initials for users that come without a tile (the header,
// the users table). Mirrors tileColor in app/user.go so a person keeps the
// same color everywhere; when Go sends a tile, its color wins.

const colors = ['#c2410c', '#b45309', '#15803d', '#0f766e', '#0369a1', '#4338ca', '#7e22ce', '#be185d'];

/** FNV-1a over the UTF-8 bytes of id, like the Go side. */
export function colorFor(id: string): string {
  let h = 2166136261;
  for (const b of new TextEncoder().encode(id)) {
    h = Math.imul(h ^ b, 16777619) >>> 0;
  }
  return colors[h % colors.length];
}

export function initialOf(name: string): string {
  const first = [...name.trim()][0] ?? '?';
  return first.toUpperCase();
}
