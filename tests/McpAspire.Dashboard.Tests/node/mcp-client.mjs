// A real MCP client (the official TypeScript SDK) against the dashboard's /mcp: initialize, list tools, call each
// listing tool, print one JSON object with what it saw. Usage: node mcp-client.mjs SDK_DIR URL KEY
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [sdkDir, url, key] = process.argv.slice(2);
const { Client } = await import(pathToFileURL(path.join(sdkDir, 'dist/esm/client/index.js')).href);
const { StreamableHTTPClientTransport } = await import(pathToFileURL(path.join(sdkDir, 'dist/esm/client/streamableHttp.js')).href);

const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-mcp-api-key': key } } });
const client = new Client({ name: 'dashboard-test', version: '1.0.0' });
await client.connect(transport);
const tools = await client.listTools();
const traces = await client.callTool({ name: 'list_traces', arguments: { limit: 10 } });
const logs = await client.callTool({ name: 'list_structured_logs', arguments: { level: 'Error' } });
const resources = await client.callTool({ name: 'list_resources', arguments: {} });
const consoleLogs = await client.callTool({ name: 'list_console_logs', arguments: { resourceName: 'toolhost' } });
let badArgs;
try {
  await client.callTool({ name: 'list_structured_logs', arguments: { level: 'Loud' } });
  badArgs = 'no error';
} catch (e) {
  badArgs = String(e.message);
}
console.log(JSON.stringify({
  server: client.getServerVersion(),
  protocolVersion: transport.protocolVersion ?? null,
  tools: tools.tools.map((t) => t.name),
  traces: traces.content[0].text,
  logs: logs.content[0].text,
  resources: resources.content[0].text,
  consoleLogs: consoleLogs.content[0].text,
  badArgs,
}));
await client.close();
