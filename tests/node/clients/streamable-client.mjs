// A real TypeScript SDK client for the tests: connects over Streamable HTTP, lists tools, calls echo, deletes the
// session, and prints one JSON line. Usage: node streamable-client.mjs URL [MESSAGE]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, message = 'hello from typescript'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node streamable-client.mjs URL [MESSAGE]');
  process.exit(2);
}

const client = new Client({ name: 'mcpaspire-ts-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
const sessionId = transport.sessionId;
const tools = await client.listTools();
const result = await client.callTool({ name: 'echo', arguments: { message } });
await transport.terminateSession();
await client.close();
console.log(JSON.stringify({
  protocolVersion: transport.protocolVersion,
  sessionId,
  serverName: client.getServerVersion()?.name,
  tools: tools.tools.map((t) => t.name),
  echo: result.content?.[0]?.text,
  isError: result.isError ?? false,
}));
