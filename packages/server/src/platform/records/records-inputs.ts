import { fieldCatalogue } from '@castellan/shared';
import type { Kernel } from '../kernel.js';
import type { Catalogue } from './catalogue-fingerprint.js';
import type { RecordInputs, TransferRecord } from './ropa-content.js';

/**
 * Reads what the records are generated from: the controller (non-personal part), the transfer
 * register and the enabled retention rules (modules/retention), described per object. No sealed
 * column is read here.
 */
type Db = Kernel['db']['kysely'];

export const controllerKey = 'controller';
export const defaultController = { name: '(controller not set)', country: 'CN', revision: 0 } as const;

export async function readController(db: Db): Promise<RecordInputs['controller']> {
  const row = await db.selectFrom('records_controller').select(['name', 'country', 'revision']).where('key', '=', controllerKey).executeTakeFirst();
  return row ? { name: row.name, country: row.country, revision: Number(row.revision) } : { ...defaultController };
}

export async function readTransfers(db: Db): Promise<TransferRecord[]> {
  const rows = await db.selectFrom('transfers').select(['id', 'recipient', 'country', 'mechanism', 'categories', 'activity', 'status']).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    recipient: r.recipient,
    country: r.country,
    mechanism: r.mechanism as TransferRecord['mechanism'],
    categories: JSON.parse(r.categories) as string[],
    activity: r.activity,
    status: r.status as TransferRecord['status'],
  }));
}

/** One enabled retention rule in words: "delete after 730 days of inactivity (purpose marketing)". */
export function describeRetentionRule(rule: { action: string; days: number; trigger_kind: string; purpose: string }): string {
  const after = rule.trigger_kind === 'contract_end' ? 'after the contract ends' : 'of inactivity';
  return `${rule.action} after ${rule.days} days ${after} (purpose ${rule.purpose})`;
}

/** The enabled retention rules (modules/retention) per object, described. */
export async function readRetention(db: Db): Promise<Map<string, string[]>> {
  const rows = await (db as unknown as import('kysely').Kysely<any>)
    .selectFrom('retention_rules')
    .select(['object', 'action', 'days', 'trigger_kind', 'purpose'])
    .where('enabled', '=', 1)
    .execute();
  const out = new Map<string, string[]>();
  for (const row of rows)
    out.set(String(row.object), [...(out.get(String(row.object)) ?? []), describeRetentionRule({ ...row, days: Number(row.days) })].sort());
  return out;
}

export async function readRecordInputs(kernel: Kernel, db: Db = kernel.db.kysely, catalogue: Catalogue = fieldCatalogue): Promise<RecordInputs> {
  return { catalogue, controller: await readController(db), transfers: await readTransfers(db), retention: await readRetention(db) };
}
