/** The consent-session code e-mail, in both languages; it holds no personal value but the code. */
export function consentCodeMail(publicUrl: string, session: string, code: string): { subject: string; text: string } {
  const link = `${publicUrl}/privacy/consents#session=${session}`;
  return {
    subject: '管理您的同意：验证码 / Manage your consents: verification code',
    text: [
      `验证码：${code}（30 分钟内有效）。请在此页面输入：${link}`,
      '如果您没有要求管理您的同意，请忽略本邮件。',
      '',
      `Verification code: ${code} (valid for 30 minutes). Enter it here: ${link}`,
      'If you did not ask to manage your consents, ignore this e-mail.',
    ].join('\n'),
  };
}
