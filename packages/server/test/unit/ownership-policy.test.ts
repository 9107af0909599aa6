import type { RecordScope } from '@castellan/shared';
import { describe, expect, it } from 'vitest';
import { ownershipRefusal } from '../../src/platform/authz/ownership-policy.js';

const me = { userId: 'me', teamId: 'team-a' };
const target = (ownerId: string, ownerTeamId: string | null, teamId: string | null) => ({ ownerId, ownerTeamId, teamId });

describe('ownership policy: owner and team must both lie within the scope', () => {
  it.each([
    // scope, owner (and their team), record team, refusal (null = allowed)
    ['own', target('me', 'team-a', 'team-a'), null],
    ['own', target('mate', 'team-a', 'team-a'), 'ownerId must be you'],
    ['own', target('me', 'team-a', 'team-b'), 'teamId must be your team'],
    ['own', target('me', 'team-a', null), 'teamId must be your team'],
    ['team', target('me', 'team-a', 'team-a'), null],
    ['team', target('mate', 'team-a', 'team-a'), null],
    // The hole: a team manager handing a record of their team to a user of another team.
    ['team', target('stranger', 'team-b', 'team-a'), 'ownerId must be a member of your team'],
    ['team', target('teamless', null, 'team-a'), 'ownerId must be a member of your team'],
    ['team', target('mate', 'team-a', 'team-b'), 'teamId must be your team'],
    ['team', target('stranger', 'team-b', 'team-b'), 'teamId must be your team'],
    ['team', target('mate', 'team-a', null), 'teamId must be your team'],
    ['all', target('stranger', 'team-b', 'team-a'), null],
    ['all', target('stranger', 'team-b', null), null],
    [null, target('me', 'team-a', 'team-a'), 'you have no record scope here'],
  ] as const)('%s scope, %o → %s', (scope, record, refusal) => {
    expect(ownershipRefusal(scope as RecordScope | null, me, record)).toBe(refusal);
  });

  it('treats team scope without a team as own scope', () => {
    const loner = { userId: 'me', teamId: null };
    expect(ownershipRefusal('team', loner, target('me', null, null))).toBeNull();
    expect(ownershipRefusal('team', loner, target('other', null, null))).toBe('ownerId must be you');
  });
});
