// A third-party DPoP client, oauth4webapi (npm), against a live hub and a resource
// server: discovery, a DPoP-bound client-credentials token for each audience, then
// GETs with `Authorization: DPoP` and a proof, and the same token sent as Bearer.
// Prints one JSON object for tests/resource_server/test_dpop_interop.py.
import * as oauth from "oauth4webapi";

const env = process.env;
const insecure = { [oauth.allowInsecureRequests]: true }; // the test servers speak http
const issuer = new URL(env.HUB_URL);
const as = await oauth.processDiscoveryResponse(
  issuer,
  await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }),
);
const client = { client_id: env.CLIENT_ID };
const clientAuth = oauth.ClientSecretBasic(env.CLIENT_SECRET);
const keyPair = await oauth.generateKeyPair("ES256");
const DPoP = oauth.DPoP(client, keyPair);

async function token(resource) {
  const parameters = new URLSearchParams({ scope: "read" });
  if (resource) parameters.set("resource", resource);
  const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, parameters, { DPoP, ...insecure });
  return oauth.processClientCredentialsResponse(as, client, response);
}

async function call(url, accessToken) {
  const response = await oauth.protectedResourceRequest(accessToken, "GET", new URL(url), new Headers(), null, {
    DPoP,
    ...insecure,
  });
  return { status: response.status, body: await response.json() };
}

async function asBearer(url, accessToken) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } });
  return { status: response.status, challenge: response.headers.get("www-authenticate") };
}

const hubToken = await token(null);
const rsToken = await token(env.RS_AUDIENCE);
const result = {
  advertised: as.dpop_signing_alg_values_supported,
  token_type: hubToken.token_type,
  api_me: await call(`${env.HUB_URL}/api/me`, hubToken.access_token),
  rs: await call(`${env.RS_URL}/drf/claims`, rsToken.access_token),
  rs_plain: await call(`${env.RS_URL}/plain/claims`, rsToken.access_token),
  api_me_as_bearer: await asBearer(`${env.HUB_URL}/api/me`, hubToken.access_token),
  rs_as_bearer: await asBearer(`${env.RS_URL}/drf/claims`, rsToken.access_token),
};
console.log(JSON.stringify(result));
