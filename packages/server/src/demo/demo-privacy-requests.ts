import { noRequest } from '../platform/audit/audit-event.js';
import { type DemoStep, madeOf } from './demo-context.js';

/** The privacy officer's desk: requests under each law, one verified with its clock running, one awaiting verification. */
export const demoPrivacyRequests: DemoStep = {
  name: 'data-subject requests',
  async run(ctx) {
    const officer = ctx.staff.privacyOfficer;
    const [first, second] = madeOf(ctx, 'subscriberContacts');
    const made = await ctx.store.createMany(officer, noRequest, 'privacy_requests', [
      {
        kind: 'access',
        law: 'pipl',
        status: 'verified',
        requesterName: ctx.zh.person.fullName(),
        requesterEmail: ctx.zh.internet.email(),
        details: '请提供贵公司持有的我的全部个人信息副本。',
        ...(first ? { contactId: first } : {}),
      },
      {
        kind: 'erasure',
        law: 'gdpr',
        status: 'verified',
        requesterName: ctx.en.person.fullName(),
        requesterEmail: ctx.en.internet.email(),
        details: 'Please delete my account and everything you hold about me.',
        ...(second ? { contactId: second } : {}),
      },
      { kind: 'opt_out_sale_share', law: 'ccpa', requesterEmail: ctx.en.internet.email(), details: 'Do not sell or share my personal information.' },
    ]);
    return made.length;
  },
};
