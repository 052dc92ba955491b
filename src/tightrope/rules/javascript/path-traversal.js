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

app.get("/static/*", (req, res) => {
  const filePath = path.normalize(__dirname + "/public" + req.url.split("?")[0]);
  // ruleid: js.path-traversal
  res.sendfile(filePath);
});

app.get("/static-safe/*", (req, res) => {
  const root = path.join(__dirname, "public");
  const filePath = path.resolve(root, "." + req.path);
  if (!filePath.startsWith(root + path.sep)) {
    return res.status(403).end();
  }
  // ok: js.path-traversal
  fs.createReadStream(filePath).pipe(res);
});

function extract(zip, dest) {
  zip.on("entry", (entry) => {
    const target = path.join(dest, entry.path);
    // ruleid: js.path-traversal
    entry.pipe(fs.createWriteStream(target));
  });
}

function extractSafe(zip, dest) {
  zip.on("entry", (entry) => {
    const target = path.resolve(dest, entry.path);
    if (!target.startsWith(path.resolve(dest) + path.sep)) {
      entry.autodrain();
      return;
    }
    // ok: js.path-traversal
    entry.pipe(fs.createWriteStream(target));
  });
}
