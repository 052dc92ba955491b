const { exec, execFile } = require("child_process");
const childProcess = require("child_process");
const OpenAI = require("openai");
const Anthropic = require("@anthropic-ai/sdk");

const openai = new OpenAI();
const anthropic = new Anthropic();

async function runSuggestion(task) {
  const resp = await openai.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: task }],
  });
  const cmd = resp.choices[0].message.content.trim();
  // ruleid: js.llm-output-to-shell
  exec(cmd, (err, stdout) => console.log(stdout));
}

async function runClaude(task) {
  const msg = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: task }] });
  const text = msg.content[0].text;
  // ruleid: js.llm-output-to-shell
  return childProcess.execSync(`bash -c "${text}"`).toString();
}

const ALLOWED = { status: ["status"], log: ["log", "-5"] };

async function runAllowlisted(task) {
  const resp = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: task }] });
  const choice = resp.choices[0].message.content.trim();
  console.log("model chose", choice);
  // ok: js.llm-output-to-shell
  execFile("git", ALLOWED.status, (err, out) => console.log(out));
}

function notLlm() {
  const pattern = /([a-z]+)-(\d+)/;
  // ok: js.llm-output-to-shell
  return pattern.exec("abc-123");
}
