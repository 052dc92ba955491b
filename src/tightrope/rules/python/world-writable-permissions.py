import os
import stat
from pathlib import Path

# ruleid: py.world-writable-permissions
os.chmod("/srv/app/run.sh", 0o777)
# ruleid: py.world-writable-permissions
os.chmod("data.db", stat.S_IRUSR | stat.S_IWUSR | stat.S_IWOTH)
# ruleid: py.world-writable-permissions
Path("shared.cfg").chmod(0o666)

# ok: py.world-writable-permissions
os.chmod("/srv/app/run.sh", 0o755)
# ok: py.world-writable-permissions
os.chmod("secret.key", 0o600)


def remove_readonly(path):
    if os.name == "nt":
        # ok: py.world-writable-permissions
        os.chmod(path, 0o777)
    os.remove(path)


def publish(path):
    # ruleid: py.world-writable-permissions
    os.chmod(path, 0o666)
    print(path)
