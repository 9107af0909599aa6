/**
 * The common / breached password list shipped with the product: `passwords-common` of
 * `@zxcvbn-ts/language-common` (49 233 entries, all lower case), loaded on first use into a Set.
 */

let loading: Promise<ReadonlySet<string>> | undefined;

function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase())),
    (error: unknown) => {
      loading = undefined; // let the next call try again
      throw error;
    },
  );
  return loading;
}

/** Digits, punctuation, symbols and spaces at the end: "Password123!" → "Password". */
const trailingNonLetters = /[^\p{L}\p{M}]+$/u;

/**
 * True when the (already NFKC-normalised) password is on the list, compared case-insensitively,
 * either as a whole or with its trailing digits/symbols stripped.
 */
export async function isCommonPassword(normalized: string): Promise<boolean> {
  const list = await commonPasswords();
  const lower = normalized.toLowerCase();
  if (list.has(lower)) return true;
  const base = lower.replace(trailingNonLetters, '');
  return base.length > 0 && base !== lower && list.has(base);
}
