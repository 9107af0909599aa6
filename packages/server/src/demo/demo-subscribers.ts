import { runLifecycleAction } from '../modules/subscribers/subscription-lifecycle.js';
import { noRequest } from '../platform/audit/audit-event.js';
import type { RecordValues } from '../platform/data/protected-store.js';
import { addDays, count, type DemoStep, isoDate, pick } from './demo-context.js';
import { fakeBirthDate, fakeIdNumber, fakeMobile } from './fake-identities.js';

const basePackages = [
  { packageCode: 'BASIC-HD', priceFen: 2_800 },
  { packageCode: 'FAMILY-4K', priceFen: 5_800 },
];
const addons = [
  { packageCode: 'SPORTS+', priceFen: 3_000 },
  { packageCode: 'MOVIES-VOD', priceFen: 2_000 },
  { packageCode: 'KIDS', priceFen: 1_500 },
];

/** Subscribers of the cable / IPTV operation: people, their households, billing accounts, subscriptions and devices. */
export const demoSubscribers: DemoStep = {
  name: 'subscribers',
  async run(ctx) {
    const { zh } = ctx;
    const agents = [ctx.staff.serviceAgent, ctx.staff.serviceAgent2];
    const n = count(ctx, 1000);
    const adults: RecordValues[] = Array.from({ length: n }, () => {
      const birthDate = fakeBirthDate(zh, ctx.now, 20, 80);
      return {
        name: `${zh.person.lastName()}${zh.person.firstName()}`,
        phone: fakeMobile(zh),
        email: ctx.en.internet.email({ firstName: zh.string.alpha(6), lastName: zh.string.alphanumeric(4) }).toLowerCase(),
        idNumber: fakeIdNumber(zh, birthDate),
        birthDate,
        address: zh.location.streetAddress(true),
      };
    });
    const half = Math.ceil(n / 2);
    const people = [
      ...(await ctx.store.createMany(agents[0] as never, noRequest, 'contacts', adults.slice(0, half))),
      ...(await ctx.store.createMany(agents[1] as never, noRequest, 'contacts', adults.slice(half))),
    ];
    ctx.made.set('subscriberContacts', people);
    // A few children in the households (under 14: flagged, each naming a parent as guardian).
    const children = Array.from({ length: Math.max(1, Math.round(n / 20)) }, (_, i) => ({
      name: `${zh.person.lastName()}${zh.person.firstName()}`,
      birthDate: fakeBirthDate(zh, ctx.now, 6, 12),
      guardianId: people[(i * 7) % people.length] as string,
    }));
    ctx.made.set('minorContacts', await ctx.store.createMany(agents[0] as never, noRequest, 'contacts', children));

    const households = await ctx.store.createMany(
      agents[0] as never,
      noRequest,
      'households',
      people.map((headContactId, i) => ({ headContactId, address: (adults[i] as RecordValues).address })),
    );
    const billing = await ctx.store.createMany(
      agents[0] as never,
      noRequest,
      'billing_accounts',
      people.map((contactId, i) => ({
        contactId,
        accountNumber: `BA${String(880_000 + i).padStart(8, '0')}`,
        billingAddress: (adults[i] as RecordValues).address,
      })),
    );
    const subscriptions: RecordValues[] = [];
    billing.forEach((billingAccountId, i) => {
      const start = addDays(ctx.now, -zh.number.int({ min: 20, max: 700 }));
      subscriptions.push({
        billingAccountId,
        householdId: households[i],
        packageKind: 'base',
        ...pick(zh, basePackages),
        startDate: isoDate(start),
        autoRenew: i % 4 !== 0,
      });
      if (i % 3 === 0)
        subscriptions.push({ billingAccountId, householdId: households[i], packageKind: 'addon', ...pick(zh, addons), startDate: isoDate(addDays(start, 30)) });
    });
    const subscriptionIds = await ctx.store.createMany(agents[0] as never, noRequest, 'subscriptions', subscriptions);
    ctx.made.set('subscriptions', subscriptionIds);
    const devices = subscriptionIds.flatMap((subscriptionId, i) =>
      (subscriptions[i] as RecordValues).packageKind === 'base'
        ? [
            {
              subscriptionId,
              billingAccountId: (subscriptions[i] as RecordValues).billingAccountId,
              kind: 'stb',
              serialNumber: `STB${zh.string.numeric(12)}`,
              caNumber: `8${zh.string.numeric(15)}`,
              macAddress: zh.internet.mac().toUpperCase(),
            },
          ]
        : [],
    );
    await ctx.store.createMany(agents[0] as never, noRequest, 'devices', devices);
    // Lifecycle: everyone activated; some suspended (报停), some of those resumed, some cancelled.
    for (const [i, id] of subscriptionIds.entries()) {
      const agent = agents[i % 2] as never;
      await runLifecycleAction(ctx.store, agent, noRequest, id, 'activate', {});
      if (i % 11 === 3) await runLifecycleAction(ctx.store, agent, noRequest, id, 'suspend', { reason: '外出务工，暂停三个月 away for work' });
      if (i % 22 === 3) await runLifecycleAction(ctx.store, agent, noRequest, id, 'resume', {});
      if (i % 17 === 5) await runLifecycleAction(ctx.store, agent, noRequest, id, 'cancel', { reason: '搬迁外地 moved away' });
    }
    return people.length + children.length + households.length + billing.length + subscriptionIds.length + devices.length;
  },
};
