import type { FastifyInstance } from 'fastify';
import { accessReviewRoutes } from '../modules/access-reviews/access-review.routes.js';
import { accountRoutes } from '../modules/accounts/account.routes.js';
import { auditRoutes } from '../modules/audit/audit.routes.js';
import { auditVerifyRoutes } from '../modules/audit/audit-verify.routes.js';
import { authRoutes } from '../modules/auth/auth.routes.js';
import { oidcRoutes } from '../modules/auth/oidc.routes.js';
import { passwordResetRoutes } from '../modules/auth/password-reset.routes.js';
import { contactRoutes } from '../modules/contacts/contact.routes.js';
import { healthRoutes } from '../modules/health/health.routes.js';
import { meRoutes } from '../modules/me/me.routes.js';
import { passkeyRoutes } from '../modules/passkeys/passkey.routes.js';
import { securityRoutes } from '../modules/security/security.routes.js';
import { userRoutes } from '../modules/users/user.routes.js';
import { ProtectedStore } from '../platform/data/protected-store.js';
import type { Kernel } from '../platform/kernel.js';
import { createMailer } from '../platform/notify/mailer.js';

export function registerRoutes(app: FastifyInstance, kernel: Kernel): void {
  const store = new ProtectedStore(kernel);
  const mailer = createMailer(kernel.config);
  healthRoutes(app, kernel);
  authRoutes(app, kernel);
  passwordResetRoutes(app, kernel, mailer);
  oidcRoutes(app, kernel);
  meRoutes(app, kernel, mailer);
  passkeyRoutes(app, kernel, mailer);
  contactRoutes(app, store);
  accountRoutes(app, store);
  auditVerifyRoutes(app, kernel);
  userRoutes(app, kernel);
  securityRoutes(app, kernel);
  accessReviewRoutes(app, kernel);
  auditRoutes(app, kernel, store);
}
