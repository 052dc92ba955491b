const crypto = require("crypto");

function createSession(user) {
  // ruleid: js.insecure-random-secret
  const sessionToken = Math.random().toString(36).slice(2);
  return { user, sessionToken };
}

function generateResetCode() {
  // ruleid: js.insecure-random-secret
  return Math.floor(100000 + Math.random() * 900000).toString();
}

// ruleid: js.insecure-random-secret
const invite = { email: "a@example.com", inviteCode: Math.random().toString(16).substring(2) };

function createSessionSafe(user) {
  // ok: js.insecure-random-secret
  const sessionToken = crypto.randomBytes(32).toString("base64url");
  return { user, sessionToken };
}

function jitter(ms) {
  // ok: js.insecure-random-secret
  const delay = ms + Math.random() * 100;
  return delay;
}
