const jwt = require("jsonwebtoken");
const express = require("express");

const app = express();

function requireUser(req, res, next) {
  const token = (req.headers.authorization || "").replace("Bearer ", "");
  // ruleid: js.jwt-no-verify
  const claims = jwt.decode(token);
  if (!claims) return res.status(401).end();
  req.user = claims;
  next();
}

app.get("/admin", (req, res) => {
  // ruleid: js.jwt-no-verify
  const payload = jwt.verify(req.cookies.session, process.env.JWT_KEY, { algorithms: ["HS256", "none"] });
  res.json(payload);
});

function requireUserSafe(req, res, next) {
  const token = (req.headers.authorization || "").replace("Bearer ", "");
  try {
    // ok: js.jwt-no-verify
    req.user = jwt.verify(token, process.env.JWT_KEY, { algorithms: ["HS256"] });
    next();
  } catch (e) {
    res.status(401).end();
  }
}

function displayExpiry(token) {
  // ok: js.jwt-no-verify
  const { exp } = jwt.decode(token);
  return new Date(exp * 1000).toLocaleString();
}
