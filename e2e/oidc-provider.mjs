// A real OpenID Connect provider for the tests, standing in for VNeID: npm `oidc-provider`
// (OpenID certified) on 127.0.0.1 with its development login and consent pages. Whatever is typed
// as the login becomes the subject, so a test signs in as the citizen whose CCCD number it types.
// Authorization code flow with PKCE required; one confidential client (motcua).
import Provider from 'oidc-provider';

export const CLIENT_ID = 'motcua-e2e';
export const CLIENT_SECRET = 'e2e-only-client-secret-not-for-production';

// Names of the test citizens, by CCCD number (generated people, as in the demo).
const NAMES = { '068195009999': 'Trần Thị Mai' };

export async function startProvider(port, redirectUri) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'] },
    // The name in the ID token itself (VNeID sends it there too).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: NAMES[id] || 'Công dân thử nghiệm' }),
    }),
  });
  provider.proxy = false;
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  return { issuer, close: () => new Promise((ok) => server.close(ok)) };
}
