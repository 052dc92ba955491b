const express = require("express");
const errorhandler = require("errorhandler");

const app = express();

app.use((err, req, res, next) => {
  // ruleid: js.express-debug
  res.status(500).json({ message: err.message, stack: err.stack });
});

app.get("/report", async (req, res) => {
  try {
    res.json(await buildReport());
  } catch (error) {
    // ruleid: js.express-debug
    res.status(500).send(error.stack);
  }
});

// ruleid: js.express-debug
app.use(errorhandler());

if (process.env.NODE_ENV === "development") {
  // ok: js.express-debug
  app.use(errorhandler());
}

app.use((err, req, res, next) => {
  console.error(err);
  // ok: js.express-debug
  res.status(500).json({ error: "Internal error", id: req.id });
});
