// A relying party built on openid-client (npm, pinned in package-lock.json), the
// certified OpenID Connect RP library, run by tests/browser/test_relying_parties.py
// against the live hub. One step per run: `node openid_client_rp.mjs STEP` reads a JSON
// object on stdin and writes one on stdout; what a step must remember for the next
// (PKCE verifier, nonce, state) travels through the test.
//
//   start   {issuer, client_id, redirect_uri, scope, max_age?, prompt?, id_token_hint?}
//           -> {url, verifier, nonce, state, metadata}
//   finish  {issuer, client_id, callback_url, verifier, nonce, state, max_age?}
//           -> {id_token, refresh_token, claims, userinfo}, or {error} for an error
//              response the library recognised as one (OIDC Core §3.1.2.6)
//   refresh {issuer, client_id, refresh_token} -> {claims} (of the new ID token)
//   logout  {issuer, client_id, id_token, post_logout_redirect_uri, state}
//           -> {url}
//
// Every check is the library's: discovery (the issuer must be the URL it was found at),
// the authorization response (state, RFC 9207 iss), the token response, the ID token
// (signature against the JWK set, with enableNonRepudiationChecks; iss, aud, exp, iat,
// nonce, auth_time against max_age), and userinfo (its sub must be the ID token's).
import * as client from "openid-client";

async function configuration({ issuer, client_id }) {
  // The tests' hub runs on plain http on 127.0.0.1, which the library refuses unless told.
  const config = await client.discovery(new URL(issuer), client_id, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  return config;
}

const steps = {
  async start(input) {
    const config = await configuration(input);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const parameters = {
      redirect_uri: input.redirect_uri,
      scope: input.scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
      state,
    };
    if (input.max_age !== undefined) parameters.max_age = String(input.max_age);
    if (input.prompt !== undefined) parameters.prompt = input.prompt;
    if (input.id_token_hint !== undefined) parameters.id_token_hint = input.id_token_hint;
    const url = client.buildAuthorizationUrl(config, parameters);
    return { url: url.href, verifier, nonce, state, metadata: config.serverMetadata() };
  },

  async finish(input) {
    const config = await configuration(input);
    const checks = {
      pkceCodeVerifier: input.verifier,
      expectedNonce: input.nonce,
      expectedState: input.state,
      idTokenExpected: true,
    };
    if (input.max_age !== undefined) checks.maxAge = input.max_age;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, new URL(input.callback_url), checks);
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError) return { error: error.error };
      throw error;
    }
    const claims = tokens.claims();
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    return { id_token: tokens.id_token, refresh_token: tokens.refresh_token, claims, userinfo };
  },

  async refresh(input) {
    // OIDC Core §12.2: the library checks the new ID token (iss, sub, aud, signature).
    const config = await configuration(input);
    const tokens = await client.refreshTokenGrant(config, input.refresh_token);
    return { claims: tokens.claims() };
  },

  async logout(input) {
    const config = await configuration(input);
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: input.id_token,
      post_logout_redirect_uri: input.post_logout_redirect_uri,
      state: input.state,
    });
    return { url: url.href };
  },
};

async function main() {
  const step = steps[process.argv[2]];
  if (!step) throw new Error(`unknown step ${process.argv[2]}: one of ${Object.keys(steps).join(", ")}`);
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  process.stdout.write(JSON.stringify(await step(JSON.parse(text))));
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}${error.code ? ` (${error.code})` : ""}\n`);
  if (error.cause) process.stderr.write(`cause: ${JSON.stringify(error.cause)}\n`);
  process.exit(1);
});
