import os
import tempfile

# ruleid: py.insecure-tempfile
path = tempfile.mktemp()
with open(path, "w") as fh:
    fh.write("data")

# ruleid: py.insecure-tempfile
other = tempfile.mktemp(suffix=".csv", dir="/var/tmp")

# ok: py.insecure-tempfile
fd, safe_path = tempfile.mkstemp()
os.close(fd)
# ok: py.insecure-tempfile
with tempfile.NamedTemporaryFile() as tmp:
    tmp.write(b"data")
