import { type CatalogueObject, fieldCatalogue, type ObjectCatalogue, type PiCategory } from '@castellan/shared';

/**
 * The data categories an incident may name: the PI categories the field catalogue actually uses,
 * each with the highest classification of a field in it (so a leak of a sensitive category shows as
 * sensitive PI, PIPL Art. 28). Derived from the catalogue, never a hand list.
 */
export interface BreachCategory {
  category: PiCategory;
  sensitive: boolean;
  /** `object.field` names of the catalogue fields in this category. */
  fields: string[];
}

export function breachCategories(): BreachCategory[] {
  const byCategory = new Map<PiCategory, BreachCategory>();
  for (const [object, fields] of Object.entries(fieldCatalogue) as [CatalogueObject, ObjectCatalogue][]) {
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.piCategory === 'none' || (spec.classification !== 'personal' && spec.classification !== 'sensitive')) continue;
      const entry = byCategory.get(spec.piCategory) ?? { category: spec.piCategory, sensitive: false, fields: [] };
      entry.sensitive ||= spec.classification === 'sensitive';
      entry.fields.push(`${object}.${name}`);
      byCategory.set(spec.piCategory, entry);
    }
  }
  return [...byCategory.values()].sort((a, b) => a.category.localeCompare(b.category));
}

/** The categories of the catalogue fields named by audit events (`object` + field names). */
export function categoriesOfFields(object: string, fields: readonly string[]): PiCategory[] {
  const catalogue = (fieldCatalogue as Record<string, ObjectCatalogue | undefined>)[object];
  if (!catalogue) return [];
  return [...new Set(fields.map((f) => catalogue[f]?.piCategory).filter((c): c is PiCategory => !!c && c !== 'none'))];
}
