import { describe, expect, it } from 'vitest';
import { type CaseClock, clockAfter, slaState, slaTargets } from '../../src/modules/cases/case-sla.policy.js';

const t0 = '2026-03-02T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const base: CaseClock = {
  priority: 'p1',
  status: 'new',
  createdAt: t0,
  firstResponseAt: null,
  resolvedAt: null,
  closedAt: null,
  pausedSince: null,
  pausedSeconds: 0,
};

describe('SLA targets', () => {
  it.each([
    ['p1', 60, 240],
    ['p2', 240, 1440],
    ['p3', 480, 4320],
    ['p4', 1440, 7200],
  ] as const)('%s: response %i min, resolution %i min', (priority, response, resolution) => {
    expect(slaTargets[priority]).toEqual({ responseMinutes: response, resolutionMinutes: resolution });
  });
});

describe('SLA state of a case at a moment', () => {
  it.each([
    // case, minutes after creation, response breached, resolution breached, escalation level
    ['new p1 at 59 min', base, 59, false, false, 0],
    ['new p1 at exactly 60 min (edge: met)', base, 60, false, false, 0],
    ['new p1 at 60 min + 1 s', base, 60 + 1 / 60, true, false, 1],
    ['answered at 30 min, checked at 200 min', { ...base, status: 'open', firstResponseAt: iso(30) }, 200, false, false, 0],
    ['answered at 61 min', { ...base, status: 'open', firstResponseAt: iso(61) }, 62, true, false, 1],
    ['open p1 at exactly 240 min (edge)', { ...base, status: 'open', firstResponseAt: iso(10) }, 240, false, false, 0],
    ['open p1 at 241 min', { ...base, status: 'open', firstResponseAt: iso(10) }, 241, false, true, 2],
    // Waited 100 min on the customer (paused from 100 to 200): at 300 min only 200 count.
    ['p1 after a 100 min pause, at 300 min', { ...base, status: 'open', firstResponseAt: iso(10), pausedSeconds: 6000 }, 300, false, false, 0],
    ['p1 after a 100 min pause, at 341 min', { ...base, status: 'open', firstResponseAt: iso(10), pausedSeconds: 6000 }, 341, false, true, 2],
    // Waiting since 100 min: the clock stands still, however late it is now.
    ['p1 waiting since 100 min, at 1000 min', { ...base, status: 'waiting_customer', firstResponseAt: iso(10), pausedSince: iso(100) }, 1000, false, false, 0],
    [
      'p1 resolved at 200 min, at 5000 min',
      { ...base, status: 'resolved', firstResponseAt: iso(10), pausedSince: iso(200), resolvedAt: iso(200) },
      5000,
      false,
      false,
      0,
    ],
    ['p1 resolved at 250 min', { ...base, status: 'resolved', firstResponseAt: iso(10), pausedSince: iso(250), resolvedAt: iso(250) }, 300, false, true, 2],
    ['p4 new at 1441 min', { ...base, priority: 'p4' }, 1441, true, false, 1],
    ['p3 never answered at 4321 min', { ...base, priority: 'p3' }, 4321, true, true, 2],
  ] as const)('%s', (_name, c, minutes, response, resolution, level) => {
    const state = slaState(c as CaseClock, at(minutes));
    expect([state.responseBreached, state.resolutionBreached, state.escalationLevel]).toEqual([response, resolution, level]);
  });

  it('moves the resolution due time on while the case waits on the customer, and reports the pause', () => {
    const waiting: CaseClock = { ...base, status: 'waiting_customer', firstResponseAt: iso(10), pausedSince: iso(100), pausedSeconds: 600 };
    const state = slaState(waiting, at(160));
    expect(state.paused).toBe(true);
    expect(state.pausedSeconds).toBe(600 + 3600);
    expect(state.resolutionDueAt).toBe(iso(240 + 10 + 60));
    expect(state.responseDueAt).toBe(iso(60));
  });
});

describe('SLA clock across status changes', () => {
  it.each([
    // from, to, minutes now, expected changes
    ['new case created new', undefined, 'new', 0, { firstResponseAt: null, pausedSince: null, pausedSeconds: 0 }],
    ['new case created open (answered at once)', undefined, 'open', 0, { firstResponseAt: iso(0), pausedSince: null }],
    ['new → open is the first response', base, 'open', 15, { firstResponseAt: iso(15), pausedSince: null }],
    ['new → waiting_customer answers and stops the clock', base, 'waiting_customer', 20, { firstResponseAt: iso(20), pausedSince: iso(20) }],
    [
      'waiting_customer → open adds the pause',
      { ...base, status: 'waiting_customer', firstResponseAt: iso(20), pausedSince: iso(20), pausedSeconds: 60 },
      'open',
      50,
      { firstResponseAt: iso(20), pausedSince: null, pausedSeconds: 60 + 1800 },
    ],
    [
      'open → resolved stops the clock and records the time',
      { ...base, status: 'open', firstResponseAt: iso(5) },
      'resolved',
      90,
      { pausedSince: iso(90), resolvedAt: iso(90) },
    ],
    [
      'resolved → open (reopen) does not count the resolved time',
      { ...base, status: 'resolved', firstResponseAt: iso(5), pausedSince: iso(90), resolvedAt: iso(90) },
      'open',
      150,
      { pausedSince: null, pausedSeconds: 3600, resolvedAt: null },
    ],
    [
      'resolved → closed keeps the clock where it stopped',
      { ...base, status: 'resolved', firstResponseAt: iso(5), pausedSince: iso(90), resolvedAt: iso(90) },
      'closed',
      300,
      { pausedSince: iso(90), resolvedAt: iso(90), closedAt: iso(300) },
    ],
    [
      'a change without a status change keeps the first response',
      { ...base, status: 'open', firstResponseAt: iso(5) },
      'open',
      30,
      { firstResponseAt: iso(5), pausedSince: null, pausedSeconds: 0 },
    ],
  ] as const)('%s', (_name, previous, to, minutes, expected) => {
    expect(clockAfter(previous as CaseClock | undefined, to, at(minutes))).toMatchObject(expected);
  });
});
