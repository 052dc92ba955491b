const vm = require("vm");
const OpenAI = require("openai");

const openai = new OpenAI();

async function calculator(question) {
  const resp = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const expr = resp.choices[0].message.content;
  // ruleid: js.llm-output-to-eval
  return eval(expr);
}

async function makeFilter(chain, spec) {
  const body = (await chain.invoke({ spec })).content;
  // ruleid: js.llm-output-to-eval
  return new Function("row", body);
}

async function sandboxed(question) {
  const r = await openai.responses.create({ model: "gpt-4.1", input: question });
  // ruleid: js.llm-output-to-eval
  return vm.runInNewContext(r.output_text, {});
}

async function asData(question) {
  const resp = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  // ok: js.llm-output-to-eval
  return JSON.parse(resp.choices[0].message.content);
}

function later() {
  // ok: js.llm-output-to-eval
  setTimeout(() => console.log("tick"), 1000);
}
