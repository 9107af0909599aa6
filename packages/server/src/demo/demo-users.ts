import type { RoleKey } from '@castellan/shared';
import { noRequest } from '../platform/audit/audit-event.js';
import { type Actor, onBehalfOfActor } from '../platform/authz/actor.js';
import { issueEnrolment } from '../platform/identity/enrolment-links.js';
import { createUser, findUserByEmail } from '../platform/identity/user-directory.js';
import type { AuditedTransaction, Kernel } from '../platform/kernel.js';
import type { DemoPerson } from './demo-context.js';

/** The demo organisation's staff: one account per default role (two sellers, two agents), in teams. */
export const demoStaff: Record<DemoPerson, { email: string; name: string; role: RoleKey; team?: string }> = {
  securityAdmin: { email: 'security@demo.castellan.example', name: '周安全 Zhou An', role: 'security_admin' },
  auditAdmin: { email: 'audit@demo.castellan.example', name: '钱审计 Qian Shen', role: 'audit_admin' },
  privacyOfficer: { email: 'privacy@demo.castellan.example', name: 'Priya Holloway', role: 'privacy_officer' },
  auditor: { email: 'auditor@demo.castellan.example', name: '孙审核 Sun Shenhe', role: 'auditor' },
  salesManager: { email: 'sales.manager@demo.castellan.example', name: '陈经理 Chen Li', role: 'sales_manager', team: '广告部 Ad Sales' },
  salesRepEast: { email: 'sales.east@demo.castellan.example', name: '王销售 Wang Lei', role: 'sales_rep', team: '广告部 Ad Sales' },
  salesRepNorth: { email: 'sales.north@demo.castellan.example', name: 'Oliver Grant', role: 'sales_rep', team: '广告部 Ad Sales' },
  licensingManager: { email: 'licensing@demo.castellan.example', name: 'Hannah Whitcombe', role: 'licensing_manager', team: '版权部 Licensing' },
  serviceAgent: { email: 'service@demo.castellan.example', name: '李客服 Li Na', role: 'service_agent', team: '客服中心 Subscriber Desk' },
  serviceAgent2: { email: 'service2@demo.castellan.example', name: '赵客服 Zhao Min', role: 'service_agent', team: '客服中心 Subscriber Desk' },
  marketing: { email: 'marketing@demo.castellan.example', name: 'Sofia Marchetti', role: 'marketing', team: '市场部 Marketing' },
};

export interface DemoAccount {
  person: DemoPerson;
  email: string;
  role: RoleKey;
  /** One-time enrolment link (the person sets their password and second factor with it). */
  link: string;
}

/** True when the demo staff exist already (the demo was loaded into this data directory). */
export async function demoLoaded(kernel: Kernel): Promise<boolean> {
  return (await findUserByEmail(kernel, demoStaff.salesManager.email)) !== undefined;
}

/**
 * Creates the demo staff, each activated by a one-time enrolment link (no password is chosen for
 * them here: the operator never learns a working credential), audited as the operator's `demo`.
 */
export async function createDemoStaff(kernel: Kernel, tx: AuditedTransaction, operator: { osUser: string; verb: string }, system: Actor) {
  const staff = {} as Record<DemoPerson, Actor>;
  const accounts: DemoAccount[] = [];
  for (const [person, spec] of Object.entries(demoStaff) as [DemoPerson, (typeof demoStaff)[DemoPerson]][]) {
    const user = await createUser(kernel, tx, system, noRequest, { email: spec.email, name: spec.name, roles: [spec.role], teamName: spec.team });
    const { link } = await issueEnrolment(kernel, tx, system, noRequest, user.id, 'operator');
    staff[person] = onBehalfOfActor(operator, { id: user.id, teamId: user.teamId }, user.roles);
    accounts.push({ person, email: spec.email, role: spec.role, link });
  }
  return { staff, accounts };
}
