/** Alert delivery without transport: what may be sent, how it is signed, how each robot takes it, when to retry. */
export * from './alert-message.js';
export * from './dingtalk.js';
export * from './feishu.js';
export * from './retry-schedule.js';
export * from './webhook-signature.js';
export * from './wecom.js';
