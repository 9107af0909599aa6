export * from './prc-working-days.js';
export * from './request-deadline.policy.js';
export * from './request-laws.js';
export * from './request-reminders.policy.js';
export * from './working-days.js';
export * from './zoned-day.js';
