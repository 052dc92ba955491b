import os
import shlex
import subprocess


def convert(filename):
    # ruleid: py.command-injection
    os.system(f"ffmpeg -i {filename} out.mp4")


def ping(host):
    # ruleid: py.command-injection
    return subprocess.check_output("ping -c 1 " + host, shell=True)


def archive(path):
    cmd = "tar czf backup.tgz %s" % path
    # ruleid: py.command-injection
    subprocess.run(cmd, shell=True, check=True)


def grep(pattern):
    # ruleid: py.command-injection
    return os.popen("grep -rn '{}' .".format(pattern)).read()


def convert_safe(filename):
    # ok: py.command-injection
    subprocess.run(["ffmpeg", "-i", filename, "out.mp4"], check=True)


def ping_quoted(host):
    # ok: py.command-injection
    return subprocess.check_output(f"ping -c 1 {shlex.quote(host)}", shell=True)


def static():
    # ok: py.command-injection
    os.system("make clean")


def run_in_shell(user_cmd, path):
    # ruleid: py.command-injection
    subprocess.run(["bash", "-c", "ls -l " + path], check=True)
    # ruleid: py.command-injection
    subprocess.check_output(["/bin/sh", "-c", f"du -sh {path}"])
    # ok: py.command-injection
    subprocess.run(["bash", "-c", "ls -l"], check=True)
    # ok: py.command-injection
    subprocess.run(["ls", "-l", path], check=True)
