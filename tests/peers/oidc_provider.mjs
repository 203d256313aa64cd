// oidc-provider (panva/node-oidc-provider 9.x) configured like an Amazon Cognito user pool.
//
// Started by tests/peers/harness.py:  node oidc_provider.mjs
// Settings come as JSON in OIDC_PEER_CONFIG:
//   {"client_id", "client_secret", "redirect_uris": [...], "conform_id_token_claims": bool,
//    "refresh_tokens": bool}
// With refresh_tokens, the client may use the refresh_token grant and every code exchange
// returns a refresh token, as Cognito's does (oidc-provider's default wants offline_access).
// Listens on an ephemeral port of 127.0.0.1 and prints one JSON line {"issuer": ...}
// on stdout once it serves requests.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_PEER_CONFIG ?? '{}');

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'peer-rs256', alg: 'RS256', use: 'sig' };
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

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
