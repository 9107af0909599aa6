import type { ComplianceState, RecordsComplianceState } from '../../../src/modules/compliance/compliance-state.js';
import { healthyState } from './fixtures.js';

/** The records checks' rows of the compliance check table: each fails on a seeded violation and passes when fixed. */
type Case = [name: string, check: string, over: Partial<ComplianceState>, status: 'passing' | 'failing', evidence?: Record<string, unknown>];

const records = (over: Partial<RecordsComplianceState>): Partial<ComplianceState> => ({ records: { ...healthyState().records, ...over } });
const requirement = (state: RecordsComplianceState['requirements'][number]['state'], pipiaId: string | null = 'p1') => ({
  activity: 'contacts',
  triggers: ['sensitive_pi'],
  articles: ['PIPL Art. 55(1)'],
  pipiaId,
  state,
});
const transfer = (over: Partial<RecordsComplianceState['transfers'][number]>) => ({
  id: 't1',
  status: 'active',
  crossBorder: true,
  mechanism: 'standard_contract',
  flags: [],
  problems: [],
  ...over,
});

export const recordsCases: Case[] = [
  ['healthy: every required PIPIA current', 'pipia_current', {}, 'passing', { current: 1 }],
  ['nothing needs an assessment', 'pipia_current', records({ requirements: [] }), 'passing', { activitiesNeedingAssessment: 0 }],
  ['sensitive PI without any PIPIA', 'pipia_current', records({ requirements: [requirement('missing', null)] }), 'failing', { missing: ['contacts'] }],
  ['a PIPIA never approved', 'pipia_current', records({ requirements: [requirement('draft')] }), 'failing', { notApproved: ['contacts'] }],
  ['a PIPIA outdated by a classification change', 'pipia_current', records({ requirements: [requirement('outdated')] }), 'failing', { outdated: ['contacts'] }],
  [
    'a PIPIA not covering a new cross-border transfer',
    'pipia_current',
    records({ requirements: [requirement('uncovered')] }),
    'failing',
    { uncovered: ['contacts'] },
  ],
  ['healthy: the live transfer has a mechanism and a current PIPIA', 'transfer_register', {}, 'passing', { liveTransfers: 1, crossBorder: 1 }],
  [
    'a cross-border transfer without a mechanism',
    'transfer_register',
    records({ transfers: [transfer({ mechanism: null })] }),
    'failing',
    { withoutMechanism: ['t1'] },
  ],
  ['a transfer without a PIPIA', 'transfer_register', records({ transfers: [transfer({ flags: ['no_pipia'] })] }), 'failing', { withoutCurrentPipia: ['t1'] }],
  [
    'a transfer whose PIPIA is outdated',
    'transfer_register',
    records({ transfers: [transfer({ flags: ['pipia_outdated'] })] }),
    'failing',
    { withoutCurrentPipia: ['t1'] },
  ],
  ['a transfer the rules now refuse', 'transfer_register', records({ transfers: [transfer({ problems: ['categories'] })] }), 'failing', { invalid: ['t1'] }],
  [
    'an ended transfer without anything does not count',
    'transfer_register',
    records({ transfers: [transfer({ status: 'ended', mechanism: null, flags: ['no_pipia'] })] }),
    'passing',
  ],
  ['healthy: the latest RoPA is current', 'ropa_current', {}, 'passing', { latestVersion: 3 }],
  ['no RoPA generated', 'ropa_current', records({ ropa: null }), 'failing', { latestVersion: null }],
  ['the RoPA is outdated', 'ropa_current', records({ ropa: { latestNumber: 3, outdated: true, stale: true } }), 'failing', { outdated: true }],
  [
    'the RoPA is stale (a transfer registered since)',
    'ropa_current',
    records({ ropa: { latestNumber: 3, outdated: false, stale: true } }),
    'failing',
    { stale: true },
  ],
];
