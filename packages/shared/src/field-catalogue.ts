/**
 * The field catalogue: one source of truth for how every field of every object is classified.
 * It drives encryption (personal and sensitive values are encrypted at rest), blind indexes,
 * masking, export, DSAR, retention and the record of processing. No per-route lists.
 */
export type Classification = 'public' | 'internal' | 'personal' | 'sensitive';

/** PI category, used by the record of processing and PIPL Art. 28 sensitive-PI handling. */
export type PiCategory = 'none' | 'identity' | 'contact_details' | 'government_id' | 'date_of_birth' | 'postal_address' | 'employment' | 'relationship';

export type BlindIndexKind = 'email' | 'phone' | 'id_number' | 'name';
export type MaskKind = 'name' | 'email' | 'phone' | 'id_number' | 'date' | 'address' | 'text';

export interface FieldSpec {
  readonly classification: Classification;
  readonly piCategory: PiCategory;
  /** Stored column name (snake_case). Encrypted fields are stored as `<column>_enc`. */
  readonly column: string;
  readonly blindIndex?: BlindIndexKind;
  readonly mask?: MaskKind;
  readonly description: string;
}

export type ObjectCatalogue = Readonly<Record<string, FieldSpec>>;

const f = (
  column: string,
  classification: Classification,
  piCategory: PiCategory,
  description: string,
  extra: Partial<Pick<FieldSpec, 'blindIndex' | 'mask'>> = {},
): FieldSpec => ({ column, classification, piCategory, description, ...extra });

export const fieldCatalogue = {
  contacts: {
    id: f('id', 'internal', 'none', 'Record identifier (time-ordered UUID)'),
    name: f('name', 'personal', 'identity', 'Full name of the person', { blindIndex: 'name', mask: 'name' }),
    email: f('email', 'personal', 'contact_details', 'E-mail address', { blindIndex: 'email', mask: 'email' }),
    phone: f('phone', 'personal', 'contact_details', 'Phone number (E.164 when searchable)', {
      blindIndex: 'phone',
      mask: 'phone',
    }),
    idNumber: f('id_number', 'sensitive', 'government_id', 'Government ID number (PIPL Art. 28 sensitive PI)', {
      blindIndex: 'id_number',
      mask: 'id_number',
    }),
    birthDate: f('birth_date', 'personal', 'date_of_birth', 'Date of birth (YYYY-MM-DD)', { mask: 'date' }),
    address: f('address', 'personal', 'postal_address', 'Postal address', { mask: 'address' }),
    wechatId: f('wechat_id', 'personal', 'contact_details', 'WeChat ID (微信号)', { mask: 'text' }),
    jobTitle: f('job_title', 'personal', 'employment', 'Job title at the account', { mask: 'text' }),
    accountId: f('account_id', 'internal', 'relationship', 'Account (company) the person belongs to'),
    ownerId: f('owner_id', 'internal', 'none', 'User who owns the record'),
    teamId: f('team_id', 'internal', 'none', 'Team the record belongs to'),
    createdAt: f('created_at', 'internal', 'none', 'Creation time'),
    updatedAt: f('updated_at', 'internal', 'none', 'Last change time'),
  },
  accounts: {
    id: f('id', 'internal', 'none', 'Record identifier'),
    name: f('name', 'internal', 'none', 'Company or organisation name'),
    kind: f('kind', 'internal', 'none', 'advertiser, agency, brand, licensee, licensor, operator, partner, group'),
    industry: f('industry', 'internal', 'none', 'Industry'),
    website: f('website', 'public', 'none', 'Public web site'),
    country: f('country', 'internal', 'none', 'ISO 3166-1 alpha-2 country code'),
    ownerId: f('owner_id', 'internal', 'none', 'User who owns the record'),
    teamId: f('team_id', 'internal', 'none', 'Team the record belongs to'),
    createdAt: f('created_at', 'internal', 'none', 'Creation time'),
    updatedAt: f('updated_at', 'internal', 'none', 'Last change time'),
  },
  users: {
    id: f('id', 'internal', 'none', 'User identifier'),
    email: f('email', 'personal', 'contact_details', 'Staff e-mail address (sign-in name)', {
      blindIndex: 'email',
      mask: 'email',
    }),
    name: f('name', 'personal', 'identity', 'Staff full name', { mask: 'name' }),
    teamId: f('team_id', 'internal', 'none', 'Team'),
    status: f('status', 'internal', 'none', 'active or disabled'),
    createdAt: f('created_at', 'internal', 'none', 'Creation time'),
  },
} as const satisfies Record<string, ObjectCatalogue>;

export type CatalogueObject = keyof typeof fieldCatalogue;

/** True when values of this field must be encrypted at rest. */
export const isProtected = (spec: FieldSpec): boolean => spec.classification === 'personal' || spec.classification === 'sensitive';

/** Field names of an object that are encrypted at rest, in catalogue order. */
export function protectedFields(object: CatalogueObject): string[] {
  return Object.entries(fieldCatalogue[object] as ObjectCatalogue)
    .filter(([, spec]) => isProtected(spec))
    .map(([name]) => name);
}

export function fieldSpec(object: CatalogueObject, field: string): FieldSpec | undefined {
  return (fieldCatalogue[object] as ObjectCatalogue)[field];
}
