const axios = require("axios");
const express = require("express");

const app = express();

app.get("/preview", async (req, res) => {
  // ruleid: js.ssrf
  const r = await fetch(req.query.url);
  res.send(await r.text());
});

app.post("/webhooks/test", async (req, res) => {
  const target = req.body.callbackUrl;
  // ruleid: js.ssrf
  const r = await axios.post(target, { ping: true });
  res.json(r.data);
});

app.get("/users/:id", async (req, res) => {
  // ok: js.ssrf
  const r = await fetch(`https://api.example.com/users/${encodeURIComponent(req.params.id)}`);
  res.json(await r.json());
});

app.get("/repos/:name", async (req, res) => {
  // ok: js.ssrf
  const r = await axios.get("https://api.github.com/repos/" + req.params.name);
  res.json(r.data);
});
