import type { BreachView } from '@castellan/shared';

/**
 * Report drafts, as plain text the officer copies or downloads and completes: the GDPR Art. 33(3)
 * notification to the supervisory authority and the report to the provincial CAC under the national
 * incident-reporting measures, each in English and Simplified Chinese. Pure. Bracketed fields are for
 * the officer to fill in; the sealed description appears only for a caller allowed to open it.
 */
type Language = 'en' | 'zh';

const gradeNames: Record<Language, Record<string, string>> = {
  en: { general: 'general (一般)', relatively_major: 'relatively major (较大)', major: 'major (重大)', especially_major: 'especially major (特别重大)' },
  zh: { general: '一般', relatively_major: '较大', major: '重大', especially_major: '特别重大' },
};

const sealedText: Record<Language, string> = {
  en: '[description sealed: opened only by the privacy officer]',
  zh: '【事件描述已加密，仅个人信息保护负责人可查看】',
};

function describe(view: BreachView, language: Language): string {
  return view.personal?.description ?? sealedText[language];
}

/** The PI categories of the field catalogue, named for the reader of a report. */
const categoryNames: Record<Language, Record<string, string>> = {
  en: {
    identity: 'identity',
    contact_details: 'contact details',
    government_id: 'government ID numbers',
    date_of_birth: 'dates of birth',
    postal_address: 'postal addresses',
    employment: 'employment details',
    relationship: 'relationships',
    device_identifier: 'device identifiers',
    free_text: 'free-text notes',
    minor: "minors' data",
  },
  zh: {
    identity: '身份信息',
    contact_details: '联系方式',
    government_id: '证件号码',
    date_of_birth: '出生日期',
    postal_address: '通信地址',
    employment: '工作信息',
    relationship: '关系信息',
    device_identifier: '设备标识',
    free_text: '自由文本备注',
    minor: '未成年人信息',
  },
};

const categoriesOf = (view: BreachView, language: Language): string => {
  if (!view.categories.length) return language === 'en' ? '[to be determined]' : '【待确定】';
  return view.categories
    .map((c) => `${categoryNames[language][c.category] ?? c.category}${c.sensitive ? (language === 'en' ? ' (sensitive)' : '（敏感个人信息）') : ''}`)
    .join(language === 'en' ? ', ' : '、');
};

const affectedOf = (view: BreachView): string => String(view.affected.count ?? view.peopleAffected);

export function gdprDraft(view: BreachView, language: Language): { title: string; text: string } {
  if (language === 'zh')
    return {
      title: 'GDPR 第33条 向监管机构的个人数据泄露通知（草稿）',
      text: [
        `事件编号：${view.id}`,
        `发现时间：${view.discoveredAt}`,
        `发生时间：${view.occurredAt ?? '【不明】'}`,
        `（a）泄露的性质：${describe(view, language)}`,
        `    涉及的个人数据类别：${categoriesOf(view, language)}`,
        `    涉及的数据主体人数（约）：${affectedOf(view)}；涉及的记录数（约）：【请填写】`,
        '（b）数据保护官或其他联系人的姓名和联系方式：【请填写】',
        '（c）泄露可能造成的后果：【请填写】',
        '（d）已采取或拟采取的措施（包括减轻不利影响的措施）：【请填写】',
        `72小时期限：${view.clocks.find((c) => c.kind === 'gdpr_authority')?.dueAt ?? ''}；如逾期通知，请说明迟延理由：【请填写】`,
      ].join('\n'),
    };
  return {
    title: 'GDPR Art. 33 notification of a personal data breach to the supervisory authority (draft)',
    text: [
      `Incident: ${view.id}`,
      `Became aware: ${view.discoveredAt}`,
      `Occurred: ${view.occurredAt ?? '[unknown]'}`,
      `(a) Nature of the breach: ${describe(view, language)}`,
      `    Categories of personal data concerned: ${categoriesOf(view, language)}`,
      `    Approximate number of data subjects concerned: ${affectedOf(view)}; approximate number of records concerned: [fill in]`,
      '(b) Name and contact details of the data protection officer or other contact point: [fill in]',
      '(c) Likely consequences of the breach: [fill in]',
      '(d) Measures taken or proposed, including measures to mitigate its possible adverse effects: [fill in]',
      `72-hour deadline: ${view.clocks.find((c) => c.kind === 'gdpr_authority')?.dueAt ?? ''}; if notified later, the reasons for the delay: [fill in]`,
    ].join('\n'),
  };
}

export function cacDraft(view: BreachView, language: Language): { title: string; text: string } {
  const due = view.clocks.find((c) => c.kind === 'cac')?.dueAt ?? (language === 'en' ? 'not required below 较大' : '一般事件无需报告');
  if (language === 'zh')
    return {
      title: '网络安全事件报告（《国家网络安全事件报告管理办法》，草稿）',
      text: [
        '报告单位名称：【请填写】　联系人及联系方式：【请填写】',
        `事件编号：${view.id}`,
        `事件发现时间：${view.discoveredAt}；事件发生时间：${view.occurredAt ?? '【不明】'}`,
        `事件分级：${gradeNames.zh[view.grade]}；报告时限：${due}`,
        `事件简要情况：${describe(view, language)}`,
        `影响范围：涉及个人信息类别 ${categoriesOf(view, language)}；涉及人数约 ${affectedOf(view)}`,
        '事件原因初步判断：【请填写】',
        '已采取的应急处置措施及效果：【请填写】',
        '事件发展趋势及下一步工作：【请填写】',
        `是否已通知受影响的个人（《个人信息保护法》第五十七条）：${view.clocks.find((c) => c.kind === 'pipl_subjects')?.reportedAt ?? '否'}`,
      ].join('\n'),
    };
  return {
    title: 'Cybersecurity incident report (national incident-reporting measures, draft)',
    text: [
      'Reporting organisation: [fill in]   Contact person and details: [fill in]',
      `Incident: ${view.id}`,
      `Discovered: ${view.discoveredAt}; occurred: ${view.occurredAt ?? '[unknown]'}`,
      `Grade: ${gradeNames.en[view.grade]}; report due: ${due}`,
      `Summary of the incident: ${describe(view, language)}`,
      `Scope: personal information categories ${categoriesOf(view, language)}; about ${affectedOf(view)} people`,
      'Preliminary cause: [fill in]',
      'Emergency measures taken and their effect: [fill in]',
      'Expected development and next steps: [fill in]',
      `Individuals notified (PIPL Art. 57): ${view.clocks.find((c) => c.kind === 'pipl_subjects')?.reportedAt ?? 'not yet'}`,
    ].join('\n'),
  };
}

export function breachDrafts(view: BreachView) {
  return (['gdpr', 'cac'] as const).flatMap((kind) =>
    (['en', 'zh'] as const).map((language) => ({ kind, language, ...(kind === 'gdpr' ? gdprDraft(view, language) : cacDraft(view, language)) })),
  );
}
