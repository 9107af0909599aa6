/** What `/` shows when the server runs from a checkout whose web app was not built (no script, no style). */
export const webAppMissingPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>Castellan</title></head>
<body>
<h1>Castellan</h1>
<p lang="zh-CN">网页应用尚未构建。请在项目目录中运行 <code>npm run build</code>（<code>npm start</code> 会自动运行），然后刷新本页。</p>
<p lang="en">The web app has not been built. Run <code>npm run build</code> in the project folder (<code>npm start</code> does it for you), then reload this page.</p>
<p><a href="/api/v1/openapi.json">OpenAPI 3.1</a> · <a href="/healthz">/healthz</a></p>
</body>
</html>
`;
