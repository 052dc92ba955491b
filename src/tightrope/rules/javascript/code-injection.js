const vm = require("vm");
const express = require("express");

const app = express();

app.post("/calc", (req, res) => {
  // ruleid: js.code-injection
  res.json({ result: eval(req.body.expression) });
});

function compileRule(rule) {
  // ruleid: js.code-injection
  return new Function("item", `return ${rule.condition};`);
}

function runPlugin(source) {
  // ruleid: js.code-injection
  return vm.runInNewContext(source, { console });
}

function schedule(name) {
  // ruleid: js.code-injection
  setTimeout("refresh('" + name + "')", 1000);
}

const OPS = { add: (a, b) => a + b, mul: (a, b) => a * b };

app.post("/calc-safe", (req, res) => {
  // ok: js.code-injection
  res.json({ result: OPS[req.body.op](req.body.a, req.body.b) });
});

function getGlobal() {
  // ok: js.code-injection
  return new Function("return this")();
}

function scheduleSafe(name) {
  // ok: js.code-injection
  setTimeout(() => refresh(name), 1000);
}
