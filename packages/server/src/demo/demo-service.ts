import { caseCategories, caseChannels, casePriorities } from '@castellan/shared';
import { recordGpcSignal } from '../modules/consents/record-gpc-signal.js';
import { noRequest } from '../platform/audit/audit-event.js';
import { addDays, count, type DemoStep, isoDate, madeOf, pick } from './demo-context.js';

/** Agency ↔ advertiser links and brands (the ad-sales manager's). */
export const demoAgencyLinks: DemoStep = {
  name: 'agency links and brands',
  async run(ctx) {
    const advertisers = madeOf(ctx, 'advertisers');
    const agencies = madeOf(ctx, 'agencies');
    const manager = ctx.staff.salesManager;
    const links = advertisers.slice(0, Math.max(1, Math.floor(advertisers.length / 2))).map((advertiserId, i) => ({
      agencyId: agencies[i % agencies.length] as string,
      advertiserId,
      validFrom: isoDate(addDays(ctx.now, -365)),
      validTo: i % 4 === 0 ? isoDate(addDays(ctx.now, 180)) : null,
    }));
    const linkIds = await ctx.store.createMany(manager, noRequest, 'agency_links', links);
    const brands = advertisers.flatMap((advertiserId, i) => [
      { advertiserId, name: `${ctx.zh.commerce.productName()} ${i}` },
      { advertiserId, name: `${ctx.en.commerce.productName()} ${i}` },
    ]);
    const brandIds = await ctx.store.createMany(manager, noRequest, 'brands', brands);
    return linkIds.length + brandIds.length;
  },
};

/** Service cases (工单) in every state, with the calls and notes of the desk and the sellers. */
export const demoCases: DemoStep = {
  name: 'cases and activities',
  async run(ctx) {
    const { zh } = ctx;
    const people = madeOf(ctx, 'subscriberContacts');
    const subscriptions = madeOf(ctx, 'subscriptions');
    const agents = [ctx.staff.serviceAgent, ctx.staff.serviceAgent2];
    let made = 0;
    const n = count(ctx, 200);
    for (let i = 0; i < n; i += 1) {
      const agent = agents[i % 2] as never;
      const created = await ctx.store.create(agent, noRequest, 'cases', {
        contactId: people[(i * 5) % people.length] as string,
        subscriptionId: subscriptions[(i * 5) % subscriptions.length] as string,
        category: pick(zh, caseCategories),
        priority: pick(zh, casePriorities),
        channel: pick(zh, caseChannels),
        description: pick(zh, [
          '机顶盒无信号 no signal on the set-top box',
          '账单金额有误 wrong bill amount',
          '要求上门安装 installation visit',
          '频道缺失 channel missing',
          '投诉装维人员迟到 technician late',
        ]),
      });
      const id = created.id as string;
      const stage = i % 5; // 0 new, 1 open, 2 waiting on the customer, 3 resolved, 4 closed
      if (stage >= 1) await ctx.store.update(agent, noRequest, 'cases', id, { status: 'open' });
      if (stage === 2) await ctx.store.update(agent, noRequest, 'cases', id, { status: 'waiting_customer' });
      if (stage >= 3)
        await ctx.store.update(agent, noRequest, 'cases', id, { status: 'resolved', resolution: '已远程重置机顶盒 reset remotely', satisfaction: 3 + (i % 3) });
      if (stage === 4) await ctx.store.update(agent, noRequest, 'cases', id, { status: 'closed' });
      await ctx.store.create(agent, noRequest, 'activities', {
        kind: 'call',
        aboutObject: 'cases',
        aboutId: id,
        subject: '回访 follow-up call',
        body: zh.lorem.sentence(),
      });
      made += 2;
    }
    for (const seller of ['salesRepEast', 'salesRepNorth'] as const) {
      const contacts = madeOf(ctx, `contacts:${seller}`);
      for (let i = 0; i < count(ctx, 40); i += 1) {
        const kind = (['call', 'meeting', 'note', 'task'] as const)[i % 4] as string;
        await ctx.store.create(ctx.staff[seller], noRequest, 'activities', {
          kind,
          aboutObject: 'contacts',
          aboutId: contacts[i % contacts.length] as string,
          subject: pick(ctx.en, ['Upfront presentation', 'Rate card questions', 'Q1 flight plan', '续约洽谈 renewal talk']),
          body: ctx.en.lorem.sentence(),
          ...(kind === 'task' ? { dueDate: isoDate(addDays(ctx.now, (i % 14) - 4)) } : {}),
        });
        made += 1;
      }
    }
    return made;
  },
};

