// Smoke test of provider.mjs: full authorization-code flow with PKCE S256, state and
// nonce using plain fetch and a hand-made cookie jar. Exits 0 on success.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { decodeJwt, decodeProtectedHeader, createRemoteJWKSet, jwtVerify } from 'jose';

const REDIRECT_URI = 'http://127.0.0.1:9/auth/oidc/callback';
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const failures = [];
const check = (cond, what) => { if (!cond) failures.push(what); return cond; };

const child = spawn(process.execPath, [new URL('./provider.mjs', import.meta.url).pathname], {
  env: { ...process.env, PORT: '0', REDIRECT_URI },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const timer = setTimeout(() => { console.error('FAIL: timeout'); child.kill(); process.exit(1); }, 30000);
const firstLine = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`provider exited early (${code})`)));
});
const { issuer } = JSON.parse(firstLine);
const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
check(disco.issuer === issuer, `discovery issuer ${disco.issuer} != ${issuer}`);

const post = (path, body) => fetch(issuer + path, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

// One authorization-code flow; returns the token response and the nonce used.
// `login` null: expect no login page (existing session in `jar`).
async function flow(login, { jar = new Map(), extra = {} } = {}) {
  // jar: cookie name -> value (paths ignored: sending extra cookies is harmless)
  const req = async (url, init = {}) => {
    const headers = { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [nv] = c.split(';');
      const i = nv.indexOf('=');
      jar.set(nv.slice(0, i), nv.slice(i + 1));
    }
    return res;
  };
  const verifier = b64u(randomBytes(32));
  const state = b64u(randomBytes(16));
  const nonce = b64u(randomBytes(16));
  const auth = new URL(disco.authorization_endpoint);
  auth.search = new URLSearchParams({
    response_type: 'code', client_id: 'tracker', redirect_uri: REDIRECT_URI,
    scope: 'openid email profile', state, nonce,
    code_challenge: b64u(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256', ...extra,
  });

  // Follow redirects by hand (keeping cookies) until the redirect URI or a page.
  let url = auth.href;
  let res;
  const follow = async () => {
    for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i += 1) {
      url = new URL(res.headers.get('location'), url).href;
      if (url.startsWith(REDIRECT_URI)) return;
      res = await req(url);
    }
  };
  res = await req(url);
  await follow();
  if (login !== null) {
    const html = await res.text();
    if (!check(res.status === 200 && /<form method="post"/.test(html), `no login page: ${res.status} ${html.slice(0, 300)}`)) return null;
    check(!/<script/i.test(html), 'login page has a script');
    url = new URL(/action="([^"]+)"/.exec(html)[1], url).href;
    res = await req(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login }).toString(),
    });
    await follow();
  }
  if (!check(url.startsWith(REDIRECT_URI), `did not reach redirect URI: ${url} ${res.status} ${(await res.text()).slice(0, 300)}`)) return null;
  const cb = new URL(url).searchParams;
  check(cb.get('state') === state, `state mismatch: ${cb.get('state')}`);
  check(cb.get('iss') === issuer, `iss in callback: ${cb.get('iss')}`);
  if (!check(cb.get('code'), `no code: ${url}`)) return null;

  res = await fetch(disco.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('tracker:tracker-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: cb.get('code'), redirect_uri: REDIRECT_URI, code_verifier: verifier,
    }).toString(),
  });
  const tokens = await res.json();
  if (!check(res.status === 200 && tokens.id_token, `token endpoint: ${res.status} ${JSON.stringify(tokens)}`)) return null;
  return { tokens, nonce, claims: decodeJwt(tokens.id_token), header: decodeProtectedHeader(tokens.id_token) };
}

