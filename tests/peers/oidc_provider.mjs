// oidc-provider (panva/node-oidc-provider 9.x) configured like an Amazon Cognito user pool.
//
// Started by tests/peers/harness.py:  node oidc_provider.mjs
// Settings come as JSON in OIDC_PEER_CONFIG:
//   {"client_id", "client_secret", "redirect_uris": [...], "conform_id_token_claims": bool,
//    "refresh_tokens": bool, "mount": "/tenant/op" or "/", "jwks_path": "/keys/op.json"}
// "mount" puts the issuer on a path ("/" gives an issuer ending in '/', as Auth0's do);
// "jwks_path" serves the keys outside the issuer's path and names them as jwks_uri.
// "errors_as_200": error pages (an unregistered redirect URI, ...) are served with HTTP 200,
// as LemonLDAP::NG serves its "Unauthorized URL" page.
// With refresh_tokens, the client may use the refresh_token grant and every code exchange
// returns a refresh token, as Cognito's does (oidc-provider's default wants offline_access).
// Listens on an ephemeral port of 127.0.0.1 and prints one JSON line {"issuer": ...}
// on stdout once it serves requests.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_PEER_CONFIG ?? '{}');

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyMeta = { kid: 'peer-rs256', alg: 'RS256', use: 'sig' };

function signingKey() {
  return { ...privateKey.export({ format: 'jwk' }), ...keyMeta };
}

function publicJwks() {
  return JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), ...keyMeta }] });
}

function account(sub) {
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        email: `${sub}@example.com`,
        email_verified: true,
        name: `Peer User ${sub}`,
        given_name: 'Peer',
        family_name: 'User',
        'cognito:username': sub,
        'cognito:groups': ['admins', 'staff'],
      };
    },
  };
}

const configuration = {
  clients: [
    {
      client_id: settings.client_id,
      client_secret: settings.client_secret,
      redirect_uris: settings.redirect_uris,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: settings.refresh_tokens
        ? ['authorization_code', 'refresh_token']
        : ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [signingKey()] },
  claims: {
    openid: ['sub', 'cognito:groups', 'cognito:username'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  scopes: ['openid', 'email', 'profile'],
  conformIdTokenClaims: settings.conform_id_token_claims ?? true,
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: (_ctx, sub) => account(sub),
};
if (settings.errors_as_200) {
  configuration.renderError = async (ctx, out) => {
    ctx.status = 200;
    ctx.type = 'html';
    const text = Object.values(out).map((v) => String(v).replace(/[<>&"]/g, '')).join(': ');
    ctx.body = `<!DOCTYPE html><title>Sign-in</title><h1>Error</h1><p>${text}</p>`;
  };
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const mount = settings.mount ?? '';
  const prefix = mount.endsWith('/') ? mount.slice(0, -1) : mount;
  const issuer = `http://127.0.0.1:${port}${mount}`;
  const provider = new Provider(issuer, configuration);
  const jwksUri = settings.jwks_path ? `http://127.0.0.1:${port}${settings.jwks_path}` : null;
  if (jwksUri) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route === 'discovery' && ctx.body) ctx.body.jwks_uri = jwksUri;
    });
  }
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (jwksUri && req.url === settings.jwks_path) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(publicJwks());
      return;
    }
    if (prefix) {
      if (!req.url.startsWith(`${prefix}/`)) {
        res.writeHead(404);
        res.end();
        return;
      }
      // Mounted as Express mounts it: originalUrl keeps the prefix (oidc-provider reads it).
      req.originalUrl = req.url;
      req.url = req.url.slice(prefix.length);
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
