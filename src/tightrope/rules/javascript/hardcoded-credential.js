const { Client } = require("pg");

// ruleid: js.hardcoded-credential
const STRIPE_SECRET_KEY = "rk_live_51Habc93kdkd39dk2l";

// ruleid: js.hardcoded-credential
const db = new Client({ host: "db.internal", user: "app", password: "Tr0ub4dor&3x" });

// ruleid: js.hardcoded-credential
const clientSecret = "q8Vn2LwZ7rT4pK1s";

// ok: js.hardcoded-credential
const apiKey = process.env.API_KEY;

// ok: js.hardcoded-credential
const tokenUrl = "https://auth.example.com/oauth/token";

// ok: js.hardcoded-credential
const password = "your-password-here";
