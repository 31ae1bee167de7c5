// Minimal OpenID Provider for the integration tests (oidc-provider v9 + jose).
// Interface: see README.md. stdout carries exactly one JSON line with the issuer;
// everything else goes to stderr.
import http from 'node:http';
import { generateKeyPair, exportJWK, decodeJwt, SignJWT } from 'jose';

// oidc-provider writes notices with console.info (stdout) and dev-only warnings
// with console.warn. Keep stdout clean and drop the warnings that are expected here
// (in-memory adapter; "Unsupported runtime" on Node < 22, printed at import time,
// hence the dynamic import below).
const EXPECTED = /quick start development-only|Unsupported runtime/;
console.info = console.log = (...a) => console.error(...a);
const warn = console.warn;
console.warn = (...a) => { if (!EXPECTED.test(String(a[0]))) warn(...a); };
const { default: Provider } = await import('oidc-provider');

const REDIRECT_URI = process.env.REDIRECT_URI;
if (!REDIRECT_URI) { console.error('REDIRECT_URI is required'); process.exit(2); }

// Exit when the parent (the test) closes our stdin.
process.stdin.on('end', () => process.exit(0)).on('close', () => process.exit(0)).resume();
process.on('SIGTERM', () => process.exit(0));

// --- keys -------------------------------------------------------------------
async function makeKey(kid) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const meta = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid, privateKey,
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
    publicJwk: { ...(await exportJWK(publicKey)), ...meta },
  };
}
const key1 = await makeKey('test-key-1');
const key2 = await makeKey('test-key-2');

// --- test state ---------------------------------------------------------------
const users = {}; // sub -> { email, email_verified }
let mode = 'none'; // alteration of the NEXT token response's id_token
const MODES = ['none', 'wrong-audience', 'wrong-issuer', 'expired', 'tampered-signature',
  'no-nonce', 'wrong-nonce', 'new-key', 'other-sub'];
let publishBothKeys = false; // set once mode "new-key" has been used

// --- listen first: the issuer needs the real port ---------------------------------
const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT || 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const SCOPE = 'openid email profile';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'tracker',
    client_secret: 'tracker-secret',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [key1.privateJwk] },
  scopes: SCOPE.split(' '),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: [] },
  // Put scope-requested claims (email, email_verified) into the ID token too,
  // not only into userinfo.
  conformIdTokenClaims: false,
  // PKCE: S256 is the only method v9 supports. By default it is only required for
  // public clients; require it here too, so a relying party that stops sending it
  // fails the tests.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['oidc-test-cookie-key'] },
  // Explicit lifetimes (seconds): the defaults are functions that print a notice.
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600 },
  async findAccount(ctx, sub) {
    const u = users[sub] ?? { email: sub.includes('@') ? sub : undefined, email_verified: true };
    return {
      accountId: sub,
      async claims() {
        const c = { sub };
        if (u.email != null) c.email = u.email;
        if (u.email_verified != null) c.email_verified = u.email_verified; // null => left out
        return c;
      },
    };
  },
});
// The http server sees 127.0.0.1 directly: no proxy, plain http. Cookies are then
// not marked Secure (oidc-provider sets Secure only when ctx.secure).

// --- helpers ------------------------------------------------------------------
async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Finish an interaction with login (optional) and consent in one go: create (or
// extend) a Grant for the client with all scopes, then 303 back to the authorization
// endpoint (provider.interactionFinished writes the response itself).
async function finish(ctx, accountId) {
  const { params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
  // A fresh login gets a fresh Grant (an existing one may belong to another account).
  const grant = (accountId === undefined && grantId && await provider.Grant.find(grantId))
    || new provider.Grant({ accountId: accountId ?? session.accountId, clientId: params.client_id });
  grant.addOIDCScope(SCOPE);
  // (The `claims` request parameter is disabled by default, so the scope covers all
  // requested claims.)
  const result = { consent: { grantId: await grant.save() } };
  if (accountId !== undefined) result.login = { accountId };
  await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
}

async function alterIdToken(jwt, m) {
  const sign = (payload, key = key1) => new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  const p = decodeJwt(jwt);
  const now = Math.floor(Date.now() / 1000);
  switch (m) {
    case 'wrong-audience': return sign({ ...p, aud: 'someone-else' });
    case 'wrong-issuer': return sign({ ...p, iss: 'http://127.0.0.1:1/' });
    case 'expired': return sign({ ...p, exp: now - 600, iat: now - 1200 });
    case 'no-nonce': { delete p.nonce; return sign(p); }
    case 'wrong-nonce': return sign({ ...p, nonce: 'not-the-nonce' });
    case 'other-sub': return sign({ ...p, sub: `other-${p.sub}` });
    case 'new-key': publishBothKeys = true; return sign(p, key2);
    case 'tampered-signature': {
      // Replace a few characters in the middle of the signature by other base64url
      // characters: still decodable, no longer valid.
      const [h, b, s] = jwt.split('.');
      const i = Math.floor(s.length / 2);
      const flipped = [...s.slice(i, i + 4)].map((c) => (c === 'A' ? 'B' : 'A')).join('');
      return [h, b, s.slice(0, i) + flipped + s.slice(i + 4)].join('.');
    }
    default: throw new Error(`unknown mode ${m}`);
  }
}

// --- test hooks, custom interaction, token/jwks interception ----------------------
provider.use(async (ctx, next) => {
  const { path, method } = ctx;

  if (path === '/__users' && method === 'POST') {
    Object.assign(users, JSON.parse(await readBody(ctx.req)));
    ctx.body = { ok: true, users: Object.keys(users).length };
    return;
  }
  if (path === '/__mode') {
    if (method === 'POST') {
      const next = JSON.parse(await readBody(ctx.req)).mode || 'none';
      if (!MODES.includes(next)) ctx.throw(400, `unknown mode ${next}; known: ${MODES.join(', ')}`);
      mode = next;
    }
    ctx.body = { mode };
    return;
  }

  // Custom no-JavaScript interaction at /interaction/:uid (devInteractions disabled).
  const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(path);
  if (m) {
    ctx.set('cache-control', 'no-store');
    if (method === 'GET' && !m[2]) {
      const { uid, prompt } = await provider.interactionDetails(ctx.req, ctx.res);
      if (prompt.name !== 'login') { // consent (again): grant it at once, no page
        console.error(`oidc test provider: auto-finishing prompt ${prompt.name}`);
        return finish(ctx);
      }
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign in</title></head><body>
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="login">Subject</label> <input name="login" id="login" autofocus>
<button type="submit">Sign in</button>
</form></body></html>`;
      return;
    }
    if (method === 'POST' && m[2]) {
      const login = new URLSearchParams(await readBody(ctx.req)).get('login');
      if (!login) ctx.throw(400, 'login is required');
      return finish(ctx, login);
    }
  }

  await next();

  // Token route is routes.token = '/token' (oidc-provider default); ctx.body is
  // still the plain object here, serialized by Koa after this middleware.
  if (path === '/token' && method === 'POST' && ctx.body?.id_token && mode !== 'none') {
    const m2 = mode;
    mode = 'none'; // one response only
    ctx.body = { ...ctx.body, id_token: await alterIdToken(ctx.body.id_token, m2) };
    console.error(`oidc test provider: id_token altered (${m2})`);
  }
  if (path === '/jwks' && method === 'GET' && publishBothKeys && ctx.status === 200) {
    ctx.body = { keys: [key1.publicJwk, key2.publicJwk] };
    ctx.type = 'application/jwk-set+json; charset=utf-8';
  }
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
