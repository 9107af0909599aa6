import { type BlindIndexKind, type CatalogueObject, type FieldSpec, fieldCatalogue, isProtected } from '@castellan/shared';

/**
 * How an object of the field catalogue is stored: which fields are encrypted (`<column>_enc`),
 * which have a blind index (`<column>_bidx`, or name tokens) and with how many bits.
 */
export interface PlannedField {
  readonly name: string;
  readonly column: string;
  readonly spec: FieldSpec;
  readonly encrypted: boolean;
}

export interface TablePlan {
  readonly object: CatalogueObject;
  readonly fields: readonly PlannedField[];
  readonly encrypted: readonly PlannedField[];
  readonly plain: readonly PlannedField[];
  /** True when the rows belong to a data subject with a per-subject key. */
  readonly personal: boolean;
}

/** Bits kept of each blind index; the leakage this allows is written down in docs/SECURITY.md. */
export const blindIndexBits: Record<BlindIndexKind, number> = { email: 32, phone: 32, id_number: 32, name: 32 };
/** Staff e-mail addresses identify an account at sign-in, so they keep 64 bits (no practical collision). */
export const userEmailIndexBits = 64;

const plans = new Map<CatalogueObject, TablePlan>();

export function tablePlan(object: CatalogueObject): TablePlan {
  const cached = plans.get(object);
  if (cached) return cached;
  const fields = Object.entries(fieldCatalogue[object] as Record<string, FieldSpec>).map(([name, spec]) => ({
    name,
    column: spec.column,
    spec,
    encrypted: isProtected(spec),
  }));
  const encrypted = fields.filter((f) => f.encrypted);
  const plan: TablePlan = { object, fields, encrypted, plain: fields.filter((f) => !f.encrypted), personal: encrypted.length > 0 };
  plans.set(object, plan);
  return plan;
}

export const bidxColumn = (field: PlannedField): string => `${field.column}_bidx`;
export const encColumn = (field: PlannedField): string => `${field.column}_enc`;
