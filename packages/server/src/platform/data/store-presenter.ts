import { applyMask, type FieldAccess } from '@castellan/shared';
import type { AuditEventInput } from '../audit/audit-event.js';
import { fieldAccess } from '../authz/access-policy.js';
import type { Actor } from '../authz/actor.js';
import { notFound } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { decodePersonalValues } from './record-codec.js';
import type { Row } from './store-query.js';
import { type PresentedRecord, toPresented } from './store-values.js';
import type { PlannedField, TablePlan } from './table-plan.js';

/** What a caller gets of a row: only the fields they may see, decrypted, masked where their rule says so. */
/** The subject key of a row, or undefined when it has none (a row about nobody, or an erased person). */
export function subjectKeyOf(kernel: Kernel, row: Row, plan: TablePlan): Buffer | undefined {
  const wrapped = row.wrapped_key as Buffer | null | undefined;
  if (!wrapped || !row.subject_id) {
    if (plan.ownSubject) throw notFound(plan.spec.label);
    return undefined;
  }
  return kernel.keyring.subjectKey(row.subject_id, Number(row.key_version), Buffer.from(wrapped));
}

/** Decrypts only what the actor may see (readable or masked), plus a searched field for verification. */
export async function decryptFor(kernel: Kernel, actor: Actor, plan: TablePlan, row: Row, searched?: PlannedField): Promise<Record<string, string | null>> {
  if (!plan.personal) return {};
  const visible = plan.encrypted.filter((f) => fieldAccess(actor, plan.object, f.name) !== 'hidden');
  const wanted = searched && !visible.includes(searched) ? [...visible, searched] : visible;
  if (wanted.length === 0) return {};
  const key = subjectKeyOf(kernel, row, plan);
  if (!key) return {};
  const values = decodePersonalValues(kernel.suite, plan, row, key, wanted);
  if (searched) values.__searched = values[searched.name] ?? null;
  return values;
}

export function present(actor: Actor, plan: TablePlan, row: Row, values: Record<string, string | null>): PresentedRecord {
  const out: PresentedRecord = {};
  const masked: string[] = [];
  for (const field of plan.fields) {
    if (!field.encrypted) {
      out[field.name] = toPresented(field, row[field.column]);
      continue;
    }
    const access: FieldAccess = fieldAccess(actor, plan.object, field.name);
    if (access === 'hidden') continue;
    const value = values[field.name] ?? null;
    if (access === 'masked' && field.spec.mask) {
      out[field.name] = value === null ? null : applyMask(field.spec.mask, value);
      masked.push(field.name);
    } else out[field.name] = value;
  }
  if (plan.personal) out.maskedFields = masked;
  return out;
}

export function readEvent(actor: Actor, plan: TablePlan, rows: Row[], searchedField?: string, searchedMasked = false): AuditEventInput {
  const visible = plan.encrypted.filter((f) => fieldAccess(actor, plan.object, f.name) !== 'hidden').map((f) => f.name);
  // A miss shows no field of anyone; it names the field that was compared.
  const fields = searchedField && rows.length === 0 ? [searchedField] : visible;
  const searchDetail = { searchedBy: searchedField, count: rows.length, ...(searchedMasked ? { searchedMasked: true } : {}) };
  return {
    action: searchedField ? 'personal_data.search' : 'personal_data.read',
    outcome: 'success',
    resource: plan.object,
    resourceId: rows.length === 1 ? rows[0]?.id : undefined,
    subjectIds: [...new Set(rows.map((r) => String(r.subject_id)))],
    fields,
    detail: searchedField ? searchDetail : rows.length > 1 ? { count: rows.length } : undefined,
  };
}
