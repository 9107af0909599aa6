import { describe, expect, it } from 'vitest';
import { type ContractChange, type ContractStatus, contractRefusal, targetOf } from '../../src/modules/ad-sales/contract-transition.policy.js';

const author = 'u-author';
const manager = 'u-manager';
const change = (from: ContractStatus | undefined, to: ContractStatus, over: Partial<ContractChange> = {}): ContractChange => ({
  from,
  to,
  editsFields: false,
  actorId: manager,
  createdBy: author,
  submittedBy: from === 'draft' || from === undefined ? null : author,
  canApprove: true,
  ...over,
});

describe('contract transitions', () => {
  it.each([
    // [from, to, overrides, expected status (null = allowed)]
    [undefined, 'draft', {}, null],
    [undefined, 'submitted', {}, 409],
    [undefined, 'approved', {}, 409],
    ['draft', 'submitted', { actorId: author, canApprove: false }, null],
    ['draft', 'approved', {}, 409],
    ['draft', 'rejected', {}, 409],
    ['submitted', 'approved', {}, null],
    ['submitted', 'rejected', {}, null],
    ['submitted', 'approved', { canApprove: false }, 403],
    ['submitted', 'rejected', { canApprove: false }, 403],
    ['submitted', 'approved', { actorId: author }, 409],
    ['submitted', 'rejected', { actorId: author }, 409],
    ['submitted', 'approved', { createdBy: 'u-other', submittedBy: manager }, 409],
    ['submitted', 'draft', {}, 409],
    ['approved', 'rejected', {}, 409],
    ['approved', 'draft', {}, 409],
    ['rejected', 'approved', {}, 409],
    ['rejected', 'submitted', {}, 409],
    ['draft', 'draft', { editsFields: true }, null],
    ['submitted', 'submitted', { editsFields: true }, 409],
    ['approved', 'approved', { editsFields: true }, 409],
    ['draft', 'submitted', { editsFields: true }, 409],
  ] as const)('%s → %s %o: %s', (from, to, over, expected) => {
    expect(contractRefusal(change(from, to, over))?.status ?? null).toBe(expected);
  });

  it('explains why an author may not approve', () => {
    expect(contractRefusal(change('submitted', 'approved', { actorId: author }))?.message).toBe(
      'you drafted or submitted this contract; another person with contracts.approve must approve it',
    );
  });

  it('names what a final contract can become: nothing', () => {
    expect(contractRefusal(change('approved', 'submitted'))?.message).toBe('a contract that is approved cannot become submitted (it is final)');
  });

  it('maps each action to its target', () => {
    expect([targetOf('submit'), targetOf('approve'), targetOf('reject')]).toEqual(['submitted', 'approved', 'rejected']);
  });
});
