// A real TypeScript SDK client through the gateway: connects over Streamable HTTP (2025-era session), lists tools,
// calls one tool with JSON arguments, and prints one JSON line. Usage: node gateway-client.mjs URL TOOL ARGS_JSON
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [url, tool, args = '{}'] = process.argv.slice(2);
if (!url || !tool) {
  console.error('usage: node gateway-client.mjs URL TOOL [ARGS_JSON]');
  process.exit(2);
}
const client = new Client({ name: 'mcpaspire-gateway-ts-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
const sessionId = transport.sessionId;
const tools = await client.listTools();
const prompts = await client.listPrompts();
const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
await transport.terminateSession();
await client.close();
console.log(JSON.stringify({
  protocolVersion: transport.protocolVersion,
  sessionId,
  serverName: client.getServerVersion()?.name,
  tools: tools.tools.map((t) => t.name),
  prompts: prompts.prompts.map((p) => p.name),
  text: result.content?.filter((c) => c.type === 'text').map((c) => c.text).join('\n'),
  isError: result.isError ?? false,
}));
