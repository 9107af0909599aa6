import { describe, expect, it } from 'vitest';
import { isId, newId } from '../../src/platform/data/ids.js';

describe('record ids (UUIDv7)', () => {
  it('are strictly increasing within one millisecond, across the 12-bit counter overflow, and when the clock steps back', () => {
    const at = Date.UTC(2026, 0, 1);
    const ids = [...Array.from({ length: 5000 }, () => newId(at)), newId(at - 1000), newId(at + 10_000)];
    for (const id of ids) expect(isId(id), id).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1] < (ids[i] as string), `${ids[i - 1]} then ${ids[i]}`).toBe(true);
    expect(ids.at(-1)?.slice(0, 13).replace('-', '')).toBe((at + 10_000).toString(16).padStart(12, '0'));
  });
});
