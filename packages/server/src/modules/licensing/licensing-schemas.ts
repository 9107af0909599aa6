import { errorResponse, licensingMedia, mediaListInput, recordSchemas, territoryListInput } from '@castellan/shared';
import { z } from 'zod';

/** Request and response schemas of licensing's own routes (the record routes' come from the catalogue). */
export const errors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  422: errorResponse,
  429: errorResponse,
};

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'must be a real date');

export const availabilityQuery = z
  .object({
    territory: territoryListInput.optional().describe('Territories asked about, comma-separated (default WORLD)'),
    media: mediaListInput
      .optional()
      .describe(`Media asked about, comma-separated (default: every medium of the rights held; one of ${licensingMedia.join(', ')})`),
    from: date.optional().describe('First day asked about (default today)'),
    to: date.optional().describe('Last day asked about (default the last day of the rights held)'),
  })
  .strict();

const conflict = z.object({
  licenseId: z.string().nullable().describe('null for a licence you cannot see'),
  contractNumber: z.string().nullable(),
  exclusive: z.boolean(),
  description: z.string(),
});

export const availabilityResponse = z.object({
  titleId: z.string(),
  from: z.string(),
  to: z.string(),
  territories: z.string(),
  media: z.array(z.string()),
  entries: z.array(
    z.object({
      medium: z.string(),
      territories: z.array(z.string()).describe('Regions and territories of this entry (WORLD meaning every territory)'),
      except: z.array(z.string()).describe('…minus these'),
      windows: z.array(
        z.object({
          from: z.string(),
          to: z.string(),
          nonExclusiveAvailable: z.boolean(),
          exclusiveAvailable: z.boolean(),
          restriction: z.enum(['exclusive_licence', 'licensed', 'rights_not_exclusive']).nullable(),
          conflicts: z.array(conflict),
        }),
      ),
    }),
  ),
});

export const paymentSchemas = recordSchemas('license_payments');
export const paymentStatusSchema = z.enum(['due', 'paid', 'overdue']);
export const paymentView = (paymentSchemas.view as z.ZodObject).extend({ status: paymentStatusSchema });
export const paymentPage = z.object({ items: z.array(paymentView), nextCursor: z.string().nullable() });
export const paidBody = z.object({ paidOn: date.optional().describe('Day received (default today)') }).strict();

export const scheduleResponse = z.object({
  licenseId: z.string(),
  currency: z.string(),
  feeFen: z.number(),
  scheduledFen: z.number(),
  unscheduledFen: z.number(),
  paidFen: z.number(),
  dueFen: z.number(),
  overdueFen: z.number(),
  payments: z.array(paymentView),
});

const money = z.object({ currency: z.string(), count: z.number(), amountFen: z.number() });
export const dashboardResponse = z.object({
  asOf: z.string(),
  revenue: z.array(
    z.object({
      titleId: z.string(),
      titleZh: z.string().nullable(),
      titleEn: z.string().nullable(),
      year: z.number(),
      currency: z.string(),
      licences: z.number(),
      feeFen: z.number(),
    }),
  ),
  payments: z
    .object({
      due: z.array(money),
      overdue: z.array(money),
      paid: z.array(money),
      byMonth: z.array(z.object({ month: z.string(), status: z.enum(['due', 'overdue']), currency: z.string(), count: z.number(), amountFen: z.number() })),
    })
    .nullable()
    .describe('null without license_payments.read'),
});
