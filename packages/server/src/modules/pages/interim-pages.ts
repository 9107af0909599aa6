/**
 * Plain pages for the addresses Castellan sends people to before the web app exists: the landing
 * point after single sign-on (`/`, with `#mfa-challenge=…` or `#sso-link-required`) and the
 * password-reset link (`/reset-password#token=…`). They say, in Chinese and English, how to finish
 * the step through the API, and the enrolment link of a new account (`/enrol#token=…`). Static text, no script: what follows `#` stays in the browser, it never
 * reaches the server, a log or a Referer. The web app replaces them.
 */
const page = (title: string, body: string): string => `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title></head>
<body>
${body}
<p><a href="/api/v1/openapi.json">OpenAPI 3.1</a> · <a href="/healthz">/healthz</a></p>
</body>
</html>
`;

export const landingPage = page(
  'Castellan',
  `<h1>Castellan</h1>
<p lang="zh-CN">服务器已启动。网页应用尚未完成；在此之前，所有步骤都通过 HTTP API 完成（见下方 OpenAPI 文档）。</p>
<p lang="en">The server is up. The web app is not built yet; until it is, every step is done through the HTTP API (see the OpenAPI document below).</p>

<h2>从单点登录返回 · Back from single sign-on</h2>
<p lang="zh-CN">请查看本页地址栏中 <code>#</code> 之后的部分：</p>
<p lang="en">Look at the part of this page's address after <code>#</code>:</p>
<ul>
<li><p lang="zh-CN"><strong>没有 <code>#</code></strong>：您已登录，会话 Cookie（__Host-castellan_session）保存在本浏览器中。</p>
<p lang="en"><strong>No <code>#</code></strong>: you are signed in; this browser holds the session cookie (__Host-castellan_session).</p></li>
<li><p lang="zh-CN"><strong><code>#mfa-challenge=…</code></strong>：还需要您在 Castellan 中的第二因素。请在 5 分钟内调用 <code>POST /api/v1/auth/mfa</code>，请求体为 <code>{"challengeId": "#mfa-challenge= 之后的值", "code": "验证器中的 6 位代码"}</code>。</p>
<p lang="en"><strong><code>#mfa-challenge=…</code></strong>: Castellan needs your own second factor. Within 5 minutes, call <code>POST /api/v1/auth/mfa</code> with <code>{"challengeId": "the value after #mfa-challenge=", "code": "the 6-digit code from your authenticator"}</code>.</p></li>
<li><p lang="zh-CN"><strong><code>#sso-link-required</code></strong>：您的身份提供方账号按电子邮件地址对应到一个已有的 Castellan 账号，但尚未关联。没有任何人因此登录。关联需要证明：(1) 在<em>本浏览器</em>中用该账号的 Castellan 密码和第二因素登录（<code>POST /api/v1/auth/login</code>，然后 <code>/api/v1/auth/mfa</code>），并在单点登录尝试后 10 分钟内调用 <code>POST /api/v1/auth/oidc/link</code>（带 <code>X-CSRF-Token</code> 请求头）；或 (2) 请安全管理员批准该关联（7 天内可在 <code>GET /api/v1/security/sso-links</code> 中看到）。方式 (1) 需要本浏览器的 Cookie，在网页应用完成之前，方式 (2) 更可行。如果您刚才并没有尝试登录，请告知安全管理员。</p>
<p lang="en"><strong><code>#sso-link-required</code></strong>: your identity-provider account matches an existing Castellan account by its e-mail address but is not linked to it yet. Nobody was signed in. Linking needs proof: (1) in <em>this browser</em>, sign in to that account with its Castellan password and second factor (<code>POST /api/v1/auth/login</code>, then <code>/api/v1/auth/mfa</code>) and call <code>POST /api/v1/auth/oidc/link</code> (with the <code>X-CSRF-Token</code> header) within 10 minutes of the single sign-on attempt; or (2) ask your security administrator to approve the link (they see it for 7 days at <code>GET /api/v1/security/sso-links</code>). Option 1 needs this browser's cookies, so until the web app is built option 2 is the practical one. If you did not just try to sign in, tell your security administrator.</p></li>
</ul>`,
);

export const resetPasswordPage = page(
  'Castellan — 重置密码 · Reset your password',
  `<h1>重置密码 · Reset your password</h1>
<p lang="zh-CN">网页应用尚未完成。您的重置令牌是本页地址中 <code>#token=</code> 之后的部分（它只留在浏览器中，不会发送到服务器）。请在收到邮件后 30 分钟内调用 <code>POST /api/v1/auth/password-reset/complete</code>，请求体为 <code>{"token": "#token= 之后的值", "newPassword": "您的新密码"}</code>。令牌只能使用一次；重置会结束您的所有会话，之后请用新密码和第二因素登录。</p>
<p lang="en">The web app is not built yet. Your reset token is the part of this page's address after <code>#token=</code> (it stays in your browser and is never sent to the server). Within 30 minutes of the e-mail, call <code>POST /api/v1/auth/password-reset/complete</code> with <code>{"token": "the value after #token=", "newPassword": "your new password"}</code>. The token works once; the reset ends all your sessions; then sign in with the new password and your second factor.</p>
<p lang="zh-CN">如果您没有申请重置密码，请忽略该邮件并告知安全管理员。</p>
<p lang="en">If you did not ask for a reset, ignore the e-mail and tell your security administrator.</p>`,
);

export const enrolPage = page(
  'Castellan — 激活账号 · Activate your account',
  `<h1>激活账号 · Activate your account</h1>
<p lang="zh-CN">网页应用尚未完成。您的激活令牌是本页地址中 <code>#token=</code> 之后的部分（它只留在浏览器中，不会发送到服务器）。请在 72 小时内调用 <code>POST /api/v1/auth/enrol</code>，请求体为 <code>{"token": "#token= 之后的值", "newPassword": "您自己选择的密码"}</code>。令牌只能使用一次，管理员不会知道您的密码。之后用该密码登录（<code>POST /api/v1/auth/login</code>），并按提示注册第二因素（<code>POST /api/v1/me/mfa/totp</code>，然后 <code>/confirm</code>）。</p>
<p lang="en">The web app is not built yet. Your activation token is the part of this page's address after <code>#token=</code> (it stays in your browser and is never sent to the server). Within 72 hours, call <code>POST /api/v1/auth/enrol</code> with <code>{"token": "the value after #token=", "newPassword": "a password you choose"}</code>. The token works once, and no administrator ever learns your password. Then sign in with it (<code>POST /api/v1/auth/login</code>) and enrol a second factor as asked (<code>POST /api/v1/me/mfa/totp</code>, then <code>/confirm</code>).</p>
<p lang="zh-CN">如果您没有预期收到此链接，请告知安全管理员。</p>
<p lang="en">If you did not expect this link, tell your security administrator.</p>`,
);
