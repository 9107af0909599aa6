import {
  type BlindIndexKind,
  type CatalogueObject,
  type FieldSpec,
  fieldCatalogue,
  isProtected,
  type ObjectSpec,
  objectSpecs,
  type StoreObject,
} from '@castellan/shared';

/**
 * How an object of the field catalogue is stored: which fields are encrypted (`<column>_enc`),
 * which have a blind index (`<column>_bidx`, or name tokens) and with how many bits, whose key seals
 * the personal fields, and which fields name other records.
 */
export interface PlannedField {
  readonly name: string;
  readonly column: string;
  readonly spec: FieldSpec;
  readonly encrypted: boolean;
}

export interface TablePlan {
  readonly object: CatalogueObject;
  readonly spec: ObjectSpec;
  readonly fields: readonly PlannedField[];
  readonly encrypted: readonly PlannedField[];
  readonly plain: readonly PlannedField[];
  /** True when the rows hold personal values sealed under a data subject's key. */
  readonly personal: boolean;
  /** Rows are people (each a new data subject) — else their personal values belong to the person `subjectVia` names. */
  readonly ownSubject: boolean;
  /** The field naming the contact whose key seals this row's personal values (`subject: { via }`). */
  readonly subjectVia?: PlannedField;
  /** Rows have an owner and a team (record scope), or are organisation-wide reference data. */
  readonly owned: boolean;
  /** Fields that name another record (`references`), other than the owner and the team. */
  readonly references: readonly PlannedField[];
}

/** Bits kept of each blind index; the leakage this allows is written down in docs/SECURITY.md. */
export const blindIndexBits: Record<BlindIndexKind, number> = { email: 32, phone: 32, id_number: 32, name: 32 };
/** Staff e-mail addresses identify an account at sign-in, so they keep 64 bits (no practical collision). */
export const userEmailIndexBits = 64;

const plans = new Map<CatalogueObject, TablePlan>();

export function tablePlan(object: CatalogueObject): TablePlan {
  const cached = plans.get(object);
  if (cached) return cached;
  const spec = objectSpecs[object] as ObjectSpec;
  const fields = Object.entries(fieldCatalogue[object] as Record<string, FieldSpec>).map(([name, field]) => ({
    name,
    column: field.column,
    spec: field,
    encrypted: isProtected(field),
  }));
  const encrypted = fields.filter((f) => f.encrypted);
  const via = typeof spec.subject === 'object' ? spec.subject.via : undefined;
  const subjectVia = via ? fields.find((f) => f.name === via) : undefined;
  if (via && !subjectVia) throw new Error(`${object}: subject via ${via}, which is not a field`);
  if (encrypted.length > 0 && !spec.subject) throw new Error(`${object} has personal fields but no data subject (subject: 'own' or { via })`);
  const plan: TablePlan = {
    object,
    spec,
    fields,
    encrypted,
    plain: fields.filter((f) => !f.encrypted),
    personal: encrypted.length > 0,
    ownSubject: spec.subject === 'own',
    subjectVia,
    owned: spec.ownership === 'owned',
    references: fields.filter((f) => f.spec.references && f.name !== 'ownerId' && f.name !== 'teamId'),
  };
  plans.set(object, plan);
  return plan;
}

/** Every (object, field) of the store that names a record of `object` (what stops its deletion). */
export function referencesTo(object: StoreObject): { object: StoreObject; field: PlannedField }[] {
  const out: { object: StoreObject; field: PlannedField }[] = [];
  for (const other of Object.keys(objectSpecs) as CatalogueObject[]) {
    if ((objectSpecs[other] as ObjectSpec).ownership === 'directory') continue;
    for (const field of tablePlan(other).references) if (field.spec.references === object) out.push({ object: other as StoreObject, field });
  }
  return out;
}

export const bidxColumn = (field: PlannedField): string => `${field.column}_bidx`;
export const encColumn = (field: PlannedField): string => `${field.column}_enc`;
