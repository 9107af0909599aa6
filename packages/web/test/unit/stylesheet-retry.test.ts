import { describe, expect, it } from 'vitest';
import { reloadFailedStylesheets, type StylesheetLink } from '../../src/app/stylesheet-retry';

/** A page's stylesheet links: each new one loads or fails as `outcomes` says, in turn; the page's list of links is kept. */
function page(outcomes: boolean[]) {
  const inPage: FakeLink[] = [];
  class FakeLink implements StylesheetLink<FakeLink> {
    href = '';
    crossOrigin: string | null = null;
    nonce = '';
    sheet: unknown = null;
    private readonly listeners = new Map<string, () => void>();
    addEventListener(type: 'load' | 'error', listener: () => void) {
      this.listeners.set(type, listener);
    }
    after(node: FakeLink) {
      inPage.splice(inPage.indexOf(this) + 1, 0, node);
      const loaded = outcomes.shift() ?? false;
      node.sheet = { cssRules: { length: loaded ? 3 : 0 } };
      queueMicrotask(() => node.listeners.get(loaded ? 'load' : 'error')?.());
    }
    remove() {
      inPage.splice(inPage.indexOf(this), 1);
    }
  }
  const link = (href: string, sheet: unknown) => {
    const l = new FakeLink();
    Object.assign(l, { href, sheet, crossOrigin: '', nonce: 'n0nce' });
    inPage.push(l);
    return l;
  };
  return { inPage, link, create: () => new FakeLink() };
}

describe('reloadFailedStylesheets (a stylesheet that failed to load is fetched again)', () => {
  it.each([
    { outcomes: [true], left: 0, waited: [10] },
    { outcomes: [false, false, true], left: 0, waited: [10, 20, 30] },
    { outcomes: [false, false, false], left: 1, waited: [10, 20, 30] },
  ])('after $outcomes: $left left unloaded, waiting $waited', async ({ outcomes, left, waited }) => {
    const { inPage, link, create } = page([...outcomes]);
    const loaded = link('/assets/loaded.css', { cssRules: { length: 9 } });
    // Chromium keeps a sheet whose rules may not be read for a failed load.
    link('/assets/index.css', {
      get cssRules(): never {
        throw new Error('SecurityError');
      },
    });
    const waits: number[] = [];
    expect(await reloadFailedStylesheets([...inPage], create, [10, 20, 30], async (ms) => void waits.push(ms))).toBe(left);
    expect(waits).toEqual(waited);
    // The loaded one is untouched; the failed one was replaced by one new link to the same file, with its nonce.
    expect(inPage.map((l) => l.href)).toEqual(['/assets/loaded.css', '/assets/index.css']);
    expect(inPage[0]).toBe(loaded);
    expect([inPage[1]?.nonce, inPage[1]?.crossOrigin, (inPage[1]?.sheet as { cssRules: { length: number } }).cssRules.length > 0]).toEqual([
      'n0nce',
      '',
      left === 0,
    ]);
  });

  it('touches nothing when every stylesheet loaded', async () => {
    const { inPage, link, create } = page([]);
    link('/assets/index.css', { cssRules: { length: 1 } });
    const waits: number[] = [];
    expect(await reloadFailedStylesheets([...inPage], create, [10], async (ms) => void waits.push(ms))).toBe(0);
    expect(waits).toEqual([]);
  });
});
