import { z } from 'zod';

export const idSchema = z.uuid({ version: 'v7', message: 'must be a record id' });
export const idParams = z.object({ id: idSchema }).strict();

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
};

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});

/** A calendar date YYYY-MM-DD that exists and is not in the future. */
export const pastDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) && d.getTime() <= Date.now() && v >= '1900-01-01';
  }, 'must be a real date between 1900-01-01 and today');
