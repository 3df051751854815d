// Client-side hints only: the server is the authority on password rules.
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 128;

/** What is wrong with a new password, or '' if it looks fine. */
export function passwordProblem(pw: string): string {
  const n = [...pw].length;
  if (n < MIN_PASSWORD) return `Passwords need at least ${MIN_PASSWORD} characters.`;
  if (n > MAX_PASSWORD) return `Passwords can have at most ${MAX_PASSWORD} characters.`;
  return '';
}

/** Like passwordProblem, and also checks the confirmation. */
export function newPasswordProblem(pw: string, confirm: string): string {
  return passwordProblem(pw) || (pw !== confirm ? 'The two passwords do not match. Type the same password twice.' : '');
}
