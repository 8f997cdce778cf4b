// Independent reference for tests/text/chat_template_reference_test.cpp: renders every
// conversation in <conversations.json> with every template listed there, using
// @huggingface/jinja (the renderer of huggingface.js / transformers.js), and prints JSON:
// [{template, conversation, ok, output | error}].
// Usage: node tests/text/render_reference.mjs tests/text/chat_conversations.json
import { Template } from "@huggingface/jinja";
import fs from "node:fs";
import path from "node:path";

const file = process.argv[2];
if (!file) {
  console.error("usage: node render_reference.mjs <conversations.json>");
  process.exit(2);
}
const table = JSON.parse(fs.readFileSync(file, "utf8"));
const dir = path.join(path.dirname(file), "templates");
const results = [];
for (const name of table.templates) {
  const source = fs.readFileSync(path.join(dir, name), "utf8");
  const template = new Template(source);
  for (const c of table.conversations) {
    try {
      const output = template.render({
        messages: c.messages,
        add_generation_prompt: c.add_generation_prompt,
        bos_token: table.bos_token,
        eos_token: table.eos_token,
        tools: c.tools,
      });
      results.push({ template: name, conversation: c.name, ok: true, output });
    } catch (e) {
      results.push({ template: name, conversation: c.name, ok: false, error: String(e && e.message) });
    }
  }
}
process.stdout.write(JSON.stringify(results));
