// A real TypeScript SDK client (a 2025-era session) that lists every tool, prompt, resource and resource template of a
// server, checks every tool schema against the JSON Schema 2020-12 meta-schema, then calls, gets and reads what the
// plan says and prints one JSON line with each outcome. The listing itself is what IDE assistants do first: if the
// SDK rejects one tool's schema, nothing can be listed. Usage: node exercise-all.mjs URL PLAN_JSON
// PLAN: {"calls":[{"tool":"echo","args":{...}}],"prompts":[{"name":"p","args":{...}}],"resources":["uri"],"lastCalls":[...]}
// (lastCalls run after the prompts and reads, e.g. to unregister what they read.)
// An argument value "$handle" is replaced by the handle the last handles_create returned.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import Ajv2020 from 'ajv/dist/2020.js';

const [url, planJson] = process.argv.slice(2);
if (!url || !planJson) {
  console.error('usage: node exercise-all.mjs URL PLAN_JSON');
  process.exit(2);
}
const plan = JSON.parse(planJson);
const client = new Client({ name: 'mcpaspire-exercise-all', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);

const out = { protocolVersion: transport.protocolVersion, tools: [], invalidSchemas: [], calls: [], prompts: [], promptGets: [], resources: [], templates: [], reads: [] };
const ajv = new Ajv2020({ strict: false });
const tools = await client.listTools();
for (const tool of tools.tools) {
  out.tools.push(tool.name);
  for (const [kind, schema] of [['inputSchema', tool.inputSchema], ['outputSchema', tool.outputSchema]]) {
    if (schema !== undefined && !ajv.validateSchema(schema)) {
      out.invalidSchemas.push({ tool: tool.name, kind, errors: ajv.errorsText(ajv.errors) });
    }
  }
}
out.prompts = (await client.listPrompts()).prompts.map((p) => p.name);
out.resources = (await client.listResources()).resources.map((r) => r.uri);
out.templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);

let handle;
const substitute = (args) => JSON.parse(JSON.stringify(args ?? {}), (_, v) => (v === '$handle' ? handle : v));
async function callAll(calls) {
  for (const call of calls ?? []) {
    try {
      const result = await client.callTool({ name: call.tool, arguments: substitute(call.args) });
      if (call.tool.endsWith('handles_create') && result.structuredContent?.handle) {
        handle = result.structuredContent.handle;
      }
      out.calls.push({
        tool: call.tool,
        ok: true,
        isError: result.isError ?? false,
        structured: result.structuredContent !== undefined,
        text: result.content?.filter((c) => c.type === 'text').map((c) => c.text).join('\n'),
      });
    } catch (error) {
      out.calls.push({ tool: call.tool, ok: false, error: String(error?.message ?? error) });
    }
  }
}
await callAll(plan.calls);
for (const prompt of plan.prompts ?? []) {
  try {
    const result = await client.getPrompt({ name: prompt.name, arguments: prompt.args ?? {} });
    out.promptGets.push({ name: prompt.name, ok: true, messages: result.messages.length });
  } catch (error) {
    out.promptGets.push({ name: prompt.name, ok: false, error: String(error?.message ?? error) });
  }
}
for (const uri of [...out.resources, ...(plan.resources ?? [])]) {
  try {
    const result = await client.readResource({ uri });
    out.reads.push({ uri, ok: true, contents: result.contents.length });
  } catch (error) {
    out.reads.push({ uri, ok: false, error: String(error?.message ?? error) });
  }
}
await callAll(plan.lastCalls);
await transport.terminateSession();
await client.close();
console.log(JSON.stringify(out));
