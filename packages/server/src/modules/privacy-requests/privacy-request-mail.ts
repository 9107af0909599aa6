/** The verification e-mail, in both languages (the person may read either); it holds no personal value but the code. */
export function verificationMail(publicUrl: string, reference: string, code: string): { subject: string; text: string } {
  const link = `${publicUrl}/privacy/verify#reference=${reference}`;
  return {
    subject: '您的隐私请求验证码 / Your privacy request verification code',
    text: [
      `验证码：${code}（30 分钟内有效）。请在此页面输入：${link}`,
      `请求编号：${reference}`,
      '如果您没有提出此请求，请忽略本邮件。',
      '',
      `Verification code: ${code} (valid for 30 minutes). Enter it here: ${link}`,
      `Request reference: ${reference}`,
      'If you did not make this request, ignore this e-mail.',
    ].join('\n'),
  };
}

/** The reminder to the request's assignee: the reference, the stage and the due time only (no requester value). */
export function reminderMail(publicUrl: string, reference: string, dueAt: string, overdue: boolean): { subject: string; text: string } {
  const link = `${publicUrl}/privacy-requests/${reference}`;
  return overdue
    ? {
        subject: `[Castellan] 隐私请求 ${reference} 已逾期 / privacy request ${reference} is overdue`,
        text: [`隐私请求 ${reference} 已超过答复期限（${dueAt}）。${link}`, '', `Privacy request ${reference} is past its due date (${dueAt}). ${link}`].join(
          '\n',
        ),
      }
    : {
        subject: `[Castellan] 隐私请求 ${reference} 将于 ${dueAt} 到期 / privacy request ${reference} is due ${dueAt}`,
        text: [`隐私请求 ${reference} 的答复期限：${dueAt}。${link}`, '', `Privacy request ${reference} must be answered by ${dueAt}. ${link}`].join('\n'),
      };
}
