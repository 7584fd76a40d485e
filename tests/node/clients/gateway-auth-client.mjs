// A real TypeScript SDK client against the authenticated gateway. First without credentials: the 401's
// WWW-Authenticate is read with the SDK's own helper and the protected resource metadata is discovered with the SDK's
// RFC 9728 discovery. Then with `Authorization: Bearer TOKEN`: connect (2025-era session), list tools, call one.
// Prints one JSON line. Usage: node gateway-auth-client.mjs URL TOKEN TOOL ARGS_JSON
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { discoverOAuthProtectedResourceMetadata, extractResourceMetadataUrl } from '@modelcontextprotocol/sdk/client/auth.js';

const [url, token, tool, args = '{}'] = process.argv.slice(2);
if (!url || !token || !tool) {
  console.error('usage: node gateway-auth-client.mjs URL TOKEN TOOL [ARGS_JSON]');
  process.exit(2);
}

// Without a token: the SDK client fails, and the 401 says where the resource metadata is.
let anonymousError = null;
let anonymousCode = null;
try {
  const anonymous = new Client({ name: 'mcpaspire-auth-ts-test', version: '1.0.0' });
  await anonymous.connect(new StreamableHTTPClientTransport(new URL(url)));
  await anonymous.close();
} catch (error) {
  anonymousError = String(error?.message ?? error);
  anonymousCode = error?.code ?? null;
}
const unauthorized = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
});
const metadataUrl = extractResourceMetadataUrl(unauthorized)?.toString() ?? null;
const metadata = await discoverOAuthProtectedResourceMetadata(new URL(url));

const client = new Client({ name: 'mcpaspire-auth-ts-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
await client.connect(transport);
const tools = await client.listTools();
const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
await transport.terminateSession();
await client.close();
console.log(JSON.stringify({
  anonymousError,
  anonymousCode,
  unauthorizedStatus: unauthorized.status,
  metadataUrl,
  metadataResource: metadata.resource,
  authorizationServers: metadata.authorization_servers ?? [],
  tools: tools.tools.map((t) => t.name),
  text: result.content?.filter((c) => c.type === 'text').map((c) => c.text).join('\n'),
  isError: result.isError ?? false,
}));
