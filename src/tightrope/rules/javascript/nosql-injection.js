const express = require("express");
const User = require("./models/user");
const app = express();
app.use(express.json());

app.post("/login", async (req, res) => {
  // ruleid: js.nosql-injection
  const user = await User.findOne({ email: req.body.email, password: req.body.password });
  res.json({ ok: !!user });
});

app.get("/search", async (req, res) => {
  const db = req.app.locals.db;
  // ruleid: js.nosql-injection
  const docs = await db.collection("items").find({ $where: "this.name == '" + req.query.name + "'" }).toArray();
  res.json(docs);
});

app.post("/login-safe", async (req, res) => {
  // ok: js.nosql-injection
  const user = await User.findOne({ email: String(req.body.email) });
  // ok: js.nosql-injection
  const names = ["a", "b"].find((n) => n === "a");
  res.json({ ok: !!user, names });
});
