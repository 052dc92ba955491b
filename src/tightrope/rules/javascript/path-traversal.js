const fs = require("fs");
const path = require("path");
const express = require("express");

const app = express();
const BASE = "/srv/files";

app.get("/download", (req, res) => {
  // ruleid: js.path-traversal
  res.sendFile(path.join(BASE, req.query.name));
});

app.get("/read", (req, res) => {
  const file = BASE + "/" + req.params.file;
  // ruleid: js.path-traversal
  fs.readFile(file, "utf8", (err, data) => res.send(data));
});

app.delete("/files/:name", async (req, res) => {
  // ruleid: js.path-traversal
  await fs.promises.unlink(path.join(BASE, req.params.name));
  res.status(204).end();
});

app.get("/download-safe", (req, res) => {
  // ok: js.path-traversal
  res.sendFile(req.query.name, { root: BASE });
});

app.get("/read-safe", (req, res) => {
  const file = path.join(BASE, path.basename(req.params.file));
  // ok: js.path-traversal
  fs.readFile(file, "utf8", (err, data) => res.send(data));
});
