import nodemailer from 'nodemailer';
import type { Config } from '../../config/load-config.js';

/** Outgoing e-mail over SMTP (nodemailer). The recipient's address is personal data: never logged. */
export interface Mailer {
  readonly configured: boolean;
  send(to: string, subject: string, text: string): Promise<void>;
}

export function createMailer(config: Config): Mailer {
  if (!config.smtp) {
    return {
      configured: false,
      async send() {
        throw new Error('SMTP is not configured (CASTELLAN_SMTP_URL)');
      },
    };
  }
  const transport = nodemailer.createTransport(config.smtp.url);
  const from = config.smtp.from;
  return {
    configured: true,
    async send(to, subject, text) {
      await transport.sendMail({ from, to, subject, text });
    },
  };
}
