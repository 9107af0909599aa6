import type { ZodType } from 'zod';

/**
 * How the field catalogue describes an object and its fields. One declaration per object drives its
 * table plan (what is encrypted, which blind indexes), masking, field rules, the generated request
 * and response schemas, export, DSAR, retention and the record of processing.
 */
export type Classification = 'public' | 'internal' | 'personal' | 'sensitive';

/** PI category, used by the record of processing and PIPL Art. 28 sensitive-PI handling. */
export type PiCategory =
  | 'none'
  | 'identity'
  | 'contact_details'
  | 'government_id'
  | 'date_of_birth'
  | 'postal_address'
  | 'employment'
  | 'relationship'
  | 'device_identifier'
  | 'free_text'
  | 'minor';

export type BlindIndexKind = 'email' | 'phone' | 'id_number' | 'name';
export type MaskKind = 'name' | 'email' | 'phone' | 'id_number' | 'date' | 'address' | 'text';

/**
 * The stored type of a field. Encrypted (personal / sensitive) fields are always text. Money is an
 * integer number of fen (1/100 yuan, or the minor unit of the record's currency); booleans are
 * stored as 0 / 1 on both databases and presented as true / false.
 */
export type FieldType = 'text' | 'integer' | 'boolean' | 'date' | 'datetime' | 'id';

export interface FieldSpec {
  readonly classification: Classification;
  readonly piCategory: PiCategory;
  /** Stored column name (snake_case). Encrypted fields are stored as `<column>_enc`. */
  readonly column: string;
  readonly blindIndex?: BlindIndexKind;
  readonly mask?: MaskKind;
  readonly description: string;
  /** Stored type (default text). */
  readonly type?: FieldType;
  /** The object a reference field (type `id`) names; the store checks the caller may see it. */
  readonly references?: string;
  /** Validator of a value in a request (create and patch); without one, a type-based default applies. */
  readonly input?: ZodType;
  /** Must be given at creation. */
  readonly required?: boolean;
  /** The value a creation without this field stores (plain fields only). */
  readonly default?: string | number | boolean;
  /** Set by the system (ids, timestamps, derived values): never taken from a request. */
  readonly system?: boolean;
}

export type ObjectCatalogue = Readonly<Record<string, FieldSpec>>;

/**
 * What kind of object a catalogue entry is:
 * - `owned`: each row has an owner (a user) and a team; roles see their own, their team's or all rows;
 * - `reference`: organisation-wide data (channels, rate cards, titles…): every holder of
 *   `<object>.read` sees every row; no owner, no team;
 * - `directory`: the staff directory (`users`), read through its own door.
 * `subject` says whose key seals the personal fields: `own` — each row is a person (a new data
 * subject); `{ via }` — the person the row belongs to (the field `via` names a contact).
 */
export interface ObjectSpec {
  readonly ownership: 'owned' | 'reference' | 'directory';
  readonly subject?: 'own' | { readonly via: string };
  /** Path segment of the object's routes (`/api/v1/<plural>`). */
  readonly plural: string;
  /** One record, for messages ("contact not found"). */
  readonly label: string;
  /** Permissions beyond read / create / update / delete, as `<object>.<action>`. */
  readonly actions?: readonly string[];
  /** The date field that ends the record's contract or term: retention rules may count from it (`contract_end`). */
  readonly contractEnd?: string;
}

/** What a field declaration may add to its column, classification, PI category and description. */
type Extra = Partial<Omit<FieldSpec, 'column' | 'classification' | 'piCategory' | 'description'>>;

/** Declares one field. */
export const f = (column: string, classification: Classification, piCategory: PiCategory, description: string, extra: Extra = {}): FieldSpec => ({
  column,
  classification,
  piCategory,
  description,
  ...extra,
});

/** Free text typed by staff: personal (it may name people), so encrypted and masked as text. */
export const staffText = (column: string, description: string, extra: Extra = {}): FieldSpec =>
  f(column, 'personal', 'free_text', description, { mask: 'text', ...extra });

/** A reference to a contact (a person): often the field that says whose key seals the record. */
export const contactRef = (column: string, description: string, extra: Extra = {}): FieldSpec =>
  f(column, 'internal', 'relationship', description, { type: 'id', references: 'contacts', ...extra });

/** The fields every owned object has (set by the system or by the ownership rules). */
export const ownedFields = {
  id: f('id', 'internal', 'none', 'Record identifier (time-ordered UUID)', { type: 'id', system: true }),
  ownerId: f('owner_id', 'internal', 'none', 'User who owns the record', { type: 'id' }),
  teamId: f('team_id', 'internal', 'none', 'Team the record belongs to', { type: 'id' }),
  createdAt: f('created_at', 'internal', 'none', 'Creation time', { type: 'datetime', system: true }),
  updatedAt: f('updated_at', 'internal', 'none', 'Last change time', { type: 'datetime', system: true }),
} as const;

/** The fields every reference object has. */
export const referenceFields = {
  id: f('id', 'internal', 'none', 'Record identifier (time-ordered UUID)', { type: 'id', system: true }),
  createdAt: f('created_at', 'internal', 'none', 'Creation time', { type: 'datetime', system: true }),
  updatedAt: f('updated_at', 'internal', 'none', 'Last change time', { type: 'datetime', system: true }),
} as const;

/** True when values of this field must be encrypted at rest. */
export const isProtected = (spec: FieldSpec): boolean => spec.classification === 'personal' || spec.classification === 'sensitive';
