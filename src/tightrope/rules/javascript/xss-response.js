const express = require("express");
const escapeHtml = require("escape-html");
const app = express();

app.get("/hello", (req, res) => {
  const name = req.query.name;
  // ruleid: js.xss-response
  res.send(`<h1>Hello ${name}</h1>`);
});

app.get("/echo", (req, res) => {
  // ruleid: js.xss-response
  res.write("<p>" + req.body.msg + "</p>");
  res.end();
});

app.get("/hello-safe", (req, res) => {
  // ok: js.xss-response
  res.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);
});

app.get("/api", (req, res) => {
  // ok: js.xss-response
  res.json({ q: req.query.q });
});

app.get("/missing/:page", (req, res) => {
  // ruleid: js.xss-response
  res.status(404).send("<p>No page " + req.params.page + "</p>");
});

app.get("/missing-safe/:page", (req, res) => {
  // ok: js.xss-response
  res.status(404).send("<p>No page " + escapeHtml(req.params.page) + "</p>");
});
