import { idSchema } from '@castellan/shared';
import { z } from 'zod';
import { importableObjects } from '../../platform/data/import-objects.js';
import { importFormats } from '../../platform/data/import-source.js';

/** `column=field`, repeated: which file column fills which field (other columns map by their header). */
const mapPair = z.string().regex(/^[^=]{1,200}=[A-Za-z][A-Za-z0-9]{0,63}$/, 'map entries are column=field');

export const startImportQuery = z
  .object({
    object: z.enum(importableObjects),
    format: z.enum(importFormats).optional(),
    skipInvalid: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    map: z.union([mapPair, z.array(mapPair).max(200)]).optional(),
    chunkSize: z.coerce.number().int().min(100).max(50_000).optional(),
  })
  .strict();

export const reportQuery = z
  .object({
    problemsAfter: z.coerce.number().int().min(0).default(0),
    problemsLimit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const importParams = z.object({ id: idSchema });

const problem = z.object({
  line: z.number().describe('the file line (CSV: where the record ends; XLSX: the row number); the header is line 1'),
  kind: z.enum(['invalid', 'duplicate', 'refused']),
  column: z.string().nullable().describe('the file column, when the problem is in one'),
  reason: z.string().describe('what is wrong; never the value itself'),
});

export const importJobView = z.object({
  id: z.string(),
  object: z.string(),
  format: z.string(),
  state: z.enum(['validating', 'importing', 'done', 'rejected', 'failed']),
  skipInvalid: z.boolean(),
  chunkSize: z.number(),
  mapping: z.record(z.string(), z.string()),
  rowsRead: z.number(),
  rowsValid: z.number(),
  rowsInvalid: z.number(),
  rowsDuplicate: z.number(),
  rowsImported: z.number(),
  lastCommittedLine: z.number(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const importReportView = importJobView.extend({ problems: z.array(problem), nextProblemsAfter: z.number().nullable() });

/** `a=b` pairs as a mapping object. */
export function mappingOf(map: string | string[] | undefined): Record<string, string> {
  const pairs = map === undefined ? [] : Array.isArray(map) ? map : [map];
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
