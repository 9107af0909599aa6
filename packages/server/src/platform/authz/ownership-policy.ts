import type { RecordScope } from '@castellan/shared';

/**
 * Who may own a record an actor creates or moves: owner AND team must both lie within the actor's
 * record scope, so that no write hands a record to someone the actor could not give it to.
 *   own  — the owner is the actor, the team is the actor's team;
 *   team — the owner is a member of the actor's team, and the team is the actor's team;
 *   all  — anyone, any team.
 */
export interface OwnershipTarget {
  ownerId: string;
  /** The team the owner belongs to now. */
  ownerTeamId: string | null;
  /** The team the record will belong to. */
  teamId: string | null;
}

export interface OwnershipActor {
  userId: string | null;
  teamId: string | null;
}

/** Null when allowed; otherwise why not (a fixed text, naming no person). */
export function ownershipRefusal(scope: RecordScope | null, actor: OwnershipActor, target: OwnershipTarget): string | null {
  if (scope === 'all') return null;
  if (scope === 'team' && actor.teamId !== null) {
    if (target.teamId !== actor.teamId) return 'teamId must be your team';
    if (target.ownerTeamId !== actor.teamId) return 'ownerId must be a member of your team';
    return null;
  }
  if (scope === 'own' || scope === 'team') {
    if (target.ownerId !== actor.userId) return 'ownerId must be you';
    if (target.teamId !== actor.teamId) return 'teamId must be your team';
    return null;
  }
  return 'you have no record scope here';
}
