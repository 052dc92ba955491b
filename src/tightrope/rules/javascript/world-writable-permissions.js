const fs = require("fs");

// ruleid: js.world-writable-permissions
fs.chmodSync("/srv/app/run.sh", 0o777);
// ruleid: js.world-writable-permissions
fs.chmod("shared.cfg", "666", () => {});

// ok: js.world-writable-permissions
fs.chmodSync("/srv/app/run.sh", 0o755);
// ok: js.world-writable-permissions
fs.chmod("secret.key", 0o600, () => {});
