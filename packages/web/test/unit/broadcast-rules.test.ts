import { describe, expect, it } from 'vitest';
import { allowedLifecycleActions, caseMay, contractActionsFor, countdown, slaClock } from '../../src/features/broadcast/rules';

describe('broadcast screen rules', () => {
  it.each([
    ['pending', ['activate', 'move', 'transfer', 'cancel']],
    ['active', ['suspend', 'move', 'transfer', 'cancel']],
    ['suspended', ['resume', 'move', 'transfer', 'cancel']],
    ['cancelled', []],
  ])('a %s subscription offers %j', (status, actions) => expect(allowedLifecycleActions(status)).toEqual(actions));

  it('follows the case transitions and the contract steps', () => {
    expect(caseMay('open', 'resolved')).toBe(true);
    expect(caseMay('closed', 'open')).toBe(false);
    expect(caseMay('resolved', 'waiting_customer')).toBe(false);
    expect(contractActionsFor('draft')).toEqual(['submit']);
    expect(contractActionsFor('submitted')).toEqual(['approve', 'reject']);
    expect(contractActionsFor('approved')).toEqual([]);
  });

  const start = '2026-12-01T10:00:00Z';
  const due = '2026-12-01T14:00:00Z'; // a 4-hour clock
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['within', { done: false, breached: false, paused: false, now: at('2026-12-01T11:00:00Z') }, 'within', 3 * 3600_000],
    ['at risk under a fifth left', { done: false, breached: false, paused: false, now: at('2026-12-01T13:30:00Z') }, 'at_risk', 30 * 60_000],
    ['breached once due', { done: false, breached: false, paused: false, now: at('2026-12-01T14:00:01Z') }, 'breached', -1000],
    ['breached as the API says', { done: false, breached: true, paused: false, now: at('2026-12-01T11:00:00Z') }, 'breached', 0],
    ['met when done in time', { done: true, breached: false, paused: false, now: at('2026-12-01T15:00:00Z') }, 'met', -3600_000],
    ['paused while waiting', { done: false, breached: false, paused: true, now: at('2026-12-01T13:50:00Z') }, 'paused', 10 * 60_000],
  ] as const)('%s', (_what, input, state, left) => {
    expect(slaClock({ dueAt: due, startedAt: start, ...input })).toEqual({ state, leftMs: left });
  });

  it('shows time left as h:mm:ss', () => {
    expect(countdown(3_725_000)).toBe('1:02:05');
    expect(countdown(-59_000)).toBe('0:00:59');
    expect(countdown(90_061_000)).toBe('1d 1:01:01');
  });
});
