const express = require("express");
const cors = require("cors");

const app = express();
// ruleid: js.cors-wildcard-credentials
app.use(cors({ origin: true, credentials: true }));

const api = express.Router();
// ruleid: js.cors-wildcard-credentials
api.use(cors({ credentials: true, origin: "*" }));

app.use((req, res, next) => {
  res.setHeader("Access-Control-Allow-Credentials", "true");
  // ruleid: js.cors-wildcard-credentials
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin);
  next();
});

const web = express();
// ok: js.cors-wildcard-credentials
web.use(cors({ origin: ["https://app.example.com"], credentials: true }));

const publicApi = express();
// ok: js.cors-wildcard-credentials
publicApi.use(cors({ origin: "*" }));
