import { describe, expect, it } from 'vitest';
import { failureKeys, isModuleLoadFailure, withRetry } from '../../src/app/load-with-retry';

/** A load that fails `failures` times, then gives its module; counts its calls. */
function flaky(failures: number) {
  let calls = 0;
  const load = async () => {
    calls += 1;
    if (calls <= failures) throw new Error(`fetch ${calls} failed`);
    return { default: 'module' };
  };
  return { load, calls: () => calls };
}

describe('withRetry (a module load tried again after a failed fetch)', () => {
  it.each([
    { failures: 0, delays: [10, 20, 30], result: 'module', calls: 1, waited: [] },
    { failures: 1, delays: [10, 20, 30], result: 'module', calls: 2, waited: [10] },
    { failures: 3, delays: [10, 20, 30], result: 'module', calls: 4, waited: [10, 20, 30] },
    { failures: 4, delays: [10, 20, 30], result: 'fetch 4 failed', calls: 4, waited: [10, 20, 30] },
    { failures: 1, delays: [], result: 'fetch 1 failed', calls: 1, waited: [] },
  ])('$failures failures with delays $delays → $result after $calls calls', async ({ failures, delays, result, calls, waited }) => {
    const { load, calls: count } = flaky(failures);
    const waits: number[] = [];
    const outcome = await withRetry(load, delays, async (ms) => {
      waits.push(ms);
    })().then(
      (m) => m.default,
      (e: Error) => e.message,
    );
    expect(outcome).toBe(result);
    expect(count()).toBe(calls);
    expect(waits).toEqual(waited);
  });

  it('starts afresh on each call (a later visit tries again after an earlier one gave up)', async () => {
    const { load, calls } = flaky(2);
    const once = withRetry(load, [], async () => undefined);
    await expect(once()).rejects.toThrow('fetch 1 failed');
    await expect(once()).rejects.toThrow('fetch 2 failed');
    await expect(once()).resolves.toEqual({ default: 'module' });
    expect(calls()).toBe(3);
  });
});

describe('which failure a screen names: code that could not load, or code that failed while drawing', () => {
  it.each([
    { error: new TypeError('Failed to fetch dynamically imported module: https://x/assets/ProfilePage-a1.js'), load: true }, // Chromium
    { error: new TypeError('error loading dynamically imported module: https://x/assets/A.js'), load: true }, // Firefox
    { error: new TypeError('Importing a module script failed.'), load: true }, // Safari
    { error: new Error('Unable to preload CSS for /assets/lazy-charts.css'), load: true }, // Vite's preload
    { error: new TypeError("Cannot read properties of undefined (reading 'map')"), load: false },
    { error: 'a thrown string', load: false },
    { error: undefined, load: false },
  ])('$error → could not load: $load', ({ error, load }) => {
    expect(isModuleLoadFailure(error)).toBe(load);
    expect(failureKeys(error).title).toBe(load ? 'common:loadFailed.title' : 'common:loadFailed.brokenTitle');
    expect(failureKeys(error).next).toBe(load ? 'common:loadFailed.next' : 'common:loadFailed.brokenNext');
  });
});
