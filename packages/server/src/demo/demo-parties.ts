import { noRequest } from '../platform/audit/audit-event.js';
import type { RecordValues } from '../platform/data/protected-store.js';
import { count, type DemoContext, type DemoPerson, type DemoStep, pick } from './demo-context.js';
import { fakeMobile } from './fake-identities.js';

const industries = ['快消 FMCG', '汽车 Automotive', '金融 Finance', '电商 E-commerce', '医药 Pharma', '家电 Appliances', '旅游 Travel', '教育 Education'];
const jobTitles = ['品牌经理 Brand manager', '媒介总监 Media director', '市场部经理 Marketing manager', 'Media buyer', '采购 Procurement', 'Account director'];

async function createAs(ctx: DemoContext, who: DemoPerson, object: 'accounts' | 'contacts', rows: RecordValues[]): Promise<string[]> {
  return ctx.store.createMany(ctx.staff[who], noRequest, object, rows);
}

/** Advertisers and agencies (the ad-sales team's), licensors and licensees (the licensing team's). */
export const demoAccounts: DemoStep = {
  name: 'accounts',
  async run(ctx) {
    const { zh, en } = ctx;
    const company = (i: number) => (i % 3 === 2 ? en.company.name() : zh.company.name());
    const advertisers = Array.from({ length: count(ctx, 30) }, (_, i) => ({
      name: company(i),
      kind: 'advertiser',
      industry: pick(zh, industries),
      country: i % 3 === 2 ? 'GB' : 'CN',
    }));
    const agencies = Array.from({ length: count(ctx, 20) }, (_, i) => ({
      name: `${company(i)} 广告`,
      kind: 'agency',
      industry: '广告 Advertising',
      country: 'CN',
    }));
    ctx.made.set('advertisers', await createAs(ctx, 'salesManager', 'accounts', advertisers));
    ctx.made.set('agencies', await createAs(ctx, 'salesManager', 'accounts', agencies));
    const studios = Array.from({ length: count(ctx, 6) }, () => ({
      name: `${en.company.name()} Studios`,
      kind: 'licensor',
      industry: 'Film & TV',
      country: 'US',
    }));
    const buyers = Array.from({ length: count(ctx, 6) }, (_, i) => ({
      name: `${zh.company.name()} 视频`,
      kind: 'licensee',
      industry: '流媒体 Streaming',
      country: i % 2 ? 'HK' : 'CN',
    }));
    ctx.made.set('licensors', await createAs(ctx, 'licensingManager', 'accounts', studios));
    ctx.made.set('licensees', await createAs(ctx, 'licensingManager', 'accounts', buyers));
    return advertisers.length + agencies.length + studios.length + buyers.length;
  },
};

/** Business contacts at the advertisers and agencies, split between the two sellers (no ID numbers: sellers may not hold them). */
export const demoBusinessContacts: DemoStep = {
  name: 'business contacts',
  async run(ctx) {
    const accounts = [...(ctx.made.get('advertisers') ?? []), ...(ctx.made.get('agencies') ?? [])];
    const made: string[] = [];
    for (const seller of ['salesRepEast', 'salesRepNorth'] as const) {
      const faker = seller === 'salesRepEast' ? ctx.zh : ctx.en;
      const rows = Array.from({ length: count(ctx, 500) }, () => {
        const first = faker.person.firstName();
        const last = faker.person.lastName();
        return {
          name: seller === 'salesRepEast' ? `${last}${first}` : `${first} ${last}`,
          email: ctx.en.internet.email({ firstName: ctx.en.person.firstName(), lastName: ctx.en.string.alphanumeric(5) }).toLowerCase(),
          phone: fakeMobile(faker),
          address: ctx.zh.location.streetAddress(true),
          wechatId: `wx_${faker.string.alphanumeric(8)}`,
          jobTitle: pick(faker, jobTitles),
          accountId: pick(faker, accounts),
        };
      });
      const ids = await createAs(ctx, seller, 'contacts', rows);
      ctx.made.set(`contacts:${seller}`, ids);
      made.push(...ids);
    }
    ctx.made.set('businessContacts', made);
    return made.length;
  },
};
