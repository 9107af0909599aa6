import { can, inScope } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { PlainRecord } from '../../platform/data/protected-store.js';
import { blockOf, type RightsBlock } from './rights-block.js';

/** Whether the actor may see a licence (its read permission and record scope): else it is named as one they cannot see. */
export const licenceVisibleTo = (actor: Actor, licence: PlainRecord): boolean =>
  can(actor, 'licenses.read') && inScope(actor, 'licenses', { ownerId: licence.ownerId as string | null, teamId: licence.teamId as string | null });

/** Stored licences as blocks, each knowing whether the actor may see it. */
export const licenceBlocksFor = (actor: Actor, licences: readonly PlainRecord[]): RightsBlock[] => licences.map((l) => blockOf(l, licenceVisibleTo(actor, l)));
