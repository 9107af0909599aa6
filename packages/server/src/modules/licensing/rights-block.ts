import { codeListItems } from '@castellan/shared';
import { type DayRange, dayOf } from './licensing-dates.js';
import { territorySet } from './territory.policy.js';

/**
 * A block of rights as the licensing rules see it: a rights-in record or a licence, its
 * territories × media × window × exclusivity, as plain values from the store.
 */
export interface RightsBlock {
  readonly id: string;
  readonly contractNumber: string;
  readonly territories: string;
  readonly media: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly exclusive: boolean;
  /** Licences only: cancelled ones block nothing. */
  readonly status?: string;
  /** Licences only: whether the caller may see it (else it is named "a licence you cannot see"). */
  readonly visible?: boolean;
}

/** A block with its sets expanded, for repeated checks. */
export interface ExpandedBlock {
  readonly block: RightsBlock;
  readonly territories: ReadonlySet<string>;
  readonly media: ReadonlySet<string>;
  readonly days: DayRange;
}

export const expandBlock = (block: RightsBlock): ExpandedBlock => ({
  block,
  territories: territorySet(block.territories),
  media: new Set(codeListItems(block.media)),
  days: { from: dayOf(block.windowStart), to: dayOf(block.windowEnd) },
});

/** A block as the plain fields of a stored rights-in record or licence. */
export function blockOf(record: Record<string, unknown>, visible?: boolean): RightsBlock {
  return {
    id: String(record.id),
    contractNumber: String(record.contractNumber ?? ''),
    territories: String(record.territories ?? ''),
    media: String(record.media ?? ''),
    windowStart: String(record.windowStart),
    windowEnd: String(record.windowEnd),
    exclusive: record.exclusive === true,
    status: record.status === undefined || record.status === null ? undefined : String(record.status),
    visible,
  };
}

/** How a licence is named in a message: its contract number and id, or as one the caller cannot see. */
export function licenceName(block: RightsBlock): string {
  if (block.visible === false) return block.exclusive ? 'an exclusive licence you cannot see' : 'a licence you cannot see';
  return `${block.exclusive ? 'exclusive ' : ''}licence ${block.contractNumber} (${block.id})`;
}