try {
  // 1. plain flow, unregistered sub containing '@'
  const jar = new Map();
  const a = await flow('alice@example.org', { jar });
  if (a) {
    check(a.claims.nonce === a.nonce, 'nonce');
    check(a.claims.aud === 'tracker', `aud ${a.claims.aud}`);
    check(a.claims.iss === issuer, `iss ${a.claims.iss}`);
    check(a.claims.email === 'alice@example.org', `email ${a.claims.email}`);
    check(a.claims.email_verified === true, `email_verified ${a.claims.email_verified}`);
    check(a.header.kid === 'test-key-1', `kid ${a.header.kid}`);
  }

  // 1b. same browser again with prompt=consent: no page at all (consent auto-granted)
  const again = await flow(null, { jar, extra: { prompt: 'consent' } });
  if (again) check(again.claims.sub === 'alice@example.org', `sso sub ${again.claims.sub}`);

  // 2. registered user with email_verified null (claim left out)
  await post('/__users', { bob: { email: 'bob@example.org', email_verified: null } });
  const b = await flow('bob');
  if (b) {
    check(b.claims.sub === 'bob' && b.claims.email === 'bob@example.org', `bob claims ${JSON.stringify(b.claims)}`);
    check(!('email_verified' in b.claims), 'bob email_verified should be absent');
  }

  // 3. wrong-audience, and the mode resets after one token response
  await post('/__mode', { mode: 'wrong-audience' });
  const w = await flow('alice@example.org');
  if (w) check(w.claims.aud === 'someone-else', `wrong-audience aud ${w.claims.aud}`);
  check((await (await fetch(`${issuer}/__mode`)).json()).mode === 'none', 'mode did not reset');

  // 4. the other modes alter what they say; re-signed tokens verify with key 1,
  //    the tampered one does not
  const keys = createRemoteJWKSet(new URL(disco.jwks_uri));
  const now = Math.floor(Date.now() / 1000);
  const modes = {
    'wrong-issuer': (c) => c.iss === 'http://127.0.0.1:1/',
    expired: (c) => c.exp < now && c.iat < now - 1000,
    'no-nonce': (c) => !('nonce' in c),
    'wrong-nonce': (c) => c.nonce === 'not-the-nonce',
    'other-sub': (c) => c.sub === 'other-alice@example.org',
    'tampered-signature': (c) => c.aud === 'tracker',
  };
  for (const [mode, ok] of Object.entries(modes)) {
    await post('/__mode', { mode });
    const r = await flow('alice@example.org');
    if (!r) continue;
    check(ok(r.claims), `${mode}: claims ${JSON.stringify(r.claims)}`);
    check(r.header.kid === 'test-key-1' && r.header.alg === 'RS256', `${mode}: header ${JSON.stringify(r.header)}`);
    const verified = await jwtVerify(r.tokens.id_token, keys, { currentDate: new Date(0) }).then(() => true, () => false);
    check(verified === (mode !== 'tampered-signature'), `${mode}: signature verified=${verified}`);
  }

  // 5. new-key: signed with another kid, JWKS now publishes both keys
  check((await (await fetch(disco.jwks_uri)).json()).keys.length === 1, 'JWKS should have 1 key before new-key');
  await post('/__mode', { mode: 'new-key' });
  const n = await flow('alice@example.org');
  if (n) check(n.header.kid && n.header.kid !== 'test-key-1', `new-key kid ${n.header.kid}`);
  const jwks = await (await fetch(disco.jwks_uri)).json();
  check(jwks.keys.length === 2 && jwks.keys.some((k) => k.kid === n?.header.kid), `JWKS after new-key: ${JSON.stringify(jwks.keys.map((k) => k.kid))}`);
  check(jwks.keys.every((k) => !k.d), 'JWKS leaks private key material');

  // 6. the provider exits when its stdin closes
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.end();
  check(await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]), 'provider did not exit on stdin close');
} catch (err) {
  failures.push(`exception: ${err.stack}`);
}

clearTimeout(timer);
child.kill();
if (failures.length) {
  console.error(`FAIL:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('oidc smoke: all checks passed');
