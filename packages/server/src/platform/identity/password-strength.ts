import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * zxcvbn-ts strength estimate (score 0..4). The factory is built on first use (~0.4 s: it ranks
 * all dictionaries) and then reused.
 */

/**
 * zxcvbn's l33t matcher is combinatorial: its default of 100 substitutions costs ~100 ms for a
 * 14-character password full of l33t-able characters and ~1 s for 128 characters; 12 gives the
 * same scores on our samples at a fraction of the cost.
 */
const l33tMaxSubstitutions = 12;

/**
 * Only this many code points are scored, which bounds the cost for long inputs. A prefix that is
 * already hard to guess makes the whole password so; a weak 64-character prefix is refused.
 */
export const strengthMaxCodePoints = 64;

let loading: Promise<ZxcvbnFactory> | undefined;

function factory(): Promise<ZxcvbnFactory> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
        l33tMaxSubstitutions,
      }),
    (error: unknown) => {
      loading = undefined; // let the next call try again
      throw error;
    },
  );
  return loading;
}

/** zxcvbn score of the password, with the user's own data (e-mail, name) as extra dictionary words. */
export async function strengthScore(normalized: string, userInputs: readonly string[]): Promise<number> {
  const zxcvbn = await factory();
  const scored = [...normalized].slice(0, strengthMaxCodePoints).join('');
  const result = await zxcvbn.check(scored, [...userInputs]);
  return result.score;
}