/** Consents recorded by the desk (some withdrawn), and the marketing team's campaigns. */
export const demoConsents: DemoStep = {
  name: 'consents and campaigns',
  async run(ctx) {
    const people = madeOf(ctx, 'subscriberContacts');
    const agent = ctx.staff.serviceAgent;
    const granted = people.filter((_, i) => i % 5 !== 0);
    const at = ctx.now.toISOString();
    const grants = granted.map((contactId, i) => ({
      contactId,
      purpose: 'marketing',
      channel: i % 2 ? 'sms' : 'wechat',
      status: 'granted',
      source: i % 3 ? 'web_form' : 'call',
      evidence: `表单 FORM-${ctx.zh.string.numeric(6)}`,
      at,
    }));
    const ids = await ctx.store.createMany(agent, noRequest, 'consents', grants);
    const withdrawn = grants
      .filter((_, i) => i % 9 === 0)
      .map((g) => ({
        ...g,
        status: 'withdrawn',
        source: 'call',
        evidence: '客户来电撤回 withdrawn by phone',
        at: new Date(ctx.now.getTime() + 1000).toISOString(),
      }));
    const withdrawals = await ctx.store.createMany(agent, noRequest, 'consents', withdrawn);
    const campaigns = await ctx.store.createMany(ctx.staff.marketing, noRequest, 'campaigns', [
      {
        name: '春节4K套餐推广 Spring Festival 4K upgrade',
        purpose: 'marketing',
        channel: 'sms',
        filters: JSON.stringify({ isMinor: false }),
        status: 'active',
      },
      { name: 'WeChat sports add-on push', purpose: 'marketing', channel: 'wechat', filters: JSON.stringify({}), status: 'draft' },
    ]);
    return ids.length + withdrawals.length + campaigns.length;
  },
};

/** The privacy officer's notices (both languages) and one GPC signal that contradicts a paper opt-in (an open conflict). */
export const demoPrivacyNotices: DemoStep = {
  name: 'privacy notices and a GPC conflict',
  async run(ctx) {
    const officer = ctx.staff.privacyOfficer;
    const notices = await ctx.store.createMany(officer, noRequest, 'privacy_notices', [
      {
        purpose: 'marketing',
        titleZh: '营销信息推送说明',
        titleEn: 'Marketing messages',
        textZh: '我们会通过您同意的渠道向您发送套餐和节目优惠信息，您可随时撤回同意。',
        textEn: 'We send offers on packages and programmes by the channels you agreed to. You may withdraw at any time.',
      },
      {
        purpose: 'third_party_provision',
        titleZh: '向合作伙伴提供个人信息',
        titleEn: 'Sharing with partners',
        textZh: '经您单独同意，我们向内容合作伙伴提供您的姓名和联系方式，用于赛事活动邀请。',
        textEn: 'With your separate consent we give your name and contact details to content partners, to invite you to events.',
      },
    ]);
    const [person] = madeOf(ctx, 'subscriberContacts');
    if (!person) return notices.length;
    await ctx.store.create(ctx.staff.serviceAgent, noRequest, 'consents', {
      contactId: person,
      purpose: 'sale_share',
      channel: 'any',
      status: 'granted',
      source: 'paper',
      at: new Date(ctx.now.getTime() - 60_000).toISOString(),
    });
    const gpc = await recordGpcSignal(ctx.store, officer, noRequest, person);
    return notices.length + 1 + (gpc.signalConsentId ? 1 : 0) + (gpc.conflictId ? 1 : 0);
  },
};
