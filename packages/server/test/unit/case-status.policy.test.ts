import { describe, expect, it } from 'vitest';
import { type CaseWrite, caseTransitions, caseWriteRefusal } from '../../src/modules/cases/case-status.policy.js';

const w = (status: CaseWrite['status'], hasResolution = false, satisfaction: number | null = null): CaseWrite => ({ status, hasResolution, satisfaction });

describe('case status transitions', () => {
  const all = Object.keys(caseTransitions) as CaseWrite['status'][];
  it.each(all.flatMap((from) => all.filter((to) => to !== from).map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const refusal = caseWriteRefusal(w(to, true), w(from, true));
    expect(refusal === null).toBe(caseTransitions[from].includes(to));
    if (refusal) expect(refusal).toMatchObject({ status: 409, message: expect.stringContaining(`a ${from} case cannot become ${to}`) });
  });

  it.each([
    ['reopen from resolved', w('open', true), w('resolved', true), null],
    ['closed is final', w('open', true), w('closed', true), 409],
    ['close without a resolution', w('closed', false), w('resolved', false), 422],
    ['close with a resolution', w('closed', true), w('resolved', true), null],
    ['close straight from new without a resolution', w('closed', false), w('new'), 422],
    ['start as resolved', w('resolved', true), undefined, 422],
    ['start as open', w('open'), undefined, null],
    ['satisfaction on an open case', w('open', false, 4), w('open'), 422],
    ['satisfaction once resolved', w('resolved', true, 5), w('resolved', true), null],
    ['satisfaction after closing', w('closed', true, 3), w('closed', true), null],
    ['a reopened case keeps its satisfaction', w('open', true, 3), w('resolved', true, 3), null],
  ] as const)('%s', (_name, next, previous, status) => {
    expect(caseWriteRefusal(next, previous)?.status ?? null).toBe(status);
  });
});
