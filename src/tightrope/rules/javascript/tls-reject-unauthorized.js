const https = require("https");
const fs = require("fs");
const axios = require("axios");

// ruleid: js.tls-reject-unauthorized
const agent = new https.Agent({ rejectUnauthorized: false });

// ruleid: js.tls-reject-unauthorized
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

async function fetchInternal(url) {
  return axios.get(url, {
    // ruleid: js.tls-reject-unauthorized
    httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: false }),
  });
}

// ok: js.tls-reject-unauthorized
const privateAgent = new https.Agent({ ca: fs.readFileSync("/etc/ssl/private-ca.pem") });

// ok: js.tls-reject-unauthorized
const strictAgent = new https.Agent({ rejectUnauthorized: true });
