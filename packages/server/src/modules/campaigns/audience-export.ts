import { type FieldSpec, fieldCatalogue, isProtected } from '@castellan/shared';
import type { RequestContext } from '../../platform/audit/audit-event.js';
import { fieldAccess } from '../../platform/authz/access-policy.js';
import type { Actor } from '../../platform/authz/actor.js';
import { csvCell } from '../../platform/data/export-records.js';
import type { ProtectedStore } from '../../platform/data/protected-store.js';
import { audiencePage } from './audience.js';

/** The columns of an audience export: the contact fields the caller may see (hidden ones are left out). */
function columnsFor(actor: Actor): string[] {
  return (Object.entries(fieldCatalogue.contacts) as [string, FieldSpec][])
    .filter(([name, spec]) => !isProtected(spec) || fieldAccess(actor, 'contacts', name) !== 'hidden')
    .map(([name]) => name);
}

/**
 * A campaign's audience as CSV, streamed page by page: the same people as the audience view, as the
 * caller sees them (masked stays masked), each page audited as an export with its count and the
 * campaign's purpose and channel.
 */
export async function* audienceCsv(store: ProtectedStore, actor: Actor, context: RequestContext, campaignId: string): AsyncGenerator<string> {
  let cursor: string | undefined;
  let columns: string[] | undefined;
  do {
    const page = await audiencePage(store, actor, context, { campaignId, limit: 200, cursor, purpose: 'export' });
    if (!columns) {
      columns = columnsFor(actor);
      yield `${columns.join(',')}\n`;
    }
    for (const record of page.items) yield `${columns.map((c) => csvCell(record[c] as never)).join(',')}\n`;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
