import tempfile

# ruleid: py.predictable-tmp-path
with open("/tmp/report.csv", "w") as fh:
    fh.write("a,b\n")

# ruleid: py.predictable-tmp-path
LOCK = "/var/tmp/app.lock"


def dump(job_id, data):
    # ruleid: py.predictable-tmp-path
    with open("/tmp/job-" + job_id, "w") as fh:
        fh.write(data)


# ok: py.predictable-tmp-path
with tempfile.NamedTemporaryFile("w", suffix=".csv") as fh:
    fh.write("a,b\n")
# ok: py.predictable-tmp-path
with open("reports/out.csv", "w") as fh:
    fh.write("a,b\n")
