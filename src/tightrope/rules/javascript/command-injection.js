const { exec, execSync, execFile, spawn } = require("child_process");
const express = require("express");

const app = express();

app.get("/ping", (req, res) => {
  // ruleid: js.command-injection
  exec(`ping -c 1 ${req.query.host}`, (err, stdout) => res.send(stdout));
});

function convert(file) {
  // ruleid: js.command-injection
  return execSync("convert " + file + " out.png").toString();
}

function archive(dir) {
  const cmd = `tar czf backup.tgz ${dir}`;
  // ruleid: js.command-injection
  exec(cmd);
}

function lsShell(dir) {
  // ruleid: js.command-injection
  return spawn(`ls -la ${dir}`, { shell: true });
}

app.get("/ping-safe", (req, res) => {
  // ok: js.command-injection
  execFile("ping", ["-c", "1", req.query.host], (err, stdout) => res.send(stdout));
});

function build() {
  // ok: js.command-injection
  execSync("npm run build", { stdio: "inherit" });
}

function matchVersion(text) {
  const re = /v(\d+)/;
  // ok: js.command-injection
  return re.exec("version " + text);
}
