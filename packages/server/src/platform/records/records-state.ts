import { fieldCatalogue } from '@castellan/shared';
import type { RecordsComplianceState } from '../../modules/compliance/compliance-state.js';
import type { Kernel } from '../kernel.js';
import { type Catalogue, catalogueFingerprint, contentHash } from './catalogue-fingerprint.js';
import { pipiaRequirements, triggerArticles } from './pipia-requirements.js';
import type { RequirementState } from './pipia-state.js';
import { listPipias } from './pipia-store.js';
import { processingActivities } from './processing-activities.js';
import { readRecordInputs } from './records-inputs.js';
import { ropaContent } from './ropa-content.js';
import { transferProblems } from './transfer-rules.js';
import { flagsOf } from './transfer-store.js';

/**
 * Where the records stand, for the compliance checks and the requirements screen: which activities
 * need an impact assessment and in what state theirs is; each transfer of the register with its
 * flags and whatever the transfer rules find wrong with it now; whether the latest RoPA version is
 * outdated or stale. Ids, activity keys, countries and codes only — no recipient, no findings.
 */
export async function readRecordsState(kernel: Kernel, catalogue: Catalogue = fieldCatalogue): Promise<RecordsComplianceState> {
  const db = kernel.db.kysely;
  const inputs = await readRecordInputs(kernel, db, catalogue);
  const home = inputs.controller.country;
  const activities = processingActivities(catalogue);
  const pipias = await listPipias(kernel, { catalogue });
  const requirements = pipiaRequirements(activities, inputs.transfers, home).map((r) => {
    const p = pipias.find((x) => x.activity === r.activity);
    return {
      activity: r.activity,
      triggers: r.triggers,
      articles: r.triggers.map((t) => triggerArticles[t]),
      pipiaId: p?.id ?? null,
      state: (p ? p.state : 'missing') as RequirementState,
    };
  });
  const rows = await db.selectFrom('transfers').selectAll().execute();
  const categoriesOf = new Map(activities.map((a) => [a.key, new Map(a.categories.map((c) => [c.category as string, c.sensitive]))]));
  const transfers = rows.map((row) => {
    const input = {
      recipient: row.recipient,
      country: row.country,
      mechanism: row.mechanism as 'standard_contract' | 'certification' | 'security_assessment' | null,
      categories: JSON.parse(row.categories) as string[],
      activity: row.activity,
      subjectsPerYear: Number(row.subjects_per_year),
      pipiaId: row.pipia_id,
    };
    const problems = transferProblems(input, {
      home,
      operatorKind: kernel.config.incidents.operatorKind,
      activities: categoriesOf,
      pipiaActivity: (id) => pipias.find((p) => p.id === id)?.activity,
    });
    return {
      id: row.id,
      status: row.status,
      crossBorder: row.country.toUpperCase() !== home.toUpperCase(),
      mechanism: row.mechanism,
      flags: flagsOf(row.pipia_id, pipias),
      problems: [...new Set(problems.map((p) => p.field))],
    };
  });
  const latest = await db
    .selectFrom('ropa_versions')
    .select(['number', 'content_hash', 'catalogue_fingerprint'])
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    requirements,
    transfers,
    ropa: latest
      ? {
          latestNumber: Number(latest.number),
          outdated: latest.catalogue_fingerprint !== catalogueFingerprint(catalogue),
          stale: latest.content_hash !== contentHash(ropaContent(inputs)),
        }
      : null,
  };
}
