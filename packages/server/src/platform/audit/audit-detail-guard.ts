/**
 * A last guard on the `detail` of every audit event: library error messages quote their input (a
 * challenge, an e-mail address, a URL with a token), so they never enter the append-only log. An
 * `error` (or `cause`) is kept only when it is an error NAME or code; `message`-like keys are withheld.
 * Callers must not rely on this: record an error's name or code, never its message.
 */
const ERROR_NAME = /^[A-Za-z0-9_.:-]{1,60}$/;
/** Keys that may hold a name or code only. */
const NAME_KEYS = new Set(['error', 'cause']);
/** Keys that hold texts of errors, never recorded. */
const MESSAGE_KEYS = new Set(['message', 'errorMessage', 'stack']);

export function guardAuditDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!detail) return detail;
  let guarded: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(detail)) {
    const unsafe = MESSAGE_KEYS.has(key) || (NAME_KEYS.has(key) && !(typeof value === 'string' && ERROR_NAME.test(value)));
    if (!unsafe) continue;
    guarded ??= { ...detail };
    guarded[key] = NAME_KEYS.has(key) ? 'error' : '[withheld]';
  }
  return guarded ?? detail;
}
