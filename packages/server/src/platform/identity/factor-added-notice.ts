import type { FastifyBaseLogger } from 'fastify';
import type { Kernel } from '../kernel.js';
import type { Mailer } from '../notify/mailer.js';
import { userEmail } from './user-directory.js';

/**
 * Tells a user by e-mail that a second factor was added to their account (and that every other
 * session was signed out), so that a factor planted from a stolen session does not go unnoticed.
 * Sent after the change has committed, only when SMTP is configured; a failure to send is logged
 * without the address and never undoes the change.
 */
export type AddedFactor = 'totp' | 'passkey';

export interface FactorNotices {
  factorAdded(userId: string, factor: AddedFactor): void;
}

/** For callers without a mailer (tests, the CLI): nothing is sent. */
export const noFactorNotices: FactorNotices = { factorAdded() {} };

const FACTOR_NAMES: Record<AddedFactor, { en: string; zh: string }> = {
  totp: { en: 'an authenticator app (TOTP)', zh: '身份验证器应用（TOTP）' },
  passkey: { en: 'a passkey or security key', zh: '通行密钥或安全密钥' },
};

export function factorAddedMessage(factor: AddedFactor, at: Date): { subject: string; text: string } {
  const when = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const name = FACTOR_NAMES[factor];
  return {
    subject: 'Castellan: a second factor was added to your account / 您的账户添加了第二因素',
    text:
      `A second factor, ${name.en}, was added to your Castellan account at ${when}. Every other session of your account was signed out.\n` +
      'If this was not you, tell your security administrator at once: someone may hold your password and one of your sessions.\n\n' +
      `您的 Castellan 账户于 ${when} 添加了第二因素：${name.zh}。账户的其他会话均已退出。\n` +
      '如非本人操作，请立即告知安全管理员：有人可能掌握了您的密码和一个会话。\n',
  };
}

export function mailFactorNotices(kernel: Kernel, mailer: Mailer, log: FastifyBaseLogger): FactorNotices {
  return {
    factorAdded(userId, factor) {
      if (!mailer.configured) return;
      const { subject, text } = factorAddedMessage(factor, new Date());
      setImmediate(async () => {
        try {
          const address = await userEmail(kernel, userId);
          if (address) await mailer.send(address, subject, text);
        } catch (error) {
          log.error({ err: { type: (error as Error).name } }, 'second-factor notice could not be sent');
        }
      });
    },
  };
}
