// A real TypeScript SDK client (a 2025-era session) that uses each server-core feature of the tool host as an agent
// would: declares a message type and has a payload that breaks it refused, adds a routing rule that rewrites a target,
// sends a large (compressed) payload and reads it back, subscribes to status://system and waits for an update, and reads
// status://system and errors://recent. Prints one JSON line with what it saw. Usage: node agent-features.mjs URL
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node agent-features.mjs URL');
  process.exit(2);
}

const client = new Client({ name: 'mcpaspire-agent-features', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
const text = (result) => result.content?.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) {
    throw new Error(`${name} failed: ${text(result)}`);
  }
  return result.structuredContent;
}
const readJson = async (uri) => JSON.parse((await client.readResource({ uri })).contents[0].text);
const out = { protocolVersion: transport.protocolVersion };

await call('agents_register', { id: 'ts-admin', name: 'TS admin', capabilities: ['types:admin', 'rules:admin'] });
await call('agents_register', { id: 'ts-worker', name: 'TS worker', capabilities: ['work'] });
await call('agents_register', { id: 'ts-review', name: 'TS reviewer', capabilities: ['review'] });

// Message types: a payload that breaks the declared schema is a tool error naming the path and the rule.
await call('message_types_declare', {
  name: 'ts.task', from: 'ts-admin',
  schema: { type: 'object', required: ['priority'], properties: { priority: { type: 'integer', minimum: 1 } } },
});
const refused = await client.callTool({ name: 'messages_send', arguments: { to: 'ts-worker', type: 'ts.task', payload: { priority: 0 } } });
out.schemaRefused = { isError: refused.isError ?? false, text: text(refused) };
await call('messages_send', { to: 'ts-worker', type: 'ts.task', payload: { priority: 3 } });

// Routing rules: a rule rewrites the target capability; the send names it.
await call('routing_rules_add', { name: 'ts-done-to-review', action: 'any', from: 'ts-admin', type: 'ts.done', rewriteCapability: 'review' });
const routed = await call('messages_send', { capability: 'work', from: 'ts-worker', type: 'ts.done', payload: { ok: true } });
out.rule = routed.rule;
out.routedTo = routed.deliveries.map((d) => d.agentId);
out.rules = (await call('routing_rules_list', {})).rules.map((r) => ({ name: r.name, hits: r.hits }));

// Compression: a large payload comes back exactly as sent.
const large = { rows: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `row-${i}`, tags: ['alpha', 'beta', 'γ✓'] })) };
await call('messages_send', { to: 'ts-worker', type: 'bulk', payload: large });
const received = (await call('messages_receive', { agentId: 'ts-worker', maxMessages: 10 })).messages;
out.workerTypes = received.map((m) => m.type);
out.largeIntact = JSON.stringify(received.find((m) => m.type === 'bulk')?.payload) === JSON.stringify(large);

// System status: subscribe, cause a change, wait for the update notification.
const updated = new Promise((resolve) => {
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    if (n.params.uri === 'status://system') {
      resolve(n.params.uri);
    }
  });
});
await client.subscribeResource({ uri: 'status://system' });
await call('messages_send', { to: 'ts-review', type: 'ping', payload: 1 });
out.statusUpdate = await Promise.race([updated, new Promise((resolve) => setTimeout(() => resolve(null), 30000))]);
const status = await readJson('status://system');
out.status = { healthy: status.healthy, redisConnected: status.redis.connected, active: status.agents.active, queued: status.queues.total, compressed: status.messages.messagesCompressed, ruleHits: status.ruleHits };

// Errors: the refused send is in errors://recent and errors_list.
const recent = await readJson('errors://recent');
out.recentErrors = recent.errors.map((e) => ({ tool: e.tool, category: e.category, severity: e.severity, message: e.message }));
out.validationCount = (await call('errors_list', { category: 'validation' })).count;

await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
