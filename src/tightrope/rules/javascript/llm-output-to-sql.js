const { Pool } = require("pg");
const { ChatOpenAI } = require("@langchain/openai");

const pool = new Pool();
const model = new ChatOpenAI({ model: "gpt-4o-mini" });

async function textToSql(question) {
  const res = await model.invoke(`Write SQL for: ${question}`);
  const sql = res.content;
  // ruleid: js.llm-output-to-sql
  return (await pool.query(sql)).rows;
}

async function filtered(openai, question) {
  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const where = r.choices[0].message.content;
  // ruleid: js.llm-output-to-sql
  return pool.query(`SELECT * FROM orders WHERE ${where}`);
}

async function parameterized(openai, question) {
  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const city = r.choices[0].message.content.trim();
  // ok: js.llm-output-to-sql
  return pool.query("SELECT name FROM stores WHERE city = $1", [city]);
}

async function fixedQuery() {
  // ok: js.llm-output-to-sql
  return pool.query("SELECT count(*) FROM orders");
}
