import DOMPurify from "dompurify";
import { marked } from "marked";

async function showAnswer(client, question) {
  const resp = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const answer = resp.choices[0].message.content;
  // ruleid: js.llm-output-to-html
  document.getElementById("answer").innerHTML = marked.parse(answer);
}

async function appendBubble(anthropic, q) {
  const msg = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 512, messages: [{ role: "user", content: q }] });
  // ruleid: js.llm-output-to-html
  document.querySelector("#chat").insertAdjacentHTML("beforeend", `<div class="bot">${msg.content[0].text}</div>`);
}

async function showAnswerSafe(client, question) {
  const resp = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const answer = resp.choices[0].message.content;
  // ok: js.llm-output-to-html
  document.getElementById("answer").innerHTML = DOMPurify.sanitize(marked.parse(answer));
}

async function showText(client, question) {
  const resp = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  // ok: js.llm-output-to-html
  document.getElementById("answer").textContent = resp.choices[0].message.content;
}
