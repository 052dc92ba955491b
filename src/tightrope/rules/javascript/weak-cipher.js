const crypto = require("crypto");

function legacy(password, data) {
  // ruleid: js.weak-cipher
  const c = crypto.createCipher("aes-256-cbc", password);
  return c.update(data, "utf8", "hex") + c.final("hex");
}

function des(key, iv, data) {
  // ruleid: js.weak-cipher
  const c = crypto.createCipheriv("des-ede3-cbc", key, iv);
  return c.update(data);
}

function ecb(key, data) {
  // ruleid: js.weak-cipher
  return crypto.createCipheriv("aes-128-ecb", key, null).update(data);
}

function gcm(key, data) {
  const iv = crypto.randomBytes(12);
  // ok: js.weak-cipher
  const c = crypto.createCipheriv("aes-256-gcm", key, iv);
  // ok: js.weak-cipher
  const h = crypto.createHash("sha256");
  return [iv, c.update(data), c.final(), c.getAuthTag(), h];
}
