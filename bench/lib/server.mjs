/**
 * The built server modules the benchmarks drive (run `npm run build` first; `npm run bench` does).
 * Everything is imported from packages/server/dist so the bench measures the code that ships.
 */
export { loadConfig } from '../../packages/server/dist/config/load-config.js';
export { buildApp } from '../../packages/server/dist/http/build-app.js';
export { domainStore } from '../../packages/server/dist/modules/domain-store.js';
export { buildAccessPackage } from '../../packages/server/dist/modules/subject-data/access-package.js';
export { eraseSubject } from '../../packages/server/dist/modules/subject-data/erase-subject.js';
export { canonicalAuditForm } from '../../packages/server/dist/platform/audit/append-audit-event.js';
export { noRequest } from '../../packages/server/dist/platform/audit/audit-event.js';
export { verifyAuditChain } from '../../packages/server/dist/platform/audit/verify-audit-chain.js';
export { userActor } from '../../packages/server/dist/platform/authz/actor.js';
export { blindIndex, nameTokens } from '../../packages/server/dist/platform/crypto/blind-index.js';
export { sealValue } from '../../packages/server/dist/platform/crypto/envelope.js';
export { asSystem } from '../../packages/server/dist/platform/data/as-system.js';
export { newId } from '../../packages/server/dist/platform/data/ids.js';
export { ProtectedStore } from '../../packages/server/dist/platform/data/protected-store.js';
export { normalizers } from '../../packages/server/dist/platform/data/record-codec.js';
export { blindIndexBits, tablePlan } from '../../packages/server/dist/platform/data/table-plan.js';
export { createApiToken } from '../../packages/server/dist/platform/identity/api-tokens.js';
export { createUser } from '../../packages/server/dist/platform/identity/user-directory.js';
export { initialiseInstallation } from '../../packages/server/dist/platform/install/initialise-installation.js';
export { openKernel } from '../../packages/server/dist/platform/kernel.js';
export { createRetentionRule } from '../../packages/server/dist/platform/retention/retention-rules.js';
export { startRetentionRun } from '../../packages/server/dist/platform/retention/retention-runs.js';
