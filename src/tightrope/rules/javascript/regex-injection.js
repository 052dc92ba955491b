const express = require("express");
const _ = require("lodash");
const app = express();
const words = ["alpha", "beta"];

app.get("/filter", (req, res) => {
  // ruleid: js.regex-injection
  const rx = new RegExp(req.query.pattern);
  res.json(words.filter((w) => rx.test(w)));
});

app.get("/find", (req, res) => {
  const term = req.query.term;
  // ruleid: js.regex-injection
  const rx = RegExp("^" + term, "i");
  // ok: js.regex-injection
  const safe = new RegExp("^" + _.escapeRegExp(term), "i");
  // ok: js.regex-injection
  const fixed = new RegExp("^[a-z]+$");
  res.json([rx, safe, fixed].map(String));
});
