const express = require("express");
const app = express();
const ALLOWED = ["/home", "/account"];

app.get("/login", (req, res) => {
  const next = req.query.next;
  // ruleid: js.open-redirect
  res.redirect(next);
});

app.get("/out", (req, res) => {
  // ruleid: js.open-redirect
  res.redirect(302, req.query.url);
});

app.get("/go", (req, res) => {
  const next = req.query.next;
  if (ALLOWED.includes(next)) {
    // ok: js.open-redirect
    res.redirect(next);
  }
});

app.get("/home", (req, res) => {
  // ok: js.open-redirect
  res.redirect("/dashboard");
});
