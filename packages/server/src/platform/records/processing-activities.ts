import { isProtected, type PiCategory } from '@castellan/shared';
import { type ActivityDeclaration, activityDeclarations, type DataSubjectCategory } from './activity-declarations.js';
import type { Catalogue } from './catalogue-fingerprint.js';

/**
 * The processing activities, generated from the field catalogue: one per catalogue object that holds
 * personal data (and per declared activity that uses another object's), each with its personal fields,
 * their classification, PI category and the protection the catalogue declares (encrypted at rest,
 * blind index, mask), the PI categories and whether sensitive PI (PIPL Art. 28: a sensitive field or
 * a minor's data) is processed. Pure: the catalogue is a parameter, so a test can change it.
 */
export type Measure = 'encrypted_at_rest' | 'blind_index' | 'masked';

export interface ActivityField {
  field: string;
  classification: 'personal' | 'sensitive' | 'internal' | 'public';
  piCategory: PiCategory;
  measures: Measure[];
}

export interface ProcessingActivity {
  key: string;
  declared: boolean;
  purpose: { en: string; zh: string } | null;
  subjects: DataSubjectCategory[];
  lawfulBases: string[];
  objects: string[];
  fields: ActivityField[];
  categories: { category: PiCategory; sensitive: boolean }[];
  sensitive: boolean;
  automatedDecision: boolean;
  consentPurposes: string[];
}

/** A field is personal data for the record when it is protected, or when it says a person is a minor. */
const isPersonalField = (spec: Catalogue[string][string]): boolean => isProtected(spec) || spec.piCategory === 'minor';
const isSensitiveField = (spec: Catalogue[string][string]): boolean => spec.classification === 'sensitive' || spec.piCategory === 'minor';

function fieldsOf(catalogue: Catalogue, object: string): ActivityField[] {
  return Object.entries(catalogue[object] ?? {})
    .filter(([, spec]) => isPersonalField(spec))
    .map(([name, spec]) => ({
      field: `${object}.${name}`,
      classification: spec.classification,
      piCategory: spec.piCategory,
      measures: [
        ...(isProtected(spec) ? (['encrypted_at_rest'] as const) : []),
        ...(spec.blindIndex ? (['blind_index'] as const) : []),
        ...(spec.mask ? (['masked'] as const) : []),
      ],
    }));
}

export function processingActivities(
  catalogue: Catalogue,
  declarations: Readonly<Record<string, ActivityDeclaration>> = activityDeclarations,
): ProcessingActivity[] {
  const withPersonal = Object.keys(catalogue).filter((object) => Object.values(catalogue[object] ?? {}).some(isPersonalField));
  const keys = [...new Set([...withPersonal, ...Object.keys(declarations).filter((k) => k in catalogue)])];
  return keys
    .map((key) => {
      const declaration = declarations[key];
      const objects = [key, ...(declaration?.uses ?? [])];
      const fields = objects.flatMap((object) => fieldsOf(catalogue, object));
      const categories = new Map<PiCategory, boolean>();
      for (const [object, fieldsOfObject] of objects.map((o) => [o, catalogue[o] ?? {}] as const))
        for (const [name, spec] of Object.entries(fieldsOfObject)) {
          if (!fields.some((f) => f.field === `${object}.${name}`) || spec.piCategory === 'none') continue;
          categories.set(spec.piCategory, (categories.get(spec.piCategory) ?? false) || isSensitiveField(spec));
        }
      const sensitive = objects.some((o) => Object.values(catalogue[o] ?? {}).some(isSensitiveField));
      return {
        key,
        declared: !!declaration,
        purpose: declaration?.purpose ?? null,
        subjects: [...(declaration?.subjects ?? [])],
        lawfulBases: [...(declaration?.lawfulBases ?? [])],
        objects,
        fields,
        categories: [...categories].map(([category, s]) => ({ category, sensitive: s })).sort((a, b) => a.category.localeCompare(b.category)),
        sensitive,
        automatedDecision: declaration?.automatedDecision ?? false,
        consentPurposes: [...(declaration?.consentPurposes ?? [])],
      };
    })
    .filter((a) => a.fields.length > 0 || a.declared)
    .sort((a, b) => a.key.localeCompare(b.key));
}
